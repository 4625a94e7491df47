import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { getContentDir } from '../lib/config';
import type { AstroIntegration } from 'astro';
import type { SynonymGroups } from '../lib/search-synonyms';
import { buildSearchIndex, loadSynonyms, readShardPages } from './pagefind';
import { precompressDirectory } from './precompress';

/**
 * After every build: index the case studies with Pagefind, with the synonyms of
 * `<CONTENT_DIR>/search/synonyms.txt` (in shards of SEARCH_SHARD_PAGES pages when there are more),
 * then precompress the client files.
 * Part of the build so nobody has to remember a separate search step.
 */
export default function searchIndex(): AstroIntegration {
	let cacheDir: string | undefined;
	let synonyms: SynonymGroups = [];
	let shardPages: number | undefined;
	return {
		name: 'coaching-dealer:search-index',
		hooks: {
			'astro:config:done': ({ config }) => {
				cacheDir = path.join(fileURLToPath(config.cacheDir), 'precompress');
				// Read before the pages are built, so a mistake in the file stops the build at once.
				const contentDir = getContentDir();
				synonyms = loadSynonyms(path.resolve(contentDir, 'search', 'synonyms.txt'));
				shardPages = readShardPages();
			},
			'astro:build:done': async ({ dir, logger }) => {
				const clientDir = fileURLToPath(dir);
				await buildSearchIndex({
					dir: clientDir,
					logger: logger.fork('search-index'),
					synonyms,
					shardPages,
				});
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
