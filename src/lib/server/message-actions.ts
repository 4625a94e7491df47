// Members' actions on messages, as commands (see /work/shared/notes/commands.md): each checks who may
// act, validates (errors in the member's language), takes the send limit, writes in one transaction
// and then queues the notification mails. Pages only map the result.
//
// Two rules make messaging behave as people expect:
// - one conversation per pair of members and case study (or none), and per reader and post-mortem:
//   writing again continues it (`writeFirstMessage`);
// - a form is sent once: its hidden key is remembered with the message it wrote, so the same form
//   sent again (a double click, a resend from the browser's cache) finds that message instead of
//   writing another one, and costs no token of the send limit. Going Back re-renders the page with a
//   new key but the typed text put back, so the same text again, right after, is taken as the same
//   message too (`findRepeatedMessage`).
import { charCount, type FieldErrors } from '../forms';
import { useTranslations } from '../i18n';
import type { CommandContext } from './context';
import { prepare } from './db';
import {
	appendMessage,
	checkMessageBody,
	checkThreadSubject,
	type ConversationTarget,
	findConversation,
	findRepeatedMessage,
	findSentMessage,
	MESSAGE_BODY_MAX_CHARS,
	recordSentMessage,
	THREAD_SUBJECT_MAX_CHARS,
	writeFirstMessage,
} from './messages';
import { notifyNewMessage } from './notify';
import { consumeToken, messageSendBucket } from './rate-limit';
import { getNowSeconds } from './time';

export type SendResult =
	| {
			ok: true;
			threadId: number;
			/** The message went into an existing conversation (first messages only). */
			continued: boolean;
			/** The form had been sent before: nothing was written this time. */
			duplicate: boolean;
	  }
	| { ok: false; kind: 'invalid'; errors: FieldErrors }
	| { ok: false; kind: 'rate-limited'; retryAfterSeconds: number; message: string }
	| { ok: false; kind: 'forbidden' }
	| { ok: false; kind: 'not-found' }
	/** The recipient cannot receive messages (no longer active), or is the sender. */
	| { ok: false; kind: 'unknown-recipient'; message: string }
	| { ok: false; kind: 'self'; message: string };

/**
 * A member's first message to another member (about a case study or not) or to the author of a
 * published post-mortem. Continues their existing conversation about the same thing, if any.
 * @example const result = sendFirstMessage(ctx, { target: { kind: 'member', userId: 7, caseStudy: null }, subject, body, key })
 */
export function sendFirstMessage(
	ctx: CommandContext,
	input: { target: ConversationTarget; subject: string; body: string; key: string | null },
): SendResult {
	const me = ctx.user;
	if (!me || !me.active) return { ok: false, kind: 'forbidden' };
	const t = useTranslations(ctx.lang);
	const errors: FieldErrors = {};
	const subjectError = checkThreadSubject(input.subject);
	if (subjectError)
		errors.subject = t(`messages.error.${subjectError}`, {
			max: THREAD_SUBJECT_MAX_CHARS,
			count: charCount(input.subject),
		});
	const bodyError = checkMessageBody(input.body);
	if (bodyError)
		errors.body = t(`messages.error.${bodyError}`, {
			max: MESSAGE_BODY_MAX_CHARS,
			count: charCount(input.body),
		});
	if (Object.keys(errors).length > 0) return { ok: false, kind: 'invalid', errors };

	const nowSeconds = getNowSeconds();
	const send = ctx.db.transaction((): SendResult => {
		if (input.key) {
			const sent = findSentMessage(ctx.db, me.id, input.key);
			if (sent) return { ok: true, threadId: sent.threadId, continued: true, duplicate: true };
		}
		const existing = findConversation(ctx.db, me.id, input.target);
		if (
			existing !== null &&
			findRepeatedMessage(ctx.db, existing, me.id, input.body, nowSeconds) !== null
		)
			return { ok: true, threadId: existing, continued: true, duplicate: true };
		if (!consumeToken(ctx.db, messageSendBucket, String(me.id), nowSeconds))
			return rateLimited(ctx);
		const written = writeFirstMessage(ctx.db, {
			from: me.id,
			target: input.target,
			subject: input.subject,
			body: input.body,
			nowSeconds,
		});
		if (written.error !== null) {
			// Nothing was written: the token goes back (throwing rolls the whole transaction back).
			throw new Refused(written.error);
		}
		if (input.key)
			recordSentMessage(ctx.db, {
				userId: me.id,
				key: input.key,
				threadId: written.threadId,
				messageId: written.messageId,
				nowSeconds,
			});
		return { ok: true, threadId: written.threadId, continued: written.continued, duplicate: false };
	});
	let result: SendResult;
	try {
		result = send.immediate();
	} catch (error) {
		if (!(error instanceof Refused)) throw error;
		if (error.reason === 'unknown-post-mortem') return { ok: false, kind: 'not-found' };
		return error.reason === 'self'
			? { ok: false, kind: 'self', message: t('messages.compose.self') }
			: { ok: false, kind: 'unknown-recipient', message: t('messages.error.unknown-recipient') };
	}
	if (result.ok && !result.duplicate)
		notifyNewMessage(
			ctx.db,
			{ threadId: result.threadId, sender: me, body: input.body },
			ctx.effects,
		);
	return result;
}

/**
 * A reply in a thread the member belongs to; `not-found` for any other thread (same answer as for a
 * thread that does not exist).
 * @example const result = replyToThreadCommand(ctx, { threadId, body, key })
 */
export function replyToThreadCommand(
	ctx: CommandContext,
	input: { threadId: number; body: string; key: string | null },
): SendResult {
	const me = ctx.user;
	if (!me || !me.active) return { ok: false, kind: 'forbidden' };
	const t = useTranslations(ctx.lang);
	const bodyError = checkMessageBody(input.body);
	const nowSeconds = getNowSeconds();
	const result = ctx.db
		.transaction((): SendResult => {
			const isMember =
				prepare(
					ctx.db,
					'SELECT 1 FROM thread_member WHERE thread_member.thread_id = ? AND thread_member.user_id = ?',
				).get(input.threadId, me.id) !== undefined;
			if (!isMember) return { ok: false, kind: 'not-found' };
			if (bodyError)
				return {
					ok: false,
					kind: 'invalid',
					errors: {
						body: t(`messages.error.${bodyError}`, {
							max: MESSAGE_BODY_MAX_CHARS,
							count: charCount(input.body),
						}),
					},
				};
			if (input.key) {
				const sent = findSentMessage(ctx.db, me.id, input.key);
				if (sent) return { ok: true, threadId: sent.threadId, continued: false, duplicate: true };
			}
			if (findRepeatedMessage(ctx.db, input.threadId, me.id, input.body, nowSeconds) !== null)
				return { ok: true, threadId: input.threadId, continued: false, duplicate: true };
			if (!consumeToken(ctx.db, messageSendBucket, String(me.id), nowSeconds))
				return rateLimited(ctx);
			const messageId = appendMessage(ctx.db, input.threadId, me.id, input.body, nowSeconds);
			if (messageId === null) return { ok: false, kind: 'not-found' };
			if (input.key)
				recordSentMessage(ctx.db, {
					userId: me.id,
					key: input.key,
					threadId: input.threadId,
					messageId,
					nowSeconds,
				});
			return { ok: true, threadId: input.threadId, continued: false, duplicate: false };
		})
		.immediate();
	if (result.ok && !result.duplicate)
		notifyNewMessage(
			ctx.db,
			{ threadId: result.threadId, sender: me, body: input.body },
			ctx.effects,
		);
	return result;
}

function rateLimited(ctx: CommandContext): SendResult {
	return {
		ok: false,
		kind: 'rate-limited',
		retryAfterSeconds: messageSendBucket.refillIntervalSeconds,
		message: useTranslations(ctx.lang)('messages.rateLimited'),
	};
}

/** Thrown inside the transaction to undo the send-limit token when nothing could be written. */
class Refused extends Error {
	constructor(readonly reason: 'unknown-recipient' | 'unknown-post-mortem' | 'self') {
		super(reason);
	}
}
