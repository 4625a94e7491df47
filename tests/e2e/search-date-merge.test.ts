// Date order for a signed-in member, whose search merges the members' index (post-mortems and web
// case studies) into the public one, in real Chromium against the real server: browsing and
// queries sorted by date list everything newest first with the members' records at their dates,
// while fetching about one result fragment per result shown, not one per result. The members'
// date map that makes it possible is served to members only.
import path from 'node:path';
import Sqlite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { rebuildMembersIndex } from '../../src/lib/server/members-search';
import { insertLiveVersion, insertSubmission } from '../../src/lib/server/submissions/store';
import { emptySubmissionFields } from '../../src/lib/submission-form';
import {
	FIXTURE_DIST,
	launchBrowser,
	signInPage,
	startServer,
	type RunningServer,
} from './harness';
import { readIndexedPages, showAll } from './search-pages';

const ANNA = 'anna.verdi@it.fixture.example';
const BRUNO = 'bruno.costa@pt.fixture.example';
// A word of every record made here and of no fixture page but one (the Alpha launch page).
const WORD = 'launch';
// Post-mortems of Italy, a month each, around the public pages' dates (2023-07 … 2026-02): more
// than the partial search counts filters of one by one (30).
const MONTHS = Array.from({ length: 32 }, (_, i) => {
	const d = new Date(Date.UTC(2023, 6 + i, 1));
	return d.toISOString().slice(0, 7);
});
// Web case studies of Italy; the first shares its day with the Alpha launch page.
const WEB = [
	{ slug: 'web-launch-tie', date: '2025-03-10' },
	{ slug: 'web-launch-summer', date: '2024-08-15' },
	{ slug: 'web-launch-new', date: '2026-02-02' },
];

let server: RunningServer;
let browser: Browser;
/** The sort date of every page a search here can show, by URL. */
const dateOf = new Map<string, string>();
/** The URLs of Italy's pages, public and members'. */
const italy: string[] = [];

beforeAll(async () => {
	[server, browser] = await Promise.all([
		startServer({ DEMO: 'true', PORTAL_ACCESS: 'public' }),
		launchBrowser(),
	]);
	for (const p of readIndexedPages(path.join(FIXTURE_DIST, 'current', 'client'))) {
		dateOf.set(p.url, p.date);
		if (p.country === 'IT') italy.push(p.url);
	}
	const db = new Sqlite(path.join(server.dataDir, 'portal.db'));
	try {
		const anna = Number(db.prepare('SELECT id FROM user WHERE email = ?').pluck().get(ANNA));
		const insert = db.prepare(
			`INSERT INTO post_mortem (author_id, disclosure, status, title, tried, country, published_month,
				created_at, updated_at)
			VALUES (?, 'country', 'published', ?, ?, 'IT', ?, 1700000000, 1700000000)`,
		);
		for (const [i, month] of MONTHS.entries()) {
			const id = Number(
				insert.run(
					anna,
					`Dated post-mortem ${i}`,
					`A ${WORD} that went wrong at quibblefrost.`,
					month,
				).lastInsertRowid,
			);
			dateOf.set(`/post-mortems/${id}/`, `${month}-01`);
			italy.push(`/post-mortems/${id}/`);
		}
		for (const { slug, date } of WEB) {
			const fields = {
				...emptySubmissionFields({ country: 'IT', lang: 'en' }),
				title: `Web study ${slug}`,
				summary: `A dealer ${WORD} told on the web at zanderpeak.`,
			};
			const at = Date.parse(`${date}T12:00:00Z`) / 1000;
			const id = insertSubmission(db, { slug, authorId: anna, fields, translationOf: null }, at);
			insertLiveVersion(db, { id, fields }, anna, at);
			dateOf.set(`/case-studies/${slug}/`, date);
			italy.push(`/case-studies/${slug}/`);
		}
		// As the server does after a publication (it may also rebuild at start: same records).
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

/** A signed-in member's page counting the result fragments it fetches. */
async function memberPage(): Promise<{ page: Page; fragments: string[] }> {
	const page = await signInPage(browser, server, BRUNO);
	const fragments: string[] = [];
	page.on('request', (r) => {
		if (r.url().includes('/fragment/')) fragments.push(r.url());
	});
	return { page, fragments };
}

const hrefs = (page: Page) =>
	page
		.locator('.cd-search__hit h2 a')
		.evaluateAll((links) => links.map((a) => a.getAttribute('href')!));

/** The status line's count ("28 results"). */
async function statusCount(page: Page): Promise<number> {
	await expect.poll(() => page.getByRole('status').textContent()).toMatch(/^\d+ result/);
	return Number((await page.getByRole('status').textContent())!.replace(/\D/g, ''));
}

/** Every URL is dated here, and the dates never go up. */
function expectNewestFirst(urls: string[]) {
	const dates = urls.map((u) => dateOf.get(u) ?? `unknown ${u}`);
	expect(dates).toEqual([...dates].sort().reverse());
}

describe('date order with the members’ index merged', () => {
	it('browses a country newest first, members’ records at their dates, fetching only what is shown', async () => {
		const { page, fragments } = await memberPage();
		await page.goto(`${server.url}/search/?country=IT`);
		expect(await statusCount(page)).toBe(italy.length);
		await expect.poll(() => page.locator('.cd-search__hit').count()).toBe(5);
		const first = await hrefs(page);
		expectNewestFirst(first);
		// The newest of all is a web case study, from the members' index.
		expect(first[0]).toBe('/case-studies/web-launch-new/');
		// A fragment per result shown, and a few read ahead: not one per result.
		const firstScreen = fragments.length;
		expect(firstScreen).toBeLessThanOrEqual(5 + 3);
		await page.locator('[data-cd-more]').click();
		await expect.poll(() => page.locator('.cd-search__hit').count()).toBe(15);
		const more = await hrefs(page);
		expect(more.slice(0, 5)).toEqual(first);
		expectNewestFirst(more);
		expect(fragments.length).toBeLessThanOrEqual(15 + 3);
		// To the end: every record of Italy once, public pages among post-mortems, newest first.
		await showAll(page, italy.length);
		const all = await hrefs(page);
		expectNewestFirst(all);
		expect([...all].sort()).toEqual([...italy].sort());
		// A public page between post-mortems, older and newer.
		const gamma = all.indexOf('/case-studies/gamma-crm/');
		const isPostMortem = (u: string) => u.startsWith('/post-mortems/');
		expect(all.slice(0, gamma).some(isPostMortem)).toBe(true);
		expect(all.slice(gamma + 1).some(isPostMortem)).toBe(true);
		console.log(
			`browse country=IT, ${italy.length} results: ${firstScreen} fragments for the first 5 shown`,
		);
		await page.context().close();
	});

	it('sorts a query by date across both indexes, and "More" keeps the order', async () => {
		const { page, fragments } = await memberPage();
		await page.goto(`${server.url}/search/?q=${WORD}&sort=date`);
		const total = await statusCount(page);
		// Every post-mortem and web study made here, and the public page that says it.
		expect(total).toBeGreaterThanOrEqual(MONTHS.length + WEB.length + 1);
		await expect.poll(() => page.locator('.cd-search__hit').count()).toBe(5);
		expectNewestFirst(await hrefs(page));
		expect(fragments.length).toBeLessThanOrEqual(5 + 3);
		await showAll(page, total);
		const all = await hrefs(page);
		expectNewestFirst(all);
		expect(all).toContain('/case-studies/alpha-launch/');
		expect(new Set(all).size).toBe(total);
		await page.context().close();
	});

	it('sorts the closest matches by date when no page has every word', async () => {
		const { page, fragments } = await memberPage();
		// Made-up words: post-mortems say the first, web studies the second, none says both.
		await page.goto(`${server.url}/search/?q=quibblefrost+zanderpeak&sort=date`);
		const total = await statusCount(page);
		await expect
			.poll(() => page.getByText('showing the closest matches', { exact: false }).isVisible())
			.toBe(true);
		expect(total).toBeGreaterThanOrEqual(MONTHS.length + WEB.length);
		await expect.poll(() => page.locator('.cd-search__hit').count()).toBe(5);
		expectNewestFirst(await hrefs(page));
		// The shown ones, a few read ahead, and the first hit of each word checked for "did you mean".
		expect(fragments.length).toBeLessThanOrEqual(5 + 6);
		console.log(`partial by date, ${total} results: ${fragments.length} fragments`);
		await showAll(page, total);
		const all = await hrefs(page);
		expectNewestFirst(all);
		expect(new Set(all).size).toBe(total);
		await page.context().close();
	});

	it('without the date map, is still in date order (loading every result)', async () => {
		const { page, fragments } = await memberPage();
		await page.context().route('**/members-search/cd-dates.json', (route) => route.abort());
		await page.goto(`${server.url}/search/?country=IT`);
		expect(await statusCount(page)).toBe(italy.length);
		await expect.poll(() => page.locator('.cd-search__hit').count()).toBe(5);
		expectNewestFirst(await hrefs(page));
		console.log(
			`browse country=IT without the map: ${fragments.length} fragments for the first 5 shown`,
		);
		expect(fragments.length).toBeGreaterThanOrEqual(italy.length);
		await page.context().close();
	});

	it('serves the date map to members only, with ids and dates and nothing else', async () => {
		const signedOut = await fetch(`${server.url}/members-search/cd-dates.json`, {
			redirect: 'manual',
		});
		expect(signedOut.status).toBe(401);
		expect(await signedOut.text()).not.toMatch(/\d{4}-\d{2}-\d{2}/);
		const { page } = await memberPage();
		const map = await page.evaluate(async () =>
			(await fetch('/members-search/cd-dates.json')).json(),
		);
		expect(Object.keys(map)).toEqual(['index', 'dates']);
		expect(Object.keys(map.dates)).toHaveLength(MONTHS.length + WEB.length);
		for (const [id, date] of Object.entries(map.dates)) {
			expect(id).toMatch(/^en_[0-9a-f]+$/);
			expect(date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
		}
		await page.context().close();
	});
});
