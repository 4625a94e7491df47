// Members' actions on their notifications: the one-click unsubscribe (no sign-in: the signed token is
// the authority) and opening the list of their notifications.
import type { CommandContext } from '../context';
import { getNowSeconds } from '../time';
import { listNotifications, markNotificationsRead, type NotificationView } from './store';
import { getMailRecipient, turnOffMail, type MailKind } from './prefs';
import { readUnsubscribeToken } from './unsubscribe';

/** What an unsubscribe link is about, for its confirmation page; `null` for a link that is not ours. */
export function describeUnsubscribeToken(
	ctx: Pick<CommandContext, 'db'>,
	token: string,
): { kind: MailKind; alreadyOff: boolean } | null {
	const parsed = readUnsubscribeToken(token);
	if (!parsed) return null;
	const recipient = getMailRecipient(ctx.db, parsed.userId);
	if (!recipient) return null;
	return { kind: parsed.kind, alreadyOff: recipient.optOut.includes(parsed.kind) };
}

/**
 * Turns off the kind of mail a signed unsubscribe link names (RFC 8058 one-click POST, or the button
 * of its confirmation page). Doing it twice is fine.
 * @example unsubscribeCommand(ctx, token) // { ok: true, kind: 'digest' }
 */
export function unsubscribeCommand(
	ctx: Pick<CommandContext, 'db'>,
	token: string,
	nowSeconds = getNowSeconds(),
): { ok: true; kind: MailKind } | { ok: false; kind: 'not-found' } {
	const parsed = readUnsubscribeToken(token);
	if (!parsed || !getMailRecipient(ctx.db, parsed.userId)) return { ok: false, kind: 'not-found' };
	turnOffMail(ctx.db, parsed.userId, parsed.kind, nowSeconds);
	return { ok: true, kind: parsed.kind };
}

/**
 * The signed-in member's notifications, newest first; opening them marks them read (the ones new
 * on this visit keep their "new" mark on this page).
 */
export function openNotifications(
	ctx: CommandContext,
	nowSeconds = getNowSeconds(),
): { ok: true; notifications: NotificationView[] } | { ok: false; kind: 'forbidden' } {
	if (!ctx.user) return { ok: false, kind: 'forbidden' };
	const notifications = listNotifications(ctx.db, ctx.user.id, { limit: 200 });
	markNotificationsRead(ctx.db, ctx.user.id, nowSeconds);
	return { ok: true, notifications };
}
