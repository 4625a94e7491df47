// The adoption loop as one story, on the built fixture with the real server, its job runner and
// outbox, and Debian's Chromium: an admin names the focal points of Portugal and Italy; Italy's
// practice is owed answers; Portugal's focal point gets the weekly digest, follows its link and
// answers "adapted" with a KPI; Italy's contact is told; the dashboard and the matrix show it; France,
// which did not answer, is reminded exactly once, also across a restart. Access: a country does not
// see another's reading figures, and signed out nothing of it is readable.
import fs from 'node:fs';
import path from 'node:path';
import type { Database } from '../../src/lib/server/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import {
	openServerStore,
	createMemberClient,
	launchBrowser,
	signInPage,
	startServer,
	type MemberClient,
	type RunningServer,
} from './harness';
import { readOutbox, type ParsedMail } from '../lib/server/notifications/eml';

const ANNA = 'anna.verdi@it.fixture.example';
const BRUNO = 'bruno.costa@pt.fixture.example';
const CLAIRE = 'claire.martin@fr.fixture.example';
const ENV = {
	DEMO: 'true',
	DEMO_ADMINS: 'claire-martin',
	JOBS_POLL_MS: '200',
	PORTAL_URL: 'self',
};

let server: RunningServer;
let dataDir: string;
let browser: Browser;
let member: MemberClient;

const now = () => Math.floor(Date.now() / 1000);

function withDb<T>(fn: (db: Database) => T): T {
	const db = openServerStore(server);
	try {
		return fn(db);
	} finally {
		db.close();
	}
}

const mails = (to: string, kind: string): ParsedMail[] =>
	readOutbox(path.join(dataDir, 'outbox')).filter(
		(m) => m.to === to && (m.headers.get('list-unsubscribe') ?? '').includes(`-${kind}-`),
	);

async function waitFor<T>(read: () => T, ok: (v: T) => boolean, what: string): Promise<T> {
	const deadline = Date.now() + 20_000;
	for (;;) {
		const value = read();
		if (ok(value)) return value;
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await new Promise((r) => setTimeout(r, 100));
	}
}

async function signIn(email: string): Promise<Page> {
	return signInPage(browser, server, email, { viewport: { width: 1024, height: 1366 } });
}

beforeAll(async () => {
	[server, browser] = await Promise.all([startServer(ENV), launchBrowser()]);
	dataDir = server.dataDir;
	member = createMemberClient(server);
}, 60_000);

afterAll(async () => {
	await browser?.close();
	await server?.stop();
	fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('the adoption loop', () => {
	it('an admin names the focal points of Portugal, Italy and France', async () => {
		const page = await signIn(CLAIRE);
		for (const [country, name, label] of [
			['PT', 'Bruno Costa', 'Member of Portugal'],
			['IT', 'Anna Verdi', 'Member of Italy'],
			['FR', 'Claire Martin', 'Member of France'],
		] as const) {
			await page.goto(`${server.url}/admin/focal-points/`);
			const row = page.locator(`tr[data-country="${country}"]`);
			await row.getByLabel(label).selectOption({ label: name });
			await Promise.all([
				page.waitForURL(/notice=name/),
				row.getByRole('button', { name: /^Name/ }).click(),
			]);
			expect(
				await page.locator(`tr[data-country="${country}"] [data-focal-point]`).textContent(),
			).toContain(name);
		}
		await page.context().close();
	});

	it("Portugal's focal point gets the digest, follows its link and answers “adapted” with a KPI", async () => {
		// Bruno's digest day comes: its job, queued at start for his next digest day, is due now.
		const brunoId = withDb(
			(db) => db.prepare('SELECT id FROM user WHERE email = ?').pluck().get(BRUNO) as number,
		);
		const moved = withDb((db) => {
			const job = db
				.prepare(
					`SELECT id, payload FROM job WHERE kind = 'weekly-digest' AND state = 'pending'
						AND CAST(json_extract(payload, '$.userId') AS INTEGER) = ?`,
				)
				.get(brunoId) as { id: number; payload: string };
			const payload = { ...JSON.parse(job.payload), from: now() - 7 * 86400, to: now() };
			return db
				.prepare('UPDATE job SET run_at = ?, payload = ? WHERE id = ?')
				.run(now() - 1, JSON.stringify(payload), job.id).changes;
		});
		expect(moved).toBe(1);
		const [digest] = await waitFor(
			() => mails(BRUNO, 'digest'),
			(m) => m.length > 0,
			"Bruno's digest",
		);
		// Italy's practice is listed as owed by Portugal, with the one-click link to the answer form.
		expect(digest!.text).toContain('Alpha crossover launch with street events');
		const link = digest!.text.match(
			/http:\/\/127\.0\.0\.1:\d+\/case-studies\/alpha-launch\/answer\//,
		);
		expect(link).not.toBeNull();
		expect(digest!.html).toContain(link![0]);

		const page = await signIn(BRUNO);
		await page.goto(link![0]);
		await page.getByRole('radio', { name: /^Adapted/ }).check();
		await page.getByLabel('Period').fill('Spring 2026');
		await page.getByLabel('What did your country change?').fill('Two events instead of five');
		await page.getByLabel('What was measured').fill('Test drives per month');
		await page.getByLabel('Before').fill('80');
		await page.getByLabel('After').fill('112');
		await Promise.all([
			page.waitForURL(/\?saved=adapted/),
			page.getByRole('button', { name: "Save the country's answer" }).click(),
		]);
		expect(await page.getByRole('status').first().textContent()).toContain(
			'Saved: the answer of Portugal is now “Adapted”.',
		);
		await page.context().close();
	});

	it("Italy's contact is told, and the dashboard and the matrix show Portugal's answer", async () => {
		const [told] = await waitFor(
			() =>
				readOutbox(path.join(dataDir, 'outbox')).filter(
					(m) => m.to === ANNA && /Portugal/.test(m.subject),
				),
			(m) => m.length > 0,
			"the answer's notification to Anna",
		);
		expect(told!.text).toContain('Test drives per month');
		expect(told!.text).toMatch(/80\D+112/);

		const page = await signIn(CLAIRE);
		await page.goto(`${server.url}/diffusion/`);
		const cell = page.locator('tr[data-case-study="alpha-launch"] [data-country="PT"]');
		expect(await cell.textContent()).toMatch(/Adapted/);
		expect(
			await page.locator('tr[data-case-study="alpha-launch"] [data-country="FR"]').textContent(),
		).not.toMatch(/Adapted/);

		await page.goto(`${server.url}/impact/`);
		const dashboard = (await page.locator('main').textContent()) ?? '';
		expect(dashboard).toContain('Portugal');
		// The measured value: Portugal's +32 test drives a month, traced to its answer.
		expect(dashboard).toMatch(/test drives per month[^+]*\+32/i);
		await page.context().close();
	});

	it('France, which did not answer, is reminded exactly once, also across a restart', async () => {
		const due = withDb(
			(db) =>
				db
					.prepare(
						`UPDATE job SET run_at = ? WHERE kind = 'answer-reminder' AND state = 'pending'
							AND json_extract(payload, '$.caseStudy') = 'alpha-launch' AND CAST(json_extract(payload, '$.day') AS INTEGER) = 7`,
					)
					.run(now() - 1).changes,
		);
		expect(due).toBe(1);
		await waitFor(
			() => mails(CLAIRE, 'reminders'),
			(m) => m.length === 1,
			'the reminder to France',
		);
		// Portugal answered: Bruno is not reminded.
		expect(mails(BRUNO, 'reminders')).toHaveLength(0);

		expect(await server.stop()).toBe(0);
		// While the server is down the 21-day reminder's time comes as well; France still owes.
		withDb((db) =>
			db
				.prepare(
					`UPDATE job SET run_at = ? WHERE kind = 'answer-reminder' AND state = 'pending'
						AND json_extract(payload, '$.caseStudy') = 'alpha-launch'`,
				)
				.run(now() - 60),
		);
		// The same DATA_DIR (and database): startServer uses the one it is given.
		server = await startServer({
			...ENV,
			DATA_DIR: dataDir,
			...(server.databaseUrl ? { DATABASE_URL: server.databaseUrl } : {}),
		});
		member = createMemberClient(server);
		await waitFor(
			() => mails(CLAIRE, 'reminders'),
			(m) => m.length === 2,
			'the 21-day reminder',
		);
		await new Promise((r) => setTimeout(r, 1500));
		// One mail per reminder, none repeated by the restart; Portugal still never reminded.
		expect(mails(CLAIRE, 'reminders')).toHaveLength(2);
		expect(mails(BRUNO, 'reminders')).toHaveLength(0);
		expect(
			withDb((db) =>
				db
					.prepare(
						`SELECT state FROM job WHERE kind = 'answer-reminder'
							AND json_extract(payload, '$.caseStudy') = 'alpha-launch'`,
					)
					.pluck()
					.all(),
			),
		).toEqual(['done', 'done']);
	}, 60_000);

	it("a country does not see another's reading figures, and signed out nothing is readable", async () => {
		// Bruno (Portugal) is neither a contact of Italy's practice nor an admin.
		expect((await member.get('/case-studies/alpha-launch/analytics/', BRUNO)).status).toBe(403);
		expect((await member.get('/case-studies/alpha-launch/analytics.csv', BRUNO)).status).toBe(403);
		expect((await member.get('/case-studies/alpha-launch/analytics/', ANNA)).status).toBe(200);
		// Portugal's dashboard has its own row, not Italy's or France's.
		const impact = await (await member.get('/impact/', BRUNO)).text();
		expect(impact).toContain('Portugal');
		expect(impact).not.toMatch(/<th[^>]*>\s*(Italy|France)\s*</);

		for (const pathname of [
			'/impact/',
			'/answers/',
			'/requests/',
			'/diffusion/',
			'/notifications/',
			'/practices/review/',
			'/case-studies/alpha-launch/answer/',
			'/case-studies/alpha-launch/analytics/',
			'/fr/impact/',
		]) {
			const res = await fetch(`${server.url}${pathname}`, { redirect: 'manual' });
			expect([302, 303, 401], pathname).toContain(res.status);
			expect(await res.text(), pathname).not.toContain('Alpha crossover');
		}
		for (const pathname of [
			'/diffusion.csv',
			'/impact/answered.csv',
			'/case-studies/alpha-launch/analytics.csv',
		]) {
			const res = await fetch(`${server.url}${pathname}`, { redirect: 'manual' });
			expect(res.status, pathname).toBeGreaterThanOrEqual(300);
			expect(await res.text(), pathname).not.toContain('alpha-launch');
		}
	});
});
