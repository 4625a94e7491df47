// A web submission's body rendered by Astro itself (Container API), as the on-request page does:
// hostile author text must come out inert, processed media must reach the page as they are, and a
// missing upload must leave a notice rather than a broken page.
import { experimental_AstroContainer as AstroContainer } from 'astro/container';
import type { Element, Root } from 'hast';
import rehypeParse from 'rehype-parse';
import { unified } from 'unified';
import { beforeAll, describe, expect, it } from 'vitest';
import SubmissionBody from '../../src/components/submissions/SubmissionBody.astro';
import { parseBlocks } from '../../src/lib/schemas/blocks';
import type { ReadyImage } from '../../src/lib/ready-image';

function readyImage(name: string): ReadyImage {
	return {
		src: `/media/${name}-1200.webp`,
		srcset: `/media/${name}-360.webp 360w, /media/${name}-720.webp 720w, /media/${name}-1200.webp 1200w`,
		width: 1200,
		height: 800,
	};
}

const MEDIA = {
	'photo-1': { image: readyImage('photo-1') },
	'photo-2': { image: readyImage('photo-2') },
	clip: { video: { mp4: '/media/clip.mp4', poster: readyImage('clip-poster') } },
	'clip-en': { vtt: '/media/clip.en.vtt' },
	'clip-fr': { vtt: '/media/clip.fr.vtt' },
};

const HOSTILE_TEXT = [
	'# Our launch',
	'{process.exit()}',
	"import fs from 'fs'",
	'<script>alert(1)</script>',
	'<img src=x onerror=alert(1)>',
	'[x](javascript:alert(1)) [y](JaVaScRiPt:alert(1)) [z](&#106;avascript:alert(1))',
	'<iframe src="https://evil.example"></iframe>',
	'<svg onload=alert(1)></svg>',
	'<style>body{display:none}</style>',
	'<div><b>never closed',
	'Read [the guide](https://example.com/guide).',
].join('\n\n');

const BODY = [
	{ type: 'text', markdown: HOSTILE_TEXT },
	{
		type: 'gallery',
		photos: [
			{ media: 'photo-1', alt: 'The showroom on launch day', caption: 'Launch day' },
			{ media: 'photo-2', alt: 'A test drive' },
		],
	},
	{
		type: 'video',
		media: 'clip',
		title: 'The launch in two minutes',
		captions: [
			{ media: 'clip-en', srclang: 'en', label: 'English' },
			{ media: 'clip-fr', srclang: 'fr', label: 'Français' },
		],
	},
	{ type: 'results' },
	{
		type: 'quote',
		text: 'We called every lead <b>within</b> the hour.',
		author: 'Ana Ruiz',
		role: 'Sales lead',
	},
	{
		type: 'callout',
		kind: 'warning',
		markdown: 'Book the demo cars **early**. <script>alert(2)</script>',
	},
];

const RESULTS = [
	{ label: 'Test drives per month', unit: 'count', before: 120, after: 210, period: 'Q1 2025' },
];

async function render(
	body: unknown,
	media: object,
	path = '/case-studies/web-1/',
): Promise<string> {
	const parsed = parseBlocks(body);
	if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
	const container = await AstroContainer.create();
	return container.renderToString(SubmissionBody, {
		props: { blocks: parsed.blocks, media, results: RESULTS },
		request: new Request(`http://localhost${path}`),
	});
}

function elements(html: string): Element[] {
	return descendants(unified().use(rehypeParse, { fragment: true }).parse(html));
}

function descendants(tree: Root | Element): Element[] {
	const found: Element[] = [];
	const stack: (Root | Element)[] = [tree];
	while (stack.length) {
		const node = stack.pop()!;
		if (node.type === 'element') found.push(node);
		for (const child of [...node.children].reverse()) {
			if (child.type === 'element') stack.push(child);
		}
	}
	return found;
}

describe('SubmissionBody', () => {
	let html: string;
	let els: Element[];
	beforeAll(async () => {
		html = await render(BODY, MEDIA);
		els = elements(html);
	});

	it('renders hostile author text inert', () => {
		// The components' own decorative icons are <svg>; none may come from the author's text.
		const fromAuthor = [1, 6].flatMap((n) =>
			descendants(els.find((el) => el.properties.id === `b-${n}`)!),
		);
		expect(
			fromAuthor
				.filter((el) => el.properties.id !== 'b-6')
				.filter((el) => ['script', 'iframe', 'style', 'svg', 'img'].includes(el.tagName))
				// The callout's decorative icon is the component's own.
				.filter((el) => !(el.tagName === 'svg' && el.properties.ariaHidden === 'true')),
		).toEqual([]);
		// The only scripts are the components' own modules (gallery lightbox, video facade).
		const scripts = els.filter((el) => el.tagName === 'script' || el.tagName === 'iframe');
		expect(scripts.map((el) => el.children.length)).toEqual(scripts.map(() => 0));
		for (const script of scripts) {
			expect(String(script.properties.src)).toMatch(/\/components\/mdx\/(Gallery|Video)\.astro\?/);
		}
		for (const el of els) {
			for (const [name, value] of Object.entries(el.properties)) {
				expect(name, `${el.tagName}[${name}]`).not.toMatch(/^on/i);
				if (name === 'href' || name === 'src')
					expect(String(value)).toMatch(/^(https?:\/\/|mailto:|\/|#)/);
			}
		}
		expect(html).toContain('<p id="b-1-2">{process.exit()}</p>');
		expect(html).toContain('<h2 id="b-1-1">Our launch</h2>');
		expect(html).toContain(
			'<a href="https://example.com/guide" rel="noopener noreferrer">the guide</a>',
		);
	});

	it('renders the gallery from the processed images, srcset and size included', () => {
		const thumbs = els.filter((el) => el.tagName === 'img' && el.properties.srcSet);
		expect(thumbs.map((img) => [img.properties.src, img.properties.alt])).toEqual([
			['/media/photo-1-1200.webp', 'The showroom on launch day'],
			['/media/photo-2-1200.webp', 'A test drive'],
		]);
		expect(html).toContain(
			'srcset="/media/photo-1-360.webp 360w, /media/photo-1-720.webp 720w, /media/photo-1-1200.webp 1200w"',
		);
		expect(thumbs[0]!.properties).toMatchObject({ width: 1200, height: 800 });
		// Without JavaScript each thumbnail links to the large photo.
		const links = els.filter((el) => el.tagName === 'a' && 'dataCdGalleryLink' in el.properties);
		expect(links.map((a) => a.properties.href)).toEqual([
			'/media/photo-1-1200.webp',
			'/media/photo-2-1200.webp',
		]);
		expect(html).toContain('Launch day</figcaption>');
	});

	it('renders the video with its poster and a caption track per language', () => {
		const video = els.find((el) => el.tagName === 'video')!;
		expect(video.properties).toMatchObject({
			poster: '/media/clip-poster-1200.webp',
			ariaLabel: 'The launch in two minutes',
			width: 1200,
			height: 800,
		});
		const source = els.find((el) => el.tagName === 'source')!;
		expect(source.properties).toMatchObject({ src: '/media/clip.mp4', type: 'video/mp4' });
		const tracks = els.filter((el) => el.tagName === 'track');
		expect(tracks.map((t) => [t.properties.src, t.properties.srcLang, t.properties.label])).toEqual(
			[
				['/media/clip.en.vtt', 'en', 'English'],
				['/media/clip.fr.vtt', 'fr', 'Français'],
			],
		);
		// On an English page the English track is the default one.
		expect(tracks[0]!.properties.default).toBe(true);
	});

	it('renders the results table, the quote and the callout', () => {
		expect(html).toContain('Test drives per month');
		expect(html).toMatch(/<caption[^>]*>\s*Results\s*<\/caption>/);
		// The quote's markup is text, not HTML.
		expect(html).toContain('We called every lead &lt;b&gt;within&lt;/b&gt; the hour.');
		expect(html).toMatch(/Ana Ruiz/);
		expect(html).toMatch(/Sales lead/);
		expect(html).toMatch(/<span[^>]*>Watch out<\/span>/);
		expect(html).toContain('Book the demo cars <strong>early</strong>.');
	});

	it('anchors every block for review comments', () => {
		const ids = els.flatMap((el) =>
			typeof el.properties.id === 'string' ? [el.properties.id] : [],
		);
		expect(ids).toEqual(expect.arrayContaining(['b-1', 'b-2', 'b-3', 'b-4', 'b-5', 'b-6']));
		expect(new Set(ids).size).toBe(ids.length);
	});

	it('shows a notice for media that are missing or still processing, in the page language', async () => {
		const partial = await render(
			BODY,
			{ 'photo-1': MEDIA['photo-1'], 'clip-en': MEDIA['clip-en'] },
			'/fr/case-studies/web-1/',
		);
		expect(partial).toContain('1 photo de cette galerie n’est plus disponible.');
		expect(partial).toContain('Cette vidéo n’est pas encore disponible');
		expect(partial).toContain('/media/photo-1-1200.webp');
		expect(partial).not.toContain('/media/photo-2-1200.webp');

		const none = await render(BODY, {});
		expect(none).toContain('This gallery’s photos are not available any more.');
		expect(none).not.toContain('<video');
	});
});
