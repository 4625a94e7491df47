import { randomBytes } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import { useTranslations } from '../i18n';
import type { Lang } from '../taxonomy';
import { prepare } from './db';
import { getNowSeconds, SECONDS_PER_DAY, SECONDS_PER_HOUR } from './time';
import { AUTHOR_SHOWN_SQL, isAuthorMasked } from './post-mortems/disclosure';

// Private messages between members. Every read and write names the acting user in the SQL itself
// (a join or EXISTS on thread_member), so a guessed thread id never reaches another member's data.
// Bodies are stored exactly as typed; rendering escapes them (src/lib/linkify.ts).
//
// Relay threads (a reader writing to the author of a post-mortem published as 'country' or
// 'anonymous') mark the author's thread_member row `masked`. The masking happens here, in the
// functions every page reads threads through: to anyone but the masked member, that member has no
// id, email or photo, a name of "The author of «title»", and the thread's times are whole days
// (an exact time of a reply could tell who wrote it). Templates cannot leak what they never get.

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
		const result = insertThread(db, {
			...input,
			recipients,
			postMortemId: null,
			masked: false,
			nowSeconds,
		});
		return result.error === null ? { threadId: result.threadId, error: null } : result;
	});
	return start.immediate();
}

/**
 * Who a reader would write to about a post-mortem, as the compose page may show it: `null` unless
 * the post-mortem is published. The author's name is given only for a 'named' post-mortem; for the
 * others the answer holds no trace of the author, only whether the reader is that author.
 * @example getRelayTarget(db, 12, me.id) // { postMortemId: 12, title: '…', masked: true, authorName: null, isSelf: false }
 */
export function getRelayTarget(
	db: Database,
	postMortemId: number,
	readerId: number,
): RelayTarget | null {
	const row = prepare(
		db,
		`SELECT post_mortem.id, post_mortem.title, post_mortem.disclosure,
				IIF(post_mortem.author_id = ?, 1, 0) AS is_self,
				IIF(${AUTHOR_SHOWN_SQL}, member_name(user.name, user.erased_at), NULL) AS author_name,
				IIF(${AUTHOR_SHOWN_SQL}, user.title, NULL) AS author_title,
				-- A masked author always looks active: "no longer a member" would let anyone test suspects.
				IIF(${AUTHOR_SHOWN_SQL}, user.active, 1) AS author_active
			FROM post_mortem INNER JOIN user ON user.id = post_mortem.author_id
			WHERE post_mortem.id = ? AND post_mortem.status = 'published'`,
	).get(readerId, postMortemId) as
		| {
				id: number;
				title: string;
				disclosure: string;
				is_self: number;
				author_name: string | null;
				author_title: string | null;
				author_active: number;
		  }
		| undefined;
	if (!row) return null;
	return {
		postMortemId: row.id,
		title: row.title,
		masked: isAuthorMasked(row.disclosure),
		authorName: row.author_name,
		authorTitle: row.author_title,
		authorActive: row.author_active === 1,
		isSelf: row.is_self === 1,
	};
}

/**
 * Starts a thread from a reader to the author of a published post-mortem, in one transaction. The
 * recipient is looked up here, never passed in; for a 'country' or 'anonymous' post-mortem the
 * author's membership is masked. Writing to your own post-mortem is refused ('self').
 * @example const { threadId, error } = startRelayThread(db, { from: me.id, postMortemId: 12, subject, body })
 */
export function startRelayThread(db: Database, input: NewRelayThread): StartRelayThreadResult {
	const nowSeconds = input.nowSeconds ?? getNowSeconds();
	const error = checkThreadSubject(input.subject) ?? checkMessageBody(input.body);
	if (error) return { threadId: null, error };
	const start = db.transaction((): StartRelayThreadResult => {
		const target = prepare(
			db,
			`SELECT post_mortem.author_id, post_mortem.disclosure FROM post_mortem
				WHERE post_mortem.id = ? AND post_mortem.status = 'published'`,
		).get(input.postMortemId) as { author_id: number; disclosure: string } | undefined;
		if (!target) return { threadId: null, error: 'unknown-post-mortem' };
		if (target.author_id === input.from) return { threadId: null, error: 'self' };
		const result = insertThread(db, {
			from: input.from,
			recipients: [target.author_id],
			subject: input.subject,
			caseStudy: null,
			body: input.body,
			postMortemId: input.postMortemId,
			masked: isAuthorMasked(target.disclosure),
			nowSeconds,
		});
		return result.error === null ? { threadId: result.threadId, error: null } : result;
	});
	return start.immediate();
}

// ---- One conversation per pair (and practice), per reader and post-mortem -----------------------

/**
 * The conversation a member already has with another member about a case study (or about nothing:
 * `caseStudy: null`), or with the author of a post-mortem; `null` when there is none. "Contact"
 * continues it instead of opening another one. For a relay only the reader's own side is looked at
 * (the author's membership, masked or not, is never part of the question).
 * @example findConversation(db, me.id, { kind: 'member', userId: 7, caseStudy: 'beta-rally' }) // 12
 */
export function findConversation(
	db: Database,
	userId: number,
	target: ConversationTarget,
): number | null {
	const row =
		target.kind === 'member'
			? prepare(
					db,
					`SELECT thread.id FROM thread
					INNER JOIN thread_member AS me
						ON me.thread_id = thread.id AND me.user_id = ? AND me.masked = 0
					INNER JOIN thread_member AS them
						ON them.thread_id = thread.id AND them.user_id = ? AND them.masked = 0
					WHERE thread.post_mortem_id IS NULL AND thread.case_study IS ?
						AND (SELECT count(*) FROM thread_member AS anyone WHERE anyone.thread_id = thread.id) = 2
					ORDER BY thread.updated_at DESC, thread.id DESC LIMIT 1`,
				).get(userId, target.userId, target.caseStudy)
			: prepare(
					db,
					`SELECT thread.id FROM thread
					INNER JOIN thread_member AS me
						ON me.thread_id = thread.id AND me.user_id = ? AND me.masked = 0
					INNER JOIN post_mortem ON post_mortem.id = thread.post_mortem_id
					WHERE thread.post_mortem_id = ? AND post_mortem.author_id <> me.user_id
					ORDER BY thread.updated_at DESC, thread.id DESC LIMIT 1`,
				).get(userId, target.postMortemId);
	return (row as { id: number } | undefined)?.id ?? null;
}

/**
 * A member's first message to someone: it continues their conversation about the same thing when
 * there is one (the subject typed is then not used), else starts it. Runs inside the caller's
 * transaction; the recipient must be another active member (a masked author is not checked, see
 * `insertThread`).
 * @example db.transaction(() => writeFirstMessage(db, { from: me.id, target, subject, body, nowSeconds }))()
 */
export function writeFirstMessage(
	db: Database,
	input: {
		from: number;
		target: ConversationTarget;
		subject: string;
		body: string;
		nowSeconds: number;
	},
):
	| { threadId: number; messageId: number; continued: boolean; error: null }
	| { error: 'unknown-recipient' | 'unknown-post-mortem' | 'self' } {
	const { target } = input;
	let recipients: number[];
	let masked = false;
	if (target.kind === 'member') {
		if (target.userId === input.from) return { error: 'self' };
		recipients = [target.userId];
	} else {
		const pm = prepare(
			db,
			`SELECT post_mortem.author_id, post_mortem.disclosure FROM post_mortem
				WHERE post_mortem.id = ? AND post_mortem.status = 'published'`,
		).get(target.postMortemId) as { author_id: number; disclosure: string } | undefined;
		if (!pm) return { error: 'unknown-post-mortem' };
		if (pm.author_id === input.from) return { error: 'self' };
		recipients = [pm.author_id];
		masked = isAuthorMasked(pm.disclosure);
	}
	const existing = findConversation(db, input.from, target);
	if (existing !== null) {
		if (target.kind === 'member' && !isActiveUser(db, target.userId))
			return { error: 'unknown-recipient' };
		const messageId = appendMessage(db, existing, input.from, input.body, input.nowSeconds);
		if (messageId === null) return { error: 'unknown-recipient' };
		return { threadId: existing, messageId, continued: true, error: null };
	}
	const result = insertThread(db, {
		from: input.from,
		recipients,
		subject: input.subject,
		caseStudy: target.kind === 'member' ? target.caseStudy : null,
		body: input.body,
		postMortemId: target.kind === 'relay' ? target.postMortemId : null,
		masked,
		nowSeconds: input.nowSeconds,
	});
	if (result.error !== null) return result;
	return { threadId: result.threadId, messageId: result.messageId, continued: false, error: null };
}

/**
 * Which of these people (content entries, matched to accounts by email) `viewerId` can write to: those
 * with an active account other than the viewer's own. Their ids, in the order given.
 * @example listContactablePeople(db, [{ id: 'bruno-costa', email: 'bruno@…' }], me.id) // ['bruno-costa']
 */
export function listContactablePeople(
	db: Database,
	people: readonly { id: string; email: string }[],
	viewerId: number,
): string[] {
	const canWrite = prepare(
		db,
		'SELECT 1 FROM user WHERE user.email = ? AND user.active = 1 AND user.id <> ?',
	);
	return people
		.filter((person) => canWrite.get(person.email.trim().toLowerCase(), viewerId) !== undefined)
		.map((person) => person.id);
}

function isActiveUser(db: Database, userId: number): boolean {
	return (
		prepare(db, 'SELECT 1 FROM user WHERE user.id = ? AND user.active = 1').get(userId) !==
		undefined
	);
}

/**
 * Adds a message from a member of the thread and moves their read mark and the thread's activity;
 * `null` when they are not a member. Runs inside the caller's transaction.
 */
export function appendMessage(
	db: Database,
	threadId: number,
	userId: number,
	body: string,
	nowSeconds: number,
): number | null {
	// The INSERT repeats the membership condition, so the write itself cannot land in a foreign thread.
	const inserted = prepare(
		db,
		`INSERT INTO message (thread_id, sender_id, body, created_at)
			SELECT thread_member.thread_id, thread_member.user_id, ?, ?
			FROM thread_member WHERE thread_member.thread_id = ? AND thread_member.user_id = ?`,
	).run(body, nowSeconds, threadId, userId);
	if (inserted.changes === 0) return null;
	prepare(
		db,
		`UPDATE thread_member SET last_read_at = max(thread_member.last_read_at, ?)
			WHERE thread_member.thread_id = ? AND thread_member.user_id = ?`,
	).run(nowSeconds, threadId, userId);
	prepare(db, 'UPDATE thread SET updated_at = max(thread.updated_at, ?) WHERE thread.id = ?').run(
		nowSeconds,
		threadId,
	);
	return Number(inserted.lastInsertRowid);
}

// ---- Sending a form once ----------------------------------------------------------------------------

/** How long a form's key is remembered: a Back and send the next day writes a new message. */
export const SEND_KEY_TTL_SECONDS = SECONDS_PER_DAY;
const SEND_KEY_PATTERN = /^[A-Za-z0-9_-]{16,64}$/;

/**
 * A fresh key for one message form, rendered in a hidden field.
 * @example <input type="hidden" name="key" value={newSendKey()} />
 */
export function newSendKey(): string {
	return randomBytes(18).toString('base64url');
}

/**
 * The key of a form as sent, or `null` when absent or malformed (then the form is simply not
 * protected against being sent twice).
 * @example parseSendKey(form.get('key'))
 */
export function parseSendKey(value: unknown): string | null {
	return typeof value === 'string' && SEND_KEY_PATTERN.test(value) ? value : null;
}

/**
 * Where the message sent with this key went, when the member already sent it: `null` otherwise
 * (or when the thread is no longer theirs).
 * @example findSentMessage(db, me.id, key) // { threadId: 4, messageId: 31 }
 */
export function findSentMessage(
	db: Database,
	userId: number,
	key: string,
): { threadId: number; messageId: number } | null {
	const row = prepare(
		db,
		`SELECT message_send_key.thread_id, message_send_key.message_id FROM message_send_key
			INNER JOIN thread_member ON thread_member.thread_id = message_send_key.thread_id
				AND thread_member.user_id = message_send_key.user_id
			WHERE message_send_key.user_id = ? AND message_send_key.key = ?`,
	).get(userId, key) as { thread_id: number; message_id: number } | undefined;
	return row ? { threadId: row.thread_id, messageId: row.message_id } : null;
}

/** Remembers that the form with this key wrote that message; inside the message's transaction. */
export function recordSentMessage(
	db: Database,
	input: { userId: number; key: string; threadId: number; messageId: number; nowSeconds: number },
): void {
	prepare(
		db,
		`INSERT INTO message_send_key (user_id, key, thread_id, message_id, created_at)
			VALUES (?, ?, ?, ?, ?)`,
	).run(input.userId, input.key, input.threadId, input.messageId, input.nowSeconds);
}

/** How long the same text sent again by the same member is taken for the same message sent twice. */
export const REPEAT_WINDOW_SECONDS = 10 * 60;

/**
 * The message `userId` just sent in the thread when `body` is exactly it: the thread's last message,
 * theirs, the same text, less than ten minutes old; `null` otherwise. A browser going Back re-asks the
 * server for the page (messages are never cached), so the form gets a fresh key, but it puts back
 * what was typed: sending that again must not post the message twice.
 * @example findRepeatedMessage(db, threadId, me.id, body, now) // 31
 */
export function findRepeatedMessage(
	db: Database,
	threadId: number,
	userId: number,
	body: string,
	nowSeconds: number,
): number | null {
	const last = prepare(
		db,
		`SELECT message.id, message.sender_id, message.body, message.created_at FROM message
			WHERE message.thread_id = ? ORDER BY message.created_at DESC, message.id DESC LIMIT 1`,
	).get(threadId) as
		| { id: number; sender_id: number; body: string; created_at: number }
		| undefined;
	if (!last || last.sender_id !== userId || last.body !== body) return null;
	return last.created_at >= nowSeconds - REPEAT_WINDOW_SECONDS ? last.id : null;
}

/**
 * Forgets form keys older than a day (hourly maintenance); returns how many went.
 * @example deleteStaleSendKeys(db) // 3
 */
export function deleteStaleSendKeys(db: Database, nowSeconds = getNowSeconds()): number {
	return prepare(db, 'DELETE FROM message_send_key WHERE message_send_key.created_at < ?').run(
		nowSeconds - SEND_KEY_TTL_SECONDS,
	).changes;
}

// The writes shared by both kinds of thread; runs inside the caller's transaction.
function insertThread(
	db: Database,
	input: {
		from: number;
		recipients: readonly number[];
		subject: string;
		caseStudy?: string | null;
		body: string;
		postMortemId: number | null;
		/** Whether the recipients are masked (the anonymous author of the post-mortem). */
		masked: boolean;
		nowSeconds: number;
	},
):
	| { threadId: number; messageId: number; error: null }
	| { threadId: null; error: 'unknown-recipient' } {
	const { nowSeconds } = input;
	// A masked recipient is not checked: the thread is kept for them (and mailed only while they are
	// active), so the reader cannot tell a deactivated anonymous author from an active one.
	const ids = input.masked ? [input.from] : [input.from, ...input.recipients];
	const placeholders = ids.map(() => '?').join(', ');
	const { n } = prepare(
		db,
		`SELECT count(*) AS n FROM user WHERE user.id IN (${placeholders}) AND user.active = 1`,
	).get(...ids) as { n: number };
	if (n !== ids.length) return { threadId: null, error: 'unknown-recipient' };
	const threadId = Number(
		prepare(
			db,
			'INSERT INTO thread (subject, case_study, post_mortem_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?)',
		).run(input.subject.trim(), input.caseStudy ?? null, input.postMortemId, nowSeconds, nowSeconds)
			.lastInsertRowid,
	);
	const addMember = prepare(
		db,
		'INSERT INTO thread_member (thread_id, user_id, last_read_at, last_notified_at, masked) VALUES (?, ?, ?, NULL, ?)',
	);
	addMember.run(threadId, input.from, nowSeconds, 0);
	for (const id of input.recipients) addMember.run(threadId, id, 0, input.masked ? 1 : 0);
	const messageId = Number(
		prepare(
			db,
			'INSERT INTO message (thread_id, sender_id, body, created_at) VALUES (?, ?, ?, ?)',
		).run(threadId, input.from, input.body, nowSeconds).lastInsertRowid,
	);
	return { threadId, messageId, error: null };
}

/**
 * How a masked member is named to the others: "The author of «title»" in the reader's language
 * (without a title when the post-mortem was deleted since).
 * @example maskedAuthorName('en', 'Tablets in the showroom') // 'The author of «Tablets in the showroom»'
 */
export function maskedAuthorName(lang: Lang, postMortemTitle: string | null): string {
	const t = useTranslations(lang);
	return postMortemTitle
		? t('relay.masked.name', { title: postMortemTitle })
		: t('relay.masked.nameNoTitle');
}

/**
 * A time as a masked thread shows it to the other side: the start of its UTC day.
 * @example toDayPrecision(1767229200) // 1767225600
 */
export function toDayPrecision(seconds: number): number {
	return Math.floor(seconds / SECONDS_PER_DAY) * SECONDS_PER_DAY;
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
		const messageId = appendMessage(db, input.threadId, input.userId, input.body, nowSeconds);
		if (messageId === null) return null;
		return { messageId, error: null };
	});
	return reply.immediate();
}

/**
 * A thread with its participants and messages (oldest first); `null` when the user is not a member.
 * Masked members (the anonymous author of a relay's post-mortem) come back to the others without
 * id or photo, named by `maskedAuthorName(lang, …)`, and every time of such a thread is cut to the day.
 * @example const thread = getThreadForUser(db, Number(Astro.params.id), me.id, lang) ?? notFound()
 */
export function getThreadForUser(
	db: Database,
	threadId: number,
	userId: number,
	lang: Lang = 'en',
): ThreadDetail | null {
	const thread = prepare(
		db,
		`SELECT thread.id, thread.subject, thread.case_study, thread.created_at, thread.updated_at,
				thread.post_mortem_id, post_mortem.title AS post_mortem_title,
				thread_member.last_read_at, thread_member.masked
			FROM thread INNER JOIN thread_member
				ON thread_member.thread_id = thread.id AND thread_member.user_id = ?
				LEFT JOIN post_mortem ON post_mortem.id = thread.post_mortem_id
			WHERE thread.id = ?`,
	).get(userId, threadId) as
		| {
				id: number;
				subject: string;
				case_study: string | null;
				created_at: number;
				updated_at: number;
				post_mortem_id: number | null;
				post_mortem_title: string | null;
				last_read_at: number;
				masked: number;
		  }
		| undefined;
	if (!thread) return null;
	// The masked member's name, id and photo are never selected for anyone but that member.
	const participants = prepare(
		db,
		`SELECT IIF(other.masked = 1 AND other.user_id <> ?, NULL, user.id) AS id,
				IIF(other.masked = 1 AND other.user_id <> ?, NULL, member_name(user.name, user.erased_at)) AS name,
				IIF(other.masked = 1 AND other.user_id <> ?, NULL, user.photo) AS photo,
				IIF(other.masked = 1 AND other.user_id <> ?, 1, user.active) AS active,
				other.masked
			FROM thread_member AS other INNER JOIN user ON user.id = other.user_id
			WHERE other.thread_id = ?
				AND EXISTS (SELECT 1 FROM thread_member AS me WHERE me.thread_id = other.thread_id AND me.user_id = ?)
			ORDER BY other.masked, user.name COLLATE NOCASE`,
	).all(userId, userId, userId, userId, threadId, userId) as {
		id: number | null;
		name: string | null;
		photo: string | null;
		active: number;
		masked: number;
	}[];
	const messages = prepare(
		db,
		`SELECT message.id,
				IIF(sender.masked = 1 AND message.sender_id <> me.user_id, NULL, message.sender_id) AS sender_id,
				IIF(sender.masked = 1 AND message.sender_id <> me.user_id, NULL, member_name(user.name, user.erased_at)) AS sender_name,
				sender.masked AS sender_masked,
				message.sender_id = me.user_id AS mine,
				message.body, message.created_at
			FROM message
				INNER JOIN thread_member AS me ON me.thread_id = message.thread_id AND me.user_id = ?
				INNER JOIN user ON user.id = message.sender_id
				LEFT JOIN thread_member AS sender
					ON sender.thread_id = message.thread_id AND sender.user_id = message.sender_id
			WHERE message.thread_id = ?
			ORDER BY message.created_at, message.id`,
	).all(userId, threadId) as {
		id: number;
		sender_id: number | null;
		sender_name: string | null;
		sender_masked: number | null;
		mine: number;
		body: string;
		created_at: number;
	}[];
	const maskedName = maskedAuthorName(lang, thread.post_mortem_title);
	const othersMasked = participants.some((p) => p.masked === 1 && p.id === null);
	const time = othersMasked ? toDayPrecision : (seconds: number) => seconds;
	const isRelay = thread.post_mortem_id !== null || participants.some((p) => p.masked === 1);
	return {
		id: thread.id,
		subject: thread.subject,
		caseStudy: thread.case_study,
		createdAt: time(thread.created_at),
		updatedAt: time(thread.updated_at),
		participants: participants.map((p) =>
			p.id === null
				? { id: null, name: maskedName, photo: null, active: true, masked: true as const }
				: { id: p.id, name: p.name ?? '', photo: p.photo, active: p.active === 1 },
		),
		messages: messages.map((m) => ({
			id: m.id,
			senderId: m.sender_id,
			senderName: m.sender_name ?? maskedName,
			body: m.body,
			createdAt: time(m.created_at),
			unread: m.mine !== 1 && m.created_at > thread.last_read_at,
		})),
		...(isRelay
			? {
					relay: {
						postMortemId: thread.post_mortem_id,
						postMortemTitle: thread.post_mortem_title,
						viewerIsMasked: thread.masked === 1,
						othersMasked,
					},
				}
			: {}),
	};
}

// Unread: a message from someone else newer than the member's read mark. Marks are whole seconds, so a
// message landing in the very second a thread is marked read counts as read: accepted.
const unreadSql = `EXISTS (SELECT 1 FROM message
	WHERE message.thread_id = thread_member.thread_id AND message.sender_id <> thread_member.user_id
		AND message.created_at > thread_member.last_read_at)`;

/**
 * The user's threads, most recently active first, with an unread flag and the other participants'
 * names; a masked participant is named by `maskedAuthorName(lang, …)` and the thread's last-activity
 * time is cut to the day.
 * @example listThreadsForUser(db, me.id, lang).filter((t) => t.unread)
 */
export function listThreadsForUser(
	db: Database,
	userId: number,
	lang: Lang = 'en',
): ThreadSummary[] {
	const rows = prepare(
		db,
		`SELECT thread.id, thread.subject, thread.case_study, thread.updated_at,
				thread.post_mortem_id, post_mortem.title AS post_mortem_title,
				thread_member.masked AS viewer_masked,
				IIF(${unreadSql}, 1, 0) AS unread,
				-- The last message by the thread's index, newest first: one index step per thread.
				(SELECT message.body FROM message WHERE message.thread_id = thread.id
					ORDER BY message.created_at DESC, message.id DESC LIMIT 1) AS last_body,
				(SELECT message.sender_id = thread_member.user_id FROM message
					WHERE message.thread_id = thread.id
					ORDER BY message.created_at DESC, message.id DESC LIMIT 1) AS last_mine,
				(SELECT json_group_array(IIF(other.masked = 1, NULL, member_name(user.name, user.erased_at))) FROM thread_member AS other
					INNER JOIN user ON user.id = other.user_id
					WHERE other.thread_id = thread.id AND other.user_id <> thread_member.user_id) AS others
			FROM thread_member INNER JOIN thread ON thread.id = thread_member.thread_id
				LEFT JOIN post_mortem ON post_mortem.id = thread.post_mortem_id
			WHERE thread_member.user_id = ?
			ORDER BY thread.updated_at DESC, thread.id DESC`,
	).all(userId) as {
		id: number;
		subject: string;
		case_study: string | null;
		updated_at: number;
		post_mortem_id: number | null;
		post_mortem_title: string | null;
		viewer_masked: number;
		unread: number;
		last_body: string | null;
		last_mine: number | null;
		others: string;
	}[];
	return rows.map((row) => {
		const others = JSON.parse(row.others) as (string | null)[];
		const othersMasked = others.includes(null);
		const summary: ThreadSummary = {
			id: row.id,
			subject: row.subject,
			caseStudy: row.case_study,
			updatedAt: othersMasked ? toDayPrecision(row.updated_at) : row.updated_at,
			unread: row.unread === 1,
			// Only the text: who wrote it is said for the reader's own messages, never for the others
			// (one of them may be the masked author).
			preview: previewOf(row.last_body ?? ''),
			previewIsMine: row.last_mine === 1,
			otherParticipantNames: others.map(
				(name) => name ?? maskedAuthorName(lang, row.post_mortem_title),
			),
		};
		if (row.post_mortem_id !== null || othersMasked || row.viewer_masked === 1) {
			summary.relay = {
				postMortemId: row.post_mortem_id,
				postMortemTitle: row.post_mortem_title,
				viewerIsMasked: row.viewer_masked === 1,
				othersMasked,
			};
		}
		return summary;
	});
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
			`SELECT user.id, user.email, user.name, thread.subject,
					thread_member.masked AS recipient_masked,
					sender.masked AS sender_masked, post_mortem.title AS post_mortem_title
				FROM thread_member
					INNER JOIN user ON user.id = thread_member.user_id
					INNER JOIN thread ON thread.id = thread_member.thread_id
					INNER JOIN thread_member AS sender
						ON sender.thread_id = thread_member.thread_id AND sender.user_id = ?
					LEFT JOIN post_mortem ON post_mortem.id = thread.post_mortem_id
				WHERE thread_member.thread_id = ? AND thread_member.user_id <> ? AND user.active = 1`,
		).all(senderId, threadId, senderId) as (Omit<NotificationRecipient, 'masked'> & {
			recipient_masked: number;
			sender_masked: number;
			post_mortem_title: string | null;
		})[];
		return candidates
			.filter((c) => shouldNotify(db, threadId, c.id, nowSeconds))
			.map(({ sender_masked, recipient_masked, post_mortem_title, ...recipient }) => ({
				...recipient,
				masked: recipient_masked === 1,
				...(sender_masked === 1 ? { maskedSender: { postMortemTitle: post_mortem_title } } : {}),
			}));
	});
	return claim.immediate();
}

/** How much of the last message the inbox shows, in code points. */
export const PREVIEW_CHARS = 120;

/**
 * The start of a message as one line of plain text: whitespace collapsed, cut at a code point
 * (never inside an emoji's surrogate pair), with "…" when something was left out.
 * @example previewOf('Hello\n\nBen') // 'Hello Ben'
 */
export function previewOf(body: string, maxChars = PREVIEW_CHARS): string {
	// An inbox previews every thread: work on a prefix long enough for the usual message (the whole
	// text only when whitespace collapsed that prefix below the limit), and split into code points
	// only when there are surrogate pairs to keep whole.
	const prefix = body.length > maxChars * 4 ? body.slice(0, maxChars * 4) : body;
	let text = prefix.replace(/\s+/g, ' ').trim();
	if (prefix !== body && countCodePoints(text) <= maxChars) text = body.replace(/\s+/g, ' ').trim();
	if (/[\uD800-\uDFFF]/.test(text)) {
		const chars = [...text];
		return chars.length <= maxChars ? text : `${chars.slice(0, maxChars).join('').trimEnd()}…`;
	}
	return text.length <= maxChars ? text : `${text.slice(0, maxChars).trimEnd()}…`;
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

/** Whom a first message goes to: a member (about a case study or not), or a post-mortem's author. */
export type ConversationTarget =
	| { kind: 'member'; userId: number; caseStudy: string | null }
	| { kind: 'relay'; postMortemId: number };

export interface NewRelayThread {
	from: number;
	postMortemId: number;
	subject: string;
	body: string;
	nowSeconds?: number;
}

export type StartRelayThreadResult =
	| { threadId: number; error: null }
	| { threadId: null; error: MessageError | 'unknown-post-mortem' | 'self' };

/** What the compose page of a relay may show; no author id, ever. */
export interface RelayTarget {
	postMortemId: number;
	title: string;
	/** True for 'country' and 'anonymous': the reader never learns who the author is. */
	masked: boolean;
	/** Only for a 'named' post-mortem. */
	authorName: string | null;
	authorTitle: string | null;
	authorActive: boolean;
	/** The reader is the author. */
	isSelf: boolean;
}

/** Present on threads about a post-mortem (relays). */
export interface RelayInfo {
	postMortemId: number | null;
	postMortemTitle: string | null;
	/** The viewer is the anonymous author (they see a banner saying so). */
	viewerIsMasked: boolean;
	/** Someone else is masked: times are whole days, names are "The author of «…»". */
	othersMasked: boolean;
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
	/** The start of the last message, plain text on one line (see `previewOf`). */
	preview: string;
	/** The last message is the reader's own ("You: …"). */
	previewIsMine: boolean;
	otherParticipantNames: string[];
	relay?: RelayInfo;
}

/** A thread as its member sees it; times are unix seconds. */
export interface ThreadDetail {
	id: number;
	subject: string;
	caseStudy: string | null;
	createdAt: number;
	updatedAt: number;
	/** A masked participant (seen by someone else) has `id: null`, `photo: null` and `masked: true`. */
	participants: {
		id: number | null;
		name: string;
		photo: string | null;
		active: boolean;
		masked?: true;
	}[];
	messages: {
		id: number;
		/** `null` for a masked sender seen by someone else. */
		senderId: number | null;
		senderName: string;
		/** As typed; render with `renderMessageBody`. */
		body: string;
		createdAt: number;
		unread: boolean;
	}[];
	relay?: RelayInfo;
}

export interface NotificationRecipient {
	id: number;
	email: string;
	name: string;
	subject: string;
	/** The recipient is the masked author: no header of their mail may name the post-mortem. */
	masked: boolean;
	/** Set when the sender is masked in this thread: the mail must name them only by the post-mortem. */
	maskedSender?: { postMortemTitle: string | null };
}
