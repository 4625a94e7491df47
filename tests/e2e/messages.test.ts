// Messages between members, on the built fixture site with demo accounts, in real Chromium and over
// real HTTP: writing from a case study, the unread badge, replies, notification mails and their
// hourly limit, other members kept out, typed HTML kept inert, validation and the send limit.
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
} from './harness';

/** Text as a reader sees it: white space between words collapsed, none at the ends. */
const norm = (text: string | null) => (text ?? '').replace(/\s+/g, ' ').trim();

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

const get = (pathname: string, email: string) => member.get(pathname, email);
const post = (pathname: string, email: string, fields: Record<string, string>) =>
	member.post(pathname, email, fields);

/** Starts a thread over HTTP and returns its id (from the post/redirect/get Location). */
async function startThread(
	from: string,
	query: string,
	subject: string,
	body: string,
): Promise<number> {
	const res = await post(`/messages/new/?${query}`, from, { subject, body });
	expect(res.status).toBe(303);
	const id = /\/messages\/(\d+)\/\?sent=1/.exec(res.headers.get('location') ?? '')?.[1];
	expect(id).toBeDefined();
	return Number(id);
}

/** A signed-in browser page, signed in through the sign-in form like a member would. */
async function signIn(email: string): Promise<Page> {
	return signInPage(browser, server, email);
}

interface OutboxMail {
	to: string;
	subject: string;
	text: string;
}

/** The mails in the server's outbox, decoded enough to read (quoted-printable soft breaks, =XX). */
function readOutbox(): OutboxMail[] {
	const dir = path.join(server.dataDir, 'outbox');
	if (!fs.existsSync(dir)) return [];
	return fs
		.readdirSync(dir)
		.sort()
		.map((file) => {
			const raw = fs.readFileSync(path.join(dir, file), 'utf8').replace(/\r\n/g, '\n');
			const split = raw.indexOf('\n\n');
			const head = raw.slice(0, split).replace(/\n[ \t]+/g, ' ');
			const header = (name: string) => new RegExp(`^${name}: (.*)$`, 'mi').exec(head)?.[1] ?? '';
			const bytes = raw
				.slice(split + 2)
				.replace(/=\n/g, '')
				.replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
			return {
				to: header('To'),
				subject: decodeEncodedWords(header('Subject')),
				text: Buffer.from(bytes, 'latin1').toString('utf8'),
			};
		});
}

/** RFC 2047 words (`=?UTF-8?Q?…?=`), as nodemailer writes a subject with accents. */
function decodeEncodedWords(value: string): string {
	return value
		.replace(/\?=\s+=\?/g, '?==?')
		.replace(/=\?utf-8\?([bq])\?([^?]*)\?=/gi, (_, encoding: string, text: string) =>
			encoding.toLowerCase() === 'b'
				? Buffer.from(text, 'base64').toString('utf8')
				: Buffer.from(
						text
							.replace(/_/g, ' ')
							.replace(/=([0-9A-F]{2})/gi, (_m, hex: string) =>
								String.fromCharCode(parseInt(hex, 16)),
							),
						'latin1',
					).toString('utf8'),
		);
}

/** Waits until the outbox holds `count` mails to `to` (mails go out just after the redirect). */
async function waitForMails(to: string, count: number): Promise<OutboxMail[]> {
	const deadline = Date.now() + 5000;
	for (;;) {
		const mails = readOutbox().filter((m) => m.to === to);
		if (mails.length >= count) return mails;
		if (Date.now() > deadline)
			throw new Error(`expected ${count} mails to ${to}, found ${mails.length}`);
		await new Promise((r) => setTimeout(r, 50));
	}
}

function threadLink(id: number, lang: '' | '/fr' = ''): string {
	return `${server.url.replace('127.0.0.1', 'localhost')}${lang}/messages/${id}/`;
}

describe('messages between members', () => {
	it('takes a message from a case study to its contact, shows it unread, and carries the reply back', async () => {
		const anna = await signIn(ANNA);
		await anna.goto(`${server.url}/case-studies/beta-rally/`);
		await anna.getByRole('link', { name: 'Contact Bruno Costa about this practice' }).click();
		await anna.waitForURL(/\/messages\/new\/\?to=bruno-costa&about=beta-rally$/);
		await expect(anna.getByRole('heading', { level: 1 }).textContent().then(norm)).resolves.toBe(
			'New message',
		);
		// innerText: the text as shown, white space collapsed.
		await expect(anna.locator('.cd-compose__meta').textContent().then(norm)).resolves.toMatch(
			/Bruno Costa · Country sales director · Portugal[\s\S]*Beta owner rally in the hills/,
		);
		await expect(anna.getByLabel('Subject', { exact: true }).inputValue()).resolves.toBe(
			'About: Beta owner rally in the hills',
		);
		await anna
			.getByLabel('Message', { exact: true })
			.fill('Hello Bruno, how did you pick the hill route?\nThanks, Anna');
		await anna.getByRole('button', { name: 'Send message' }).click();
		await anna.waitForURL(/\/messages\/\d+\/\?sent=1/);
		const threadId = Number(/\/messages\/(\d+)\//.exec(anna.url())![1]);
		await expect(anna.getByRole('status').textContent()).resolves.toContain(
			'Your message was sent.',
		);
		await expect(anna.locator('.cd-message').count()).resolves.toBe(1);

		// Bruno is told by mail, with an absolute link to the thread.
		const [mail] = await waitForMails(BRUNO, 1);
		expect(mail.subject).toBe('Anna Verdi wrote to you: About: Beta owner rally in the hills');
		expect(mail.text).toContain('Hello Bruno, how did you pick the hill route?');
		expect(mail.text).toContain(threadLink(threadId));

		// Bruno sees the badge on a prerendered page (filled from /api/me) ...
		const bruno = await signIn(BRUNO);
		const badge = bruno.locator('[data-cd-unread]');
		await badge.waitFor({ state: 'visible' });
		await expect(badge.textContent()).resolves.toContain('1 unread conversation');
		// ... and on the inbox, server-rendered, with the thread marked unread in words.
		await bruno.getByRole('link', { name: /^Messages/ }).click();
		await bruno.waitForURL(`${server.url}/messages/`);
		await expect(
			bruno.getByRole('heading', { level: 1 }).textContent().then(norm),
		).resolves.toMatch(/^Messages\s+1 unread$/);
		const item = bruno.locator(`[data-cd-thread="${threadId}"]`);
		await expect(item.textContent().then(norm)).resolves.toMatch(
			/^\s*Unread\s+About: Beta owner rally in the hills/,
		);
		await expect(item.textContent()).resolves.toContain('With Anna Verdi');
		await expect(
			item
				.getByRole('link', { name: 'Beta owner rally in the hills', exact: true })
				.getAttribute('href'),
		).resolves.toBe('/case-studies/beta-rally/');

		// Opening the thread marks it read; Bruno replies from the form at the bottom.
		await item
			.getByRole('link', { name: 'About: Beta owner rally in the hills', exact: true })
			.click();
		await bruno.waitForURL(`${server.url}/messages/${threadId}/`);
		await expect(bruno.locator('.cd-message').first().textContent()).resolves.toContain(
			'Anna Verdi',
		);
		await expect(bruno.locator('.cd-message__body').first().textContent()).resolves.toBe(
			'Hello Bruno, how did you pick the hill route?\nThanks, Anna',
		);
		await expect(bruno.locator('[data-cd-unread]').isHidden()).resolves.toBe(true);
		await bruno
			.getByLabel('Message', { exact: true })
			.fill('We asked the owners club. Details on the rally page.');
		await bruno.getByRole('button', { name: 'Send reply' }).click();
		await bruno.waitForURL(/\?sent=1/);
		await expect(bruno.locator('.cd-message').count()).resolves.toBe(2);
		await bruno.goto(`${server.url}/messages/`);
		await expect(
			bruno.getByRole('heading', { level: 1 }).textContent().then(norm),
		).resolves.toMatch(/^Messages\s*$/);

		// Anna sees the reply, unread first, then in the thread.
		await anna.goto(`${server.url}/messages/`);
		await expect(
			anna.locator(`[data-cd-thread="${threadId}"]`).textContent().then(norm),
		).resolves.toMatch(/^\s*Unread\s/);
		await anna.locator(`[data-cd-thread="${threadId}"]`).getByRole('link').first().click();
		const messages = anna.locator('.cd-message');
		await expect(messages.nth(1).textContent()).resolves.toContain('Bruno Costa');
		await expect(messages.nth(1).textContent()).resolves.toContain('We asked the owners club.');
		await waitForMails(ANNA, 1);

		// A second message within the hour: saved and shown, but no second mail to Bruno.
		await anna
			.getByLabel('Message', { exact: true })
			.fill('Thanks! One more question about the budget.');
		await anna.getByRole('button', { name: 'Send reply' }).click();
		await anna.waitForURL(/\?sent=1/);
		await expect(anna.locator('.cd-message').count()).resolves.toBe(3);
		// Who gets a mail is decided while the reply is saved (at most one per thread and hour), so
		// nothing more can arrive for Bruno after the answer.
		expect(readOutbox().filter((m) => m.to === BRUNO)).toHaveLength(1);
		await bruno.goto(`${server.url}/messages/${threadId}/`);
		await expect(bruno.locator('.cd-message').nth(2).textContent()).resolves.toContain(
			'One more question',
		);

		await anna.context().close();
		await bruno.context().close();
	});

	it('keeps a third member out of a thread: 404 to read it or reply to it, nothing written', async () => {
		const threadId = await startThread(
			ANNA,
			'to=bruno-costa',
			'Private pricing',
			'Only for you, Bruno.',
		);
		const read = await get(`/messages/${threadId}/`, CLAIRE);
		expect(read.status).toBe(404);
		const html = await read.text();
		expect(html).toContain('Page not found');
		expect(html).not.toContain('Private pricing');
		expect(html).not.toContain('Only for you');
		expect((await get(`/fr/messages/${threadId}/`, CLAIRE)).status).toBe(404);

		const reply = await post(`/messages/${threadId}/`, CLAIRE, { body: 'Claire was here' });
		expect(reply.status).toBe(404);
		expect(await reply.text()).not.toContain('Private pricing');

		// Ids that are not plain integers are not threads at all.
		for (const id of ['abc', '01', `${threadId}.0`, '-1', '99999999999999999999']) {
			expect((await get(`/messages/${id}/`, ANNA)).status, id).toBe(404);
		}

		const annaView = await (await get(`/messages/${threadId}/`, ANNA)).text();
		expect(annaView).toContain('Only for you, Bruno.');
		expect(annaView).not.toContain('Claire was here');
		const claireInbox = await (await get('/messages/', CLAIRE)).text();
		expect(claireInbox).not.toContain('Private pricing');
	});

	it('shows what members type as text: no script runs, only http(s) links become links', async () => {
		const subject = '"><svg onload=alert(4)>';
		const body =
			'<script>alert(1)</script><img src=x onerror=alert(2)> javascript:alert(3) https://example.com/x?a=1&b=2';
		const threadId = await startThread(ANNA, 'to=bruno-costa&about=delta-rallye', subject, body);

		const bruno = await signIn(BRUNO);
		const dialogs: string[] = [];
		bruno.on('dialog', async (dialog) => {
			dialogs.push(dialog.message());
			await dialog.dismiss();
		});
		await bruno.goto(`${server.url}/messages/`);
		await bruno.getByRole('link', { name: subject, exact: true }).click();
		await bruno.waitForURL(`${server.url}/messages/${threadId}/`);
		await expect(bruno.getByRole('heading', { level: 1 }).textContent().then(norm)).resolves.toBe(
			subject,
		);
		const shown = bruno.locator('.cd-message__body').first();
		await expect(shown.textContent()).resolves.toBe(body);
		await expect(shown.locator('script, img, svg').count()).resolves.toBe(0);
		const link = shown.getByRole('link');
		await expect(link.count()).resolves.toBe(1);
		await expect(link.getAttribute('href')).resolves.toBe('https://example.com/x?a=1&b=2');
		await expect(link.getAttribute('rel')).resolves.toContain('noopener');
		await expect(bruno.locator('main svg, main img').count()).resolves.toBe(0);
		await bruno.waitForLoadState('load');
		expect(dialogs).toEqual([]);

		for (const page of [`/messages/${threadId}/`, '/messages/']) {
			const html = await (await get(page, BRUNO)).text();
			expect(html).not.toContain('<script>alert(1)');
			expect(html).not.toContain('<svg onload');
			expect(html).not.toContain('<img src=x');
		}
		const thread = await (await get(`/messages/${threadId}/`, BRUNO)).text();
		expect(thread).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
		await bruno.context().close();
	});

	it('re-renders the form with the error and everything typed when a message is empty or too long', async () => {
		const anna = await signIn(ANNA);
		await anna.goto(`${server.url}/messages/new/?to=bruno-costa&about=gamma-crm`);
		await anna.getByLabel('Subject', { exact: true }).fill('Keep this subject');
		// Spaces pass the browser's `required` check; the server still refuses them.
		await anna.getByLabel('Message', { exact: true }).fill('   ');
		const [response] = await Promise.all([
			anna.waitForResponse((r) => r.request().method() === 'POST'),
			anna.getByRole('button', { name: 'Send message' }).click(),
		]);
		expect(response.status()).toBe(400);
		await anna.waitForLoadState();
		await expect(anna.getByRole('alert').textContent()).resolves.toContain(
			'Write a message before sending.',
		);
		await expect(anna.locator('#cd-body-error').textContent().then(norm)).resolves.toBe(
			'Write a message before sending.',
		);
		await expect(
			anna.getByLabel('Message', { exact: true }).getAttribute('aria-invalid'),
		).resolves.toBe('true');
		await expect(anna.getByLabel('Subject', { exact: true }).inputValue()).resolves.toBe(
			'Keep this subject',
		);
		await anna.context().close();

		const long = 'x'.repeat(5001);
		const tooLong = await post('/messages/new/?to=bruno-costa', ANNA, {
			subject: 'Long one',
			body: long,
		});
		expect(tooLong.status).toBe(400);
		const html = await tooLong.text();
		expect(html).toContain('The message is too long: at most 5,000 characters, it has 5,001.');
		expect(html).toContain(`>${long}</textarea>`);
		expect(html).toContain('value="Long one"');

		const noSubject = await post('/messages/new/?to=bruno-costa', ANNA, {
			subject: ' ',
			body: 'Hi',
		});
		expect(noSubject.status).toBe(400);
		expect(await noSubject.text()).toContain('Give the message a subject.');

		const threadId = await startThread(
			ANNA,
			'to=bruno-costa&about=gamma-crm',
			'Validation',
			'First',
		);
		const emptyReply = await post(`/messages/${threadId}/`, ANNA, { body: '' });
		expect(emptyReply.status).toBe(400);
		expect(await emptyReply.text()).toContain('Write a message before sending.');
		const view = await (await get(`/messages/${threadId}/`, ANNA)).text();
		expect(view.match(/class="cd-message[ "]/g)).toHaveLength(1);
	});

	it('refuses the 31st message within an hour with 429, keeping what was typed', async () => {
		// Claire has sent nothing yet in this file: her bucket is full (30).
		const threadId = await startThread(CLAIRE, 'to=anna-verdi', 'Many questions', 'Question 1');
		for (let i = 2; i <= 30; i++) {
			const res = await post(`/messages/${threadId}/`, CLAIRE, { body: `Question ${i}` });
			expect(res.status, `message ${i}`).toBe(303);
		}
		const refused = await post('/messages/new/?to=bruno-costa', CLAIRE, {
			subject: 'Thirty-first',
			body: 'Question 31, kept',
		});
		expect(refused.status).toBe(429);
		expect(refused.headers.get('retry-after')).toBe('120');
		const html = await refused.text();
		expect(html).toContain('You have sent many messages in a short time.');
		expect(html).toContain('value="Thirty-first"');
		expect(html).toContain('>Question 31, kept</textarea>');

		const refusedReply = await post(`/messages/${threadId}/`, CLAIRE, {
			body: 'Question 31 again',
		});
		expect(refusedReply.status).toBe(429);
		expect(await refusedReply.text()).toContain('>Question 31 again</textarea>');
		const view = await (await get(`/messages/${threadId}/`, ANNA)).text();
		expect(view).toContain('Question 30');
		expect(view).not.toContain('Question 31');
	});

	it('explains when there is nobody to write to: unknown person, unknown member, yourself', async () => {
		const unknown = await get('/messages/new/?to=unknown-person', ANNA);
		expect(unknown.status).toBe(404);
		const unknownHtml = await unknown.text();
		expect(unknownHtml).toContain('Person not found');
		expect(unknownHtml).toContain('We could not find the person you want to write to.');
		expect(unknownHtml).not.toContain('<textarea');

		expect((await get('/messages/new/?user=9999', ANNA)).status).toBe(404);
		expect((await get('/messages/new/?to=%3Cscript%3E', ANNA)).status).toBe(404);

		const self = await get('/messages/new/?to=anna-verdi', ANNA);
		const selfHtml = await self.text();
		expect(selfHtml).toContain('This is you: you cannot send a message to yourself.');
		expect(selfHtml).not.toContain('<textarea');
		const selfPost = await post('/messages/new/?to=anna-verdi', ANNA, {
			subject: 'Me',
			body: 'Note to self',
		});
		expect(selfPost.status).toBe(400);
		expect(await (await get('/messages/', ANNA)).text()).not.toContain('Note to self');

		// A member can also be reached by account id.
		const page = await (await get('/messages/new/?user=2&about=alpha-launch', ANNA)).text();
		expect(page).toMatch(/<strong[^>]*>Bruno Costa<\/strong>/);
		// An unknown case study is simply left out: this is then Anna and Bruno's conversation about
		// nothing in particular, which exists already, so Contact continues it.
		const noStudy = await get('/messages/new/?user=2&about=no-such-study', ANNA);
		expect(noStudy.status).toBe(303);
		const continued = new URL(noStudy.headers.get('location')!, server.url);
		expect(continued.pathname).toMatch(/^\/messages\/\d+\/$/);
		expect(continued.search).toBe('?continue=1');
		const thread = await (await get(continued.pathname + continued.search, ANNA)).text();
		expect(thread).toContain('Private pricing');
		expect(thread).toContain(
			'You already have a conversation with Bruno Costa: write below to continue it.',
		);
		expect(thread).not.toContain('/case-studies/no-such-study/');
	});

	it('writes the notification in French to a member whose first language is French, with a French link', async () => {
		const threadId = await startThread(
			ANNA,
			'to=claire-martin&about=alpha-launch',
			'Leasing in France',
			'Bonjour Claire !',
		);
		const [mail] = await waitForMails(CLAIRE, 1);
		expect(mail.subject).toContain('vous a écrit');
		expect(mail.text).toContain('Bonjour Claire !');
		expect(mail.text).toContain(threadLink(threadId, '/fr'));

		const res = await get(`/fr/messages/${threadId}/`, CLAIRE);
		expect(res.status).toBe(200);
		const html = await res.text();
		expect(html).toContain('Tous les messages');
		expect(html).toContain('Envoyer la réponse');
	});
});
