// Card images for the pages rendered on request. On those pages astro:assets would point at the
// /_image endpoint, which runs sharp on every request; this prerendered manifest lists the files the
// build already optimised, and StudyCard uses them instead.
import { getImage } from 'astro:assets';
import { getCaseStudies } from '../../lib/content';
import { CARD_WIDTHS, type CardImage } from '../../lib/card-images';

export async function GET() {
	const studies = await getCaseStudies();
	const entries = await Promise.all(
		studies.map(async (study): Promise<[string, CardImage]> => {
			// The same transform as StudyCard's <Image>, so the build makes each file once.
			const image = await getImage({
				src: study.data.cover.src,
				width: CARD_WIDTHS.at(-1),
				widths: [...CARD_WIDTHS],
				format: 'webp',
			});
			return [
				study.id,
				{
					src: image.src,
					srcset: image.srcSet.attribute,
					width: Number(image.attributes.width),
					height: Number(image.attributes.height),
				},
			];
		}),
	);
	return new Response(JSON.stringify(Object.fromEntries(entries)), {
		headers: { 'Content-Type': 'application/json' },
	});
}
