// Search over a sharded public index, in real Chromium against the real server: a copy of the
// fixture build with synthetic case studies added, indexed in four shards (as 10,000 studies would
// be in shards of 2000) and precompressed as the build does. The reader must not notice the shards:
// a page in any shard is found, filter counts are those of every page, browsing lists every page
// newest first, and signed out nothing of any shard is served.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { createReleaseDir, publishRelease } from '../../scripts/publish-release.mjs';
import { buildSearchIndex } from '../../src/integrations/pagefind';
import { precompressDirectory } from '../../src/integrations/precompress';
import { FIXTURE_DIST, launchBrowser, startServer, type RunningServer } from './harness';
import { readIndexedPages, showAll, type BuiltPage } from './search-pages';

const TEMPLATE = 'alpha-launch';
const TEMPLATE_TITLE = 'Alpha crossover launch with street events';
// Made-up words no fixture page has; the first one's page is the oldest, so it lands in shard 0.
const SYNTHETIC = [
	{ word: 'quokkaharbour', date: '2019-02-11', country: 'PT' },
	{ word: 'lanternfjord', date: '2021-07-30', country: 'IT' },
	{ word: 'cobaltmeadow', date: '2022-04-05', country: 'DE' },
	{ word: 'saffronquay', date: '2024-01-19', country: 'PT' },
	{ word: 'velvetdune', date: '2024-12-02', country: 'DE' },
	{ word: 'emberorchard', date: '2026-01-07', country: 'IT' },
];

let distDir: string;
let clientDir: string;
let server: RunningServer;
let browser: Browser;
/** Every page of the sharded index, with the date and country its HTML carries. */
let built: BuiltPage[];
let shardUrls: string[];

/** The URLs of the pages in the Pagefind index at `indexDir`, from its fragments. */
function indexedUrls(indexDir: string): string[] {
	return fs.readdirSync(path.join(indexDir, 'fragment')).map((name) => {
		const text = zlib
			.gunzipSync(fs.readFileSync(path.join(indexDir, 'fragment', name)))
			.toString('utf8');
		return JSON.parse(text.slice(text.indexOf('{'))).url as string;
	});
}

beforeAll(async () => {
	// A dist of this test's own (inside the project, so portal.mjs resolves node_modules).
	fs.mkdirSync(path.resolve('.test-builds'), { recursive: true });
	distDir = fs.mkdtempSync(path.resolve('.test-builds', 'shards-'));
	for (const name of ['portal.mjs', 'portal.mjs.map'])
		fs.copyFileSync(path.join(FIXTURE_DIST, name), path.join(distDir, name));
	const release = await createReleaseDir(distDir);
	const from = fs.realpathSync(path.join(FIXTURE_DIST, 'current'));
	for (const name of ['client', 'server'])
		fs.cpSync(path.join(from, name), path.join(release, name), { recursive: true });
	clientDir = path.join(release, 'client');
	const template = fs.readFileSync(
		path.join(clientDir, 'case-studies', TEMPLATE, 'index.html'),
		'utf8',
	);
	for (const { word, date, country } of SYNTHETIC) {
		const html = template
			.replaceAll(TEMPLATE_TITLE, `Shard study ${word}`)
			.replace(/(data-pagefind-(?:sort|meta)="date"[^>]*>)[^<]*/g, `$1${date}`)
			.replace(/(data-pagefind-(?:filter|meta)="country"[^>]*>)[^<]*/g, `$1${country}`);
		const dir = path.join(clientDir, 'case-studies', `shard-${word}`);
		fs.mkdirSync(dir, { recursive: true });
		fs.writeFileSync(path.join(dir, 'index.html'), html);
	}
	// The fixture's own index (and its compressed copies) goes: the sharded one replaces it.
	fs.rmSync(path.join(clientDir, 'pagefind'), { recursive: true, force: true });
	built = readIndexedPages(clientDir);
	const stats = await buildSearchIndex({
		dir: clientDir,
		logger: { info: () => {}, error: (m) => console.error(m) },
		shardPages: 3,
	});
	expect(stats).toMatchObject({ pages: built.length, shards: Math.ceil(built.length / 3) });
	expect(stats.shards).toBeGreaterThanOrEqual(3);
	shardUrls = JSON.parse(
		fs.readFileSync(path.join(clientDir, 'pagefind', 'cd-shards.json'), 'utf8'),
	).shards;
	await precompressDirectory(clientDir);
	await publishRelease(distDir, release);
	[server, browser] = await Promise.all([
		startServer({ PORTAL_ACCESS: 'public' }, { distDir }),
		launchBrowser(),
	]);
}, 120_000);

afterAll(async () => {
	await browser?.close();
	await server?.stop();
	if (distDir) fs.rmSync(distDir, { recursive: true, force: true });
});

async function newPage(): Promise<Page> {
	const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
	const page = await context.newPage();
	page.on('pageerror', (e) => {
		throw e;
	});
	return page;
}

describe('search over a sharded index', () => {
	it('finds a page that lives in a merged shard, not in the primary index', async () => {
		const { word } = SYNTHETIC[0];
		const url = `/case-studies/shard-${word}/`;
		// Where the build put it: the oldest page goes to shard 0, merged last.
		expect(shardUrls.at(-1)).toBe('/pagefind/shards/0/');
		expect(indexedUrls(path.join(clientDir, 'pagefind', 'shards', '0'))).toContain(url);
		expect(indexedUrls(path.join(clientDir, 'pagefind'))).not.toContain(url);
		const page = await newPage();
		await page.goto(`${server.url}/search/?q=${word}`);
		const hit = page.locator('.cd-search__hit').first();
		await hit.waitFor();
		await expect(hit.locator('h2').textContent()).resolves.toBe(`Shard study ${word}`);
		await expect(hit.locator('h2 a').getAttribute('href')).resolves.toBe(url);
		await expect(page.locator('.cd-search__hit').count()).resolves.toBe(1);
		await page.context().close();
	});

	it('lists every page newest first when browsing, with filter counts over all shards', async () => {
		const page = await newPage();
		const fragments: string[] = [];
		page.on('request', (r) => {
			if (r.url().includes('/fragment/')) fragments.push(r.url());
		});
		await page.goto(`${server.url}/search/`);
		await page.getByRole('group', { name: 'Country' }).waitFor();
		// An empty search browses everything, newest first.
		await page.locator('#cd-search-q').press('Enter');
		await expect.poll(() => page.getByRole('status').textContent()).toContain(String(built.length));
		// In date order as the shards answer: only the results on screen are fetched (a re-sort would
		// fetch every result first).
		await expect.poll(() => page.locator('.cd-search__hit').count()).toBe(5);
		expect(fragments).toHaveLength(5);
		await showAll(page, built.length);
		const hrefs = await page
			.locator('.cd-search__hit h2 a')
			.evaluateAll((links) => links.map((a) => a.getAttribute('href')));
		const newestFirst = [...built]
			.sort((a, b) => (a.date < b.date ? 1 : a.date > b.date ? -1 : 0))
			.map((p) => p.url);
		expect(hrefs).toEqual(newestFirst);
		// Each country's count is that of every page, whichever shard holds it.
		const expected: Record<string, number> = {};
		for (const p of built) expected[p.country] = (expected[p.country] ?? 0) + 1;
		// Polled: before the first search the lists show the build's counts, and Pagefind's own lists
		// (every shard's pages) replace them once the first results are on screen.
		const shown = () =>
			page
				.getByRole('group', { name: 'Country' })
				.locator('[data-count]')
				.evaluateAll((els) =>
					Object.fromEntries(
						els.map((el) => [
							(el as HTMLElement).dataset.count!.replace(/^country:/, ''),
							Number(el.textContent!.replace(/\D/g, '')),
						]),
					),
				);
		await expect.poll(shown).toEqual(expected);
		await page.context().close();
	});

	it('sorts the results of a query by date across shards', async () => {
		const page = await newPage();
		await page.goto(`${server.url}/search/?q=shard+study&sort=date`);
		await showAll(page, SYNTHETIC.length);
		const hrefs = await page
			.locator('.cd-search__hit h2 a')
			.evaluateAll((links) => links.map((a) => a.getAttribute('href')));
		const newestFirst = [...SYNTHETIC]
			.sort((a, b) => (a.date < b.date ? 1 : -1))
			.map((s) => `/case-studies/shard-${s.word}/`);
		expect(hrefs).toEqual(newestFirst);
		await page.context().close();
	});

	it('still finds the pages of a shard that failed to load once, and says so when it keeps failing', async () => {
		const { word } = SYNTHETIC[0];
		for (const failures of [1, Infinity]) {
			const page = await newPage();
			let failed = 0;
			// The shard the page is in (shard 0) fails to load, once or every time.
			await page
				.context()
				.route('**/pagefind/shards/0/pagefind-entry.json*', (route) =>
					failed++ < failures ? route.abort() : route.continue(),
				);
			await page.goto(`${server.url}/search/?q=${word}`);
			if (failures === 1) {
				const hit = page.locator('.cd-search__hit').first();
				await hit.waitFor();
				await expect(hit.locator('h2').textContent()).resolves.toBe(`Shard study ${word}`);
			} else {
				// No half-merged index answering as if the shard's pages did not exist.
				await expect
					.poll(() => page.getByRole('status').textContent())
					.toBe('Search could not load. Reload the page, or browse case studies instead.');
				await expect(page.locator('.cd-search__hit').count()).resolves.toBe(0);
			}
			expect(failed).toBeGreaterThanOrEqual(failures === 1 ? 1 : 2);
			await page.context().close();
		}
	});

	it('serves shard files immutable and the shard list fresh', async () => {
		const fragment = fs.readdirSync(path.join(clientDir, 'pagefind', 'shards', '1', 'fragment'))[0];
		const file = await fetch(`${server.url}/pagefind/shards/1/fragment/${fragment}`);
		expect(file.status).toBe(200);
		expect(file.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
		for (const name of ['cd-shards.json', 'shards/1/pagefind-entry.json']) {
			const res = await fetch(`${server.url}/pagefind/${name}`);
			expect(res.status, name).toBe(200);
			expect(res.headers.get('cache-control'), name).toBe('no-cache');
		}
	});
});

describe('signed out, members-only portal', () => {
	let gated: RunningServer;
	beforeAll(async () => {
		gated = await startServer({}, { distDir });
	});
	afterAll(async () => {
		await gated?.stop();
	});

	it('serves nothing of any shard, nor the shard list', async () => {
		const shard = path.join(clientDir, 'pagefind', 'shards', '0');
		const fragment = fs.readdirSync(path.join(shard, 'fragment'))[0];
		const meta = fs.readdirSync(shard).find((f) => f.endsWith('.pf_meta'))!;
		for (const f of [
			'/pagefind/cd-shards.json',
			'/pagefind/shards/0/pagefind-entry.json',
			`/pagefind/shards/0/${meta}`,
			`/pagefind/shards/0/fragment/${fragment}`,
		]) {
			const res = await fetch(gated.url + f, { redirect: 'manual' });
			expect(res.status, f).toBe(401);
			expect(await res.text(), f).not.toMatch(/quokka|pagefind|shard/i);
		}
	});
});
