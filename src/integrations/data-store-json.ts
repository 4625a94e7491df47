import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AstroIntegration } from 'astro';

// Astro's virtual module of the content data store, as Astro loads it in a build.
const DATA_STORE_MODULE = '\0astro:data-layer-content';

/**
 * Astro turns its content data store (`<cacheDir>/data-store.json`, a devalue array with one item
 * per value) into a JavaScript array literal for the server build: at 10,000 case studies that is
 * an 11 MB module of about a million literals, which Rollup parses and analyses node by node, and
 * every server process parses again. This loads the same value as one JSON string instead:
 * `JSON.parse` gives the very array Astro's runtime unflattens, and a string literal is one node.
 */
export default function dataStoreJson(): AstroIntegration {
	let dataStoreFile = '';
	return {
		name: 'coaching-dealer:data-store-json',
		hooks: {
			'astro:config:done': ({ config }) => {
				dataStoreFile = path.join(fileURLToPath(config.cacheDir), 'data-store.json');
			},
			'astro:build:setup': ({ vite }) => {
				vite.plugins ??= [];
				vite.plugins.unshift({
					name: 'coaching-dealer:data-store-json',
					enforce: 'pre',
					load(id) {
						// Without the file Astro's own plugin answers (an empty store).
						if (id !== DATA_STORE_MODULE || !fs.existsSync(dataStoreFile)) return;
						const json = fs.readFileSync(dataStoreFile, 'utf8');
						// Parsed here too, so a broken file fails the build as Astro's loader would.
						JSON.parse(json);
						return { code: `export default JSON.parse(${JSON.stringify(json)});`, map: null };
					},
				});
			},
		},
	};
}
