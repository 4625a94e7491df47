// Messaging as people expect it, on the built fixture site with demo accounts, over real HTTP and in
// real Chromium: Contact continues the conversation about the same thing, a form sent twice (Back
// and Send, a double click) writes once, the inbox shows the start of the last message, times are in
// the reader's time zone with the zone shown, and nobody is offered a "Write to" for someone who can
// no longer receive messages.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import {
	createMemberClient,
	launchBrowser,
	startServer,
	type MemberClient,
	type RunningServer,
	signInPage,
	queryServer,
} from './harness';

const ANNA = 'anna.verdi@it.fixture.example';
const BRUNO = 'bruno.costa@pt.fixture.example';
const CLAIRE = 'claire.martin@fr.fixture.example';

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

/** Reads the server's database file (read-only), as a check of what was really stored. */
const query = <T>(sql: string, ...params: unknown[]) => queryServer<T>(server, sql, ...params);

function messagesIn(threadId: number): string[] {
	return query<{ body: string }>(
		'SELECT body FROM message WHERE thread_id = ? ORDER BY id',
		threadId,
	).map((m) => m.body);
}

function threadCount(): number {
	return query<{ n: number }>('SELECT count(*) AS n FROM thread')[0].n;
}

function idOf(email: string): number {
	return query<{ id: number }>('SELECT id FROM user WHERE email = ?', email)[0].id;
}

/** The hidden send key of the first message form of a page. */
function sendKeyOf(html: string): string {
	const key = /<input type="hidden" name="key" value="([A-Za-z0-9_-]+)"/.exec(html)?.[1];
	expect(key).toBeDefined();
	return key!;
}

function threadIdOf(location: string | null): number {
	const id = /\/messages\/(\d+)\//.exec(location ?? '')?.[1];
	expect(id, String(location)).toBeDefined();
	return Number(id);
}

function outboxTo(email: string): string[] {
	const dir = path.join(server.dataDir, 'outbox');
	if (!fs.existsSync(dir)) return [];
	return fs
		.readdirSync(dir)
		.map((file) => fs.readFileSync(path.join(dir, file), 'utf8'))
		.filter((raw) => new RegExp(`^To: ${email.replace(/\./g, '\\.')}`, 'm').test(raw));
}

async function signIn(email: string, options: { timezoneId?: string } = {}): Promise<Page> {
	return signInPage(browser, server, email, { timezoneId: options.timezoneId });
}

async function poll<T>(read: () => T | Promise<T>, ok: (value: T) => boolean): Promise<T> {
	const deadline = Date.now() + 5000;
	for (;;) {
		const value = await read();
		if (ok(value) || Date.now() > deadline) return value;
		await new Promise((r) => setTimeout(r, 50));
	}
}

describe('one conversation per pair and practice', () => {
	it('continues the conversation from Contact, and Back then Send again does not send twice', async () => {
		const threadsBefore = threadCount();
		const anna = await signIn(ANNA);
		await anna.goto(`${server.url}/case-studies/beta-rally/`);
		await anna.getByRole('link', { name: 'Contact Bruno Costa about this practice' }).click();
		await anna.waitForURL(/\/messages\/new\/\?to=bruno-costa&about=beta-rally$/);
		await anna.getByLabel('Message', { exact: true }).fill('How many owners came to the rally?');
		await anna.getByRole('button', { name: 'Send message' }).click();
		await anna.waitForURL(/\/messages\/\d+\/\?sent=1/);
		const threadId = Number(/\/messages\/(\d+)\//.exec(anna.url())![1]);
		expect(threadCount()).toBe(threadsBefore + 1);

		// Back to the form and Send again: the same message is not written a second time.
		await anna.goBack();
		await anna.waitForLoadState();
		if (new URL(anna.url()).pathname === '/messages/new/') {
			// The browser kept the sent form (back/forward cache): sending it again lands on the thread.
			await expect(anna.getByLabel('Message', { exact: true }).inputValue()).resolves.toBe(
				'How many owners came to the rally?',
			);
			await anna.getByRole('button', { name: 'Send message' }).click();
			await anna.waitForURL(new RegExp(`/messages/${threadId}/\\?sent=1`));
		} else {
			// The browser asked the server again: the form is now the conversation itself.
			expect(new URL(anna.url()).pathname).toBe(`/messages/${threadId}/`);
		}
		await expect(anna.locator('.cd-message').count()).resolves.toBe(1);
		expect(messagesIn(threadId)).toEqual(['How many owners came to the rally?']);
		expect(threadCount()).toBe(threadsBefore + 1);

		// Contact again from the case study: the same conversation, ready to write in.
		await anna.goto(`${server.url}/case-studies/beta-rally/`);
		await anna.getByRole('link', { name: 'Contact Bruno Costa about this practice' }).click();
		await anna.waitForURL(new RegExp(`/messages/${threadId}/\\?continue=1$`));
		await expect(anna.getByRole('status').innerText()).resolves.toBe(
			'You already have a conversation with Bruno Costa about Beta owner rally in the hills: write below to continue it.',
		);
		await expect(anna.evaluate(() => document.activeElement?.id)).resolves.toBe('cd-body');
		await anna.keyboard.type('And how did you invite them?');
		// A double click on Send: one message.
		await anna.getByRole('button', { name: 'Send reply' }).dblclick();
		// The second click aborts the first navigation, so wait on the address, not on a navigation.
		const sentUrl = new RegExp(`/messages/${threadId}/\\?sent=1`);
		await poll(
			() => anna.url(),
			(url) => sentUrl.test(url),
		);
		await anna.waitForLoadState();
		await poll(
			() => messagesIn(threadId).length,
			(n) => n >= 2,
		);
		expect(messagesIn(threadId)).toEqual([
			'How many owners came to the rally?',
			'And how did you invite them?',
		]);

		// Back after the reply: the browser asks for the page again (a fresh form) but puts the typed
		// text back. Sending it again is still one reply.
		await anna.goBack();
		await anna.waitForLoadState();
		await expect(anna.getByLabel('Message', { exact: true }).inputValue()).resolves.toBe(
			'And how did you invite them?',
		);
		await anna.getByRole('button', { name: 'Send reply' }).click();
		await anna.waitForURL(new RegExp(`/messages/${threadId}/\\?sent=1`));
		await expect(anna.locator('.cd-message').count()).resolves.toBe(2);
		expect(messagesIn(threadId)).toHaveLength(2);

		// Another practice with the same person is another conversation.
		await anna.goto(`${server.url}/messages/new/?to=bruno-costa&about=gamma-crm`);
		await expect(anna.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(
			'New message',
		);
		await anna.context().close();
	});

	it('does not write twice when the same form is posted twice, nor mail or count it twice', async () => {
		const form = await (await member.get('/messages/new/?to=anna-verdi', BRUNO)).text();
		const key = sendKeyOf(form);
		const fields = { subject: 'Showroom hours', body: 'When do you open on Sundays?', key };
		const first = await member.post('/messages/new/?to=anna-verdi', BRUNO, fields);
		const second = await member.post('/messages/new/?to=anna-verdi', BRUNO, fields);
		expect(first.status).toBe(303);
		expect(second.status).toBe(303);
		expect(second.headers.get('location')).toBe(first.headers.get('location'));
		const threadId = threadIdOf(first.headers.get('location'));
		expect(messagesIn(threadId)).toEqual(['When do you open on Sundays?']);

		// The reply form has a key of its own, fresh on each page.
		const page = await (await member.get(`/messages/${threadId}/`, ANNA)).text();
		const replyKey = sendKeyOf(page);
		expect(replyKey).not.toBe(key);
		expect(sendKeyOf(await (await member.get(`/messages/${threadId}/`, ANNA)).text())).not.toBe(
			replyKey,
		);
		const reply = { body: 'From 10 to 13.', key: replyKey };
		expect((await member.post(`/messages/${threadId}/`, ANNA, reply)).status).toBe(303);
		expect((await member.post(`/messages/${threadId}/`, ANNA, reply)).status).toBe(303);
		expect(messagesIn(threadId)).toEqual(['When do you open on Sundays?', 'From 10 to 13.']);

		// A form that came back with an error keeps its key, so fixing and sending it writes once.
		const empty = await member.post(`/messages/${threadId}/`, ANNA, {
			body: ' ',
			key: 'k'.repeat(24),
		});
		expect(empty.status).toBe(400);
		expect(sendKeyOf(await empty.text())).toBe('k'.repeat(24));

		const mails = await poll(
			() => outboxTo(ANNA),
			(m) => m.length >= 1,
		);
		expect(mails).toHaveLength(1);
		const tokens = query<{ tokens: number }>(
			'SELECT tokens FROM rate_limit WHERE key = ?',
			`message-send:${idOf(BRUNO)}`,
		)[0].tokens;
		expect(tokens).toBe(29);
	});
});

describe('the inbox and message times', () => {
	it('previews the last message and shows times in the reader’s zone, named', async () => {
		const sent = await member.post('/messages/new/?to=claire-martin', ANNA, {
			subject: 'Rally budget',
			body: `Hello Claire,\n\nour rally cost ${'a lot of money '.repeat(10)}in the end.`,
			key: 'preview-key-0123456789',
		});
		const threadId = threadIdOf(sent.headers.get('location'));
		const inbox = await (await member.get('/messages/', CLAIRE)).text();
		const item = inbox.slice(inbox.indexOf(`data-cd-thread="${threadId}"`));
		const preview = /<p class="cd-inbox__preview"[^>]*>([^<]*)<\/p>/.exec(item)?.[1]?.trim();
		const flat = `Hello Claire, our rally cost ${'a lot of money '.repeat(10)}in the end.`;
		expect(preview).toBe(`${flat.slice(0, 120).trimEnd()}…`);
		const annaInbox = await (await member.get('/messages/', ANNA)).text();
		expect(annaInbox).toContain('You: Hello Claire, our rally cost');

		// Anna reads in Paris time, Claire has not chosen a zone: UTC, said so.
		const saved = await member.post('/account/', ANNA, {
			action: 'profile',
			name: 'Anna Verdi',
			languages: 'it, en',
			timeZone: 'Europe/Paris',
			// A member's country, once set, is required (it decides what their country owes).
			country: 'IT',
		});
		expect(saved.status).toBe(303);
		const stamp = query<{ created_at: number }>(
			'SELECT created_at FROM message WHERE thread_id = ?',
			threadId,
		)[0].created_at;
		const at = new Date(stamp * 1000);
		const inZone = (timeZone: string) =>
			new Intl.DateTimeFormat('en-GB', {
				day: 'numeric',
				month: 'short',
				year: 'numeric',
				hour: '2-digit',
				minute: '2-digit',
				timeZone,
				timeZoneName: 'short',
			}).format(at);
		const annaView = await (await member.get(`/messages/${threadId}/`, ANNA)).text();
		expect(annaView).toContain(`title="Europe/Paris">${inZone('Europe/Paris')}</time>`);
		expect(inZone('Europe/Paris')).toMatch(/ CES?T$/);
		expect(annaView).toContain('Times are shown in Europe/Paris.');
		const claireView = await (await member.get(`/messages/${threadId}/`, CLAIRE)).text();
		expect(claireView).toContain(`title="UTC">${inZone('UTC')}</time>`);
		expect(inZone('UTC')).toMatch(/ UTC$/);
		expect(claireView).toContain('Times are shown in UTC.');

		const refused = await member.post('/account/', ANNA, {
			action: 'profile',
			name: 'Anna Verdi',
			languages: 'it, en',
			timeZone: 'Mars/Olympus_Mons',
		});
		expect(refused.status).toBe(400);
		expect(await refused.text()).toContain('Choose a time zone from the list.');
	});

	it('fills the time zone from the browser when none is set, and saves it with the profile', async () => {
		const bruno = await signIn(BRUNO, { timezoneId: 'Asia/Tokyo' });
		await bruno.goto(`${server.url}/account/`);
		const select = bruno.getByLabel('Time zone');
		await expect(select.inputValue()).resolves.toBe('Asia/Tokyo');
		await expect(bruno.locator('[data-cd-time-zone-detected]').innerText()).resolves.toBe(
			'Filled in from your browser (Asia/Tokyo). Save the profile to keep it.',
		);
		expect(
			query<{ time_zone: string }>('SELECT time_zone FROM user WHERE email = ?', BRUNO)[0],
		).toEqual({ time_zone: '' });
		await bruno.getByRole('button', { name: 'Save profile' }).click();
		await bruno.waitForURL(/\?saved=profile/);
		expect(
			query<{ time_zone: string }>('SELECT time_zone FROM user WHERE email = ?', BRUNO)[0],
		).toEqual({ time_zone: 'Asia/Tokyo' });
		await bruno.goto(`${server.url}/messages/`);
		await expect(bruno.locator('.cd-inbox time').first().getAttribute('title')).resolves.toBe(
			'Asia/Tokyo',
		);
		await expect(bruno.locator('.cd-inbox time').first().textContent()).resolves.toMatch(
			/\d{2}:\d{2} GMT\+9$/,
		);
		await bruno.context().close();
	});
});

describe('members who cannot receive messages', () => {
	it('offers no Write to for a deactivated member, and the compose page says why', async () => {
		const brunoId = idOf(BRUNO);
		const off = await member.post('/admin/', CLAIRE, {
			action: 'deactivate',
			userId: String(brunoId),
		});
		expect(off.status).toBe(303);

		const anna = await signIn(ANNA);
		await anna.goto(`${server.url}/people/claire-martin/`);
		// Positive control: someone who can be written to keeps the button.
		await anna.getByRole('link', { name: 'Write to Claire Martin' }).waitFor();
		await anna.goto(`${server.url}/people/bruno-costa/`);
		await anna.getByRole('heading', { level: 1, name: 'Bruno Costa' }).waitFor();
		await poll(
			() => anna.locator('[data-cd-contact]').count(),
			(n) => n === 0,
		);
		await expect(anna.getByRole('link', { name: /Write to Bruno Costa/ }).count()).resolves.toBe(0);
		await anna.goto(`${server.url}/case-studies/beta-rally/`);
		await anna.getByRole('heading', { level: 1 }).waitFor();
		await poll(
			() => anna.getByRole('link', { name: 'Contact Bruno Costa about this practice' }).count(),
			(n) => n === 0,
		);
		await expect(
			anna.getByRole('link', { name: 'Contact Bruno Costa about this practice' }).count(),
		).resolves.toBe(0);
		await anna.context().close();

		const page = await member.get('/messages/new/?to=bruno-costa&about=beta-rally', ANNA);
		expect(page.status).toBe(200);
		const html = await page.text();
		expect(html).toContain(
			'Bruno Costa no longer has an active account on the portal, so you cannot write to them here.',
		);
		expect(html).not.toContain('<textarea');
		const before = query<{ n: number }>('SELECT count(*) AS n FROM message')[0].n;
		const post = await member.post('/messages/new/?to=bruno-costa', ANNA, {
			subject: 'Still there?',
			body: 'Hello?',
		});
		expect(post.status).toBe(400);
		expect(query<{ n: number }>('SELECT count(*) AS n FROM message')[0].n).toBe(before);
		const fr = await (await member.get('/fr/messages/new/?to=bruno-costa', ANNA)).text();
		expect(fr).toContain('Bruno Costa n&#39;a plus de compte actif sur le portail');
	});
});
