// A glob loader for MDX collections that renders the entries written in plain Markdown once, at
// content sync, and keeps their HTML in Astro's cache dir, the way Astro caches `.md` entries.
//
// Why: every MDX entry is a module of its own in Vite's server build. At 1000 case studies that
// compile is most of the build (~25 s) and it is redone for every entry on every build; at a few
// thousand the module graph alone exhausts a 1 GiB heap. Most studies use no MDX at all (no
// import, no component, no expression), and for those the Markdown pipeline gives the same HTML.
// The data store keeps an entry until its file's digest changes, so a rebuild renders only the
// studies that changed. Entries that do use MDX stay MDX modules, exactly as with `glob()`.
import fs from 'node:fs/promises';
import path from 'node:path';
import { glob } from 'astro/loaders';
import type { Loader, LoaderContext } from 'astro/loaders';
import remarkGfm from 'remark-gfm';
import remarkMdx from 'remark-mdx';
import remarkParse from 'remark-parse';
import { unified } from 'unified';
import { renderedMarkdownDir } from '../integrations/rendered-markdown';

type GlobOptions = Parameters<typeof glob>[0];
type StoredEntry = Parameters<LoaderContext['store']['set']>[0];

const RENDER_CONCURRENCY = 4;

const parseMarkdown = unified().use(remarkParse).use(remarkGfm);
const parseMdx = unified().use(remarkParse).use(remarkMdx).use(remarkGfm);

/** mdast without source positions, for comparing two parses of one text. */
function stripPositions(tree: unknown): string {
	return JSON.stringify(tree, (key, value) => (key === 'position' ? undefined : value));
}

// What MDX reads differently from Markdown can only start with one of these: ESM (import/export
// at a line start), JSX, HTML and autolinks (`<`), expressions (`{`, `}`), indented code (four
// spaces or a tab), and images, which MDX turns into components.
const MAYBE_MDX = /[<{}\t]| {4}|^(?:import|export)\b|!\[/m;

/**
 * Whether an MDX body is plain Markdown that the Markdown pipeline renders as MDX would: it parses
 * as MDX to the very same tree as it does as Markdown (so no ESM, JSX or expression, and none of
 * what MDX reads differently: HTML, indented code, autolinks), and has no image (MDX turns those
 * into `<Image>` components, Markdown into optimised `<img>`: another HTML).
 */
export function isPlainMarkdown(body: string): boolean {
	// Parsing twice costs ~50 ms a study; text without any of these characters cannot differ.
	if (!MAYBE_MDX.test(body)) return true;
	let mdx: string;
	try {
		mdx = stripPositions(parseMdx.parse(body));
	} catch {
		// Invalid MDX stays MDX: its compile reports the error as before.
		return false;
	}
	const markdown = stripPositions(parseMarkdown.parse(body));
	if (/"type":"(image|imageReference|html)"/.test(markdown)) return false;
	return markdown === mdx;
}

/** The name of the file holding the HTML of an entry with this digest. */
export function renderedFileName(digest: string | number): string {
	return `${digest}.html`;
}

/**
 * `glob()` for an MDX collection, except that entries whose body is plain Markdown are rendered at
 * content sync into `<cacheDir>/rendered-markdown/<collection>/<digest>.html` and stored without
 * body or module (src/lib/content.ts reads the HTML for the page).
 */
export function globMarkdownMdx(options: GlobOptions): Loader {
	const inner = glob(options);
	return {
		name: 'coaching-dealer:glob-markdown-mdx',
		load: async (context) => {
			const { store, logger } = context;
			const dir = renderedMarkdownDir(context.config.cacheDir, context.collection);
			await fs.mkdir(dir, { recursive: true });
			const files = new Set(await fs.readdir(dir));
			// Forgotten, so that glob() reads them again: entries stored as MDX modules (by an older
			// build or by glob()) whose body is plain Markdown, and entries whose HTML is gone.
			for (const entry of store.values()) {
				const stale = entry.deferredRender
					? entry.body !== undefined && isPlainMarkdown(entry.body)
					: !entry.digest || !files.has(renderedFileName(entry.digest));
				if (stale) store.delete(entry.id);
			}
			const pending = new Set<Promise<void>>();
			let rendered = 0;
			const renderAndStore = async (entry: StoredEntry) => {
				const { body, deferredRender: _, ...rest } = entry;
				const { html } = await context.renderMarkdown(body ?? '');
				const file = path.join(dir, renderedFileName(entry.digest!));
				// Written whole or not at all: a build stopped half-way must not leave half a page.
				await fs.writeFile(`${file}.${process.pid}.tmp`, html);
				await fs.rename(`${file}.${process.pid}.tmp`, file);
				store.set(rest);
				rendered++;
			};
			const wrappedStore: typeof store = Object.create(store);
			wrappedStore.set = (entry) => {
				if (
					!entry.deferredRender ||
					!entry.digest ||
					entry.body === undefined ||
					!isPlainMarkdown(entry.body)
				)
					return store.set(entry);
				// glob() stores synchronously; rendering is not. load() waits for these below; in
				// dev, a file watcher's change finishes on its own. A few at a time: thousands of
				// renders started at once would all hold their syntax trees together.
				queue.push(entry);
				while (running < RENDER_CONCURRENCY && queue.length) startNext();
				return true;
			};
			const queue: StoredEntry[] = [];
			let running = 0;
			const startNext = () => {
				const entry = queue.shift()!;
				running++;
				const job = renderAndStore(entry)
					.catch((error) => {
						// Left to MDX, whose compile reports the problem where it always did.
						logger.warn(`${entry.filePath ?? entry.id}: ${error.message}; kept as MDX`);
						store.set(entry);
					})
					.finally(() => {
						running--;
						pending.delete(job);
						if (queue.length) startNext();
					});
				pending.add(job);
			};
			await inner.load({ ...context, store: wrappedStore });
			while (pending.size) await Promise.all(pending);
			// HTML of older versions of edited or removed entries.
			const used = new Set(
				[...store.values()].flatMap((e) =>
					!e.deferredRender && e.digest ? [renderedFileName(e.digest)] : [],
				),
			);
			for (const name of await fs.readdir(dir)) {
				if (!used.has(name) && !name.endsWith('.tmp'))
					await fs.rm(path.join(dir, name), { force: true });
			}
			if (rendered) logger.info(`rendered ${rendered} Markdown entries (the others unchanged)`);
		},
	};
}
