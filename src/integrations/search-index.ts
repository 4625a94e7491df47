import { fileURLToPath } from 'node:url';
import path from 'node:path';
import type { AstroIntegration } from 'astro';
import { buildSearchIndex } from './pagefind';
import { precompressDirectory } from './precompress';

/**
 * After every build: index the case studies with Pagefind, then precompress the client files.
 * Part of the build so nobody has to remember a separate search step.
 */
export default function searchIndex(): AstroIntegration {
	let cacheDir: string | undefined;
	return {
		name: 'coaching-dealer:search-index',
		hooks: {
			'astro:config:done': ({ config }) => {
				cacheDir = path.join(fileURLToPath(config.cacheDir), 'precompress');
			},
			'astro:build:done': async ({ dir, logger }) => {
				const clientDir = fileURLToPath(dir);
				await buildSearchIndex({ dir: clientDir, logger: logger.fork('search-index') });
				const started = performance.now();
				const { compressed, cached } = await precompressDirectory(clientDir, cacheDir);
				logger
					.fork('precompress')
					.info(
						`${compressed} files compressed, ${cached} reused, in ${Math.round(performance.now() - started)} ms`,
					);
			},
		},
	};
}
