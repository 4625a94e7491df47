import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../../src/lib/server/db';
import {
	countUnreadThreads,
	getRelayTarget,
	getThreadForUser,
	listThreadsForUser,
	markThreadRead,
	MESSAGE_BODY_MAX_CHARS,
	replyToThread,
	shouldNotify,
	startRelayThread,
	startThread,
	threadsToNotify,
} from '../../../src/lib/server/messages';
import { deactivateUser, type User } from '../../../src/lib/server/user';
import { addUser, createTestDatabase, T0 } from './test-db';

let t: ReturnType<typeof createTestDatabase>;
let db: Database;
let anna: User;
let ben: User;
let eve: User;
beforeEach(() => {
	t = createTestDatabase();
	db = t.db;
	addUser(db, 'root@example.com', 'Root', 'admin');
	anna = addUser(db, 'anna@example.com', 'Anna');
	ben = addUser(db, 'ben@example.com', 'Ben');
	eve = addUser(db, 'eve@example.com', 'Eve');
});
afterEach(() => t.cleanup());

function start(now = T0): number {
	const result = startThread(db, {
		from: anna.id,
		to: ben.id,
		subject: 'Leasing in France',
		caseStudy: 'fr-leasing',
		body: 'Hello Ben,\n<b>how</b> did it go?',
		nowSeconds: now,
	});
	if (result.error !== null) throw new Error(result.error);
	return result.threadId;
}

describe('startThread', () => {
	it('creates the thread with its first message, stored as typed', () => {
		const id = start();
		const thread = getThreadForUser(db, id, ben.id);
		expect(thread).toMatchObject({
			subject: 'Leasing in France',
			caseStudy: 'fr-leasing',
			createdAt: T0,
		});
		expect(thread?.participants.map((p) => p.name)).toEqual(['Anna', 'Ben']);
		expect(thread?.messages).toEqual([
			{
				id: expect.any(Number),
				senderId: anna.id,
				senderName: 'Anna',
				body: 'Hello Ben,\n<b>how</b> did it go?',
				createdAt: T0,
				unread: true,
			},
		]);
	});

	it('returns error codes for bad input and creates nothing', () => {
		const base = { from: anna.id, to: ben.id, subject: 'S', body: 'B', nowSeconds: T0 };
		expect(startThread(db, { ...base, body: '  \n ' }).error).toBe('empty');
		expect(startThread(db, { ...base, body: 'x'.repeat(MESSAGE_BODY_MAX_CHARS + 1) }).error).toBe(
			'too-long',
		);
		expect(startThread(db, { ...base, subject: ' ' }).error).toBe('empty-subject');
		expect(startThread(db, { ...base, to: anna.id }).error).toBe('unknown-recipient');
		expect(startThread(db, { ...base, to: 999 }).error).toBe('unknown-recipient');
		deactivateUser(db, eve.id);
		expect(startThread(db, { ...base, to: eve.id }).error).toBe('unknown-recipient');
		expect(db.prepare('SELECT count(*) FROM thread').pluck().get()).toBe(0);
		// 5000 code points are fine even when they take 10000 UTF-16 units.
		expect(
			startThread(db, { ...base, body: '😀'.repeat(MESSAGE_BODY_MAX_CHARS) }).error,
		).toBeNull();
	});
});

describe('membership (IDOR)', () => {
	it('gives a third member null on read, reply and mark, and changes nothing', () => {
		const id = start();
		expect(getThreadForUser(db, id, eve.id)).toBeNull();
		expect(
			replyToThread(db, { threadId: id, userId: eve.id, body: 'sneaky', nowSeconds: T0 + 1 }),
		).toBeNull();
		expect(markThreadRead(db, id, eve.id, T0 + 1)).toBe(false);
		expect(shouldNotify(db, id, eve.id, T0 + 1)).toBe(false);
		expect(threadsToNotify(db, id, eve.id, T0 + 1)).toEqual([]);
		expect(listThreadsForUser(db, eve.id)).toEqual([]);
		expect(db.prepare('SELECT count(*) FROM message').pluck().get()).toBe(1);
		expect(getThreadForUser(db, 999, anna.id)).toBeNull();
	});
});

describe('unread state', () => {
	it('tracks unread threads per member', () => {
		const id = start(T0);
		expect(countUnreadThreads(db, ben.id)).toBe(1);
		expect(countUnreadThreads(db, anna.id)).toBe(0);
		expect(listThreadsForUser(db, ben.id)).toEqual([
			{
				id,
				subject: 'Leasing in France',
				caseStudy: 'fr-leasing',
				updatedAt: T0,
				unread: true,
				preview: 'Hello Ben, <b>how</b> did it go?',
				previewIsMine: false,
				otherParticipantNames: ['Anna'],
			},
		]);
		expect(markThreadRead(db, id, ben.id, T0 + 10)).toBe(true);
		expect(countUnreadThreads(db, ben.id)).toBe(0);
		const reply = replyToThread(db, {
			threadId: id,
			userId: ben.id,
			body: 'Went well',
			nowSeconds: T0 + 20,
		});
		expect(reply?.error).toBeNull();
		expect(countUnreadThreads(db, anna.id)).toBe(1);
		expect(countUnreadThreads(db, ben.id)).toBe(0);
		expect(listThreadsForUser(db, anna.id)[0]).toMatchObject({ unread: true, updatedAt: T0 + 20 });
	});

	it('lists the most recently active thread first', () => {
		const first = start(T0);
		const second = start(T0 + 5);
		replyToThread(db, { threadId: first, userId: ben.id, body: 'bump', nowSeconds: T0 + 10 });
		expect(listThreadsForUser(db, anna.id).map((th) => th.id)).toEqual([first, second]);
	});

	it('rejects an empty or too long reply from a member', () => {
		const id = start();
		expect(replyToThread(db, { threadId: id, userId: ben.id, body: '' })).toEqual({
			messageId: null,
			error: 'empty',
		});
		expect(replyToThread(db, { threadId: id, userId: ben.id, body: 'x'.repeat(5001) })?.error).toBe(
			'too-long',
		);
		expect(db.prepare('SELECT count(*) FROM message').pluck().get()).toBe(1);
	});
});

describe('notifications', () => {
	it('allow one email per thread and recipient per hour', () => {
		const id = start(T0);
		expect(shouldNotify(db, id, ben.id, T0)).toBe(true);
		expect(shouldNotify(db, id, ben.id, T0 + 60)).toBe(false);
		expect(shouldNotify(db, id, ben.id, T0 + 3599)).toBe(false);
		expect(shouldNotify(db, id, ben.id, T0 + 3600)).toBe(true);
		// Per recipient: Anna has her own window.
		expect(shouldNotify(db, id, anna.id, T0 + 3600)).toBe(true);
	});

	it('threadsToNotify returns the other active members once per hour', () => {
		const id = start(T0);
		const recipients = threadsToNotify(db, id, anna.id, T0);
		expect(recipients).toEqual([
			{
				id: ben.id,
				email: 'ben@example.com',
				name: 'Ben',
				subject: 'Leasing in France',
				masked: false,
			},
		]);
		expect(threadsToNotify(db, id, anna.id, T0 + 1800)).toEqual([]);
		expect(threadsToNotify(db, id, anna.id, T0 + 3600)).toHaveLength(1);
	});
});

describe('relay threads to the author of a post-mortem', () => {
	function addPostMortem(disclosure: string, status = 'published'): number {
		return Number(
			db
				.prepare(
					`INSERT INTO post_mortem (author_id, disclosure, status, title, created_at, updated_at, published_month)
					VALUES (?, ?, ?, 'Tablets flop', ?, ?, '2026-01')`,
				)
				.run(ben.id, disclosure, status, T0, T0).lastInsertRowid,
		);
	}
	function relay(postMortemId: number, now = T0 + 3600 * 5 + 17): number {
		const result = startRelayThread(db, {
			from: anna.id,
			postMortemId,
			subject: 'About your post-mortem',
			body: 'What would you change?',
			nowSeconds: now,
		});
		if (result.error !== null) throw new Error(result.error);
		return result.threadId;
	}

	it('masks an anonymous author to the reader: no id, no name, day-precision times', () => {
		const id = relay(addPostMortem('anonymous'));
		replyToThread(db, {
			threadId: id,
			userId: ben.id,
			body: 'Less training',
			nowSeconds: T0 + 7 * 3600 + 3,
		});
		const seen = getThreadForUser(db, id, anna.id, 'en')!;
		const json = JSON.stringify(seen);
		expect(json).not.toContain('Ben');
		expect(json).not.toContain(`"id":${ben.id},`);
		expect(seen.participants).toContainEqual({
			id: null,
			name: 'The author of «Tablets flop»',
			photo: null,
			active: true,
			masked: true,
		});
		expect(seen.messages.map((m) => [m.senderId, m.senderName, m.createdAt])).toEqual([
			[anna.id, 'Anna', T0],
			[null, 'The author of «Tablets flop»', T0],
		]);
		expect(seen.relay).toMatchObject({ viewerIsMasked: false, othersMasked: true });
		expect(listThreadsForUser(db, anna.id, 'fr')[0]).toMatchObject({
			otherParticipantNames: ['La personne qui a écrit « Tablets flop »'],
			updatedAt: T0,
		});
		// The author sees the reader by name, exact times, and that they are masked.
		const mine = getThreadForUser(db, id, ben.id)!;
		expect(mine.participants.map((p) => p.name)).toContain('Anna');
		expect(mine.messages[0].createdAt).toBe(T0 + 3600 * 5 + 17);
		expect(mine.relay).toMatchObject({ viewerIsMasked: true, othersMasked: false });
		// A mail to the reader must name the author by the post-mortem only.
		expect(threadsToNotify(db, id, ben.id, T0 + 7 * 3600 + 3)).toEqual([
			{
				id: anna.id,
				email: 'anna@example.com',
				name: 'Anna',
				subject: 'About your post-mortem',
				masked: false,
				maskedSender: { postMortemTitle: 'Tablets flop' },
			},
		]);
		// Still members only.
		expect(getThreadForUser(db, id, eve.id)).toBeNull();
	});

	it('keeps a named author visible, refuses yourself and unpublished post-mortems', () => {
		const named = addPostMortem('named');
		expect(getRelayTarget(db, named, anna.id)).toMatchObject({
			masked: false,
			authorName: 'Ben',
			isSelf: false,
		});
		const id = relay(named);
		expect(getThreadForUser(db, id, anna.id)!.participants.map((p) => p.name)).toEqual([
			'Anna',
			'Ben',
		]);
		const anonymous = addPostMortem('anonymous');
		expect(getRelayTarget(db, anonymous, anna.id)).toMatchObject({
			masked: true,
			authorName: null,
		});
		expect(JSON.stringify(getRelayTarget(db, anonymous, anna.id))).not.toContain('Ben');
		expect(getRelayTarget(db, anonymous, ben.id)?.isSelf).toBe(true);
		const base = { from: ben.id, postMortemId: anonymous, subject: 'S', body: 'B' };
		expect(startRelayThread(db, base).error).toBe('self');
		const draft = addPostMortem('anonymous', 'draft');
		expect(getRelayTarget(db, draft, anna.id)).toBeNull();
		expect(startRelayThread(db, { ...base, from: anna.id, postMortemId: draft }).error).toBe(
			'unknown-post-mortem',
		);
	});
});
