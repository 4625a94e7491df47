// Author text of web submissions. It is typed in a browser by people we do not control, so it is
// Markdown through a sanitising pipeline and nothing else: never compiled as MDX, never run. Raw HTML
// is dropped by remark-rehype (allowDangerousHtml: false) before rehype-sanitize even sees the tree,
// and the sanitiser is GitHub's schema made stricter still (no images, http/https/mailto links only).
// No Astro imports: the form's preview and the server pages both call this.
import type { Element, ElementContent, Root as HastRoot } from 'hast';
import type { Root as MdastRoot } from 'mdast';
import rehypeSanitize, { defaultSchema, type Options as SanitizeSchema } from 'rehype-sanitize';
import rehypeStringify from 'rehype-stringify';
import remarkGfm from 'remark-gfm';
import remarkParse from 'remark-parse';
import remarkRehype from 'remark-rehype';
import { unified } from 'unified';

/** Longest author text the forms accept, in characters (UTF-16 code units, as `String#length`). */
export const MAX_BODY_CHARS = 100_000;

export type AuthorMarkdownProblem = 'too-long' | 'too-complex';

/**
 * Most emphasis and link marks (`*`, `_`, `~`, `[`, `]`) a paragraph may hold, and a whole text: far
 * beyond what people write, but the parser's time grows with them, quadratically within a
 * paragraph (100 kB of `*a` took 100 s), and pages render on request.
 */
export const MAX_INLINE_MARKS_PER_PARAGRAPH = 1_000;
export const MAX_INLINE_MARKS = 12_000;
/**
 * Most lines a text may have: each line can open a block, and 100 kB of one-line quotes or list
 * items takes seconds to parse. Paragraphs typed in a browser are one line each, so real texts stay
 * far below (100 kB of them is about 1,000 lines).
 */
export const MAX_LINES = 4_000;
/** Deepest nesting of quotes and lists, as the characters before a line's text (`> > - `…). */
export const MAX_NESTING_CHARS = 40;

export interface RenderedMarkdown {
	/** Sanitised HTML, safe for `set:html`. */
	html: string;
	/** The ids given to the top-level blocks, in document order, for anchoring review comments. */
	anchors: string[];
}

export interface RenderAuthorMarkdownOptions {
	/**
	 * Prefix of the block ids (default `b-`). A page with several text blocks gives each its own
	 * prefix, since ids must be unique in the page.
	 */
	idPrefix?: string;
	/** Accessible heading of the footnotes section, in the reader's language (default "Footnotes"). */
	footnoteLabel?: string;
	/** Accessible name of a footnote's "back to the text" link (default "Back to reference 1"). */
	footnoteBackLabel?: string;
}

/**
 * Why author text cannot be accepted, or null when it can: `too-long` over MAX_BODY_CHARS,
 * `too-complex` when its markup would take the parser seconds (see MAX_INLINE_MARKS). Forms refuse
 * on a code; the renderer never truncates, so what is stored is what was reviewed.
 * @example checkAuthorMarkdown('a'.repeat(100_001)) // 'too-long'
 */
export function checkAuthorMarkdown(source: string): AuthorMarkdownProblem | null {
	if (source.length > MAX_BODY_CHARS) return 'too-long';
	let lines = 1;
	let marks = 0;
	let paragraphMarks = 0;
	let lineBlank = true;
	for (let i = 0; i < source.length; i++) {
		const c = source.charCodeAt(i);
		if (c === 10) {
			if (++lines > MAX_LINES) return 'too-complex';
			// A blank line ends a paragraph.
			if (lineBlank) paragraphMarks = 0;
			lineBlank = true;
		} else if (c !== 32 && c !== 9 && c !== 13) {
			lineBlank = false;
		}
		// * _ ~ [ ]
		if (c === 42 || c === 95 || c === 126 || c === 91 || c === 93) {
			marks++;
			paragraphMarks++;
			if (paragraphMarks > MAX_INLINE_MARKS_PER_PARAGRAPH) return 'too-complex';
		}
	}
	if (marks > MAX_INLINE_MARKS) return 'too-complex';
	// Only the start of each line matters; the pattern cannot backtrack past MAX_NESTING_CHARS.
	const deep = new RegExp(`^[ \\t>*+\\-]{${MAX_NESTING_CHARS + 1}}`, 'm');
	if (deep.test(source)) return 'too-complex';
	return null;
}

// Elements that carry a review anchor: what a reader sees as one paragraph-like block.
const ANCHORED = new Set([
	'p',
	'h2',
	'h3',
	'h4',
	'h5',
	'h6',
	'ul',
	'ol',
	'blockquote',
	'table',
	'pre',
]);

// GitHub's schema minus what author text must not bring in. Images come from gallery blocks, where
// they are processed and have alt text checked; a Markdown image would hotlink anything.
const FORBIDDEN_TAGS = new Set(['img', 'picture', 'source', 'video', 'audio', 'iframe']);
const schema: SanitizeSchema = {
	...defaultSchema,
	tagNames: (defaultSchema.tagNames ?? []).filter((tag) => !FORBIDDEN_TAGS.has(tag)),
	strip: [...(defaultSchema.strip ?? []), 'style', 'iframe', 'svg', 'math', 'template'],
	protocols: {
		href: ['http', 'https', 'mailto'],
		cite: ['http', 'https'],
	},
	// Raw HTML never reaches the tree, so the only ids are the footnote ids remark-rehype writes,
	// already prefixed; prefixing again in the sanitiser would break the footnote links.
	clobberPrefix: '',
};

/**
 * Renders author Markdown (GFM: tables, strikethrough, autolinks, task lists, footnotes) to
 * sanitised HTML. Headings are shifted so the highest is an h2 (the page owns the h1), and every
 * top-level block gets an id `b-1`, `b-2`… Callers refuse text with `checkAuthorMarkdown` first;
 * text it refuses that reaches this anyway is shown whole as plain paragraphs, so the cost stays
 * bounded whatever is stored.
 * @example renderAuthorMarkdown('# Plan\n\nCall every lead.').html
 * // '<h2 id="b-1">Plan</h2>\n<p id="b-2">Call every lead.</p>'
 */
export function renderAuthorMarkdown(
	source: string,
	options: RenderAuthorMarkdownOptions = {},
): RenderedMarkdown {
	// Pages render on request, and a long body costs the parser up to seconds: the same text with
	// the same options is rendered once. Keyed on the text itself, so an edit is never served stale.
	const key = JSON.stringify([
		options.idPrefix,
		options.footnoteLabel,
		options.footnoteBackLabel,
		source,
	]);
	const cached = cache.get(key);
	if (cached) {
		// Re-inserted so the most recently read bodies are the last evicted.
		cache.delete(key);
		cache.set(key, cached);
		return { html: cached.html, anchors: [...cached.anchors] };
	}
	const rendered = renderUncached(source, options);
	cache.set(key, rendered);
	cachedChars += key.length + rendered.html.length;
	for (const [oldKey, old] of cache) {
		if (cachedChars <= CACHE_CHARS) break;
		cache.delete(oldKey);
		cachedChars -= oldKey.length + old.html.length;
	}
	return { html: rendered.html, anchors: [...rendered.anchors] };
}

// About 20 MB of UTF-16 at most: dozens of long bodies, hundreds of ordinary ones.
const CACHE_CHARS = 10_000_000;
const cache = new Map<string, RenderedMarkdown>();
let cachedChars = 0;

function renderUncached(source: string, options: RenderAuthorMarkdownOptions): RenderedMarkdown {
	const idPrefix = options.idPrefix ?? 'b-';
	const anchors: string[] = [];
	if (checkAuthorMarkdown(source)) return renderPlainText(source, idPrefix);
	const tree: MdastRoot = { type: 'root', children: [] };
	for (const section of splitIntoSections(source)) {
		tree.children.push(...parser.parse(section).children);
	}
	const processor = unified()
		.use(remarkShiftHeadings)
		.use(remarkImagesToText)
		.use(remarkRehype, {
			allowDangerousHtml: false,
			// Footnote ids are scoped to this block so two text blocks on one page do not collide.
			clobberPrefix: idPrefix,
			footnoteLabel: options.footnoteLabel,
			footnoteBackLabel: options.footnoteBackLabel,
		})
		.use(rehypeSanitize, schema)
		.use(rehypeFinishBlocks, { idPrefix, anchors })
		.use(rehypeStringify);
	const html = processor.stringify(processor.runSync(tree) as HastRoot);
	return { html, anchors };
}

/**
 * Text callers should have refused (too long, too complex) is shown whole but unformatted: the
 * Markdown parser's cost grows faster than linearly on some inputs, and a page must not hang on one.
 */
function renderPlainText(source: string, idPrefix: string): RenderedMarkdown {
	const anchors: string[] = [];
	const paragraphs = source
		.split(/\r?\n[ \t]*\r?\n/)
		.map((p) => p.trim())
		.filter(Boolean)
		.map((p) => {
			const id = `${idPrefix}${anchors.length + 1}`;
			anchors.push(id);
			return `<p id="${id}">${escapeHtml(p)}</p>`;
		});
	return { html: paragraphs.join('\n'), anchors };
}

function escapeHtml(text: string): string {
	return text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

const parser = unified().use(remarkParse).use(remarkGfm);

// micromark rewrites its whole event list each time a block quote or list closes, so a long text of
// many short quotes costs quadratic time (100 kB of `> a` paragraphs: tens of seconds). Long texts
// are therefore parsed in sections of about this many characters, cut only where a new top-level
// block starts. The cost: a reference-style link or footnote whose definition is in another section
// stays literal text, which only texts longer than this can meet.
const SECTION_CHARS = 4_000;
const LIST_ITEM = /^([-*+]|\d{1,9}[.)])[ \t]+\S/;

/**
 * Cuts Markdown before top-level blocks that start after a blank line, at column 0, outside fenced
 * code, or between two items of a top-level list. A long list may so be cut in two: two adjacent
 * lists read the same, and an ordered list's second part keeps the author's numbers (it starts at
 * the number typed).
 */
function splitIntoSections(source: string): string[] {
	if (source.length <= SECTION_CHARS) return [source];
	const lines = source.split('\n');
	const sections: string[] = [];
	let start = 0;
	let length = 0;
	let fence: { char: string; size: number } | null = null;
	for (let i = 0; i < lines.length; i++) {
		const line = lines[i]!;
		const marker = /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1];
		if (fence) {
			if (marker && marker[0] === fence.char && marker.length >= fence.size) fence = null;
		} else {
			if (
				length >= SECTION_CHARS &&
				/^\S/.test(line) &&
				(lines[i - 1]?.trim() === '' ||
					// Between two items of a top-level tight list: one long list is as slow as many quotes.
					(LIST_ITEM.test(line) && LIST_ITEM.test(lines[i - 1] ?? '')))
			) {
				sections.push(lines.slice(start, i).join('\n'));
				start = i;
				length = 0;
			}
			// A backtick fence's info string cannot hold a backtick; such a line is inline code.
			if (
				marker &&
				!(marker[0] === '`' && line.slice(line.indexOf(marker) + marker.length).includes('`'))
			) {
				fence = { char: marker[0]!, size: marker.length };
			}
		}
		length += line.length + 1;
	}
	sections.push(lines.slice(start).join('\n'));
	return sections;
}

/** Shifts every heading by the same amount so the highest one is an h2, keeping their relative order. */
function remarkShiftHeadings() {
	return (tree: MdastRoot) => {
		const headings: { depth: number }[] = [];
		collect(tree, (node) => {
			if (node.type === 'heading') headings.push(node as unknown as { depth: number });
		});
		if (!headings.length) return;
		const shift = 2 - Math.min(...headings.map((h) => h.depth));
		for (const heading of headings) {
			heading.depth = Math.min(6, Math.max(2, heading.depth + shift));
		}
	};
}

/**
 * Markdown images become their alt text: photos belong in gallery blocks (processed, alt checked),
 * and a hotlinked image would let any server see who reads the page. The description still reads.
 */
function remarkImagesToText() {
	return (tree: MdastRoot) => {
		collect(tree, (node) => {
			const parent = node as { children?: { type: string; alt?: string | null }[] };
			if (!Array.isArray(parent.children)) return;
			parent.children = parent.children.flatMap((child) =>
				child.type === 'image' || child.type === 'imageReference'
					? child.alt
						? [{ type: 'text', value: child.alt }]
						: []
					: [child],
			);
		});
	};
}

/** Anchors the top-level blocks and marks external links; runs after the sanitiser, on its output. */
function rehypeFinishBlocks(settings: { idPrefix: string; anchors: string[] }) {
	return (tree: HastRoot) => {
		// A paragraph left empty (it held only raw HTML, or an image without alt) is not a block.
		tree.children = tree.children.filter((c) => !(c.type === 'element' && isBlank(c)));
		let n = 0;
		for (const child of tree.children) {
			if (child.type === 'element' && ANCHORED.has(child.tagName)) {
				const id = `${settings.idPrefix}${++n}`;
				child.properties.id = id;
				settings.anchors.push(id);
			}
		}
		const footnoteLabel = `${settings.idPrefix}footnote-label`;
		collect(tree, (node) => {
			const el = node as Element;
			if (el.type !== 'element') return;
			// remark-rehype names the footnotes heading `footnote-label` whatever the prefix: scope it too.
			if (el.properties.id === 'footnote-label') el.properties.id = footnoteLabel;
			if (Array.isArray(el.properties.ariaDescribedBy)) {
				el.properties.ariaDescribedBy = el.properties.ariaDescribedBy.map((v) =>
					v === 'footnote-label' ? footnoteLabel : v,
				);
			}
			if (el.tagName !== 'a') return;
			const href = el.properties.href;
			// Absolute and protocol-relative URLs leave the portal: the target page gets no opener and no referrer.
			if (typeof href === 'string' && /^(https?:)?\/\//i.test(href)) {
				el.properties.rel = ['noopener', 'noreferrer'];
			}
		});
	};
}

function isBlank(el: Element): boolean {
	return el.tagName === 'p' && el.children.every((c) => c.type === 'text' && c.value.trim() === '');
}

// An explicit stack rather than recursion: a hostile body can nest lists or quotes thousands deep.
function collect(tree: { children?: unknown[] }, visit: (node: { type: string }) => void): void {
	const stack: { type: string; children?: unknown[] }[] = [tree as { type: string }];
	while (stack.length) {
		const node = stack.pop()!;
		visit(node);
		if (Array.isArray(node.children)) {
			for (let i = node.children.length - 1; i >= 0; i--) {
				stack.push(node.children[i] as { type: string; children?: ElementContent[] });
			}
		}
	}
}
