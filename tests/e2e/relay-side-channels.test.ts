// Side channels around an anonymous author, each once found by an attacker: message anchors that
// date the author's reply against everyone's messages, a relay page that told whether the author's
// account was deactivated, mail subjects that put the author's address next to the title, an index
// ETag made of its build time, and "country only" from a country of one member.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Sqlite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rebuildMembersIndex } from '../../src/lib/server/members-search';
import { createMemberClient, startServer, type MemberClient, type RunningServer } from './harness';

const ANNA = 'anna.verdi@it.fixture.example';
const BRUNO = 'bruno.costa@pt.fixture.example';
const CLAIRE = 'claire.martin@fr.fixture.example';
const TITLE = 'Showroom tablets nobody used';

let server: RunningServer;
let client: MemberClient;
let annaId: number;
let postMortemId: number;
let relayThread: number;

function idOf(email: string): number {
	const db = new Sqlite(path.join(server.dataDir, 'portal.db'), { readonly: true });
	try {
		return db.prepare('SELECT id FROM user WHERE email = ?').pluck().get(email) as number;
	} finally {
		db.close();
	}
}

function outbox(): { to: string; subject: string }[] {
	const dir = path.join(server.dataDir, 'outbox');
	if (!fs.existsSync(dir)) return [];
	return fs.readdirSync(dir).map((file) => {
		const text = fs.readFileSync(path.join(dir, file), 'utf8');
		return {
			to: /^To: (.*)$/m.exec(text)?.[1] ?? '',
			subject: /^Subject: (.*)$/m.exec(text)?.[1] ?? '',
		};
	});
}

async function waitFor<T>(read: () => T | undefined, what: string): Promise<T> {
	const deadline = Date.now() + 10_000;
	for (;;) {
		const value = read();
		if (value !== undefined) return value;
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await new Promise((r) => setTimeout(r, 50));
	}
}

beforeAll(async () => {
	server = await startServer({ DEMO: 'true', DEMO_ADMINS: 'claire-martin' });
	client = createMemberClient(server);
	annaId = idOf(ANNA);
	const db = new Sqlite(path.join(server.dataDir, 'portal.db'));
	try {
		postMortemId = Number(
			db
				.prepare(
					`INSERT INTO post_mortem (author_id, disclosure, status, title, tried, country, created_at, updated_at, published_month)
					VALUES (?, 'anonymous', 'published', ?, 'A tablet for every salesperson.', 'IT', 1700000000, 1700000000, '2026-01')`,
				)
				.run(annaId, TITLE).lastInsertRowid,
		);
		await rebuildMembersIndex({ db, dataDir: server.dataDir, logger: { info() {}, error() {} } });
	} finally {
		db.close();
	}
});
afterAll(async () => {
	await server?.stop();
});

describe('the relay gives nothing away about the anonymous author', () => {
	it('numbers messages within the thread, so no anchor dates the author’s reply against others', async () => {
		// Someone else's message first, so global ids and positions differ.
		const other = await client.post('/messages/new/?to=bruno-costa', CLAIRE, {
			subject: 'Rally dates',
			body: 'Shall we compare rally dates?',
		});
		expect(other.status).toBe(303);
		const start = await client.post(`/messages/new/?postMortem=${postMortemId}`, BRUNO, {
			subject: 'About your tablets',
			body: 'What did the salespeople say?',
		});
		expect(start.status).toBe(303);
		relayThread = Number(/\/messages\/(\d+)\//.exec(start.headers.get('location')!)![1]);
		const reply = await client.post(`/messages/${relayThread}/`, ANNA, {
			body: 'They preferred paper at the desk.',
		});
		expect(reply.status).toBe(303);
		const page = await (await client.get(`/messages/${relayThread}/`, BRUNO)).text();
		expect(page).toContain('They preferred paper at the desk.');
		const anchors = [...page.matchAll(/<li[^>]* id="m(\d+)"/g)].map((m) => Number(m[1]));
		expect(anchors).toEqual([1, 2]);
	});

	it('names no post-mortem in the headers of a mail to its masked author', async () => {
		const annaEmail = await waitFor(
			() => outbox().find((m) => m.to.includes(ANNA)),
			'the notification to the author',
		);
		expect(annaEmail.subject).toBe('A reader wrote about one of your post-mortems');
		expect(annaEmail.subject).not.toContain('tablets');
	});

	it('gives the members’ index an ETag made of its bytes, not of when it was built', async () => {
		const res = await client.get('/members-search/pagefind-entry.json', BRUNO);
		expect(res.status).toBe(200);
		const body = Buffer.from(await res.arrayBuffer());
		const hash = crypto.createHash('sha256').update(body).digest('base64url').slice(0, 27);
		expect(res.headers.get('etag')).toBe(`"${hash}"`);
	});

	it('warns an author whose country has few members that “country only” points at them', async () => {
		const page = await (
			await client.get(`/post-mortems/${postMortemId}/edit/?step=6`, ANNA)
		).text();
		expect(page).toContain('Few members of the portal are from Italy (1)');
	});

	it('answers the same whether or not the anonymous author’s account is still active', async () => {
		// Claire has never written about it: she gets the form. Bruno has: Contact continues his thread.
		const before = await (
			await client.get(`/messages/new/?postMortem=${postMortemId}`, CLAIRE)
		).text();
		expect(before).toContain('name="body"');
		const brunoBefore = await client.get(`/messages/new/?postMortem=${postMortemId}`, BRUNO);
		expect(brunoBefore.status).toBe(303);
		expect(brunoBefore.headers.get('location')).toBe(`/messages/${relayThread}/?continue=1`);
		const off = await client.post('/admin/', CLAIRE, {
			action: 'deactivate',
			userId: String(annaId),
		});
		expect(off.status).toBe(303);
		const after = await client.get(`/messages/new/?postMortem=${postMortemId}`, CLAIRE);
		const html = await after.text();
		expect(after.status).toBe(200);
		expect(html).toContain('name="body"');
		expect(html).not.toMatch(/no longer|active account/);
		const brunoAfter = await client.get(`/messages/new/?postMortem=${postMortemId}`, BRUNO);
		expect(brunoAfter.status).toBe(303);
		expect(brunoAfter.headers.get('location')).toBe(brunoBefore.headers.get('location'));
		const continued = await (
			await client.get(`/messages/${relayThread}/?continue=1`, BRUNO)
		).text();
		expect(continued).not.toMatch(/no longer|active account/);
		const sent = await client.post(`/messages/new/?postMortem=${postMortemId}`, CLAIRE, {
			subject: 'One more question',
			body: 'Did you try them in the workshop?',
		});
		expect(sent.status).toBe(303);
		const again = await client.post(`/messages/new/?postMortem=${postMortemId}`, BRUNO, {
			subject: 'One more question',
			body: 'And in the workshop?',
		});
		expect(again.status).toBe(303);
		expect(again.headers.get('location')).toBe(`/messages/${relayThread}/?sent=1#sent`);
	});
});
