// Data-subject requests: a member's data exported (by the member, or by an admin for them) and a
// member erased (admins only). See the README's "Personal data" section for what each covers.
import type { Readable } from 'node:stream';
import { recordAudit } from '../audit';
import type { CommandContext } from '../context';
import { getDataDir, prepare } from '../db';
import { deleteProfilePhoto } from '../photos';
import { consumeToken, privacyEraseBucket, privacyExportBucket } from '../rate-limit';
import { getNowSeconds } from '../time';
import { getUserById, normalizeEmail } from '../user';
import type { FieldErrors } from '../../forms';
import { useTranslations } from '../../i18n';
import { collectMemberData, createExportZip } from './export';
import { ERASED_NAME } from '../member-name';

export { ERASED_NAME };

/**
 * The address an erased member's account keeps: unique (the column is), and never deliverable
 * (`.invalid` is reserved by RFC 2606), so no mail can reach anyone through it.
 * @example erasedEmail(12) // 'erased-12@invalid'
 */
export function erasedEmail(userId: number): string {
	return `erased-${userId}@invalid`;
}

/** True for an account that has been erased. */
export function isErasedEmail(email: string): boolean {
	return /^erased-\d+@invalid$/.test(email);
}

type Refused = { ok: false; kind: 'forbidden' | 'not-found' | 'self' | 'already-erased' };
type RateLimited = { ok: false; kind: 'rate-limited'; retryAfterSeconds: number };

export type ExportResult =
	| { ok: true; fileName: string; stream: Readable }
	| Exclude<Refused, { kind: 'self' | 'already-erased' }>
	| RateLimited;

/**
 * The ZIP of a member's data: a member asks for their own (`userId` omitted or theirs), an admin for
 * anyone's. Audited as 'privacy-export' (actor, target) before the first byte is sent.
 * @example const result = exportMemberData(ctx, {}); if (result.ok) return new Response(Readable.toWeb(result.stream))
 */
export function exportMemberData(
	ctx: CommandContext,
	input: { userId?: string | number | null; dataDir?: string; nowSeconds?: number },
): ExportResult {
	const actor = ctx.user;
	if (!actor?.active) return { ok: false, kind: 'forbidden' };
	const targetId =
		input.userId === undefined || input.userId === null || input.userId === ''
			? actor.id
			: Number(input.userId);
	if (!Number.isSafeInteger(targetId)) return { ok: false, kind: 'not-found' };
	// Someone else's data is the admins' business only; others learn nothing, not even that it exists.
	if (targetId !== actor.id && actor.role !== 'admin') return { ok: false, kind: 'forbidden' };
	if (!getUserById(ctx.db, targetId)) return { ok: false, kind: 'not-found' };
	const now = input.nowSeconds ?? getNowSeconds();
	// Taken before reading anything: the limit is there to spare the server repeated full reads.
	if (!consumeToken(ctx.db, privacyExportBucket, String(actor.id), now))
		return {
			ok: false,
			kind: 'rate-limited',
			retryAfterSeconds: privacyExportBucket.refillIntervalSeconds,
		};
	const collected = collectMemberData(ctx.db, input.dataDir ?? getDataDir(), targetId, now);
	if (!collected) return { ok: false, kind: 'not-found' };
	recordAudit(
		ctx.db,
		{ actorId: actor.id, action: 'privacy-export', target: `user:${targetId}`, ip: ctx.ip },
		now,
	);
	const day = new Date(now * 1000).toISOString().slice(0, 10);
	return {
		ok: true,
		fileName: `coaching-dealer-data-${targetId}-${day}.zip`,
		stream: createExportZip(collected, ctx.lang),
	};
}

export type EraseResult =
	| { ok: true; userId: number; personId: string | null }
	| Refused
	| RateLimited
	| { ok: false; kind: 'invalid'; errors: FieldErrors };

/**
 * Erases a member (admins only; `confirmEmail` must be the member's address, typed): their profile,
 * sign-in, sessions, feed, resets, focal point roles and notifications go; what they wrote for others
 * (messages, post-mortems, comments, notes, answers, requests, web case studies) stays, signed
 * "Former member" in the reader's language (`erased_at` is set; see member-name.ts), anonymous ones
 * stay anonymous. Earlier audit entries naming them are reworded to
 * `user:<id>`; the new entry says that an erasure happened, by whom, of which id. The photo file is
 * deleted after the commit.
 */
export async function eraseMember(
	ctx: CommandContext,
	input: { userId: string; confirmEmail: string; dataDir?: string; nowSeconds?: number },
): Promise<EraseResult> {
	const { db, user: actor } = ctx;
	if (actor?.role !== 'admin' || !actor.active) return { ok: false, kind: 'forbidden' };
	const target = /^\d{1,15}$/.test(input.userId) ? getUserById(db, Number(input.userId)) : null;
	if (!target) return { ok: false, kind: 'not-found' };
	if (target.id === actor.id) return { ok: false, kind: 'self' };
	if (isErasedEmail(target.email)) return { ok: false, kind: 'already-erased' };
	const t = useTranslations(ctx.lang);
	if (!input.confirmEmail.trim())
		return { ok: false, kind: 'invalid', errors: { confirmEmail: t('members.required') } };
	if (normalizeEmail(input.confirmEmail) !== normalizeEmail(target.email))
		return {
			ok: false,
			kind: 'invalid',
			errors: { confirmEmail: t('privacy.erase.confirmMismatch') },
		};
	const now = input.nowSeconds ?? getNowSeconds();
	if (!consumeToken(db, privacyEraseBucket, String(actor.id), now))
		return {
			ok: false,
			kind: 'rate-limited',
			retryAfterSeconds: privacyEraseBucket.refillIntervalSeconds,
		};
	const id = target.id;
	db.transaction(() => {
		prepare(
			db,
			`UPDATE user SET email = ?, name = ?, title = NULL, bio = NULL, phone = NULL, show_phone = 0,
				languages = '[]', photo = NULL, person_id = NULL, role = 'member', hq = 0, active = 0,
				time_zone = '', mail_lang = '', mail_optout = '[]',
				-- Not a hash any verifier accepts: no password can ever match it.
				password_hash = '!erased', updated_at = ?, erased_at = ?
			WHERE user.id = ?`,
		).run(erasedEmail(id), ERASED_NAME, now, now, id);
		for (const table of [
			'session',
			'feed_token',
			'password_reset',
			'focal_point',
			'notification',
			'message_send_key',
		])
			prepare(db, `DELETE FROM ${table} WHERE user_id = ?`).run(id);
		prepare(db, 'DELETE FROM invitation WHERE invitation.email = ?').run(target.email);
		scrubAudit(db, id, [target.email, target.name]);
		recordAudit(
			db,
			{ actorId: actor.id, action: 'privacy-erase', target: `user:${id}`, ip: ctx.ip },
			now,
		);
	}).immediate();
	await deleteProfilePhoto(input.dataDir ?? getDataDir(), target.photo);
	// A named post-mortem's author name is in the members' search index.
	ctx.effects.reindexMembersSearch({ urgent: true });
	// The published pages name the people entry from git; the portal cannot rewrite them.
	return { ok: true, userId: id, personId: target.personId };
}

/**
 * Rewords earlier audit entries that name the member (their email as target, their email or name in
 * the detail) to `user:<id>`, and forgets the IP addresses of their own actions.
 */
function scrubAudit(db: CommandContext['db'], userId: number, words: string[]): void {
	const needles = words.map((w) => w.trim()).filter((w) => w.length >= 2);
	if (needles.length === 0) return;
	const like = needles.map(() => 'audit_log.target LIKE ? OR audit_log.detail LIKE ?').join(' OR ');
	const patterns = needles.flatMap((w) => {
		const p = `%${w.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
		return [p, p];
	});
	const rows = prepare(
		db,
		`SELECT audit_log.id, audit_log.target, audit_log.detail FROM audit_log
			WHERE ${like.replaceAll('LIKE ?', "LIKE ? ESCAPE '\\'")}`,
	).all(...patterns) as { id: number; target: string | null; detail: string | null }[];
	const pattern = new RegExp(
		needles
			.sort((a, b) => b.length - a.length)
			.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
			.join('|'),
		'gi',
	);
	const update = prepare(db, 'UPDATE audit_log SET target = ?, detail = ? WHERE audit_log.id = ?');
	const replacement = `user:${userId}`;
	for (const row of rows) {
		update.run(
			row.target?.replace(pattern, replacement) ?? null,
			row.detail?.replace(pattern, replacement) ?? null,
			row.id,
		);
	}
	prepare(db, 'UPDATE audit_log SET ip = NULL WHERE audit_log.actor_id = ?').run(userId);
}
