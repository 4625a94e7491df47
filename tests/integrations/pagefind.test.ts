import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import zlib from 'node:zlib';
import { buildSearchIndex, loadSynonyms, readShardPages } from '../../src/integrations/pagefind';

const page = (
	title: string,
	body: string,
	country: string,
	lang: string,
) => `<!doctype html><html lang="en"><body>
<nav>Site navigation that must not be indexed</nav>
<article data-pagefind-body lang="${lang}"><h1>${title}</h1><p>${body}</p>
<span data-pagefind-filter="country">${country}</span><span data-pagefind-filter="lang">${lang}</span>
<span data-pagefind-sort="date">2025-01-01</span></article></body></html>`;

it('indexes only case-study pages, with their filters, into pagefind/', async () => {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cd-pf-'));
	for (const [slug, html] of [
		['case-studies/rally', page('Owner rally', 'Owners drove near Vannes', 'FR', 'en')],
		[
			'case-studies/rallye',
			page('Rallye de propriétaires', 'Les propriétaires ont roulé', 'FR', 'fr'),
		],
		['fr/case-studies/rally', page('Owner rally', 'duplicate in the French UI', 'FR', 'en')],
		['about', page('About', 'not a case study', 'IT', 'en')],
	] as const) {
		fs.mkdirSync(path.join(dir, slug), { recursive: true });
		fs.writeFileSync(path.join(dir, slug, 'index.html'), html);
	}
	const logs: string[] = [];
	const stats = await buildSearchIndex({
		dir,
		logger: { info: (m) => logs.push(m), error: (m) => logs.push(m) },
	});
	expect(stats.pages).toBe(2);
	expect(logs[0]).toMatch(
		/^indexed 2 pages in \d+ ms \(0 with synonyms, \d+ words for "did you mean", 1 shard\)$/,
	);
	// One index for both content languages (forceLanguage), with the filters.
	const entry = JSON.parse(
		fs.readFileSync(path.join(dir, 'pagefind', 'pagefind-entry.json'), 'utf8'),
	);
	expect(Object.keys(entry.languages)).toEqual(['en']);
	expect(entry.languages.en.page_count).toBe(2);
	expect(fs.readdirSync(path.join(dir, 'pagefind', 'filter')).length).toBeGreaterThan(0);
});

it('indexes each page with the synonyms of the terms it uses, and writes the did-you-mean vocabulary', async () => {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cd-pf-'));
	const html = page('Kestrel crossover launch', 'Dealers booked test drives', 'IT', 'en');
	fs.mkdirSync(path.join(dir, 'case-studies', 'kestrel'), { recursive: true });
	fs.writeFileSync(path.join(dir, 'case-studies', 'kestrel', 'index.html'), html);
	const stats = await buildSearchIndex({
		dir,
		logger: { info: () => {}, error: () => {} },
		synonyms: [
			['SUV', 'crossover'],
			['dealer', 'concessionnaire'],
			['trade-in', 'reprise'],
		],
	});
	expect(stats).toMatchObject({ pages: 1, expanded: 1 });
	// The page's text in the index has the synonyms; the page served to readers does not.
	const fragments = fs.readdirSync(path.join(dir, 'pagefind', 'fragment'));
	const fragment = zlib
		.gunzipSync(fs.readFileSync(path.join(dir, 'pagefind', 'fragment', fragments[0])))
		.toString('utf8');
	expect(fragment).toContain('SUV, concessionnaire');
	expect(fragment).not.toContain('reprise');
	expect(fragment).toContain('"url":"/case-studies/kestrel/"');
	expect(fs.readFileSync(path.join(dir, 'case-studies', 'kestrel', 'index.html'), 'utf8')).toBe(
		html,
	);
	const vocabulary = JSON.parse(
		fs.readFileSync(path.join(dir, 'pagefind', 'cd-vocabulary.json'), 'utf8'),
	);
	expect(vocabulary.words).toEqual(expect.arrayContaining(['kestrel', 'crossover', 'reprise']));
});

it('stops the build on a bad synonyms file, naming the file and line', () => {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cd-syn-'));
	const file = path.join(dir, 'synonyms.txt');
	fs.writeFileSync(file, '# groups\nSUV, crossover\nreprise\n');
	expect(() => loadSynonyms(file)).toThrow(`${file}:3: a group needs at least two terms`);
	expect(loadSynonyms(path.join(dir, 'absent.txt'))).toEqual([]);
});

const WORDS = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf'];

/** Seven case-study pages, each of another month of 2025 and with a word of its own. */
function writeDatedSite(): { dir: string; dated: { url: string; date: string }[] } {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cd-pf-shards-'));
	const dated = ['03', '07', '01', '05', '02', '06', '04'].map((month, i) => ({
		url: `/case-studies/study-${i}/`,
		date: `2025-${month}-15`,
	}));
	for (const [i, { url, date }] of dated.entries()) {
		const html = page(`Study ${i}`, `${WORDS[i]} sales`, 'IT', 'en').replace('2025-01-01', date);
		fs.mkdirSync(path.join(dir, url), { recursive: true });
		fs.writeFileSync(path.join(dir, url, 'index.html'), html);
	}
	return { dir, dated };
}

/** The URLs of the pages in the Pagefind index at `indexDir`, from its fragments. */
function indexedUrls(indexDir: string): string[] {
	return fs.readdirSync(path.join(indexDir, 'fragment')).map((name) => {
		const fragment = zlib
			.gunzipSync(fs.readFileSync(path.join(indexDir, 'fragment', name)))
			.toString('utf8');
		return JSON.parse(fragment.slice(fragment.indexOf('{'))).url as string;
	});
}

it('splits the index into shards past SEARCH_SHARD_PAGES, every page in exactly one of them', async () => {
	const { dir, dated } = writeDatedSite();
	const logs: string[] = [];
	const stats = await buildSearchIndex({
		dir,
		logger: { info: (m) => logs.push(m), error: (m) => logs.push(m) },
		shardPages: readShardPages({ SEARCH_SHARD_PAGES: '2' }),
	});
	expect(stats).toMatchObject({ pages: 7, shards: 4 });
	expect(logs[0]).toMatch(/^indexed 7 pages in \d+ ms \(.*, 4 shards\)$/);
	const pagefindDir = path.join(dir, 'pagefind');
	const { shards } = JSON.parse(fs.readFileSync(path.join(pagefindDir, 'cd-shards.json'), 'utf8'));
	// Merged from the highest shard down: ties in a merged date sort then go to the newest page.
	expect(shards).toEqual(['/pagefind/shards/2/', '/pagefind/shards/1/', '/pagefind/shards/0/']);
	const indexDirs = [pagefindDir, ...shards.map((u: string) => path.join(dir, u))];
	const pageCounts = indexDirs.map(
		(d) =>
			JSON.parse(fs.readFileSync(path.join(d, 'pagefind-entry.json'), 'utf8')).languages.en
				.page_count,
	);
	expect(pageCounts.reduce((a, b) => a + b, 0)).toBe(7);
	const urls = indexDirs.map(indexedUrls);
	expect(urls.flat().sort()).toEqual(dated.map((d) => d.url).sort());
	// Round-robin in date order: the page of rank r (oldest 0) is in shard r mod 4.
	const byDate = [...dated].sort((a, b) => (a.date < b.date ? -1 : 1)).map((d) => d.url);
	expect(urls[0]).toEqual([byDate[3]]);
	expect(urls[1].sort()).toEqual([byDate[2], byDate[6]]);
	expect(urls[3].sort()).toEqual([byDate[0], byDate[4]]);
	// The search page loads pagefind.js and its WASM from the primary only.
	expect(fs.readdirSync(path.join(dir, 'pagefind', 'shards', '0')).sort()).toEqual(
		expect.arrayContaining(['fragment', 'index', 'pagefind-entry.json']),
	);
	expect(fs.existsSync(path.join(dir, 'pagefind', 'shards', '0', 'pagefind.js'))).toBe(false);
	expect(fs.existsSync(path.join(pagefindDir, 'pagefind.js'))).toBe(true);
	// One vocabulary for all pages.
	const vocabulary = JSON.parse(
		fs.readFileSync(path.join(pagefindDir, 'cd-vocabulary.json'), 'utf8'),
	);
	expect(vocabulary.words).toEqual(expect.arrayContaining(WORDS));
});

it('writes one index, as before shards, up to SEARCH_SHARD_PAGES pages', async () => {
	const { dir } = writeDatedSite();
	const stats = await buildSearchIndex({ dir, logger: { info: () => {}, error: () => {} } });
	expect(stats).toMatchObject({ pages: 7, shards: 1 });
	const pagefindDir = path.join(dir, 'pagefind');
	expect(fs.existsSync(path.join(pagefindDir, 'shards'))).toBe(false);
	expect(JSON.parse(fs.readFileSync(path.join(pagefindDir, 'cd-shards.json'), 'utf8'))).toEqual({
		shards: [],
	});
	expect(indexedUrls(pagefindDir)).toHaveLength(7);
});

it('refuses a SEARCH_SHARD_PAGES that is not a whole number above 0', () => {
	expect(readShardPages({})).toBe(2000);
	expect(readShardPages({ SEARCH_SHARD_PAGES: ' 500 ' })).toBe(500);
	for (const bad of ['0', '-3', '2.5', 'lots', '1e3'])
		expect(() => readShardPages({ SEARCH_SHARD_PAGES: bad })).toThrow(
			`SEARCH_SHARD_PAGES must be a whole number of pages above 0 (default 2000), not \`${bad}\``,
		);
});

it('indexes a built study page by its text, not by its hidden filter values, and keeps the filters', async () => {
	const { FIXTURE_DIST } = await import('../e2e/harness');
	const dir = path.join(FIXTURE_DIST, 'client', 'pagefind', 'fragment');
	const fragments = fs
		.readdirSync(dir)
		.filter((f) => f.endsWith('.pf_fragment'))
		.map((f) =>
			JSON.parse(
				zlib
					.gunzipSync(fs.readFileSync(path.join(dir, f)))
					.subarray(12)
					.toString(),
			),
		);
	expect(fragments.length).toBe(4);
	for (const fragment of fragments) {
		expect(Object.keys(fragment.filters).sort()).toEqual([
			'channel',
			'country',
			'lang',
			'model',
			'topic',
		]);
		expect(fragment.meta.date).toMatch(/^\d{4}-\d\d-\d\d$/);
		// The sort and meta date (ISO) and the run of filter values are not words of the page.
		expect(fragment.content).not.toContain(fragment.meta.date);
		const values = Object.values(fragment.filters as Record<string, string[]>).flat();
		expect(fragment.content).not.toContain(
			`${fragment.filters.country[0]} ${fragment.filters.topic[0]}`,
		);
		expect(values.length).toBeGreaterThan(3);
	}
});
