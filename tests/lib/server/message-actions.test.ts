// The message commands on a real temp database with a real outbox: one conversation per pair and
// case study (and per reader and post-mortem), a form sent twice writes once, the inbox preview, the
// notification in the recipient's language, and who can be written to at all.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../../src/lib/server/db';
import type { CommandContext, Effects } from '../../../src/lib/server/context';
import { DEFAULT_MAIL_FROM, sendMail } from '../../../src/lib/server/mail';
import { replyToThreadCommand, sendFirstMessage } from '../../../src/lib/server/message-actions';
import {
	deleteStaleSendKeys,
	findRepeatedMessage,
	getThreadForUser,
	listContactablePeople,
	listThreadsForUser,
	newSendKey,
	parseSendKey,
	previewOf,
	SEND_KEY_TTL_SECONDS,
} from '../../../src/lib/server/messages';
import { pickMailLang } from '../../../src/lib/server/notify';
import { runMaintenance } from '../../../src/lib/server/maintenance';
import {
	deactivateUser,
	getUserById,
	isTimeZone,
	updateUserProfile,
	type User,
} from '../../../src/lib/server/user';
import { formatInTimeZone } from '../../../src/lib/time-zone';
import { getNowSeconds } from '../../../src/lib/server/time';
import { addUser, createTestDatabase } from './test-db';

let t: ReturnType<typeof createTestDatabase>;
let db: Database;
let anna: User;
let ben: User;
let eve: User;
let pending: Promise<unknown>[];

beforeEach(() => {
	t = createTestDatabase();
	db = t.db;
	addUser(db, 'root@example.com', 'Root', 'admin');
	anna = addUser(db, 'anna@example.com', 'Anna');
	ben = addUser(db, 'ben@example.com', 'Ben');
	eve = addUser(db, 'eve@example.com', 'Eve');
	pending = [];
});
afterEach(() => t.cleanup());

/** A command context for `user` whose mails really go to the temp dir's outbox. */
function contextFor(user: User, lang: 'en' | 'fr' = 'en'): CommandContext {
	const effects: Effects = {
		reindexMembersSearch() {},
		processVideos() {},
		sendMail(mail) {
			pending.push(
				sendMail(mail, {
					smtpUrl: null,
					from: DEFAULT_MAIL_FROM,
					outboxDir: path.join(t.dir, 'outbox'),
				}),
			);
		},
	};
	return { db, user, lang, ip: '127.0.0.1', effects };
}

async function outbox(): Promise<string[]> {
	await Promise.all(pending);
	const dir = path.join(t.dir, 'outbox');
	if (!fs.existsSync(dir)) return [];
	return fs
		.readdirSync(dir)
		.sort()
		.map((file) => fs.readFileSync(path.join(dir, file), 'utf8'));
}

function decodeQuotedPrintable(raw: string): string {
	const bytes = raw
		.replace(/=\r?\n/g, '')
		.replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
	return Buffer.from(bytes, 'latin1').toString('utf8');
}

function messageCount(): number {
	return (db.prepare('SELECT count(*) AS n FROM message').get() as { n: number }).n;
}

function toBen(caseStudy: string | null = null) {
	return { kind: 'member' as const, userId: ben.id, caseStudy };
}

function publishPostMortem(authorId: number, disclosure: 'named' | 'anonymous'): number {
	return Number(
		db
			.prepare(
				`INSERT INTO post_mortem (author_id, disclosure, status, title, tried, country, created_at, updated_at, published_month)
				VALUES (?, ?, 'published', 'Tablets in the showroom', 'Tablets.', 'IT', 1700000000, 1700000000, '2026-01')`,
			)
			.run(authorId, disclosure).lastInsertRowid,
	);
}

describe('one conversation per pair of members and case study', () => {
	it('continues the conversation about the same case study instead of opening another', () => {
		const first = sendFirstMessage(contextFor(anna), {
			target: toBen('beta-rally'),
			subject: 'About the rally',
			body: 'Hello Ben',
			key: null,
		});
		expect(first).toMatchObject({ ok: true, continued: false, duplicate: false });
		const again = sendFirstMessage(contextFor(anna), {
			target: toBen('beta-rally'),
			subject: 'Another subject',
			body: 'One more thing',
			key: null,
		});
		expect(again).toMatchObject({ ok: true, continued: true });
		if (!first.ok || !again.ok) throw new Error('not sent');
		expect(again.threadId).toBe(first.threadId);
		// Ben writing about the same case study lands in the same conversation too.
		const fromBen = sendFirstMessage(contextFor(ben), {
			target: { kind: 'member', userId: anna.id, caseStudy: 'beta-rally' },
			subject: 'Re',
			body: 'Hi Anna',
			key: null,
		});
		expect(fromBen).toMatchObject({ ok: true, threadId: first.threadId, continued: true });
		const thread = getThreadForUser(db, first.threadId, ben.id)!;
		expect(thread.subject).toBe('About the rally');
		expect(thread.messages.map((m) => m.body)).toEqual(['Hello Ben', 'One more thing', 'Hi Anna']);
	});

	it('keeps apart another case study, no case study, and a conversation with a third member', () => {
		const ids = [
			sendFirstMessage(contextFor(anna), {
				target: toBen('beta-rally'),
				subject: 'Rally',
				body: 'a',
				key: null,
			}),
			sendFirstMessage(contextFor(anna), {
				target: toBen('gamma-crm'),
				subject: 'CRM',
				body: 'b',
				key: null,
			}),
			sendFirstMessage(contextFor(anna), {
				target: toBen(null),
				subject: 'Hello',
				body: 'c',
				key: null,
			}),
			sendFirstMessage(contextFor(eve), {
				target: toBen(null),
				subject: 'Eve here',
				body: 'd',
				key: null,
			}),
			sendFirstMessage(contextFor(anna), {
				target: toBen(null),
				subject: 'Hello again',
				body: 'e',
				key: null,
			}),
		].map((r) => (r.ok ? r.threadId : null));
		expect(new Set(ids.slice(0, 4)).size).toBe(4);
		expect(ids[4]).toBe(ids[2]);
		expect(listThreadsForUser(db, anna.id).map((s) => s.subject)).toEqual([
			'Hello',
			'CRM',
			'Rally',
		]);
	});

	it('refuses a deactivated member, even in an existing conversation, and yourself; no token is spent', () => {
		sendFirstMessage(contextFor(anna), {
			target: toBen(),
			subject: 'Hi',
			body: 'First',
			key: null,
		});
		deactivateUser(db, ben.id);
		const refused = sendFirstMessage(contextFor(anna), {
			target: toBen(),
			subject: 'Hi',
			body: 'Second',
			key: null,
		});
		expect(refused).toEqual({
			ok: false,
			kind: 'unknown-recipient',
			message: 'This member cannot receive messages any more.',
		});
		expect(
			sendFirstMessage(contextFor(anna, 'fr'), {
				target: { kind: 'member', userId: anna.id, caseStudy: null },
				subject: 'Moi',
				body: 'Note',
				key: null,
			}),
		).toMatchObject({ ok: false, kind: 'self', message: expect.stringContaining("C'est vous") });
		expect(messageCount()).toBe(1);
		const { tokens } = db
			.prepare('SELECT tokens FROM rate_limit WHERE key = ?')
			.get(`message-send:${anna.id}`) as { tokens: number };
		expect(tokens).toBe(29);
	});

	it('gives field errors in the member’s language and writes nothing', () => {
		const result = sendFirstMessage(contextFor(anna, 'fr'), {
			target: toBen(),
			subject: ' ',
			body: '',
			key: newSendKey(),
		});
		expect(result).toEqual({
			ok: false,
			kind: 'invalid',
			errors: {
				subject: 'Donnez un objet au message.',
				body: expect.stringMatching(/^Écrivez/),
			},
		});
		expect(messageCount()).toBe(0);
	});
});

describe('one relay conversation per reader and post-mortem', () => {
	it('continues the reader’s thread to the anonymous author, still masked', () => {
		const pm = publishPostMortem(anna.id, 'anonymous');
		const target = { kind: 'relay' as const, postMortemId: pm };
		const first = sendFirstMessage(contextFor(ben), {
			target,
			subject: 'Tablets',
			body: 'How?',
			key: null,
		});
		const again = sendFirstMessage(contextFor(ben), {
			target,
			subject: 'Tablets 2',
			body: 'And why?',
			key: null,
		});
		const other = sendFirstMessage(contextFor(eve), {
			target,
			subject: 'Eve',
			body: 'Hello',
			key: null,
		});
		if (!first.ok || !again.ok || !other.ok) throw new Error('not sent');
		expect(again).toMatchObject({ threadId: first.threadId, continued: true });
		expect(other.threadId).not.toBe(first.threadId);
		const seen = getThreadForUser(db, first.threadId, ben.id)!;
		expect(seen.messages.map((m) => m.body)).toEqual(['How?', 'And why?']);
		expect(seen.participants.find((p) => p.masked)).toMatchObject({ id: null, photo: null });
		expect(JSON.stringify(listThreadsForUser(db, ben.id))).not.toContain('Anna');
		expect(
			sendFirstMessage(contextFor(anna), { target, subject: 'Me', body: 'x', key: null }),
		).toMatchObject({ ok: false, kind: 'self' });
	});
});

describe('a form sent twice writes once', () => {
	it('answers the same thread for the same key, without a second message, mail or token', async () => {
		const key = newSendKey();
		const input = { target: toBen('beta-rally'), subject: 'Once', body: 'Only once', key };
		const first = sendFirstMessage(contextFor(anna), input);
		const second = sendFirstMessage(contextFor(anna), input);
		if (!first.ok) throw new Error('not sent');
		expect(second).toEqual({
			ok: true,
			threadId: first.threadId,
			continued: true,
			duplicate: true,
		});
		expect(messageCount()).toBe(1);

		const replyKey = newSendKey();
		const reply = { threadId: first.threadId, body: 'A reply', key: replyKey };
		expect(replyToThreadCommand(contextFor(ben), reply)).toMatchObject({
			ok: true,
			duplicate: false,
		});
		expect(replyToThreadCommand(contextFor(ben), reply)).toMatchObject({
			ok: true,
			duplicate: true,
		});
		expect(messageCount()).toBe(2);
		// Another member's key is theirs alone: Eve sending Anna's key writes her own message.
		expect(
			sendFirstMessage(contextFor(eve), { ...input, target: toBen('beta-rally') }),
		).toMatchObject({ ok: true, duplicate: false });
		expect(messageCount()).toBe(3);
		const mails = await outbox();
		expect(mails.filter((m) => /^To: ben@example\.com/m.test(m))).toHaveLength(2);
		expect(mails.filter((m) => /^To: anna@example\.com/m.test(m))).toHaveLength(1);
		const tokens = db
			.prepare("SELECT key, tokens FROM rate_limit WHERE key LIKE 'message-send:%' ORDER BY key")
			.all() as { key: string; tokens: number }[];
		expect(tokens.map((row) => row.tokens)).toEqual([29, 29, 29]);
	});

	it('forgets keys after a day in the hourly maintenance', () => {
		const key = newSendKey();
		const input = { target: toBen(), subject: 'Once', body: 'Only once', key };
		sendFirstMessage(contextFor(anna), input);
		runMaintenance(db);
		expect(sendFirstMessage(contextFor(anna), input)).toMatchObject({ duplicate: true });
		expect(deleteStaleSendKeys(db, getNowSeconds() + SEND_KEY_TTL_SECONDS + 1)).toBe(1);
		expect(
			sendFirstMessage(contextFor(anna), { ...input, body: 'A day later, the same form' }),
		).toMatchObject({ duplicate: false });
		expect(messageCount()).toBe(2);
	});

	it('takes the same text again, right after and with a fresh form, for the same message', () => {
		const input = { target: toBen(), subject: 'Hi', body: 'Are you there?', key: newSendKey() };
		const first = sendFirstMessage(contextFor(anna), input);
		if (!first.ok) throw new Error('not sent');
		// Back re-renders the form with a new key, and the browser puts the text back.
		expect(sendFirstMessage(contextFor(anna), { ...input, key: newSendKey() })).toMatchObject({
			ok: true,
			threadId: first.threadId,
			duplicate: true,
		});
		const again = { threadId: first.threadId, body: 'Are you there?', key: newSendKey() };
		expect(replyToThreadCommand(contextFor(anna), again)).toMatchObject({ duplicate: true });
		expect(messageCount()).toBe(1);
		// Once Ben answered, the same words are a new message.
		replyToThreadCommand(contextFor(ben), { threadId: first.threadId, body: 'Yes', key: null });
		expect(replyToThreadCommand(contextFor(anna), again)).toMatchObject({ duplicate: false });
		expect(messageCount()).toBe(3);
		const last = getThreadForUser(db, first.threadId, anna.id)!.messages.at(-1)!;
		expect(
			findRepeatedMessage(db, first.threadId, anna.id, 'Are you there?', last.createdAt + 600),
		).toBe(last.id);
		expect(
			findRepeatedMessage(db, first.threadId, anna.id, 'Are you there?', last.createdAt + 601),
		).toBeNull();
	});

	it('accepts only well-formed keys', () => {
		expect(parseSendKey(newSendKey())).not.toBeNull();
		expect(parseSendKey('short')).toBeNull();
		expect(parseSendKey('x'.repeat(65))).toBeNull();
		expect(parseSendKey('has space in it 12345')).toBeNull();
		expect(parseSendKey(null)).toBeNull();
	});
});

describe('the inbox preview', () => {
	it('shows the start of the last message as one line, cut at a code point', () => {
		const long = `${'🙂'.repeat(119)}é and more`;
		expect(previewOf(long)).toBe(`${'🙂'.repeat(119)}é…`);
		expect(previewOf('Hello\n\n  Ben,\thow are you?')).toBe('Hello Ben, how are you?');
		// Same as collapsing, trimming and cutting the whole text, for texts around the limit.
		const whole = (text: string, max: number) => {
			const chars = [...text.replace(/\s+/g, ' ').trim()];
			return chars.length <= max ? chars.join('') : `${chars.slice(0, max).join('').trimEnd()}…`;
		};
		const pieces = ['a', 'é', '🙂', ' ', '\n', '  ', 'word'];
		for (let seed = 1; seed < 400; seed++) {
			let text = '';
			for (let n = seed; text.length < seed % 40; n = (n * 7919 + 13) % 10007)
				text += pieces[n % pieces.length];
			expect(previewOf(text, 8), JSON.stringify(text)).toBe(whole(text, 8));
			expect(previewOf(text, 3), JSON.stringify(text)).toBe(whole(text, 3));
		}
		const sent = sendFirstMessage(contextFor(anna), {
			target: toBen(),
			subject: 'Hi',
			body: 'First line\nsecond line',
			key: null,
		});
		if (!sent.ok) throw new Error('not sent');
		expect(listThreadsForUser(db, ben.id)[0]).toMatchObject({
			preview: 'First line second line',
			previewIsMine: false,
		});
		expect(listThreadsForUser(db, anna.id)[0]).toMatchObject({ previewIsMine: true });
		replyToThreadCommand(contextFor(ben), {
			threadId: sent.threadId,
			body: 'Newest <b>reply</b>',
			key: null,
		});
		expect(listThreadsForUser(db, anna.id)[0]).toMatchObject({
			preview: 'Newest <b>reply</b>',
			previewIsMine: false,
		});
	});
});

describe('notifications in the recipient’s language', () => {
	it('writes to a French reader in French, with the /fr/ link, and to others in English', async () => {
		updateUserProfile(db, ben.id, { languages: ['it', 'fr', 'en'] });
		const sent = sendFirstMessage(contextFor(anna), {
			target: toBen(),
			subject: 'Leasing',
			body: 'Bonjour Ben',
			key: null,
		});
		if (!sent.ok) throw new Error('not sent');
		replyToThreadCommand(contextFor(ben, 'fr'), {
			threadId: sent.threadId,
			body: 'Hello Anna',
			key: null,
		});
		const mails = await outbox();
		const toBenMail = mails.find((m) => /^To: ben@example\.com/m.test(m))!;
		const benText = decodeQuotedPrintable(toBenMail);
		expect(benText).toContain('Anna vous a écrit sur Coaching Dealer.');
		expect(benText).toContain(`/fr/messages/${sent.threadId}/`);
		const toAnnaMail = mails.find((m) => /^To: anna@example\.com/m.test(m))!;
		expect(toAnnaMail).toContain('Subject: Ben wrote to you: Leasing');
		expect(decodeQuotedPrintable(toAnnaMail)).toContain('Ben wrote to you on Coaching Dealer.');
		expect(decodeQuotedPrintable(toAnnaMail)).not.toContain('/fr/messages/');
		expect(pickMailLang(['it', 'fr'])).toBe('fr');
		expect(pickMailLang(['fr-CA'])).toBe('fr');
		expect(pickMailLang(['de', 'it'])).toBe('en');
	});
});

describe('who can be written to, and in which time zone times are read', () => {
	it('lists only people with an active account other than the viewer', () => {
		deactivateUser(db, eve.id);
		const people = [
			{ id: 'anna', email: 'Anna@example.com' },
			{ id: 'ben', email: 'ben@example.com' },
			{ id: 'eve', email: 'eve@example.com' },
			{ id: 'nobody', email: 'nobody@example.com' },
		];
		expect(listContactablePeople(db, people, anna.id)).toEqual(['ben']);
	});

	it('stores a valid IANA time zone and formats times in it with the zone shown', () => {
		expect(isTimeZone('Europe/Paris')).toBe(true);
		expect(isTimeZone('')).toBe(true);
		expect(isTimeZone('Mars/Olympus')).toBe(false);
		updateUserProfile(db, anna.id, { timeZone: 'Europe/Paris' });
		expect(getUserById(db, anna.id)?.timeZone).toBe('Europe/Paris');
		const at = new Date('2026-12-02T09:42:00Z');
		expect(formatInTimeZone(at, 'en', 'Europe/Paris')).toBe('2 Dec 2026, 10:42 CET');
		expect(formatInTimeZone(at, 'en', '')).toBe('2 Dec 2026, 09:42 UTC');
		expect(formatInTimeZone(at, 'fr', 'Europe/Paris')).toBe('2 déc. 2026, 10:42 UTC+1');
	});
});
