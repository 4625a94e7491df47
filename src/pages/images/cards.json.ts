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
			const src = study.data.cover.src;
			const [webp, fallback] = await Promise.all([
				getImage({ src, widths: [...CARD_WIDTHS], format: 'webp' }),
				getImage({ src, widths: [...CARD_WIDTHS], format: src.format === 'png' ? 'png' : 'jpg' }),
			]);
			return [
				study.id,
				{ webpSrcset: webp.srcSet.attribute, src: fallback.src, srcset: fallback.srcSet.attribute, width: src.width, height: src.height },
			];
		}),
	);
	return new Response(JSON.stringify(Object.fromEntries(entries)), { headers: { 'Content-Type': 'application/json' } });
}
