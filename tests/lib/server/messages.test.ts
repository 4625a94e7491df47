import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../../src/lib/server/db';
import {
	countUnreadThreads,
	getThreadForUser,
	listThreadsForUser,
	markThreadRead,
	MESSAGE_BODY_MAX_CHARS,
	replyToThread,
	shouldNotify,
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
			{ id: ben.id, email: 'ben@example.com', name: 'Ben', subject: 'Leasing in France' },
		]);
		expect(threadsToNotify(db, id, anna.id, T0 + 1800)).toEqual([]);
		expect(threadsToNotify(db, id, anna.id, T0 + 3600)).toHaveLength(1);
	});
});
