import fs from 'node:fs';
import path from 'node:path';
import * as pagefind from 'pagefind';
import { buildVocabulary } from '../lib/search-query';
import { parseSynonyms, synonymsFor, type SynonymGroups } from '../lib/search-synonyms';

/** What the search index build reports, for the bench and the logs. */
export interface SearchIndexStats {
	pages: number;
	ms: number;
	outputPath: string;
	/** Pages indexed with synonyms added. */
	expanded: number;
	/** Words in the "did you mean" vocabulary. */
	words: number;
	/** Indexes written, each by a Pagefind process of its own (1: one index, as before shards). */
	shards: number;
}

interface Logger {
	info(message: string): void;
	error(message: string): void;
}

/** The "did you mean" vocabulary, next to the index (served and gated like it). */
export const VOCABULARY_FILE = 'cd-vocabulary.json';
/** The URLs of the shards the search page merges into the primary index, in merge order. */
export const SHARDS_FILE = 'cd-shards.json';
/**
 * Pages per shard unless SEARCH_SHARD_PAGES says otherwise: Pagefind's process grows by about
 * 0.27 GB per 1000 pages while it writes, so 2000 keep it at 0.6–0.75 GB beside the build's own
 * Node (measured at 10,000 pages: scripts/bench-search-shards.ts).
 */
export const DEFAULT_SHARD_PAGES = 2000;
/** Enough for every distinct word of a few thousand case studies; the rarest go first. */
const MAX_VOCABULARY = 20_000;
/** Below the body's 1: a page that says "SUV" ranks above one found through a synonym. */
const SYNONYM_WEIGHT = '0.5';
/** What a merged shard needs; pagefind.js, the WASM and the UI files come from the primary. */
const SHARD_FILES = /^(pagefind-entry\.json|.*\.pf_meta|index|filter|fragment)$/;

function assertPagefindResponse(step: string, response: { errors: string[] }, logger: Logger) {
	if (response.errors.length === 0) return;
	for (const e of response.errors) logger.error(`${step}: ${e}`);
	throw new Error(`Pagefind ${step} failed: ${response.errors.join('; ')}`);
}

/**
 * The synonym groups of `file`, or none when it does not exist. Throws a SynonymsError naming the
 * file and line of a bad entry.
 */
export function loadSynonyms(file: string): SynonymGroups {
	if (!fs.existsSync(file)) return [];
	return parseSynonyms(fs.readFileSync(file, 'utf8'), file);
}

/**
 * The most pages one Pagefind process indexes, from SEARCH_SHARD_PAGES (unset or empty: the
 * default). Throws on anything but a whole number above 0, so a typo stops the build.
 * @example readShardPages({ SEARCH_SHARD_PAGES: '500' }) // 500
 */
export function readShardPages(env: NodeJS.ProcessEnv = process.env): number {
	const raw = env.SEARCH_SHARD_PAGES?.trim();
	if (!raw) return DEFAULT_SHARD_PAGES;
	if (!/^[1-9]\d*$/.test(raw) || !Number.isSafeInteger(Number(raw)))
		throw new Error(
			`SEARCH_SHARD_PAGES must be a whole number of pages above 0 (default ${DEFAULT_SHARD_PAGES}), not \`${raw}\``,
		);
	return Number(raw);
}

/** A page to index: its file, and the date it sorts by ('' when it has none). */
interface IndexedPage {
	file: string;
	date: string;
}

/**
 * Spreads pages over `count` shards round-robin in ascending date order: the page of rank r goes to
 * shard r mod count, at position floor(r / count) of that shard's date order. Pagefind scores a
 * date-sorted result by that position, and its JS merges instances by score with a stable sort, so
 * with the shards merged from the highest number down (see `buildSearchIndex`), merged results come
 * out in global date order. Round-robin also gives every shard alike statistics, so relevance
 * scores of different shards stay comparable. Each shard keeps the pages in file order.
 */
export function assignShards(pages: IndexedPage[], count: number): string[][] {
	const shards: string[][] = Array.from({ length: count }, () => []);
	const byDate = [...pages].sort((a, b) =>
		a.date < b.date ? -1 : a.date > b.date ? 1 : a.file < b.file ? -1 : a.file > b.file ? 1 : 0,
	);
	byDate.forEach((page, rank) => shards[rank % count].push(page.file));
	for (const shard of shards) shard.sort();
	return shards;
}

/**
 * Indexes the built case-study pages under `dir/<root>/` with the Pagefind Node API and writes
 * `dir/pagefind/`, with the "did you mean" vocabulary beside it. Only English-UI case study pages
 * carry `data-pagefind-body`, and one index serves both content languages (a `lang` filter tells
 * them apart), so `forceLanguage` keeps Pagefind from splitting it. Each page is indexed with the
 * synonyms of the terms it contains (Pagefind has none of its own), in a low-weight block that
 * exists only in the index.
 *
 * Past `shardPages` pages, one Pagefind process would need too much memory (3 GB at 10,000), so
 * the pages are split into K = ceil(pages / shardPages) shards, each written by a fresh process
 * (closed after it writes): shard K-1, which holds the newest page of every K in date order, is
 * the primary, in `pagefind/`; the others go to `pagefind/shards/<n>/`, and
 * `pagefind/cd-shards.json` lists them for the search page to merge, from K-2 down to 0: the order
 * that keeps merged date sorts right. With one shard the output is the one index of old.
 */
export async function buildSearchIndex({
	dir,
	logger,
	root = 'case-studies',
	synonyms = [],
	shardPages = readShardPages(),
}: {
	dir: string;
	logger: Logger;
	root?: string;
	synonyms?: SynonymGroups;
	shardPages?: number;
}): Promise<SearchIndexStats> {
	const started = performance.now();
	try {
		const files = listHtmlFiles(path.join(dir, root));
		// Dates matter only when there are shards to spread pages over: fewer files than a shard
		// holds need no first reading.
		const shards = files.length <= shardPages ? [files] : await splitIntoShards(files, shardPages);
		const outputPath = path.join(dir, 'pagefind');
		await fs.promises.rm(path.join(outputPath, 'shards'), { recursive: true, force: true });
		let pages = 0;
		let expanded = 0;
		const texts: string[] = [];
		const merged: string[] = [];
		// Highest first: the primary, then the others in the order the search page merges them.
		for (let n = shards.length - 1; n >= 0; n--) {
			const primary = n === shards.length - 1;
			const shardPath = primary ? outputPath : path.join(outputPath, 'shards', String(n));
			const written = await writeShard({
				dir,
				files: shards[n],
				outputPath: shardPath,
				synonyms,
				logger,
			});
			pages += written.pages;
			expanded += written.expanded;
			texts.push(...written.texts);
			if (!primary) {
				await pruneShard(shardPath);
				merged.push(`/${path.relative(dir, shardPath).split(path.sep).join('/')}/`);
			}
		}
		const vocabulary = buildVocabulary([...texts, ...synonyms.flat()]).slice(0, MAX_VOCABULARY);
		await fs.promises.mkdir(outputPath, { recursive: true });
		await fs.promises.writeFile(
			path.join(outputPath, VOCABULARY_FILE),
			JSON.stringify({ words: vocabulary }),
		);
		await fs.promises.writeFile(
			path.join(outputPath, SHARDS_FILE),
			JSON.stringify({ shards: merged }),
		);
		const ms = Math.round(performance.now() - started);
		logger.info(
			`indexed ${pages} pages in ${ms} ms (${expanded} with synonyms, ${vocabulary.length} words for "did you mean", ${shards.length} ${shards.length === 1 ? 'shard' : 'shards'})`,
		);
		return {
			pages,
			ms,
			outputPath,
			expanded,
			words: vocabulary.length,
			shards: shards.length,
		};
	} catch (error) {
		throw new Error('Building the search index failed', { cause: error });
	} finally {
		await pagefind.close();
	}
}

/** The indexed pages among `files`, in shards of at most `shardPages` (see `assignShards`). */
async function splitIntoShards(files: string[], shardPages: number): Promise<string[][]> {
	const pages: IndexedPage[] = [];
	for (const file of files) {
		const html = await fs.promises.readFile(file, 'utf8');
		const body = findIndexedBody(html);
		if (!body) continue;
		pages.push({ file, date: findSortDate(html.slice(body.innerStart, body.innerEnd)) });
	}
	return assignShards(pages, Math.max(1, Math.ceil(pages.length / shardPages)));
}

/**
 * Indexes `files` (those carrying `data-pagefind-body`) in a Pagefind process of their own, writes
 * the index to `outputPath` and ends the process, freeing its memory before the next shard.
 */
async function writeShard({
	dir,
	files,
	outputPath,
	synonyms,
	logger,
}: {
	dir: string;
	files: string[];
	outputPath: string;
	synonyms: SynonymGroups;
	logger: Logger;
}): Promise<{ pages: number; expanded: number; texts: string[] }> {
	const created = await pagefind.createIndex({ forceLanguage: 'en' });
	assertPagefindResponse('createIndex', created, logger);
	const index = created.index!;
	let pages = 0;
	let expanded = 0;
	const texts: string[] = [];
	for (const file of files) {
		const html = await fs.promises.readFile(file, 'utf8');
		const body = findIndexedBody(html);
		if (!body) continue;
		const text = visibleText(html.slice(body.innerStart, body.innerEnd));
		texts.push(text);
		const extra = synonymsFor(text, synonyms);
		let content = html;
		if (extra.length) {
			expanded++;
			content =
				html.slice(0, body.innerEnd) +
				`<p data-pagefind-weight="${SYNONYM_WEIGHT}">${escapeHtml(extra.join(', '))}</p>` +
				html.slice(body.innerEnd);
		}
		const added = await index.addHTMLFile({ url: urlOf(dir, file), content });
		assertPagefindResponse('addHTMLFile', added, logger);
		pages++;
	}
	const written = await index.writeFiles({ outputPath });
	assertPagefindResponse('writeFiles', written, logger);
	await pagefind.close();
	return { pages, expanded, texts };
}

/** Removes what a merged shard never serves (its own pagefind.js, WASM, UI files). */
async function pruneShard(shardPath: string) {
	for (const name of await fs.promises.readdir(shardPath)) {
		if (!SHARD_FILES.test(name))
			await fs.promises.rm(path.join(shardPath, name), { recursive: true, force: true });
	}
}

/**
 * The value a page sorts by under `date` (`data-pagefind-sort="date"` on an element holding it, or
 * `data-pagefind-sort="date:…"`), trimmed; '' when it has none.
 */
function findSortDate(body: string): string {
	const inline = /\sdata-pagefind-sort="date:([^"]*)"/.exec(body);
	if (inline) return inline[1].trim();
	const element = /\sdata-pagefind-sort="date"[^>]*>([^<]*)</.exec(body);
	return element ? element[1].trim() : '';
}

function listHtmlFiles(folder: string): string[] {
	if (!fs.existsSync(folder)) return [];
	return (fs.readdirSync(folder, { recursive: true, withFileTypes: true }) as fs.Dirent[])
		.filter((e) => e.isFile() && e.name.endsWith('.html'))
		.map((e) => path.join(e.parentPath, e.name))
		.sort();
}

/** The URL Pagefind would give a file of the build: `case-studies/x/index.html` → `/case-studies/x/`. */
function urlOf(dir: string, file: string): string {
	const rel = path.relative(dir, file).split(path.sep).join('/');
	return `/${rel.replace(/(^|\/)index\.html$/, '$1')}`;
}

/** Where the element marked `data-pagefind-body` has its content; null when the page has none. */
function findIndexedBody(html: string): { innerStart: number; innerEnd: number } | null {
	const open = /<([a-zA-Z][\w-]*)\b[^>]*\sdata-pagefind-body\b[^>]*>/.exec(html);
	if (!open) return null;
	const innerStart = open.index + open[0].length;
	const innerEnd = closingTagIndex(html, open[1], innerStart);
	return innerEnd === -1 ? null : { innerStart, innerEnd };
}

/** The index of the tag closing an element `tag` whose content starts at `from`, or -1. */
function closingTagIndex(html: string, tag: string, from: number): number {
	const re = new RegExp(`<(/?)${tag}\\b[^>]*>`, 'gi');
	re.lastIndex = from;
	let depth = 1;
	for (let m = re.exec(html); m; m = re.exec(html)) {
		if (m[1]) depth--;
		else if (!m[0].endsWith('/>')) depth++;
		if (depth === 0) return m.index;
	}
	return -1;
}

/** The words a reader sees in an HTML fragment, without the parts Pagefind is told to ignore. */
function visibleText(fragment: string): string {
	let html = fragment.replace(/<(script|style|svg|template)\b[\s\S]*?<\/\1>/gi, ' ');
	const ignored = /<([a-zA-Z][\w-]*)\b[^>]*\sdata-pagefind-ignore\b[^>]*>/g;
	for (let m = ignored.exec(html); m; m = ignored.exec(html)) {
		const end = closingTagIndex(html, m[1], m.index + m[0].length);
		if (end === -1) break;
		html = html.slice(0, m.index) + ' ' + html.slice(end);
		ignored.lastIndex = m.index + 1;
	}
	return html
		.replace(/<[^>]+>/g, ' ')
		.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos|nbsp|#39);/gi, (_, e: string) => {
			const named: Record<string, string> = {
				amp: '&',
				lt: '<',
				gt: '>',
				quot: '"',
				apos: "'",
				nbsp: ' ',
			};
			if (e[0] !== '#') return named[e.toLowerCase()];
			const code =
				e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
			return String.fromCodePoint(code);
		})
		.replace(/\s+/g, ' ')
		.trim();
}

function escapeHtml(text: string): string {
	return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
