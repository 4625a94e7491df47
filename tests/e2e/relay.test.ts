// Writing to the anonymous author of a post-mortem, on the built fixture site in real Chromium and
// over real HTTP: Bruno writes through the relay, Anna (the author) reads his name and answers, and
// Bruno sees "The author of «…»" everywhere: never Anna's name, email or id, in no page and no mail.
import fs from 'node:fs';
import path from 'node:path';
import Sqlite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, startServer, type RunningServer, signInPage } from './harness';
import { rebuildMembersIndex } from '../../src/lib/server/members-search';

const ANNA = 'anna.verdi@it.fixture.example';
const BRUNO = 'bruno.costa@pt.fixture.example';
const TITLE = 'Tablets on the showroom floor';
const MASKED = `The author of «${TITLE}»`;

let server: RunningServer;
let browser: Browser;
let annaId: number;
let postMortemId: number;
let draftId: number;

beforeAll(async () => {
	[server, browser] = await Promise.all([
		startServer({ DEMO: 'true', DEMO_ADMINS: 'claire-martin' }),
		launchBrowser(),
	]);
	// The server's migrations created the tables; the post-mortem is written straight into its file.
	const db = new Sqlite(path.join(server.dataDir, 'portal.db'));
	try {
		annaId = db.prepare('SELECT id FROM user WHERE email = ?').pluck().get(ANNA) as number;
		const insert = db.prepare(
			`INSERT INTO post_mortem (author_id, disclosure, status, title, tried, country, created_at, updated_at, published_month)
			VALUES (?, 'anonymous', ?, ?, 'Tablets for every salesperson.', 'IT', 1700000000, 1700000000, '2026-01')`,
		);
		postMortemId = Number(insert.run(annaId, 'published', TITLE).lastInsertRowid);
		draftId = Number(insert.run(annaId, 'draft', 'Not published yet').lastInsertRowid);
	} finally {
		db.close();
	}
});

afterAll(async () => {
	await browser?.close();
	await server?.stop();
});

async function signIn(email: string): Promise<Page> {
	return signInPage(browser, server, email);
}

/** Raw outbox mails (headers and body as written), with their To header. */
function readOutbox(): { to: string; raw: string; decoded: string }[] {
	const dir = path.join(server.dataDir, 'outbox');
	if (!fs.existsSync(dir)) return [];
	return fs
		.readdirSync(dir)
		.sort()
		.map((file) => {
			const raw = fs.readFileSync(path.join(dir, file), 'utf8').replace(/\r\n/g, '\n');
			const to = /^To: (.*)$/m.exec(raw)?.[1] ?? '';
			const decoded = Buffer.from(
				raw
					.replace(/=\n/g, '')
					.replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))),
				'latin1',
			).toString('utf8');
			return { to, raw, decoded };
		});
}

async function waitForMail(to: string, count: number) {
	const deadline = Date.now() + 5000;
	for (;;) {
		const mails = readOutbox().filter((m) => m.to.includes(to));
		if (mails.length >= count) return mails;
		if (Date.now() > deadline)
			throw new Error(`expected ${count} mails to ${to}, got ${mails.length}`);
		await new Promise((r) => setTimeout(r, 50));
	}
}

/** Everything that would name Anna to Bruno. */
function expectNoTraceOfAnna(text: string) {
	expect(text).not.toMatch(/Anna|Verdi/);
	expect(text).not.toContain(ANNA);
	expect(text).not.toContain('anna-verdi');
	const id = String(annaId);
	for (const pattern of [
		new RegExp(`user=${id}(?!\\d)`),
		new RegExp(`data-user-id="${id}"`),
		new RegExp(`"(author_?id|userId|senderId|id)":\\s*${id}(?!\\d)`, 'i'),
		new RegExp(`/(people|member-photos)/[^"']*${id}(?!\\d)`),
	]) {
		expect(text).not.toMatch(pattern);
	}
}

describe('the relay to the author of a post-mortem', () => {
	it('carries a message to the anonymous author and the answer back without revealing her', async () => {
		const bruno = await signIn(BRUNO);
		await bruno.goto(`${server.url}/messages/new/?postMortem=${postMortemId}`);
		await expect(bruno.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(
			'Write to the author',
		);
		await expect(bruno.locator('.cd-compose__meta').textContent()).resolves.toContain(MASKED);
		await expect(bruno.getByRole('link', { name: TITLE }).getAttribute('href')).resolves.toBe(
			`/post-mortems/${postMortemId}/`,
		);
		await expect(bruno.getByLabel('Subject').inputValue()).resolves.toBe(
			`About your post-mortem: ${TITLE}`,
		);
		expectNoTraceOfAnna(await bruno.content());
		await bruno.getByLabel('Message').fill('How did the salespeople take it?');
		await Promise.all([
			bruno.waitForURL(/\/messages\/\d+\/\?sent=1#sent$/),
			bruno.getByRole('button', { name: 'Send message' }).click(),
		]);
		const threadPath = new URL(bruno.url()).pathname;

		// Anna gets a normal notification with Bruno's name, and reads him by name.
		const [toAnna] = await waitForMail(ANNA, 1);
		expect(toAnna.decoded).toContain('Bruno Costa wrote to you');
		const anna = await signIn(ANNA);
		await anna.goto(`${server.url}/messages/`);
		await expect(anna.locator('.cd-inbox').textContent()).resolves.toContain('Bruno Costa');
		await anna.goto(server.url + threadPath);
		await expect(anna.getByRole('note').textContent()).resolves.toContain(
			'You are answering as the anonymous author: your name is not shown.',
		);
		await expect(anna.locator('.cd-message').first().textContent()).resolves.toContain(
			'Bruno Costa',
		);
		await anna.getByLabel('Message').fill('Badly at first: too little training.');
		await Promise.all([
			anna.waitForURL(/\?sent=1#sent$/),
			anna.getByRole('button', { name: 'Send reply' }).click(),
		]);

		// Bruno sees the answer from "The author of «…»", with a date but no time.
		await bruno.goto(server.url + threadPath);
		const answer = bruno.locator('.cd-message').nth(1);
		await expect(answer.locator('strong').textContent()).resolves.toBe(MASKED);
		await expect(answer.textContent()).resolves.toContain('too little training');
		const datetime = await answer.locator('time').getAttribute('datetime');
		expect(datetime).toMatch(/^\d{4}-\d{2}-\d{2}$/);
		expectNoTraceOfAnna(await bruno.content());
		await bruno.goto(`${server.url}/messages/`);
		await expect(bruno.locator('.cd-inbox').textContent()).resolves.toContain(`With ${MASKED}`);
		expectNoTraceOfAnna(await bruno.content());

		// The raw HTML the server sends, not only what Chromium shows, and the French pages.
		const cookie = (await bruno.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
		for (const pathname of [
			threadPath,
			'/messages/',
			`/fr${threadPath}`,
			'/fr/messages/',
			'/api/me',
		]) {
			const res = await fetch(server.url + pathname, { headers: { Cookie: cookie } });
			expect(res.status).toBe(200);
			const text = `${[...res.headers].join('\n')}\n${await res.text()}`;
			expectNoTraceOfAnna(text);
		}

		// Bruno's notification: from the portal, to him, naming the author by the post-mortem only.
		const [toBruno] = await waitForMail(BRUNO, 1);
		expect(toBruno.decoded).toContain(`${MASKED} wrote to you`);
		expect(toBruno.raw).toMatch(/^From: .*no-reply@/m);
		expect(toBruno.raw).not.toMatch(/^(Reply-To|Cc|Bcc):/im);
		expectNoTraceOfAnna(toBruno.raw);
		expectNoTraceOfAnna(toBruno.decoded);
		await bruno.context().close();
		await anna.context().close();
	});

	it('refuses writing to yourself, and unpublished or unknown post-mortems', async () => {
		const anna = await signIn(ANNA);
		await anna.goto(`${server.url}/messages/new/?postMortem=${postMortemId}`);
		await expect(anna.getByRole('alert').textContent()).resolves.toContain(
			'This is your own post-mortem: you cannot write to yourself.',
		);
		await expect(anna.getByLabel('Message').count()).resolves.toBe(0);
		const bruno = await signIn(BRUNO);
		for (const id of [draftId, 999999, 'abc']) {
			const res = await bruno.goto(`${server.url}/messages/new/?postMortem=${id}`);
			expect(res?.status()).toBe(404);
			await expect(bruno.getByRole('alert').textContent()).resolves.toContain(
				'We could not find this post-mortem.',
			);
		}
		await anna.context().close();
		await bruno.context().close();
	});

	it('shows what members typed in post-mortem search excerpts as text, never as markup', async () => {
		const db = new Sqlite(path.join(server.dataDir, 'portal.db'));
		try {
			db.prepare(
				`INSERT INTO post_mortem (author_id, disclosure, status, title, tried, created_at, updated_at, published_month)
				VALUES (?, 'anonymous', 'published', 'Hailstorm test drives', ?, 1700000000, 1700000000, '2026-03')`,
			).run(
				annaId,
				'Test drives in a hailstorm <img src=x onerror="window.__pwned=1"> went badly.',
			);
			await rebuildMembersIndex({ db, dataDir: server.dataDir, logger: { info() {}, error() {} } });
		} finally {
			db.close();
		}
		const bruno = await signIn(BRUNO);
		await bruno.goto(`${server.url}/search/?q=hailstorm`);
		const hit = bruno.locator('.cd-search__hit', { hasText: 'Hailstorm test drives' });
		await hit.waitFor();
		await expect(hit.locator('img').count()).resolves.toBe(0);
		await expect(hit.locator('mark').first().textContent()).resolves.toMatch(/hailstorm/i);
		await expect(
			bruno.evaluate(() => (window as unknown as { __pwned?: number }).__pwned),
		).resolves.toBeUndefined();
		await bruno.context().close();
	});

	it('lets members search post-mortems next to practices, tagged apart', async () => {
		const db = new Sqlite(path.join(server.dataDir, 'portal.db'));
		let rallyId: number;
		try {
			rallyId = Number(
				db
					.prepare(
						`INSERT INTO post_mortem (author_id, disclosure, status, title, tried, topics, created_at, updated_at, published_month)
						VALUES (?, 'anonymous', 'published', 'The rally nobody came to', 'An owner rally in the rain.', '["owner-community"]', 1700000000, 1700000000, '2026-02')`,
					)
					.run(annaId).lastInsertRowid,
			);
			await rebuildMembersIndex({ db, dataDir: server.dataDir, logger: { info() {}, error() {} } });
		} finally {
			db.close();
		}
		// Signed out, the members' index is not served.
		expect((await fetch(`${server.url}/members-search/pagefind-entry.json`)).status).toBe(401);

		const bruno = await signIn(BRUNO);
		const cookie = (await bruno.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
		const entry = await fetch(`${server.url}/members-search/pagefind-entry.json`, {
			headers: { Cookie: cookie },
		});
		expect(entry.status).toBe(200);
		expect(entry.headers.get('content-type')).toMatch(/^application\/json/);
		expect(entry.headers.get('cache-control')).toBe('private, no-cache');
		// Nothing outside the index directory (the database sits next to it) is reachable.
		for (const attempt of [
			'..%2Fportal.db',
			'%2e%2e/portal.db',
			'..%5Cportal.db',
			'../portal.db',
		]) {
			const res = await fetch(`${server.url}/members-search/${attempt}`, {
				headers: { Cookie: cookie },
			});
			expect(res.status, attempt).toBeGreaterThanOrEqual(400);
			expect(Buffer.from(await res.arrayBuffer()).includes('SQLite format')).toBe(false);
		}
		for (const prefix of ['', '/fr']) {
			await bruno.goto(`${server.url}${prefix}/search/?q=rally`);
			const postMortem = bruno.locator(
				`.cd-search__hit:has(a[href="${prefix}/post-mortems/${rallyId}/"])`,
			);
			await postMortem.waitFor();
			// 'Post-mortem' is the same word in French.
			await expect(postMortem.locator('.cd-tag').textContent()).resolves.toBe('Post-mortem');
			const practice = bruno.locator(
				`.cd-search__hit:has(a[href="${prefix}/case-studies/beta-rally/"])`,
			);
			await expect(practice.locator('.cd-tag').textContent()).resolves.toBe(
				prefix ? 'Pratique' : 'Practice',
			);
		}
		// The type filter narrows to post-mortems only.
		await bruno.goto(`${server.url}/search/?q=rally&kind=post-mortem`);
		await bruno.locator(`a[href="/post-mortems/${rallyId}/"]`).waitFor();
		await expect(bruno.locator('input[name=kind][value=post-mortem]').isChecked()).resolves.toBe(
			true,
		);
		await expect(bruno.locator('a[href="/case-studies/beta-rally/"]').count()).resolves.toBe(0);
		expectNoTraceOfAnna(await bruno.content());
		await bruno.context().close();
	});
});
