// The HTML publication stores (renderSubmissionTexts, src/lib/submission-text.ts) makes the same
// body as a render on request, in each page language, and the body shows what is stored rather
// than rendering again.
import { experimental_AstroContainer as AstroContainer } from 'astro/container';
import { describe, expect, it } from 'vitest';
import SubmissionBody from '../../src/components/submissions/SubmissionBody.astro';
import { parseBlocks } from '../../src/lib/schemas/blocks';
import { renderSubmissionTexts, type RenderedTexts } from '../../src/lib/submission-text';

const BODY = [
	{ type: 'text', markdown: '# Plan\n\nCall every lead.[^1]\n\n[^1]: From the desk’s log.' },
	{ type: 'results' },
	{ type: 'quote', text: 'We called within the hour.', author: 'Ana Ruiz', role: '' },
	{
		type: 'callout',
		kind: 'warning',
		markdown: 'Book **early**. <script>alert(2)</script> [x](javascript:alert(1))',
	},
	{
		type: 'text',
		markdown: '| a | b |\n| - | - |\n| 1 | 2 |\n\n> quoted <img src=x onerror=alert(1)>',
	},
];
const RESULTS = [
	{ label: 'Test drives per month', unit: 'count', before: 120, after: 210, period: 'Q1 2025' },
];

async function render(path: string, rendered?: RenderedTexts): Promise<string> {
	const parsed = parseBlocks(BODY);
	if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
	const container = await AstroContainer.create();
	return container.renderToString(SubmissionBody, {
		props: { blocks: parsed.blocks, media: {}, results: RESULTS, rendered },
		request: new Request(`http://localhost${path}`),
	});
}

describe('SubmissionBody from the HTML stored at publication', () => {
	const stored = renderSubmissionTexts(BODY, ['en', 'fr']);

	it('is the same page as a render on request, in each language', async () => {
		expect(Object.keys(stored.en!)).toEqual(['b-1', 'b-4', 'b-5']);
		for (const [lang, path] of [
			['en', '/case-studies/web-1/'],
			['fr', '/fr/case-studies/web-1/'],
		] as const) {
			const fromStore = await render(path, stored[lang]);
			expect(fromStore).toBe(await render(path));
			expect(fromStore).not.toMatch(/<script>alert|onerror|javascript:/);
		}
		// The footnotes' heading differs by language, so each language has its own copy.
		expect(stored.en!['b-1']).not.toBe(stored.fr!['b-1']);
		expect(stored.en!['b-4']).toBe(stored.fr!['b-4']);
	});

	it('shows the stored HTML instead of rendering the text again', async () => {
		const html = await render('/case-studies/web-1/', {
			...stored.en,
			'b-5': '<p>only-in-the-stored-copy</p>',
		});
		expect(html).toContain('only-in-the-stored-copy');
		expect(html).not.toContain('id="b-5-1"');
	});
});
