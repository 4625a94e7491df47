import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AstroIntegration } from 'astro';
import { DEFAULT_LANG, LANGS } from '../lib/taxonomy';

/**
 * Astro writes only the root `/404` page as `404.html`; `src/pages/fr/404.astro` comes out as
 * `fr/404/index.html`. This moves it to `fr/404.html`, next to the English one, where the server
 * picks it for unknown paths under `/fr/`. Runs before indexing and precompression.
 */
export default function localized404(): AstroIntegration {
	return {
		name: 'coaching-dealer:localized-404',
		hooks: {
			'astro:build:done': ({ dir, logger }) => {
				const clientDir = fileURLToPath(dir);
				for (const lang of LANGS) {
					if (lang === DEFAULT_LANG) continue;
					const built = path.join(clientDir, lang, '404', 'index.html');
					if (!fs.existsSync(built)) {
						throw new Error(`${built} is missing: src/pages/${lang}/404.astro must exist`);
					}
					fs.renameSync(built, path.join(clientDir, lang, '404.html'));
					fs.rmdirSync(path.dirname(built));
					logger.info(`${lang}/404.html written`);
				}
			},
		},
	};
}
