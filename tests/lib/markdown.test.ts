// Author text is typed in a browser by people we do not control: whatever they type, the page must
// get inert HTML. Output is parsed with a real HTML parser, as a browser would read it.
import type { Element, Root } from 'hast';
import rehypeParse from 'rehype-parse';
import { unified } from 'unified';
import { describe, expect, it } from 'vitest';
import {
	MAX_BODY_CHARS,
	MAX_INLINE_MARKS,
	MAX_INLINE_MARKS_PER_PARAGRAPH,
	MAX_LINES,
	checkAuthorMarkdown,
	renderAuthorMarkdown,
} from '../../src/lib/markdown';

const HOSTILE = {
	expression: '{process.exit()}',
	importStatement: "import fs from 'fs'",
	exportStatement: 'export const x = 1',
	script: '<script>alert(1)</script>',
	imgOnerror: '<img src=x onerror=alert(1)>',
	jsLink: '[x](javascript:alert(1))',
	mixedCaseJsLink: '[x](JaVaScRiPt:alert(1))',
	dataLink: '[x](data:text/html,<script>alert(1)</script>)',
	mdxComment: '{/* mdx comment */}',
	htmlComment: '<!-- html comment -->',
	unclosed: '<div><b>bold forever',
	iframe: '<iframe src="https://evil.example"></iframe>',
	style: '<style>body { display: none }</style>',
	svg: '<svg onload=alert(1)><circle r="1"/></svg>',
	entityJsLink: '[x](&#106;avascript:alert(1))',
	hexEntityJsLink: '[x](&#x6A;avascript&colon;alert(1))',
	autolinkJs: '<javascript:alert(1)>',
	markdownImage: '![a tracking pixel](https://tracker.example/p.gif)',
	referenceJsLink: '[x][evil]\n\n[evil]: javascript:alert(1)',
	tabbedJsLink: '[x](java\tscript:alert(1))',
	vbscriptLink: '[x](vbscript:msgbox(1))',
};

function parseHtml(html: string): Root {
	return unified().use(rehypeParse, { fragment: true }).parse(html);
}

function elements(tree: Root): Element[] {
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

/** What would make the page run or load something the author chose: empty when inert. */
function activeContent(html: string): string[] {
	const problems: string[] = [];
	for (const el of elements(parseHtml(html))) {
		if (
			['script', 'iframe', 'style', 'svg', 'img', 'object', 'embed', 'math'].includes(el.tagName)
		) {
			problems.push(`<${el.tagName}>`);
		}
		for (const [name, value] of Object.entries(el.properties)) {
			if (/^on/i.test(name)) problems.push(`${el.tagName}[${name}]`);
			if (name === 'href' || name === 'src' || name === 'cite') {
				const url = String(value);
				if (!/^(https?:\/\/|mailto:|\/|#|\.{0,2}\/|[^:]*$)/i.test(url)) {
					problems.push(`${el.tagName}[${name}=${url}]`);
				}
			}
		}
	}
	return problems;
}

describe('renderAuthorMarkdown', () => {
	it.each(Object.entries(HOSTILE))('renders %s inert', (_name, source) => {
		const { html } = renderAuthorMarkdown(`Before.\n\n${source}\n\nAfter.`);
		expect(activeContent(html)).toEqual([]);
		const attributes = elements(parseHtml(html)).flatMap((el) => Object.values(el.properties));
		expect(attributes.filter((v) => /javascript|vbscript|data:/i.test(String(v)))).toEqual([]);
		// The text around it survives: a hostile line does not swallow the rest of the body.
		expect(html).toContain('After.');
	});

	it('renders every hostile body at once inert', () => {
		const { html } = renderAuthorMarkdown(Object.values(HOSTILE).join('\n\n'));
		expect(activeContent(html)).toEqual([]);
	});

	it('shows MDX-looking text as the text the author typed', () => {
		const tree = parseHtml(
			renderAuthorMarkdown("{process.exit()}\n\nimport fs from 'fs'\n\n{/* mdx comment */}").html,
		);
		const texts = elements(tree)
			.filter((el) => el.tagName === 'p')
			.map((p) => p.children.map((c) => (c.type === 'text' ? c.value : '')).join(''));
		expect(texts).toEqual(['{process.exit()}', "import fs from 'fs'", '{/* mdx comment */}']);
	});

	it('keeps a Markdown image as its description, never as an image', () => {
		const { html } = renderAuthorMarkdown('![The team at the launch](https://example.com/a.jpg)');
		expect(html).toBe('<p id="b-1">The team at the launch</p>');
	});

	it('renders GFM tables, strikethrough and autolinks', () => {
		const { html } = renderAuthorMarkdown(
			'| KPI | Q1 |\n| --- | --- |\n| Leads | 12 |\n\n~~old~~ new, see https://example.com',
		);
		expect(html).toContain('<th>KPI</th>');
		expect(html).toContain('<td>12</td>');
		expect(html).toContain('<del>old</del>');
		expect(html).toContain(
			'<a href="https://example.com" rel="noopener noreferrer">https://example.com</a>',
		);
	});

	it('marks external links noopener noreferrer and leaves site and mail links alone', () => {
		const { html } = renderAuthorMarkdown(
			'[ext](https://example.com) [site](/case-studies/) [mail](mailto:a@example.com) [pr](//evil.example)',
		);
		const links = elements(parseHtml(html)).filter((el) => el.tagName === 'a');
		expect(links.map((a) => [a.properties.href, a.properties.rel ?? null])).toEqual([
			['https://example.com', ['noopener', 'noreferrer']],
			['/case-studies/', null],
			['mailto:a@example.com', null],
			['//evil.example', ['noopener', 'noreferrer']],
		]);
	});

	it('shifts headings so the highest is an h2 (the page has the h1)', () => {
		expect(renderAuthorMarkdown('# Plan\n\n## Steps\n\n#### Detail').html).toBe(
			'<h2 id="b-1">Plan</h2>\n<h3 id="b-2">Steps</h3>\n<h5 id="b-3">Detail</h5>',
		);
		expect(renderAuthorMarkdown('### Only a small heading').html).toBe(
			'<h2 id="b-1">Only a small heading</h2>',
		);
	});

	it('anchors every top-level block, in order, for review comments', () => {
		const { html, anchors } = renderAuthorMarkdown(
			'## Why\n\nBecause.\n\n- one\n- two\n\n1. first\n\n> said\n\n| a |\n| - |\n| 1 |',
		);
		expect(anchors).toEqual(['b-1', 'b-2', 'b-3', 'b-4', 'b-5', 'b-6']);
		const top = parseHtml(html).children.filter((c): c is Element => c.type === 'element');
		expect(top.map((el) => [el.tagName, el.properties.id])).toEqual([
			['h2', 'b-1'],
			['p', 'b-2'],
			['ul', 'b-3'],
			['ol', 'b-4'],
			['blockquote', 'b-5'],
			['table', 'b-6'],
		]);
	});

	it('gives the same anchors to the same text (they are stored with review comments)', () => {
		const source = 'One.\n\nTwo.\n\n## Three';
		expect(renderAuthorMarkdown(source)).toEqual(renderAuthorMarkdown(source));
	});

	it('keeps ids unique when a page has several text blocks', () => {
		const first = renderAuthorMarkdown('A[^1].\n\n[^1]: Note.', { idPrefix: 'b-1-' });
		const second = renderAuthorMarkdown('B[^1].\n\n[^1]: Note.', { idPrefix: 'b-2-' });
		const ids = (html: string) =>
			elements(parseHtml(html)).flatMap((el) =>
				el.properties.id ? [String(el.properties.id)] : [],
			);
		const all = [...ids(first.html), ...ids(second.html)];
		expect(new Set(all).size).toBe(all.length);
		expect(first.anchors).toEqual(['b-1-1']);
		// The footnote link still reaches its note.
		expect(first.html).toContain('href="#b-1-fn-1"');
		expect(ids(first.html)).toContain('b-1-fn-1');
	});

	it('renders a long ordinary body quickly', () => {
		const source =
			'Our dealers **called** every _lead_ within [an hour](https://example.com).\n\n'.repeat(
				1_200,
			);
		expect(checkAuthorMarkdown(source)).toBeNull();
		const start = performance.now();
		const { anchors } = renderAuthorMarkdown(source);
		// About 0.7 s alone on the 2-core test machine; the bound allows for the suite running beside it.
		expect(performance.now() - start).toBeLessThan(5_000);
		expect(anchors).toHaveLength(1_200);
	});

	// The parser is quadratic in closed quotes per parse: 100 kB of them took 25 s before long texts
	// were parsed in sections. The bound is loose because the test machine is shared.
	it('renders as many short quotes as a text may hold without hanging', () => {
		const source = '> A quote.\n\n'.repeat(MAX_LINES / 2 - 1);
		expect(checkAuthorMarkdown(source)).toBeNull();
		const start = performance.now();
		const { html, anchors } = renderAuthorMarkdown(source);
		expect(performance.now() - start).toBeLessThan(5_000);
		expect(anchors).toHaveLength(MAX_LINES / 2 - 1);
		expect(html.match(/<blockquote/g)).toHaveLength(MAX_LINES / 2 - 1);
	});

	it('renders a long tight list, in parts but every item, without hanging', () => {
		const source = Array.from({ length: MAX_LINES - 1 }, (_, i) => `- Item ${i + 1}`).join('\n');
		const start = performance.now();
		const { html } = renderAuthorMarkdown(source);
		expect(performance.now() - start).toBeLessThan(5_000);
		expect(html.match(/<li>/g)).toHaveLength(MAX_LINES - 1);
		expect(html).toContain('<li>Item 3999</li>');
	});

	it.each([
		['emphasis marks in one paragraph', '*a'.repeat(MAX_INLINE_MARKS_PER_PARAGRAPH + 1)],
		[
			'link brackets in a text',
			`${'[a](b) '.repeat(100)}\n\n`.repeat(Math.ceil(MAX_INLINE_MARKS / 200) + 1),
		],
		['nested quotes', `${'> '.repeat(30)}deep`],
		['lines', 'a\n'.repeat(MAX_LINES)],
	])('refuses text with too many %s, and still renders it inert and fast', (_what, source) => {
		expect(source.length).toBeLessThanOrEqual(MAX_BODY_CHARS);
		expect(checkAuthorMarkdown(source)).toBe('too-complex');
		const start = performance.now();
		const { html } = renderAuthorMarkdown(`${source}\n\n<script>alert(1)</script>`);
		expect(performance.now() - start).toBeLessThan(500);
		expect(activeContent(html)).toEqual([]);
		expect(html).toContain('&#60;script&#62;alert(1)&#60;/script&#62;');
	});

	it('renders 1 MB in under 2 s, whole and inert, even though callers refuse it', () => {
		const source = `${'<script>alert(1)</script> > [x](javascript:alert(1)) *a'.repeat(18_200)}\n\nThe end.`;
		expect(source.length).toBeGreaterThan(1_000_000);
		const start = performance.now();
		const { html } = renderAuthorMarkdown(source);
		expect(performance.now() - start).toBeLessThan(2_000);
		expect(activeContent(html)).toEqual([]);
		// Not truncated: the last words are there.
		expect(html).toContain('The end.');
	});
});

describe('renderAuthorMarkdown on request', () => {
	it('serves a body it has rendered before at once, and an edited body fresh', () => {
		const source = 'We called **every** lead within [an hour](https://example.com).\n\n'.repeat(
			1_000,
		);
		const first = renderAuthorMarkdown(source);
		const start = performance.now();
		const again = renderAuthorMarkdown(source);
		expect(performance.now() - start).toBeLessThan(50);
		expect(again).toEqual(first);
		const edited = renderAuthorMarkdown(`${source}A new last paragraph.`);
		expect(edited.html).toContain('A new last paragraph.');
		expect(edited.anchors).toHaveLength(1_001);
	});
});

describe('checkAuthorMarkdown', () => {
	it('accepts text up to the limit and refuses longer text', () => {
		expect(checkAuthorMarkdown('a'.repeat(MAX_BODY_CHARS))).toBeNull();
		// A long, richly formatted study: bold, a link and a list in every section.
		const section = `## Step\n\nWe **called** every lead within [an hour](https://example.com), ${'and logged the answer in the CRM, '.repeat(8)}then _followed up_.\n\n- one\n- two\n\n`;
		const study = section.repeat(Math.floor(MAX_BODY_CHARS / section.length));
		expect(study.length).toBeGreaterThan(MAX_BODY_CHARS * 0.9);
		expect(checkAuthorMarkdown(study)).toBeNull();
		expect(checkAuthorMarkdown('a'.repeat(MAX_BODY_CHARS + 1))).toBe('too-long');
	});
});
