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
}

interface Logger {
	info(message: string): void;
	error(message: string): void;
}

/** The "did you mean" vocabulary, next to the index (served and gated like it). */
export const VOCABULARY_FILE = 'cd-vocabulary.json';
/** Enough for every distinct word of a few thousand case studies; the rarest go first. */
const MAX_VOCABULARY = 20_000;
/** Below the body's 1: a page that says "SUV" ranks above one found through a synonym. */
const SYNONYM_WEIGHT = '0.5';

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
 * Indexes the built case-study pages under `dir/<root>/` with the Pagefind Node API and writes
 * `dir/pagefind/`, with the "did you mean" vocabulary beside it. Only English-UI case study pages
 * carry `data-pagefind-body`, and one index serves both content languages (a `lang` filter tells
 * them apart), so `forceLanguage` keeps Pagefind from splitting it. Each page is indexed with the
 * synonyms of the terms it contains (Pagefind has none of its own), in a low-weight block that
 * exists only in the index.
 */
export async function buildSearchIndex({
	dir,
	logger,
	root = 'case-studies',
	synonyms = [],
}: {
	dir: string;
	logger: Logger;
	root?: string;
	synonyms?: SynonymGroups;
}): Promise<SearchIndexStats> {
	const started = performance.now();
	try {
		const created = await pagefind.createIndex({ forceLanguage: 'en' });
		assertPagefindResponse('createIndex', created, logger);
		const index = created.index!;
		let pages = 0;
		let expanded = 0;
		const texts: string[] = [];
		for (const file of listHtmlFiles(path.join(dir, root))) {
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
		const outputPath = path.join(dir, 'pagefind');
		const written = await index.writeFiles({ outputPath });
		assertPagefindResponse('writeFiles', written, logger);
		const vocabulary = buildVocabulary([...texts, ...synonyms.flat()]).slice(0, MAX_VOCABULARY);
		await fs.promises.writeFile(
			path.join(outputPath, VOCABULARY_FILE),
			JSON.stringify({ words: vocabulary }),
		);
		const ms = Math.round(performance.now() - started);
		logger.info(
			`indexed ${pages} pages in ${ms} ms (${expanded} with synonyms, ${vocabulary.length} words for "did you mean")`,
		);
		return { pages, ms, outputPath, expanded, words: vocabulary.length };
	} catch (error) {
		throw new Error('Building the search index failed', { cause: error });
	} finally {
		await pagefind.close();
	}
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
