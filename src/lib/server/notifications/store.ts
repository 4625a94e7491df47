// What the portal told a member: every notification is recorded here (and shown on /notifications/),
// whether or not the member wants it by mail.
import type { Database } from 'better-sqlite3';
import { prepare } from '../db';
import type { JobContext } from '../jobs/queue';
import type { MailBlock } from './compose';
import { composeMail } from './compose';
import { getMailRecipient, wantsMail, type MailKind, type MailRecipient } from './prefs';

/** What a notification says, rendered in the reader's language by the notifications page. */
export type NotificationType =
	| 'answer-reminder'
	| 'practice-review-due'
	| 'answer'
	| 'request-answered'
	| 'action-assigned'
	| 'action-overdue'
	| 'post-mortem-hidden';

/** Strings shown in the line (titles, countries…) and the site path it links to. */
export type NotificationPayload = Record<string, string> & { path: string };

export interface NotificationView {
	id: number;
	type: NotificationType;
	payload: NotificationPayload;
	createdAt: number;
	read: boolean;
}

/**
 * Records a notification for a member and mails it unless they turned that kind off. Call it from a
 * job handler: the row is written in the runner's transaction, and the mail is handed over only once
 * that transaction committed. Inactive members get nothing. Returns whether a mail was queued.
 */
export function notifyMember(
	ctx: JobContext,
	input: {
		userId: number;
		kind: MailKind;
		type: NotificationType;
		payload: NotificationPayload;
		compose: (recipient: MailRecipient) => { subject: string; blocks: MailBlock[] };
	},
): boolean {
	const recipient = getMailRecipient(ctx.db, input.userId);
	if (!recipient?.active) return false;
	prepare(
		ctx.db,
		'INSERT INTO notification (user_id, kind, payload, created_at) VALUES (?, ?, ?, ?)',
	).run(recipient.id, input.type, JSON.stringify(input.payload), ctx.nowSeconds);
	if (!wantsMail(recipient, input.kind)) return false;
	ctx.effects.sendMail(
		composeMail(recipient, input.kind, input.compose(recipient)),
		`the ${input.type} notification to member ${recipient.id}`,
	);
	return true;
}

/**
 * A member's notifications, newest first.
 * @example listNotifications(db, me.id, { limit: 100 })
 */
export function listNotifications(
	db: Database,
	userId: number,
	options: { limit?: number } = {},
): NotificationView[] {
	const rows = prepare(
		db,
		`SELECT id, kind, payload, created_at, read_at FROM notification WHERE user_id = ?
			ORDER BY created_at DESC, id DESC LIMIT ?`,
	).all(userId, Math.min(Math.max(options.limit ?? 100, 1), 500)) as {
		id: number;
		kind: NotificationType;
		payload: string;
		created_at: number;
		read_at: number | null;
	}[];
	return rows.map((r) => ({
		id: r.id,
		type: r.kind,
		payload: JSON.parse(r.payload) as NotificationPayload,
		createdAt: r.created_at,
		read: r.read_at !== null,
	}));
}

/** How many notifications the member has not seen yet (the badge in the member menu). */
export function countUnreadNotifications(db: Database, userId: number): number {
	return prepare(db, 'SELECT COUNT(*) FROM notification WHERE user_id = ? AND read_at IS NULL')
		.pluck()
		.get(userId) as number;
}

/** Marks every notification of the member read (they opened the page that lists them). */
export function markNotificationsRead(db: Database, userId: number, nowSeconds: number): number {
	return prepare(
		db,
		'UPDATE notification SET read_at = ? WHERE user_id = ? AND read_at IS NULL',
	).run(nowSeconds, userId).changes;
}

/** Notifications are kept a year once read, two years at most: the mail or the page said it already. */
export const NOTIFICATION_READ_RETENTION_SECONDS = 365 * 24 * 3600;
export const NOTIFICATION_MAX_RETENTION_SECONDS = 2 * 365 * 24 * 3600;

/**
 * Deletes notifications read more than a year ago, and any older than two years; hourly upkeep.
 * @example deleteOldNotifications(db, getNowSeconds()) // 0
 */
export function deleteOldNotifications(db: Database, nowSeconds: number): number {
	return prepare(
		db,
		`DELETE FROM notification WHERE (read_at IS NOT NULL AND read_at < ?) OR created_at < ?`,
	).run(
		nowSeconds - NOTIFICATION_READ_RETENTION_SECONDS,
		nowSeconds - NOTIFICATION_MAX_RETENTION_SECONDS,
	).changes;
}
