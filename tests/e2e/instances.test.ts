// Two portal instances on one PostgreSQL database and one shared DATA_DIR, behind one Debian nginx
// (deploy/nginx/coaching-dealer.conf with both in its upstream): a session made on one is good on
// the other, rate limits count on both, a post-mortem published on one is found in search on the
// other within seconds (PostgreSQL LISTEN/NOTIFY makes the other rebuild its members' index), a
// queued job runs once although both runners poll, and one instance killed with SIGKILL loses no
// acknowledged message while nginx keeps answering from the other.
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startNginx, type RunningNginx } from '../../scripts/nginx-front.mjs';
import {
	createPgDatabase,
	DEMO_PASSWORD,
	FIXTURE_DIST,
	launchBrowser,
	openServerStore,
	signInPage,
	startServer,
	type RunningServer,
} from './harness';
import { readOutbox } from '../lib/server/notifications/eml';
import { openStore } from '../../src/lib/server/db';

const ANNA = 'anna.verdi@it.fixture.example';
const BRUNO = 'bruno.costa@pt.fixture.example';
const CLAIRE = 'claire.martin@fr.fixture.example';
// A word no fixture page has, so a hit can only be this post-mortem.
const WORD = 'zeppelinforecourt';

let pg: { url: string; drop: () => void };
let sharedDir: string;
let a: RunningServer;
let b: RunningServer;
let nginx: RunningNginx;
let agent: https.Agent;
let browser: Browser;

beforeAll(async () => {
	pg = createPgDatabase();
	sharedDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cd-e2e-shared-'));
	const env = {
		DATABASE_URL: pg.url,
		DATA_DIR: sharedDir,
		TRUST_PROXY: '1',
		DEMO: 'true',
		DEMO_ADMINS: 'claire-martin',
		JOBS_POLL_MS: '100',
	};
	// One after the other: the second finds the demo already seeded.
	a = await startServer(env);
	b = await startServer(env);
	[nginx, browser] = await Promise.all([
		startNginx({ distDir: FIXTURE_DIST, portalUrls: [a.url, b.url] }),
		launchBrowser(),
	]);
	agent = new https.Agent({ ca: nginx.ca, keepAlive: true });
});

afterAll(async () => {
	agent?.destroy();
	await browser?.close();
	await nginx?.stop();
	await Promise.all([a?.stop(), b?.stop()]);
	pg?.drop();
	fs.rmSync(sharedDir, { recursive: true, force: true });
});

interface Answer {
	status: number;
	location: string | null;
	setCookie: string;
}

/** One request through nginx over https. */
function viaNginx(
	method: string,
	target: string,
	headers: Record<string, string> = {},
	body?: string,
): Promise<Answer> {
	return new Promise((resolve, reject) => {
		const req = https.request(`${nginx.url}${target}`, { method, headers, agent }, (res) => {
			res.resume();
			res.on('end', () =>
				resolve({
					status: res.statusCode!,
					location: (res.headers.location as string | undefined) ?? null,
					setCookie: String(res.headers['set-cookie'] ?? ''),
				}),
			);
			res.on('error', reject);
		});
		req.on('error', reject);
		req.end(body);
	});
}

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const formHeaders = (origin: string, token?: string) => ({
	Origin: origin,
	'Content-Type': 'application/x-www-form-urlencoded',
	...(token ? { Cookie: `cd_session=${token}` } : {}),
});

/** Signs in with the real form on one instance; returns the session token. */
async function signInOn(server: RunningServer, email: string): Promise<string> {
	const res = await fetch(`${server.url}/login/`, {
		method: 'POST',
		redirect: 'manual',
		headers: formHeaders(server.url),
		body: form({ email, password: DEMO_PASSWORD }),
	});
	const token = /cd_session=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')?.[1];
	if (res.status !== 303 || !token) throw new Error(`sign-in of ${email}: ${res.status}`);
	return token;
}

function postOn(
	server: RunningServer,
	pathname: string,
	token: string,
	fields: Record<string, string>,
) {
	return fetch(server.url + pathname, {
		method: 'POST',
		redirect: 'manual',
		headers: formHeaders(server.url, token),
		body: form(fields),
	});
}

function getOn(server: RunningServer, pathname: string, token: string) {
	return fetch(server.url + pathname, {
		redirect: 'manual',
		headers: { Cookie: `cd_session=${token}` },
	});
}

function withStore<T>(run: (db: ReturnType<typeof openServerStore>) => T): T {
	const db = openServerStore(a);
	try {
		return run(db);
	} finally {
		db.close();
	}
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const now = () => Math.floor(Date.now() / 1000);

describe('two instances on PostgreSQL behind one nginx', () => {
	it('keeps a session made on one instance good on the other, and ends it on both', async () => {
		const token = await signInOn(a, BRUNO);
		const onB = await getOn(b, '/messages/', token);
		expect(onB.status).toBe(200);
		expect(await onB.text()).toContain('Bruno');
		// Through nginx, whichever instance answers.
		for (let i = 0; i < 4; i++)
			expect((await viaNginx('GET', '/messages/', { Cookie: `cd_session=${token}` })).status).toBe(
				200,
			);
		// Signed out on B: A refuses the cookie at once.
		const out = await postOn(b, '/logout/', token, {});
		expect(out.status).toBe(303);
		const onA = await getOn(a, '/messages/', token);
		expect(onA.status).toBe(303);
		expect(onA.headers.get('location')).toMatch(/^\/login\//);
	});

	it('counts a rate limit on both instances: the 31st message in an hour is refused, wherever it goes', async () => {
		const claire = await signInOn(a, CLAIRE);
		const started = await postOn(a, '/messages/new/?to=bruno-costa', claire, {
			subject: 'Thirty questions',
			body: 'Question 0',
		});
		expect(started.status).toBe(303);
		const thread = /\/messages\/(\d+)\//.exec(started.headers.get('location') ?? '')![1];
		const statuses: number[] = [started.status];
		for (let i = 1; i < 32; i++) {
			const on = i % 2 ? b : a;
			statuses.push(
				(await postOn(on, `/messages/${thread}/`, claire, { body: `Question ${i}` })).status,
			);
		}
		expect(statuses.slice(0, 30).every((s) => s === 303)).toBe(true);
		// The 31st went to B, the 32nd to A: both refuse.
		expect(statuses.slice(30)).toEqual([429, 429]);

		// Sign-in throttle on one account, from many addresses, alternating instances.
		const signIns: number[] = [];
		for (let i = 0; i < 12; i++) {
			const on = i % 2 ? b : a;
			const res = await fetch(`${on.url}/login/`, {
				method: 'POST',
				redirect: 'manual',
				headers: { ...formHeaders(on.url), 'X-Forwarded-For': `10.7.0.${i}` },
				body: form({ email: ANNA, password: `wrong guess ${i}` }),
			});
			signIns.push(res.status);
		}
		expect(signIns.slice(0, 10).every((s) => s === 401)).toBe(true);
		expect(signIns.slice(10)).toEqual([429, 429]);
		// Anna's own sign-in waits only the bounded delay: clear it for the tests below.
		withStore((db) => db.prepare("DELETE FROM login_failure WHERE key LIKE 'sign-in-%'").run());
	});

	it('finds a post-mortem published on A in search on B within seconds: B rebuilt its own index', async () => {
		const id = insertDraft(`A ${WORD} pop-up that stayed empty`);
		const expected = countPublished() + 1;
		const bLogBefore = b.output().length;
		const anna = await signInOn(a, ANNA);
		const started = Date.now();
		await publishOnA(anna, id);
		// B's own main process rebuilt with the new post-mortem, told by A through PostgreSQL.
		await waitForRebuild(b, bLogBefore, expected, started);
		const rebuiltOnB = Date.now() - started;

		// A colleague searching on B finds it.
		const bruno = await signInPage(browser, b, BRUNO);
		const found = await searchUntil(bruno, b, id);
		console.log(
			`published on A → B rebuilt its index in ${rebuiltOnB} ms → found by search on B ${Date.now() - started} ms after publishing (search took ${found} ms)`,
		);
		expect(Date.now() - started).toBeLessThan(10_000);
		await bruno.context().close();
	});

	it('catches up on a change made while it could not listen, once the database lets it back', async () => {
		const id = insertDraft('A roadside banner nobody read');
		const expected = countPublished() + 1;
		const anna = await signInOn(a, ANNA);
		const bLogBefore = b.output().length;
		// The cluster's maintenance database: connections to the portal's are refused for a while.
		const admin = openStore({ dataDir: '', databaseUrl: inject('pgAdminUrl'), migrate: false });
		const name = new URL(pg.url).pathname.slice(1);
		try {
			// A failover: the listening connections drop and cannot come back for a few seconds.
			admin.prepare(`ALTER DATABASE ${name} ALLOW_CONNECTIONS false`).run();
			const cut = admin
				.prepare(
					`SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity
						WHERE datname = ? AND application_name LIKE '%(listen)'`,
				)
				.pluck()
				.get(name) as number;
			expect(cut).toBe(2);
			// Published on A (its connection is still up) while B cannot hear it.
			await publishOnA(anna, id);
			await sleep(2500);
			expect(b.output().slice(bLogBefore)).not.toMatch(new RegExp(`indexed ${expected} `));
		} finally {
			admin.prepare(`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`).run();
			admin.close();
		}
		const allowed = Date.now();
		await waitForRebuild(b, bLogBefore, expected, allowed);
		console.log(
			`listening cut for 2.5 s: B caught up ${Date.now() - allowed} ms after the database let it back`,
		);
	});

	it('runs a queued job once although both instances poll for jobs', async () => {
		withStore((db) => {
			const bruno = db.prepare('SELECT id FROM user WHERE email = ?').pluck().get(BRUNO) as number;
			db.prepare("INSERT INTO focal_point (country, user_id, created_at) VALUES ('PT', ?, ?)").run(
				bruno,
				now(),
			);
			const queue = db.prepare(
				`INSERT INTO job (kind, key, payload, run_at, created_at) VALUES ('answer-reminder', ?, ?, ?, ?)`,
			);
			for (const slug of ['alpha-launch', 'gamma-crm'])
				queue.run(
					`e2e-two-instances:${slug}`,
					JSON.stringify({ caseStudy: slug, day: 7 }),
					now() - 60,
					now() - 60,
				);
		});
		const reminders = () =>
			readOutbox(path.join(sharedDir, 'outbox')).filter((m) =>
				/-reminders-/.test(m.headers.get('list-unsubscribe') ?? ''),
			);
		const deadline = Date.now() + 15_000;
		while (reminders().length < 2 && Date.now() < deadline) await sleep(100);
		// Both runners keep polling every 100 ms: another second and a half gives either ~15 chances.
		await sleep(1500);
		const mails = reminders();
		expect(mails.map((m) => m.to)).toEqual([BRUNO, BRUNO]);
		expect(new Set(mails.map((m) => m.subject)).size).toBe(2);
		const jobs = withStore(
			(db) =>
				db
					.prepare(
						"SELECT state, attempts FROM job WHERE key LIKE 'e2e-two-instances:%' ORDER BY id",
					)
					.all() as { state: string; attempts: number }[],
		);
		expect(jobs).toEqual([
			{ state: 'done', attempts: 1 },
			{ state: 'done', attempts: 1 },
		]);
	});

	it('loses no acknowledged message when one instance is killed, and nginx keeps answering', async () => {
		const tokens = {
			anna: await signInThroughNginx(ANNA),
			bruno: await signInThroughNginx(BRUNO),
			claire: await signInThroughNginx(CLAIRE),
		};
		// Each sender's own thread to Claire, then replies in a loop (29 each: the hourly bucket is 30).
		const threads: Record<'anna' | 'bruno', string> = { anna: '', bruno: '' };
		for (const who of ['anna', 'bruno'] as const) {
			const res = await viaNginx(
				'POST',
				'/messages/new/?to=claire-martin',
				formHeaders(nginx.url, tokens[who]),
				form({ subject: `Kill test from ${who}`, body: `kill-${who}-start` }),
			);
			expect(res.status).toBe(303);
			threads[who] = /\/messages\/(\d+)\//.exec(res.location ?? '')![1]!;
		}
		const acknowledged: string[] = [];
		const failed: { body: string; status: number | string }[] = [];
		const send = async (who: 'anna' | 'bruno') => {
			for (let i = 0; i < 29; i++) {
				const body = `kill-${who}-${i}`;
				try {
					const res = await viaNginx(
						'POST',
						`/messages/${threads[who]}/`,
						formHeaders(nginx.url, tokens[who]),
						form({ body }),
					);
					if (res.status === 303) acknowledged.push(body);
					else failed.push({ body, status: res.status });
				} catch (error) {
					failed.push({ body, status: (error as Error).message });
				}
				await sleep(60);
			}
		};
		let killedAt = 0;
		let sending = true;
		const gets: { at: number; status: number | string }[] = [];
		const read = async () => {
			while (sending || Date.now() - killedAt < 2000) {
				try {
					const res = await viaNginx('GET', '/messages/', {
						Cookie: `cd_session=${tokens.claire}`,
					});
					gets.push({ at: Date.now(), status: res.status });
				} catch (error) {
					gets.push({ at: Date.now(), status: (error as Error).message });
				}
				await sleep(25);
			}
		};
		const kill = async () => {
			await sleep(900);
			await b.kill('SIGKILL');
			killedAt = Date.now();
		};
		const reading = read();
		await Promise.all([send('anna'), send('bruno'), kill()]);
		sending = false;
		await reading;

		const afterKill = gets.filter((g) => g.at > killedAt);
		const ackedBefore = acknowledged.length;
		console.log(
			`SIGKILL of B: ${ackedBefore} acknowledged, ${failed.length} failed (${JSON.stringify(failed.map((f) => f.status))}); ` +
				`${gets.length} GETs through nginx, ${afterKill.length} after the kill, non-200: ${JSON.stringify(gets.filter((g) => g.status !== 200))}`,
		);
		expect(gets.every((g) => g.status === 200)).toBe(true);
		expect(afterKill.length).toBeGreaterThan(10);
		// Most sends went through; the few in flight on B when it died may have failed.
		expect(acknowledged.length).toBeGreaterThan(50);
		expect(failed.every((f) => f.status === 502)).toBe(true);

		const rows = withStore(
			(db) =>
				db
					.prepare("SELECT body, COUNT(*) AS n FROM message WHERE body LIKE 'kill-%' GROUP BY body")
					.all() as { body: string; n: number }[],
		);
		const count = new Map(rows.map((r) => [r.body, r.n]));
		const lost = acknowledged.filter((body) => count.get(body) !== 1);
		const duplicated = rows.filter((r) => r.n > 1);
		console.log(
			`after the kill: lost=${lost.length}, duplicated=${duplicated.length}, rows=${rows.length}`,
		);
		expect(lost).toEqual([]);
		expect(duplicated).toEqual([]);
		// A is still whole: a new sign-in and a page work through nginx.
		const again = await signInThroughNginx(ANNA);
		expect((await viaNginx('GET', '/messages/', { Cookie: `cd_session=${again}` })).status).toBe(
			200,
		);
	});
});

function insertDraft(title: string): number {
	return withStore((db) => {
		const annaId = db.prepare('SELECT id FROM user WHERE email = ?').pluck().get(ANNA);
		return Number(
			db
				.prepare(
					`INSERT INTO post_mortem (author_id, disclosure, status, step, title, tried, period, signal,
						signal_when, factors, went_wrong, differently, created_at, updated_at)
					VALUES (?, 'anonymous', 'draft', 6, ?, ?, 'Spring 2026', 'Nobody booked a slot.',
						'Week two', '["timing"]', 'We launched in the holidays.', 'Launch after the holidays.',
						1700000000, 1700000000)`,
				)
				.run(annaId, title, `${title}, in a mall.`).lastInsertRowid,
		);
	});
}

function countPublished(): number {
	return withStore(
		(db) =>
			db
				.prepare("SELECT COUNT(*) FROM post_mortem WHERE status = 'published'")
				.pluck()
				.get() as number,
	);
}

/** Anna publishes her draft with the real step-6 form on instance A. */
async function publishOnA(token: string, id: number): Promise<void> {
	const res = await postOn(a, `/post-mortems/${id}/edit/?step=6`, token, {
		step: '6',
		disclosure: 'anonymous',
		intent: 'publish',
	});
	expect(res.status).toBe(303);
	expect(res.headers.get('location')).toBe(`/post-mortems/${id}/?published=1`);
}

/** Waits until `server`'s own log (after `offset`) shows a rebuild with `count` post-mortems. */
async function waitForRebuild(
	server: RunningServer,
	offset: number,
	count: number,
	started: number,
): Promise<void> {
	const line = new RegExp(`indexed ${count} post-mortems`);
	while (!line.test(server.output().slice(offset))) {
		if (Date.now() - started > 10_000)
			throw new Error(`no rebuild with ${count} post-mortems:\n${server.output().slice(offset)}`);
		await sleep(50);
	}
}

async function signInThroughNginx(email: string): Promise<string> {
	const res = await viaNginx(
		'POST',
		'/login/',
		formHeaders(nginx.url),
		form({ email, password: DEMO_PASSWORD }),
	);
	const token = /cd_session=([^;]+)/.exec(res.setCookie)?.[1];
	if (res.status !== 303 || !token)
		throw new Error(`sign-in of ${email} through nginx: ${res.status}`);
	return token;
}

/** Searches like a member until the post-mortem shows or 10 s pass; returns how long it took. */
async function searchUntil(page: Page, server: RunningServer, id: number): Promise<number> {
	const started = Date.now();
	const hit = `a[href="/post-mortems/${id}/"]`;
	for (;;) {
		await page.goto(`${server.url}/search/?q=${WORD}`);
		const shown = await page
			.locator(hit)
			.first()
			.waitFor({ timeout: 1500 })
			.then(() => true)
			.catch(() => false);
		if (shown) return Date.now() - started;
		if (Date.now() - started > 10_000) throw new Error('search on B still misses the post-mortem');
	}
}
