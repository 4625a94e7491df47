// Feeds, from the outside: the public feeds are rendered on request with absolute links on
// PORTAL_URL (not the build's localhost) and the French one is in French; a member makes a private
// feed address on the account page that a feed reader fetches without any cookie, that lists the
// post-mortems members may read without their authors, and that stops working once replaced or
// turned off. Every feed is read with a real XML parser.
import crypto from 'node:crypto';
import path from 'node:path';
import Sqlite from 'better-sqlite3';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
	createMemberClient,
	launchBrowser,
	startServer,
	type MemberClient,
	type RunningServer,
	signInPage,
} from './harness';

const PORTAL_URL = 'https://portal.example.test';
const BRUNO = 'bruno.costa@pt.fixture.example';
const CLAIRE = 'claire.martin@fr.fixture.example';
const RANDOM = crypto.randomBytes(5).toString('hex');
const NAME = `Zyxwvu Feedauthor-${RANDOM}`;
const EMAIL = `feed-leak-${RANDOM}@fixture.example`;
const STAMP = 1712345678;
const ANON_TITLE = `Anonymous feed flop ${RANDOM} <&>`;
const COUNTRY_TITLE = `Country feed flop ${RANDOM}`;

let server: RunningServer;
let browser: Browser;
let member: MemberClient;
let authorId: number;

beforeAll(async () => {
	[server, browser] = await Promise.all([
		startServer({ DEMO: 'true', DEMO_ADMINS: 'claire-martin', PORTAL_URL }),
		launchBrowser(),
	]);
	member = createMemberClient(server);
	const db = new Sqlite(path.join(server.dataDir, 'portal.db'));
	try {
		authorId = Number(
			db
				.prepare(
					`INSERT INTO user (email, name, title, country, role, password_hash, active, created_at, updated_at)
					VALUES (?, ?, 'Dealer coach', 'IT', 'member', 'x', 1, 1700000000, 1700000000)`,
				)
				.run(EMAIL, NAME).lastInsertRowid,
		);
		const insert = db.prepare(
			`INSERT INTO post_mortem (author_id, disclosure, status, title, tried, country, models, channel,
				topics, period, signal, went_well, went_wrong, lucky, fail_again, differently,
				created_at, updated_at, published_month)
			VALUES (?, ?, ?, ?, 'We lent tablets to every salesperson.', 'IT', '[]', 'showroom',
				'["digital-tools"]', 'Spring', 'Nobody used them.', '', '', '', '', '', ?, ?, '2026-01')`,
		);
		insert.run(authorId, 'anonymous', 'published', ANON_TITLE, STAMP, STAMP);
		insert.run(authorId, 'country', 'published', COUNTRY_TITLE, STAMP, STAMP);
		insert.run(authorId, 'named', 'draft', `Draft ${RANDOM}`, STAMP, STAMP);
	} finally {
		db.close();
	}
});

afterAll(async () => {
	await browser?.close();
	await server?.stop();
});

interface FeedItem {
	title: string;
	link: string;
	guid: string | { '#text': string };
	description?: string;
	pubDate: string;
	category?: string | string[];
	'dc:language'?: string;
}

interface Feed {
	title: string;
	link: string;
	description: string;
	language: string;
	'atom:link': { '@_href': string; '@_rel': string };
	items: FeedItem[];
}

/** Parses an RSS 2.0 document with a real XML parser, after checking it is well-formed. */
function parseFeed(xml: string): Feed {
	expect(XMLValidator.validate(xml)).toBe(true);
	const doc = new XMLParser({ ignoreAttributes: false, parseTagValue: false }).parse(xml) as {
		rss: { '@_version': string; channel: Omit<Feed, 'items'> & { item?: FeedItem | FeedItem[] } };
	};
	expect(doc.rss['@_version']).toBe('2.0');
	const { item, ...channel } = doc.rss.channel;
	return { ...channel, items: item === undefined ? [] : Array.isArray(item) ? item : [item] };
}

async function fetchFeed(pathname: string, email: string | null): Promise<Response> {
	return email ? member.get(pathname, email) : fetch(server.url + pathname, { redirect: 'manual' });
}

async function signIn(email: string, start = '/account/'): Promise<Page> {
	return signInPage(browser, server, email, { start, viewport: { width: 1024, height: 900 } });
}

describe('public feeds', () => {
	it('links every item absolutely on PORTAL_URL, rendered on request', async () => {
		const res = await fetchFeed('/rss.xml', BRUNO);
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toBe('application/rss+xml; charset=utf-8');
		const xml = await res.text();
		expect(xml).not.toMatch(/localhost|127\.0\.0\.1/);
		const feed = parseFeed(xml);
		expect(feed.language).toBe('en');
		expect(feed.title).toBe('Coaching Dealer — new case studies');
		expect(feed.link).toBe(`${PORTAL_URL}/`);
		expect(feed['atom:link']['@_href']).toBe(`${PORTAL_URL}/rss.xml`);
		expect(feed.items.map((i) => i.link).sort()).toEqual(
			['alpha-launch', 'beta-rally', 'delta-rallye', 'gamma-crm'].map(
				(slug) => `${PORTAL_URL}/case-studies/${slug}/`,
			),
		);
		// Each item says its language; the English feed lists both.
		expect(feed.items.find((i) => i.link.includes('delta-rallye'))?.['dc:language']).toBe('fr');
		// Newest first.
		const dates = feed.items.map((i) => Date.parse(i.pubDate));
		expect(dates).toEqual([...dates].sort((a, b) => b - a));
	});

	it('has a French feed: French channel, French case studies, French page URLs', async () => {
		const res = await fetchFeed('/fr/rss.xml', BRUNO);
		expect(res.status).toBe(200);
		const feed = parseFeed(await res.text());
		expect(feed.language).toBe('fr');
		expect(feed.title).toBe('Coaching Dealer — nouvelles études de cas');
		expect(feed.description).toContain('pratiques commerciales');
		expect(feed.link).toBe(`${PORTAL_URL}/fr/`);
		expect(feed.items.map((i) => [i.title, i.link, i['dc:language']])).toEqual([
			['Rallye de propriétaires Delta', `${PORTAL_URL}/fr/case-studies/delta-rallye/`, 'fr'],
		]);
		expect(feed.items[0]!.description).toContain('rallye de propriétaires');
		// Categories are the French names of the country and topics.
		expect(feed.items[0]!.category).toContain('France');
	});

	it('is offered in the page head and footer in the page language', async () => {
		const html = await (await member.get('/fr/', BRUNO)).text();
		expect(html).toMatch(
			/<link rel="alternate" type="application\/rss\+xml"[^>]*href="\/fr\/rss\.xml"/,
		);
		expect(html).toMatch(/<a href="\/fr\/rss\.xml"[^>]*>Flux RSS/);
	});

	it('stays behind sign-in in members mode', async () => {
		expect((await fetchFeed('/rss.xml', null)).status).toBe(401);
	});
});

describe('private feed', () => {
	let firstUrl = '';
	let secondUrl = '';

	it('gives a member a personal feed address on the account page, read without a cookie', async () => {
		const page = await signIn(BRUNO);
		const section = page.locator('section', { has: page.locator('#cd-feed-heading') });
		expect(await section.locator('[data-cd-feed-state]').textContent()).toContain(
			'no private feed address yet',
		);
		await section.getByRole('button', { name: 'Make my feed address' }).click();
		await page.waitForSelector('[data-cd-feed-new]');
		firstUrl = (await page.locator('[data-cd-feed-url="en"]').textContent()) ?? '';
		const frUrl = (await page.locator('[data-cd-feed-url="fr"]').textContent()) ?? '';
		expect(firstUrl).toMatch(new RegExp(`^${PORTAL_URL}/feeds/[a-z2-7]{32}\\.xml$`));
		expect(frUrl).toBe(firstUrl.replace(/\.xml$/, '.fr.xml'));
		// The address is shown once; afterwards the page only says one exists.
		await page.goto(`${server.url}/account/`);
		expect(await page.locator('[data-cd-feed-state="active"]').textContent()).toContain(
			'Only its fingerprint is kept',
		);
		expect(await page.content()).not.toContain(firstUrl.split('/feeds/')[1]!);
		await page.context().close();

		// A feed reader: no cookie at all, on the portal's own path.
		const res = await fetchFeed(new URL(firstUrl).pathname, null);
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toBe('application/rss+xml; charset=utf-8');
		expect(res.headers.get('cache-control')).toBe('private, no-cache');
		const xml = await res.text();
		const feed = parseFeed(xml);
		expect(feed.title).toBe('Coaching Dealer — your private feed');
		expect(feed['atom:link']['@_href']).toBe(firstUrl);
		const links = feed.items.map((i) => i.link);
		expect(links).toContain(`${PORTAL_URL}/case-studies/alpha-launch/`);
		expect(links).toContain(`${PORTAL_URL}/case-studies/delta-rallye/`);
		for (const link of links) expect(link.startsWith(`${PORTAL_URL}/`)).toBe(true);

		// Post-mortems members may read: published ones, titled as such, with their month only.
		const anon = feed.items.find((i) => i.title === `Post-mortem: ${ANON_TITLE}`);
		const country = feed.items.find((i) => i.title === `Post-mortem: ${COUNTRY_TITLE}`);
		expect(anon?.link).toMatch(new RegExp(`^${PORTAL_URL}/post-mortems/\\d+/$`));
		expect(anon?.pubDate).toBe('Thu, 01 Jan 2026 00:00:00 GMT');
		expect(country?.category).toContain('Italy');
		expect(anon?.category).not.toContain('Italy');
		expect(xml).not.toContain(`Draft ${RANDOM}`);
		// Nothing about the author of a country-only or anonymous post-mortem.
		expect(xml).not.toMatch(/Feedauthor|Zyxwvu/);
		expect(xml).not.toContain(EMAIL);
		expect(xml).not.toContain(`feed-leak-${RANDOM}`);
		expect(xml).not.toMatch(new RegExp(`${STAMP}|${new Date(STAMP * 1000).toUTCString()}`));
		expect(xml).not.toMatch(new RegExp(`user[:=/]${authorId}(?!\\d)`));
	});

	it('has a French version with French texts and URLs', async () => {
		const path = new URL(firstUrl).pathname.replace(/\.xml$/, '.fr.xml');
		const feed = parseFeed(await (await fetchFeed(path, null)).text());
		expect(feed.language).toBe('fr');
		expect(feed.title).toBe('Coaching Dealer — votre flux privé');
		expect(feed.items.some((i) => i.title === `Post-mortem : ${ANON_TITLE}`)).toBe(true);
		for (const item of feed.items) expect(item.link.startsWith(`${PORTAL_URL}/fr/`)).toBe(true);
	});

	it('revokes the old address when a new one is made, and audits it', async () => {
		const page = await signIn(BRUNO);
		await page.getByRole('button', { name: 'Make a new address' }).click();
		await page.waitForSelector('[data-cd-feed-new]');
		secondUrl = (await page.locator('[data-cd-feed-url="en"]').textContent()) ?? '';
		expect(secondUrl).not.toBe(firstUrl);
		await page.context().close();
		const pathOf = (url: string) => new URL(url).pathname;
		expect((await fetchFeed(pathOf(firstUrl), null)).status).toBe(404);
		expect((await fetchFeed(pathOf(firstUrl).replace(/\.xml$/, '.fr.xml'), null)).status).toBe(404);
		expect((await fetchFeed(pathOf(secondUrl), null)).status).toBe(200);

		const audit = await (await member.get('/admin/audit/', CLAIRE)).text();
		expect(audit).toContain('Private feed address created');
	});

	it('answers 404, never a sign-in, for unknown, malformed or turned-off addresses', async () => {
		for (const pathname of [
			`/feeds/${'a'.repeat(32)}.xml`,
			'/feeds/not-a-token.xml',
			`/feeds/${'a'.repeat(32)}.de.xml`,
		]) {
			const res = await fetchFeed(pathname, null);
			expect(res.status, pathname).toBe(404);
		}
		const page = await signIn(BRUNO);
		await page.getByRole('button', { name: 'Turn off my feed' }).click();
		await page.waitForURL(/saved=feed-off/);
		expect(await page.getByRole('status').first().textContent()).toContain('no longer works');
		expect(await page.locator('[data-cd-feed-state="none"]').count()).toBe(1);
		await page.context().close();
		const pathOf = new URL(secondUrl).pathname;
		expect((await fetchFeed(pathOf, null)).status).toBe(404);
		const audit = await (await member.get('/admin/audit/', CLAIRE)).text();
		expect(audit).toContain('Private feed turned off');
	});
});

describe('PORTAL_URL', () => {
	it('stops the start with one line when it is not an absolute http(s) address', async () => {
		await expect(startServer({ PORTAL_URL: 'portal.example.test' })).rejects.toThrow(
			'Configuration error: PORTAL_URL must be an absolute http or https address such as https://portal.example.com (got "portal.example.test")',
		);
	});
});
