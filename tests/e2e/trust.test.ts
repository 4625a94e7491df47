// Trust badge and reading figures on the built fixture site, in real Chromium and over real HTTP:
// a member's read is counted once (the page, not its islands or reloads) and shows on the owner's
// figures page by country; the badge is on the case study; an expired practice is listed for an
// admin and "Still valid" clears it; retiring needs a reason; the figures are the owners' and admins'.
import path from 'node:path';
import Sqlite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import {
	createMemberClient,
	launchBrowser,
	signInPage,
	startServer,
	type MemberClient,
	type RunningServer,
} from './harness';

const ANNA = 'anna.verdi@it.fixture.example'; // contact of alpha-launch and gamma-crm (IT)
const BRUNO = 'bruno.costa@pt.fixture.example'; // PT
const CLAIRE = 'claire.martin@fr.fixture.example'; // admin (DEMO_ADMINS)

let server: RunningServer;
let browser: Browser;
let member: MemberClient;

beforeAll(async () => {
	[server, browser] = await Promise.all([
		startServer({ DEMO: 'true', DEMO_ADMINS: 'claire-martin' }),
		launchBrowser(),
	]);
	member = createMemberClient(server);
});

afterAll(async () => {
	await browser?.close();
	await server?.stop();
});

/** Changes the server's database directly, as time passing would. */
function withDb<T>(fn: (db: Sqlite.Database) => T): T {
	const db = new Sqlite(path.join(server.dataDir, 'portal.db'));
	try {
		return fn(db);
	} finally {
		db.close();
	}
}

describe('reading figures', () => {
	it('count Bruno’s read once, from Portugal, on the owner’s figures page', async () => {
		const page = await signInPage(browser, server, BRUNO, {
			viewport: { width: 390, height: 844 },
		});
		await page.goto(`${server.url}/case-studies/alpha-launch/`);
		// The badge is filled by its island; a reload and the islands' requests are not new reads.
		const badge = page.locator('#trust [data-cd-trust-badge]');
		await badge.waitFor();
		expect(await badge.textContent()).toContain('Review by');
		await page.reload();
		await badge.waitFor();
		// Bruno owns nothing here: no link to the figures.
		expect(await page.locator('#trust').getByRole('link', { name: 'Figures' }).count()).toBe(0);
		await page.context().close();

		const owner = await signInPage(browser, server, ANNA);
		await owner.goto(`${server.url}/case-studies/alpha-launch/`);
		await owner.locator('#trust').getByRole('link', { name: 'Figures' }).click();
		await owner.waitForURL(`${server.url}/case-studies/alpha-launch/analytics/`);
		expect(await owner.locator('h1').textContent()).toContain(
			'Alpha crossover launch with street events',
		);
		// Bruno once (his reload and the islands are not reads), and Anna's own visit just now.
		expect(await owner.locator('[data-cd-total="reads"]').textContent()).toBe('2');
		const table = owner.getByRole('table', { name: 'Reads by reader’s country' });
		expect((await table.locator('tr[data-country="PT"] td').textContent())?.trim()).toBe('1');
		expect((await table.locator('tr[data-country="PT"] th').textContent())?.trim()).toBe(
			'Portugal',
		);
		expect((await table.locator('tr[data-country="IT"] td').textContent())?.trim()).toBe('1');
		expect(await owner.locator('svg[data-cd-chart] title').textContent()).toBe('Reads by week');
		expect(await owner.locator('svg[data-cd-chart] desc').textContent()).toMatch(/reads in all/);

		const csv = await member.get('/case-studies/alpha-launch/analytics.csv', ANNA);
		expect(csv.status).toBe(200);
		expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8; header=present');
		const lines = (await csv.text()).trim().split('\r\n');
		expect(lines[0]).toBe('practice,week,figure,country,count');
		expect(lines).toContainEqual(expect.stringMatching(/^alpha-launch,\d{4}-W\d{2},reads,PT,1$/));
		await owner.context().close();

		// What is stored: counts by practice, country and week; nothing names Bruno.
		const rows = withDb((db) => db.prepare('SELECT * FROM practice_read').all());
		expect(rows).toContainEqual(
			expect.objectContaining({ case_study: 'alpha-launch', country: 'PT', reads: 1 }),
		);
	});

	it('never count a visitor without a session, a prefetch or the badge island', async () => {
		const open = await startServer({ PORTAL_ACCESS: 'public', DEMO: 'true' });
		try {
			const client = createMemberClient(open);
			const anonymous = await fetch(`${open.url}/case-studies/beta-rally/`);
			expect(anonymous.status).toBe(200);
			await anonymous.text();
			const prefetch = await fetch(`${open.url}/case-studies/beta-rally/`, {
				headers: { Cookie: `cd_session=${await client.tokenFor(ANNA)}`, 'Sec-Purpose': 'prefetch' },
			});
			expect(prefetch.status).toBe(200);
			expect((await client.get('/api/trust/beta-rally?lang=en', ANNA)).status).toBe(200);
			const counted = () => {
				const db = new Sqlite(path.join(open.dataDir, 'portal.db'), { readonly: true });
				try {
					return db.prepare('SELECT COALESCE(SUM(reads), 0) FROM practice_read').pluck().get();
				} finally {
					db.close();
				}
			};
			expect(counted()).toBe(0);
			expect((await client.get('/case-studies/beta-rally/', ANNA)).status).toBe(200);
			expect(counted()).toBe(1);
		} finally {
			await open.stop();
		}
	});

	it('are shown to the owner and the admins; other members get 403', async () => {
		expect((await member.get('/case-studies/alpha-launch/analytics/', ANNA)).status).toBe(200);
		expect((await member.get('/case-studies/alpha-launch/analytics/', CLAIRE)).status).toBe(200);
		const refused = await member.get('/case-studies/alpha-launch/analytics/', BRUNO);
		expect(refused.status).toBe(403);
		expect(await refused.text()).not.toContain('data-cd-by-country');
		expect((await member.get('/case-studies/alpha-launch/analytics.csv', BRUNO)).status).toBe(403);
		const signedOut = await fetch(`${server.url}/case-studies/alpha-launch/analytics/`, {
			redirect: 'manual',
		});
		expect(signedOut.status).toBe(303);
	});
});

describe('trust', () => {
	it('lists an expired practice for the admin, and "Still valid" clears it', async () => {
		withDb((db) =>
			db.prepare("UPDATE practice SET review_by = '2024-01-01' WHERE slug = 'gamma-crm'").run(),
		);
		const page = await signInPage(browser, server, CLAIRE, { start: '/practices/review/' });
		const item = page.locator('[data-cd-review-item="gamma-crm"]');
		expect(await item.textContent()).toContain('Expired');
		expect(
			await page
				.getByRole('navigation', { name: 'Your account' })
				.getByRole('link', { name: 'To review' })
				.count(),
		).toBe(1);
		await Promise.all([
			page.waitForURL(/done=valid/),
			item.getByRole('button', { name: /^Still valid/ }).click(),
		]);
		expect(await page.getByRole('status').textContent()).toContain(
			'“Gamma follow-up at the right moment” is confirmed still valid',
		);
		expect(await page.locator('[data-cd-review-item="gamma-crm"]').count()).toBe(0);

		await page.goto(`${server.url}/case-studies/gamma-crm/`);
		const badge = page.locator('#trust [data-cd-trust-badge]');
		await badge.waitFor();
		expect(await badge.locator('[data-cd-trust-verified]').textContent()).toMatch(
			/^\s*Verified by Claire Martin on /,
		);
		expect(await badge.locator('[data-cd-trust-expired]').count()).toBe(0);
		await page.context().close();
		const job = withDb((db) =>
			db
				.prepare(
					"SELECT key FROM job WHERE kind = 'practice-review-due' AND key LIKE 'practice-review-due:gamma-crm:%' ORDER BY id DESC LIMIT 1",
				)
				.pluck()
				.get(),
		);
		const nextYear = new Date();
		nextYear.setUTCFullYear(nextYear.getUTCFullYear() + 1);
		expect(job).toBe(`practice-review-due:gamma-crm:${nextYear.toISOString().slice(0, 10)}`);
	});

	it('retires a practice only with a reason, shows it on the badge, and refuses a non-owner', async () => {
		withDb((db) =>
			db.prepare("UPDATE practice SET review_by = '2024-01-01' WHERE slug = 'beta-rally'").run(),
		);
		expect(
			(
				await member.post('/practices/review/', ANNA, {
					intent: 'retire',
					slug: 'beta-rally',
					reason: 'Old',
				})
			).status,
		).toBe(403);
		const refused = await member.post('/practices/review/', BRUNO, {
			intent: 'retire',
			slug: 'beta-rally',
			reason: '',
		});
		expect(refused.status).toBe(400);
		expect(await refused.text()).toContain('Say why this practice is retired');
		const done = await member.post('/practices/review/', BRUNO, {
			intent: 'retire',
			slug: 'beta-rally',
			reason: 'Replaced by the 2026 rally format.',
		});
		expect(done.status).toBe(303);
		const fragment = await (await member.get('/api/trust/beta-rally?lang=en', ANNA)).text();
		expect(fragment).toContain('Retired');
		expect(fragment).toContain('Replaced by the 2026 rally format.');
	});
});
