// Portraits for the pages rendered on request (a web case study's contacts, the people list): as
// for card images (cards.json.ts), the build optimises them once and PersonCard uses the files
// instead of pointing at the /_image endpoint.
import { getImage } from 'astro:assets';
import { getPeople } from '../../lib/content';
import { PORTRAIT_CARD_WIDTHS, type CardImage } from '../../lib/card-images';
import { PORTRAIT_WIDTHS } from '../../lib/images';

async function optimise(src: ImageMetadata, widths: readonly number[]): Promise<CardImage> {
	const image = await getImage({ src, width: widths.at(-1), widths: [...widths], format: 'webp' });
	return {
		src: image.src,
		srcset: image.srcSet.attribute,
		width: Number(image.attributes.width),
		height: Number(image.attributes.height),
	};
}

export async function GET() {
	const people = (await getPeople()).filter((p) => p.data.photo);
	const entries = await Promise.all(
		// The same transforms as PersonCard's and the profile page's <Image>: each file is made once.
		people.map(async (person) => {
			const src = person.data.photo!.src;
			return [
				person.id,
				{
					card: await optimise(src, PORTRAIT_CARD_WIDTHS),
					profile: await optimise(src, PORTRAIT_WIDTHS),
				},
			] as const;
		}),
	);
	return new Response(JSON.stringify(Object.fromEntries(entries)), {
		headers: { 'Content-Type': 'application/json' },
	});
}
