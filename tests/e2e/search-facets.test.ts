// The search page's filter lists before any search, in real Chromium against the real server and
// the fixture build: drawn from the counts the build put in the page, so opening /search/ fetches
// no filter chunk of the index, with the values and counts Pagefind itself gives. Pagefind's own
// lists come after the first search: counts then follow the results, and a signed-in member's
// post-mortems appear in them.
import path from 'node:path';
import Sqlite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { rebuildMembersIndex } from '../../src/lib/server/members-search';
import { launchBrowser, signInPage, startServer, type RunningServer } from './harness';

const ANNA = 'anna.verdi@it.fixture.example';
const BRUNO = 'bruno.costa@pt.fixture.example';
const READY = 'Type a word, or choose filters to browse.';

let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
	[server, browser] = await Promise.all([
		startServer({ DEMO: 'true', PORTAL_ACCESS: 'public' }),
		launchBrowser(),
	]);
	// One post-mortem, for the members' index a signed-in member's search merges.
	const db = new Sqlite(path.join(server.dataDir, 'portal.db'));
	try {
		const anna = Number(db.prepare('SELECT id FROM user WHERE email = ?').pluck().get(ANNA));
		db.prepare(
			`INSERT INTO post_mortem (author_id, disclosure, status, title, tried, country, published_month,
				created_at, updated_at)
			VALUES (?, 'country', 'published', 'A rally nobody came to', 'An owner rally in the rain.',
				'IT', '2025-01', 1700000000, 1700000000)`,
		).run(anna);
		await rebuildMembersIndex({
			db,
			dataDir: server.dataDir,
			logger: { info: () => {}, error: (m) => console.error(m) },
		});
	} finally {
		db.close();
	}
}, 120_000);

afterAll(async () => {
	await browser?.close();
	await server?.stop();
});

/** A page recording the URL of every request, its web worker's (Pagefind's WASM) included. */
async function recordedPage(page?: Page): Promise<{ page: Page; requests: string[] }> {
	if (!page) {
		const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
		page = await context.newPage();
		page.on('pageerror', (e) => {
			throw e;
		});
	}
	const requests: string[] = [];
	page.context().on('request', (r) => requests.push(r.url()));
	return { page, requests };
}

const filterChunks = (requests: string[]) => requests.filter((u) => u.includes('.pf_filter'));

/** Every count the lists show, `group:value` → n, hidden values included. */
function shownCounts(page: Page): Promise<Record<string, number>> {
	return page
		.locator('[data-count]')
		.evaluateAll((els) =>
			Object.fromEntries(
				els.map((el) => [
					(el as HTMLElement).dataset.count!,
					Number(el.textContent!.replace(/\D/g, '')),
				]),
			),
		);
}

/** Pagefind's own lists, from the page's instance (this loads every filter chunk). */
async function pagefindCounts(page: Page): Promise<Record<string, number>> {
	// A string: vitest would rewrite the import() of a function.
	const all: Record<string, Record<string, number>> = await page.evaluate(
		`import('/pagefind/pagefind.js').then((pagefind) => pagefind.filters())`,
	);
	return Object.fromEntries(
		Object.entries(all).flatMap(([group, values]) =>
			Object.entries(values).map(([value, n]) => [`${group}:${value}`, n]),
		),
	);
}

describe('filter lists before the first search', () => {
	it('shows Pagefind’s values and counts without fetching a filter chunk', async () => {
		const { page, requests } = await recordedPage();
		await page.goto(`${server.url}/search/`);
		await expect.poll(() => page.getByRole('status').textContent()).toBe(READY);
		// Pagefind is loaded (its entry and WASM), its filter chunks are not, even a while later (the
		// page has long-lived requests of its own: the network never goes idle).
		const loaded = (file: RegExp) => requests.some((u) => file.test(new URL(u).pathname));
		await expect
			.poll(() => loaded(/^\/pagefind\/pagefind-entry\.json$/) && loaded(/^\/pagefind\/wasm\./))
			.toBe(true);
		await page.waitForTimeout(1000);
		expect(filterChunks(requests)).toEqual([]);
		const country = page.getByRole('group', { name: 'Country' });
		await expect(country.locator('label', { hasText: 'Italy' }).textContent()).resolves.toBe(
			'Italy(2)',
		);
		const shown = await shownCounts(page);
		// The public index only: every page is a practice, so there is no type list to choose from.
		const expected = await pagefindCounts(page);
		expect(filterChunks(requests).length).toBeGreaterThan(0);
		expect(expected['kind:practice']).toBe(4);
		delete expected['kind:practice'];
		expect(shown).toEqual(expected);
		await page.context().close();
	});

	it('loads Pagefind’s lists after the first results, and the counts follow the search', async () => {
		const { page, requests } = await recordedPage();
		await page.goto(`${server.url}/search/`);
		await expect.poll(() => page.getByRole('status').textContent()).toBe(READY);
		await page.locator('#cd-search-q').fill('rally');
		await page.locator('.cd-search__hit').first().waitFor();
		await expect.poll(() => filterChunks(requests).length).toBeGreaterThan(0);
		// Portugal's rally and France's rallye; Italy has none: hidden behind "More".
		const country = page.getByRole('group', { name: 'Country' });
		await expect
			.poll(() => country.locator('label', { hasText: 'Portugal' }).textContent())
			.toBe('Portugal(1)');
		await expect.poll(() => country.getByText('Italy').isVisible()).toBe(false);
		await expect(country.getByRole('button', { name: /^More \(\d+\)$/ }).isVisible()).resolves.toBe(
			true,
		);
		await page.context().close();
	});

	it('lists only the ticked country’s studies when a country is ticked before any search', async () => {
		const { page } = await recordedPage();
		await page.goto(`${server.url}/search/`);
		await expect.poll(() => page.getByRole('status').textContent()).toBe(READY);
		await page.getByRole('checkbox', { name: /^Italy/ }).check();
		await page.waitForURL(/\?country=IT$/);
		await expect.poll(() => page.getByRole('status').textContent()).toBe('2 results');
		const titles = await page.locator('.cd-search__hit h2').allTextContents();
		expect(titles.sort()).toEqual([
			'Alpha crossover launch with street events',
			'Gamma follow-up at the right moment',
		]);
		// Still ticked once Pagefind's lists replace the build's, and counted.
		await expect.poll(() => page.locator('[data-count="country:IT"]').textContent()).toBe('(2)');
		await expect(page.getByRole('checkbox', { name: /^Italy/ }).isChecked()).resolves.toBe(true);
		await page.context().close();
	});

	it('shows a signed-in member the post-mortem type after the first search', async () => {
		const { page } = await recordedPage(await signInPage(browser, server, BRUNO));
		await page.goto(`${server.url}/search/`);
		await expect.poll(() => page.getByRole('status').textContent()).toBe(READY);
		// Before any search: the public index's lists, practices only.
		await expect(page.getByRole('group', { name: 'Type' }).count()).resolves.toBe(0);
		await page.locator('#cd-search-q').fill('rally');
		await page.locator('.cd-search__hit').first().waitFor();
		const type = page.getByRole('group', { name: 'Type' });
		await expect.poll(() => type.count()).toBe(1);
		await expect
			.poll(() => type.locator('label', { hasText: 'Post-mortem' }).textContent())
			.toBe('Post-mortem(1)');
		await page.context().close();
	});
});
