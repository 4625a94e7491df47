// MDX authors type props by hand: accepting ready images for web submissions must not change what
// an author sees when a prop is wrong.
import { experimental_AstroContainer as AstroContainer } from 'astro/container';
import { describe, expect, it } from 'vitest';
import Gallery from '../../src/components/mdx/Gallery.astro';
import Video from '../../src/components/mdx/Video.astro';

async function renderError(component: unknown, props: Record<string, unknown>): Promise<string> {
	const container = await AstroContainer.create();
	try {
		await container.renderToString(component as Parameters<typeof container.renderToString>[0], {
			props,
		});
	} catch (error) {
		return (error as Error).message;
	}
	throw new Error('rendered without an error');
}

describe('MDX component props', () => {
	it('still tells an author that a gallery photo must be an imported image, not a path', async () => {
		expect(
			await renderError(Gallery, { photos: [{ src: './event-1.jpg', alt: 'The team' }] }),
		).toBe(
			"Gallery: invalid props — `photos[0].src`: must be an imported image (`import photo1 from './event-1.jpg';` at the top of the MDX file), not a path string",
		);
	});

	it('still asks for alt text on every photo', async () => {
		const message = await renderError(Gallery, {
			photos: [
				{ src: { src: '/a.jpg', srcset: '/a.jpg 360w', width: 360, height: 240 }, alt: ' ' },
			],
		});
		expect(message).toBe(
			'Gallery: invalid props — `photos[0].alt`: the photo has an empty `alt`: describe what it shows',
		);
	});

	it('refuses a ready image whose URL is not a site path or http(s)', async () => {
		const message = await renderError(Gallery, {
			photos: [{ src: { src: 'javascript:alert(1)', srcset: '', width: 1, height: 1 }, alt: 'x' }],
		});
		expect(message).toBe(
			'Gallery: invalid props — `photos[0].src.src`: must be a site path or an http(s) URL; `photos[0].src.srcset`: must list site paths or http(s) URLs with their widths',
		);
	});

	it('still tells an author a poster must be an imported image', async () => {
		expect(
			await renderError(Video, { title: 'Clip', youtube: 'dQw4w9WgXcQ', poster: 'p.jpg' }),
		).toBe(
			"Video: invalid props — `poster`: must be an imported image (`import photo1 from './event-1.jpg';` at the top of the MDX file), not a path string",
		);
	});
});
