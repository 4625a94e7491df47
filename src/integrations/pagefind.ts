import path from 'node:path';
import * as pagefind from 'pagefind';

/** What the search index build reports, for the bench and the logs. */
export interface SearchIndexStats {
	pages: number;
	ms: number;
	outputPath: string;
}

interface Logger {
	info(message: string): void;
	error(message: string): void;
}

function assertPagefindResponse(step: string, response: { errors: string[] }, logger: Logger) {
	if (response.errors.length === 0) return;
	for (const e of response.errors) logger.error(`${step}: ${e}`);
	throw new Error(`Pagefind ${step} failed: ${response.errors.join('; ')}`);
}

/**
 * Indexes the built case-study pages of `dir` with the Pagefind Node API and writes `dir/pagefind/`.
 * Only English-UI case study pages carry `data-pagefind-body`, and one index serves both content
 * languages (a `lang` filter tells them apart), so `forceLanguage` keeps Pagefind from splitting it.
 */
export async function buildSearchIndex({
	dir,
	logger,
	glob = 'case-studies/**/*.html',
}: {
	dir: string;
	logger: Logger;
	glob?: string;
}): Promise<SearchIndexStats> {
	const started = performance.now();
	try {
		const created = await pagefind.createIndex({ forceLanguage: 'en' });
		assertPagefindResponse('createIndex', created, logger);
		const index = created.index!;
		const added = await index.addDirectory({ path: dir, glob });
		assertPagefindResponse('addDirectory', added, logger);
		const outputPath = path.join(dir, 'pagefind');
		const written = await index.writeFiles({ outputPath });
		assertPagefindResponse('writeFiles', written, logger);
		const ms = Math.round(performance.now() - started);
		logger.info(`indexed ${added.page_count} pages in ${ms} ms`);
		return { pages: added.page_count, ms, outputPath };
	} catch (error) {
		throw new Error('Building the search index failed', { cause: error });
	} finally {
		await pagefind.close();
	}
}
