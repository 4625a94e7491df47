// @ts-check
import { defineConfig } from 'astro/config';
import mdx from '@astrojs/mdx';
import node from '@astrojs/node';
import searchIndex from './src/integrations/search-index.ts';
import reusePages from './src/integrations/reuse-pages.ts';
import localized404 from './src/integrations/localized-404.ts';
import lazyImageAssets from './src/integrations/lazy-image-assets.ts';
import renderedMarkdown from './src/integrations/rendered-markdown.ts';
import authorMarkdownVersion from './src/integrations/author-markdown-version.ts';
import dataStoreJson from './src/integrations/data-store-json.ts';

// No absolute link comes from `site`: feeds and mails are built on request from PORTAL_URL, and
// printed pages show the address from the browser. It only gives Astro.url an origin while building.
const site = process.env.SITE_URL ?? 'http://localhost:4321';

export default defineConfig({
	site,
	output: 'static',
	trailingSlash: 'ignore',
	adapter: node({ mode: 'middleware' }),
	// The node adapter would otherwise turn on Astro sessions with a filesystem driver; the members'
	// layer keeps its own sessions table.
	session: { driver: 'memory' },
	// localized404 runs first: it moves fr/404 into place before indexing and precompression;
	// reusePages links the unchanged study pages of the previous release in before them too.
	integrations: [
		mdx(),
		renderedMarkdown(),
		authorMarkdownVersion(),
		dataStoreJson(),
		lazyImageAssets(),
		localized404(),
		reusePages(),
		searchIndex(),
	],
	// Keep scripts as files so the CSP can forbid inline scripts.
	vite: { build: { assetsInlineLimit: 0 } },
	build: { format: 'directory' },
	image: { responsiveStyles: false },
	// server/app.ts checks Origin on every state-changing request, forms and JSON alike, against the
	// Host the request came to; Astro's own check would need every host name listed in advance.
	security: { checkOrigin: false },
	outDir: process.env.ASTRO_OUT_DIR ?? './dist',
	cacheDir: process.env.ASTRO_CACHE_DIR ?? './node_modules/.astro',
	devToolbar: { enabled: false },
});
