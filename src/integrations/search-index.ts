import { fileURLToPath } from 'node:url';
import type { AstroIntegration } from 'astro';
import { buildSearchIndex } from './pagefind';
import { precompressDirectory } from './precompress';

/**
 * After every build: index the case studies with Pagefind, then precompress the client files.
 * Part of the build so nobody has to remember a separate search step.
 */
export default function searchIndex(): AstroIntegration {
	return {
		name: 'coaching-dealer:search-index',
		hooks: {
			'astro:build:done': async ({ dir, logger }) => {
				const clientDir = fileURLToPath(dir);
				await buildSearchIndex({ dir: clientDir, logger: logger.fork('search-index') });
				const started = performance.now();
				const n = await precompressDirectory(clientDir);
				logger.fork('precompress').info(`${n} files in ${Math.round(performance.now() - started)} ms`);
			},
		},
	};
}
