import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import zlib from 'node:zlib';
import { buildSearchIndex, loadSynonyms } from '../../src/integrations/pagefind';

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
		/^indexed 2 pages in \d+ ms \(0 with synonyms, \d+ words for "did you mean"\)$/,
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
