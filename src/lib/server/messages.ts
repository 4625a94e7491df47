import type { Database } from 'better-sqlite3';
import { prepare } from './db';
import { getNowSeconds, SECONDS_PER_HOUR } from './time';

// Private messages between members. Every read and write names the acting user in the SQL itself
// (a join or EXISTS on thread_member), so a guessed thread id never reaches another member's data.
// Bodies are stored exactly as typed; rendering escapes them (src/lib/linkify.ts).

export const MESSAGE_BODY_MAX_CHARS = 5000;
export const THREAD_SUBJECT_MAX_CHARS = 200;
/** At most one notification email per thread and recipient within this window. */
export const NOTIFY_INTERVAL_SECONDS = SECONDS_PER_HOUR;

/**
 * Checks a message body: `null` when fine. Length counts Unicode code points, like the form's counter.
 * @example checkMessageBody('   ') // 'empty'
 */
export function checkMessageBody(body: string): 'empty' | 'too-long' | null {
	if (body.trim() === '') return 'empty';
	if (countCodePoints(body) > MESSAGE_BODY_MAX_CHARS) return 'too-long';
	return null;
}

/**
 * Checks a thread subject: `null` when fine.
 * @example checkThreadSubject('Pricing in Q3') // null
 */
export function checkThreadSubject(subject: string): 'empty-subject' | 'subject-too-long' | null {
	if (subject.trim() === '') return 'empty-subject';
	if (countCodePoints(subject) > THREAD_SUBJECT_MAX_CHARS) return 'subject-too-long';
	return null;
}

/**
 * Starts a thread from one member to others with a first message, in one transaction. Recipients
 * must be other active members.
 * @example const { threadId, error } = startThread(db, { from: me.id, to: 7, subject, caseStudy: 'fr-leasing', body })
 */
export function startThread(db: Database, input: NewThread): StartThreadResult {
	const nowSeconds = input.nowSeconds ?? getNowSeconds();
	const error = checkThreadSubject(input.subject) ?? checkMessageBody(input.body);
	if (error) return { threadId: null, error };
	const recipients = [...new Set(typeof input.to === 'number' ? [input.to] : input.to)].filter(
		(id) => id !== input.from,
	);
	if (recipients.length === 0) return { threadId: null, error: 'unknown-recipient' };
	const start = db.transaction((): StartThreadResult => {
		const ids = [input.from, ...recipients];
		const placeholders = ids.map(() => '?').join(', ');
		const { n } = prepare(
			db,
			`SELECT count(*) AS n FROM user WHERE user.id IN (${placeholders}) AND user.active = 1`,
		).get(...ids) as { n: number };
		if (n !== ids.length) return { threadId: null, error: 'unknown-recipient' };
		const threadId = Number(
			prepare(
				db,
				'INSERT INTO thread (subject, case_study, created_at, updated_at) VALUES (?, ?, ?, ?)',
			).run(input.subject.trim(), input.caseStudy ?? null, nowSeconds, nowSeconds).lastInsertRowid,
		);
		const addMember = prepare(
			db,
			'INSERT INTO thread_member (thread_id, user_id, last_read_at, last_notified_at) VALUES (?, ?, ?, NULL)',
		);
		addMember.run(threadId, input.from, nowSeconds);
		for (const id of recipients) addMember.run(threadId, id, 0);
		prepare(
			db,
			'INSERT INTO message (thread_id, sender_id, body, created_at) VALUES (?, ?, ?, ?)',
		).run(threadId, input.from, input.body, nowSeconds);
		return { threadId, error: null };
	});
	return start.immediate();
}

/**
 * Adds a message to a thread; `null` when the user is not a member of it (same answer as for a
 * thread that does not exist). The sender's own read mark moves to now.
 * @example const result = replyToThread(db, { threadId, userId: me.id, body })
 */
export function replyToThread(db: Database, input: NewReply): ReplyResult | null {
	const nowSeconds = input.nowSeconds ?? getNowSeconds();
	const reply = db.transaction((): ReplyResult | null => {
		const isMember =
			prepare(
				db,
				'SELECT 1 FROM thread_member WHERE thread_member.thread_id = ? AND thread_member.user_id = ?',
			).get(input.threadId, input.userId) !== undefined;
		if (!isMember) return null;
		const error = checkMessageBody(input.body);
		if (error) return { messageId: null, error };
		// The INSERT repeats the membership condition, so the write itself cannot land in a foreign thread.
		const messageId = Number(
			prepare(
				db,
				`INSERT INTO message (thread_id, sender_id, body, created_at)
					SELECT thread_member.thread_id, thread_member.user_id, ?, ?
					FROM thread_member WHERE thread_member.thread_id = ? AND thread_member.user_id = ?`,
			).run(input.body, nowSeconds, input.threadId, input.userId).lastInsertRowid,
		);
		prepare(
			db,
			`UPDATE thread_member SET last_read_at = max(thread_member.last_read_at, ?)
			WHERE thread_member.thread_id = ? AND thread_member.user_id = ?`,
		).run(nowSeconds, input.threadId, input.userId);
		prepare(db, 'UPDATE thread SET updated_at = ? WHERE thread.id = ?').run(
			nowSeconds,
			input.threadId,
		);
		return { messageId, error: null };
	});
	return reply.immediate();
}

/**
 * A thread with its participants and messages (oldest first); `null` when the user is not a member.
 * @example const thread = getThreadForUser(db, Number(Astro.params.id), me.id) ?? notFound()
 */
export function getThreadForUser(
	db: Database,
	threadId: number,
	userId: number,
): ThreadDetail | null {
	const thread = prepare(
		db,
		`SELECT thread.id, thread.subject, thread.case_study, thread.created_at, thread.updated_at,
				thread_member.last_read_at
			FROM thread INNER JOIN thread_member
				ON thread_member.thread_id = thread.id AND thread_member.user_id = ?
			WHERE thread.id = ?`,
	).get(userId, threadId) as
		| {
				id: number;
				subject: string;
				case_study: string | null;
				created_at: number;
				updated_at: number;
				last_read_at: number;
		  }
		| undefined;
	if (!thread) return null;
	const participants = prepare(
		db,
		`SELECT user.id, user.name, user.photo, user.active
			FROM thread_member AS other INNER JOIN user ON user.id = other.user_id
			WHERE other.thread_id = ?
				AND EXISTS (SELECT 1 FROM thread_member AS me WHERE me.thread_id = other.thread_id AND me.user_id = ?)
			ORDER BY user.name COLLATE NOCASE`,
	).all(threadId, userId) as { id: number; name: string; photo: string | null; active: number }[];
	const messages = prepare(
		db,
		`SELECT message.id, message.sender_id, user.name AS sender_name, message.body, message.created_at
			FROM message
				INNER JOIN thread_member AS me ON me.thread_id = message.thread_id AND me.user_id = ?
				INNER JOIN user ON user.id = message.sender_id
			WHERE message.thread_id = ?
			ORDER BY message.created_at, message.id`,
	).all(userId, threadId) as {
		id: number;
		sender_id: number;
		sender_name: string;
		body: string;
		created_at: number;
	}[];
	return {
		id: thread.id,
		subject: thread.subject,
		caseStudy: thread.case_study,
		createdAt: thread.created_at,
		updatedAt: thread.updated_at,
		participants: participants.map((p) => ({
			id: p.id,
			name: p.name,
			photo: p.photo,
			active: p.active === 1,
		})),
		messages: messages.map((m) => ({
			id: m.id,
			senderId: m.sender_id,
			senderName: m.sender_name,
			body: m.body,
			createdAt: m.created_at,
			unread: m.sender_id !== userId && m.created_at > thread.last_read_at,
		})),
	};
}

// Unread: a message from someone else newer than the member's read mark. Marks are whole seconds, so a
// message landing in the very second a thread is marked read counts as read: accepted.
const unreadSql = `EXISTS (SELECT 1 FROM message
	WHERE message.thread_id = thread_member.thread_id AND message.sender_id <> thread_member.user_id
		AND message.created_at > thread_member.last_read_at)`;

/**
 * The user's threads, most recently active first, with an unread flag and the other participants' names.
 * @example listThreadsForUser(db, me.id).filter((t) => t.unread)
 */
export function listThreadsForUser(db: Database, userId: number): ThreadSummary[] {
	const rows = prepare(
		db,
		`SELECT thread.id, thread.subject, thread.case_study, thread.updated_at,
				IIF(${unreadSql}, 1, 0) AS unread,
				(SELECT json_group_array(user.name) FROM thread_member AS other
					INNER JOIN user ON user.id = other.user_id
					WHERE other.thread_id = thread.id AND other.user_id <> thread_member.user_id) AS others
			FROM thread_member INNER JOIN thread ON thread.id = thread_member.thread_id
			WHERE thread_member.user_id = ?
			ORDER BY thread.updated_at DESC, thread.id DESC`,
	).all(userId) as {
		id: number;
		subject: string;
		case_study: string | null;
		updated_at: number;
		unread: number;
		others: string;
	}[];
	return rows.map((row) => ({
		id: row.id,
		subject: row.subject,
		caseStudy: row.case_study,
		updatedAt: row.updated_at,
		unread: row.unread === 1,
		otherParticipantNames: JSON.parse(row.others) as string[],
	}));
}

/**
 * How many of the user's threads have unread messages (the badge in the header).
 * @example countUnreadThreads(db, me.id) // 2
 */
export function countUnreadThreads(db: Database, userId: number): number {
	const { n } = prepare(
		db,
		`SELECT count(*) AS n FROM thread_member WHERE thread_member.user_id = ? AND ${unreadSql}`,
	).get(userId) as { n: number };
	return n;
}

/**
 * Marks the thread read for the user; `false` when they are not a member.
 * @example markThreadRead(db, threadId, me.id) // true
 */
export function markThreadRead(
	db: Database,
	threadId: number,
	userId: number,
	nowSeconds = getNowSeconds(),
): boolean {
	return (
		prepare(
			db,
			`UPDATE thread_member SET last_read_at = max(thread_member.last_read_at, ?)
				WHERE thread_member.thread_id = ? AND thread_member.user_id = ?`,
		).run(nowSeconds, threadId, userId).changes > 0
	);
}

/**
 * Claims the right to email `recipientId` about `threadId`: `true` at most once per hour per thread
 * and recipient (and only for members). The claim is one guarded UPDATE, so two replies at once
 * cannot both send.
 * @example if (shouldNotify(db, threadId, recipient.id, now)) await sendMail(...)
 */
export function shouldNotify(
	db: Database,
	threadId: number,
	recipientId: number,
	nowSeconds = getNowSeconds(),
): boolean {
	return (
		prepare(
			db,
			`UPDATE thread_member SET last_notified_at = ?
				WHERE thread_member.thread_id = ? AND thread_member.user_id = ?
					AND (thread_member.last_notified_at IS NULL OR thread_member.last_notified_at <= ?)`,
		).run(nowSeconds, threadId, recipientId, nowSeconds - NOTIFY_INTERVAL_SECONDS).changes > 0
	);
}

/**
 * After `senderId` posted in a thread: the other active members to email now, each already claimed
 * with `shouldNotify`, so calling this twice within the hour returns nobody the second time.
 * @example for (const r of threadsToNotify(db, threadId, me.id)) await sendMail({ to: r.email, ... })
 */
export function threadsToNotify(
	db: Database,
	threadId: number,
	senderId: number,
	nowSeconds = getNowSeconds(),
): NotificationRecipient[] {
	const claim = db.transaction((): NotificationRecipient[] => {
		const candidates = prepare(
			db,
			`SELECT user.id, user.email, user.name, thread.subject
				FROM thread_member
					INNER JOIN user ON user.id = thread_member.user_id
					INNER JOIN thread ON thread.id = thread_member.thread_id
				WHERE thread_member.thread_id = ? AND thread_member.user_id <> ? AND user.active = 1
					AND EXISTS (SELECT 1 FROM thread_member AS sender
						WHERE sender.thread_id = thread_member.thread_id AND sender.user_id = ?)`,
		).all(threadId, senderId, senderId) as NotificationRecipient[];
		return candidates.filter((c) => shouldNotify(db, threadId, c.id, nowSeconds));
	});
	return claim.immediate();
}

function countCodePoints(text: string): number {
	let n = 0;
	for (const _ of text) n++;
	return n;
}

export type MessageError =
	| 'empty'
	| 'too-long'
	| 'empty-subject'
	| 'subject-too-long'
	| 'unknown-recipient';

export interface NewThread {
	from: number;
	/** One member id or several. */
	to: number | readonly number[];
	subject: string;
	/** Slug of the case study the thread is about, or `null`. */
	caseStudy?: string | null;
	body: string;
	nowSeconds?: number;
}

export type StartThreadResult =
	| { threadId: number; error: null }
	| { threadId: null; error: MessageError };

export interface NewReply {
	threadId: number;
	userId: number;
	body: string;
	nowSeconds?: number;
}

export type ReplyResult =
	| { messageId: number; error: null }
	| { messageId: null; error: 'empty' | 'too-long' };

/** One thread in the inbox list; `updatedAt` is unix seconds. */
export interface ThreadSummary {
	id: number;
	subject: string;
	caseStudy: string | null;
	updatedAt: number;
	unread: boolean;
	otherParticipantNames: string[];
}

/** A thread as its member sees it; times are unix seconds. */
export interface ThreadDetail {
	id: number;
	subject: string;
	caseStudy: string | null;
	createdAt: number;
	updatedAt: number;
	participants: { id: number; name: string; photo: string | null; active: boolean }[];
	messages: {
		id: number;
		senderId: number;
		senderName: string;
		/** As typed; render with `renderMessageBody`. */
		body: string;
		createdAt: number;
		unread: boolean;
	}[];
}

export interface NotificationRecipient {
	id: number;
	email: string;
	name: string;
	subject: string;
}
