// Jobs and mail on the real server (built fixture, real Node entry, its own DATA_DIR): a reminder
// queued in SQLite is mailed once by the main process's runner, not again after a restart; a job
// whose time passed while the server was down runs once when it is back; the mail's one-click
// unsubscribe (RFC 8058 POST, no Origin, no session) turns that kind off; the member sees the
// notification in the portal and sets their mail preferences on the account page.
import path from 'node:path';
import Sqlite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemberClient, startServer, type MemberClient, type RunningServer } from './harness';
import { readOutbox, type ParsedMail } from '../lib/server/notifications/eml';

const BRUNO = 'bruno.costa@pt.fixture.example';
const CLAIRE = 'claire.martin@fr.fixture.example';
const ENV = { DEMO: 'true', DEMO_ADMINS: 'claire-martin', JOBS_POLL_MS: '200' };

let server: RunningServer;
let dataDir: string;
let client: MemberClient;

function withDb<T>(fn: (db: Sqlite.Database) => T): T {
	const db = new Sqlite(path.join(dataDir, 'portal.db'));
	try {
		return fn(db);
	} finally {
		db.close();
	}
}

function queueReminder(db: Sqlite.Database, slug: string, key: string, runAt: number) {
	db.prepare(
		`INSERT INTO job (kind, key, payload, run_at, created_at) VALUES ('answer-reminder', ?, ?, ?, ?)`,
	).run(key, JSON.stringify({ caseStudy: slug, day: 7 }), runAt, runAt);
}

const reminders = (): ParsedMail[] =>
	readOutbox(path.join(dataDir, 'outbox')).filter((m) =>
		/-reminders-/.test(m.headers.get('list-unsubscribe') ?? ''),
	);

async function waitFor<T>(read: () => T, ok: (v: T) => boolean, what: string): Promise<T> {
	const deadline = Date.now() + 15_000;
	for (;;) {
		const value = read();
		if (ok(value)) return value;
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await new Promise((r) => setTimeout(r, 100));
	}
}

const now = () => Math.floor(Date.now() / 1000);

beforeAll(async () => {
	server = await startServer(ENV);
	dataDir = server.dataDir;
	client = createMemberClient(server);
	// Bruno answers for Portugal; Italy's alpha-launch was registered when the server started.
	withDb((db) => {
		const bruno = db.prepare('SELECT id FROM user WHERE email = ?').pluck().get(BRUNO) as number;
		db.prepare("INSERT INTO focal_point (country, user_id, created_at) VALUES ('PT', ?, ?)").run(
			bruno,
			now(),
		);
		queueReminder(db, 'alpha-launch', 'e2e-reminder:alpha-launch', now() - 60);
	});
}, 60_000);

afterAll(async () => {
	await server?.stop();
});

describe('jobs on the real server', () => {
	it('mails a due reminder once, with text, HTML and one-click unsubscribe, and never again after a restart', async () => {
		const [mail] = await waitFor(reminders, (m) => m.length > 0, 'the reminder');
		expect(mail!.to).toBe(BRUNO);
		expect(mail!.subject).toMatch(
			/^Portugal's answer on “Alpha crossover launch with street events” is due on /,
		);
		const answerLink = /http:\/\/localhost:\d+\/case-studies\/alpha-launch\/answer\//;
		expect(mail!.text).toMatch(answerLink);
		expect(mail!.html).toMatch(
			/<a href="http:\/\/localhost:\d+\/case-studies\/alpha-launch\/answer\/">/,
		);
		expect(mail!.headers.get('list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');

		// Polls keep running every 200 ms: still one mail a second later.
		await new Promise((r) => setTimeout(r, 1000));
		expect(reminders()).toHaveLength(1);

		// Stopped; meanwhile a reminder of Italy's other practice became due. Started again on the same data.
		expect(await server.stop()).toBe(0);
		withDb((db) => queueReminder(db, 'gamma-crm', 'e2e-reminder:gamma-crm', now() - 3600));
		const previous = server;
		server = await startServer({ ...ENV, DATA_DIR: dataDir });
		client = createMemberClient(server);
		void previous;
		const after = await waitFor(reminders, (m) => m.length >= 2, 'the missed reminder');
		await new Promise((r) => setTimeout(r, 1000));
		expect(reminders()).toHaveLength(2);
		expect(after.map((m) => m.subject).join('\n')).toMatch(/Gamma/i);
		expect(
			withDb((db) =>
				db.prepare("SELECT state FROM job WHERE key LIKE 'e2e-reminder:%'").pluck().all(),
			),
		).toEqual(['done', 'done']);
	}, 60_000);

	it('shows the notification in the portal and counts it in the member menu until it is opened', async () => {
		const home = await (await client.get('/account/', BRUNO)).text();
		// The badge: its count shown, not hidden.
		const badge = (html: string) => html.match(/<span[^>]*data-cd-notifications-unread[^>]*>/)?.[0];
		expect(badge(home)).toBeDefined();
		expect(badge(home)).not.toMatch(/\shidden/);
		const page = await client.get('/notifications/', BRUNO);
		expect(page.status).toBe(200);
		const html = await page.text();
		expect(html).toContain(
			'Your country&#39;s answer on “Alpha crossover launch with street events” is due on ',
		);
		expect(html).toContain('href="/case-studies/alpha-launch/answer/"');
		const again = await (await client.get('/account/', BRUNO)).text();
		expect(badge(again)).toMatch(/\shidden/);
		// Signed out, it is not readable.
		const signedOut = await fetch(`${server.url}/notifications/`, { redirect: 'manual' });
		expect(signedOut.status).toBe(303);
	});

	it('turns reminders off with the mail client’s one-click POST, without Origin or session', async () => {
		const link = reminders()[0]!.headers.get('list-unsubscribe')!.slice(1, -1);
		const url = new URL(new URL(link).pathname, server.url).href;
		// The confirmation page a person sees when following the link: a button, nothing done yet.
		const page = await fetch(url);
		expect(page.status).toBe(200);
		expect(await page.text()).toContain('Stop these emails');
		expect(
			withDb((db) => db.prepare('SELECT mail_optout FROM user WHERE email = ?').pluck().get(BRUNO)),
		).toBe('[]');

		const res = await fetch(url, {
			method: 'POST',
			headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
			body: 'List-Unsubscribe=One-Click',
		});
		expect(res.status).toBe(200);
		expect(
			withDb((db) => db.prepare('SELECT mail_optout FROM user WHERE email = ?').pluck().get(BRUNO)),
		).toBe('["reminders"]');
		// A link altered to someone else's id is refused.
		const claire = withDb((db) =>
			db.prepare('SELECT id FROM user WHERE email = ?').pluck().get(CLAIRE),
		);
		const forged = url.replace(/\/unsubscribe\/\d+-/, `/unsubscribe/${claire}-`);
		const refused = await fetch(forged, {
			method: 'POST',
			headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
			body: 'List-Unsubscribe=One-Click',
		});
		expect(refused.status).toBe(404);
		expect(
			withDb((db) =>
				db.prepare('SELECT mail_optout FROM user WHERE email = ?').pluck().get(CLAIRE),
			),
		).toBe('[]');
		// Other POSTs without Origin are still refused.
		const csrf = await fetch(`${server.url}/account/`, {
			method: 'POST',
			headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
			body: 'action=mail',
		});
		expect(csrf.status).toBe(403);
	});

	it('saves the mail settings of the account page', async () => {
		const form = await (await client.get('/account/', BRUNO)).text();
		expect(form).toContain('id="cd-mail-heading"');
		// Reminders come back unchecked after the one-click unsubscribe.
		expect(form).toMatch(/<input type="checkbox" name="wanted" value="digest" checked/);
		expect(form).not.toMatch(/name="wanted" value="reminders" checked/);
		const res = await client.post('/account/', BRUNO, {
			action: 'mail',
			digestDay: '5',
			mailLang: 'fr',
			wanted: 'reminders',
		});
		expect(res.status).toBe(303);
		expect(
			withDb((db) =>
				db
					.prepare('SELECT digest_day, mail_lang, mail_optout FROM user WHERE email = ?')
					.get(BRUNO),
			),
		).toEqual({
			digest_day: 5,
			mail_lang: 'fr',
			mail_optout: '["digest","answers","requests","actions","reviews","moderation"]',
		});
		const invalid = await client.post('/account/', BRUNO, {
			action: 'mail',
			digestDay: '9',
			mailLang: 'xx',
		});
		expect(invalid.status).toBe(400);
		const html = await invalid.text();
		expect(html).toContain('Choose one of the options in the list.');
	});
});
