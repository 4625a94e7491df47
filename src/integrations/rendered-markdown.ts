import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AstroIntegration } from 'astro';

/**
 * Where src/lib/markdown-mdx-loader.ts keeps the HTML of a collection's plain-Markdown entries: in
 * Astro's cache dir, beside the data store that remembers which entries are rendered. Not in the
 * data store itself: Astro turns the store into one JavaScript module that the server build parses
 * and every server process loads, and the HTML would make it six times larger.
 */
export function renderedMarkdownDir(cacheDir: URL, collection: string): string {
	return path.join(fileURLToPath(cacheDir), 'rendered-markdown', collection);
}

/** Tells pages (src/lib/content.ts) where the loader wrote the HTML, as a build-time constant. */
export default function renderedMarkdown(): AstroIntegration {
	return {
		name: 'coaching-dealer:rendered-markdown',
		hooks: {
			'astro:config:setup': ({ config, updateConfig }) => {
				const root = path.dirname(renderedMarkdownDir(config.cacheDir, 'x'));
				updateConfig({ vite: { define: { __RENDERED_MARKDOWN_DIR__: JSON.stringify(root) } } });
			},
		},
	};
}
