import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { buildSearchIndex } from '../../src/integrations/pagefind';

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
	expect(logs[0]).toMatch(/^indexed 2 pages in \d+ ms$/);
	// One index for both content languages (forceLanguage), with the filters.
	const entry = JSON.parse(
		fs.readFileSync(path.join(dir, 'pagefind', 'pagefind-entry.json'), 'utf8'),
	);
	expect(Object.keys(entry.languages)).toEqual(['en']);
	expect(entry.languages.en.page_count).toBe(2);
	expect(fs.readdirSync(path.join(dir, 'pagefind', 'filter')).length).toBeGreaterThan(0);
});
