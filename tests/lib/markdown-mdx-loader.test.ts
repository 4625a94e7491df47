import { describe, expect, it } from 'vitest';
import { isPlainMarkdown } from '../../src/lib/markdown-mdx-loader';

describe('isPlainMarkdown', () => {
	it('accepts Markdown that MDX and Markdown read alike', () => {
		expect(isPlainMarkdown('## Results\n\nSales went *up* by **12 %**.\n\n- one\n- two\n')).toBe(
			true,
		);
		expect(
			isPlainMarkdown('| a | b |\n| - | - |\n| 1 | 2 |\n\n[a link](https://example.com)\n'),
		).toBe(true);
		// Nested list indentation goes through the full comparison, and reads the same in both.
		expect(isPlainMarkdown('- one\n    - nested\n- two\n')).toBe(true);
	});

	it('leaves everything MDX reads differently to MDX', () => {
		expect(isPlainMarkdown("import cover from './cover.jpg';\n\nText.\n")).toBe(false);
		expect(isPlainMarkdown('Text.\n\n<Video src="/a.mp4" />\n')).toBe(false);
		expect(isPlainMarkdown('Total: {1 + 1}\n')).toBe(false);
		expect(isPlainMarkdown('{/* a comment */}\n')).toBe(false);
		expect(isPlainMarkdown('<div>html</div>\n')).toBe(false);
		// Indented code in Markdown, a paragraph in MDX.
		expect(isPlainMarkdown('Intro.\n\n    code\n')).toBe(false);
		// An autolink in Markdown, an error in MDX.
		expect(isPlainMarkdown('See <https://example.com>.\n')).toBe(false);
		// MDX makes images components; Markdown, optimised <img>.
		expect(isPlainMarkdown('![A showroom](./showroom.jpg)\n')).toBe(false);
	});

	it('leaves invalid MDX to MDX, whose compile reports it', () => {
		expect(isPlainMarkdown('An unclosed <Callout> tag\n')).toBe(false);
		expect(isPlainMarkdown('A stray { brace\n')).toBe(false);
	});
});
