// Portraits for the pages rendered on request (a web case study's contacts, the people list): as
// for card images (cards.json.ts), the build optimises them once and PersonCard uses the files
// instead of pointing at the /_image endpoint.
import { getImage } from 'astro:assets';
import { getPeople } from '../../lib/content';
import { PORTRAIT_CARD_WIDTHS, type CardImage } from '../../lib/card-images';

export async function GET() {
	const people = (await getPeople()).filter((p) => p.data.photo);
	const entries = await Promise.all(
		people.map(async (person): Promise<[string, CardImage]> => {
			// The same transform as PersonCard's <Image>, so the build makes each file once.
			const image = await getImage({
				src: person.data.photo!.src,
				width: PORTRAIT_CARD_WIDTHS.at(-1),
				widths: [...PORTRAIT_CARD_WIDTHS],
				format: 'webp',
			});
			return [
				person.id,
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
