// Admins' actions on members. Each one checks the actor's role itself, whatever the gate in front
// did: a routing mistake there (like `//admin/` once) must not turn into a privilege escalation.
import type { Database } from 'better-sqlite3';
import { recordAudit } from '../audit';
import type { CommandContext } from '../context';
import { prepare } from '../db';
import { createInvitation } from '../invitation';
import { sendMail } from '../mail';
import { absoluteUrl } from '../urls';
import {
	deactivateUser,
	getUserByEmail,
	getUserById,
	isRole,
	normalizeEmail,
	reactivateUser,
	setUserRole,
	type Role,
	type User,
	setUserHq,
} from '../user';
import { isEmail, type FieldErrors } from '../../forms';
import { localizePath, useTranslations } from '../../i18n';
import { isCountryCode } from '../../taxonomy';

export type AdminResult<T = Record<string, never>> =
	| ({ ok: true } & T)
	| { ok: false; kind: 'forbidden' | 'not-found' | 'last-admin' | 'self' | 'bad-request' }
	| { ok: false; kind: 'invalid'; errors: FieldErrors }
	| { ok: false; kind: 'mail-failed' };

/** True when `user` may use the admin area. */
export function isAdmin(user: User | null | undefined): user is User {
	return user?.role === 'admin' && user.active;
}

function findTarget(db: Database, idText: string): User | null {
	return /^\d{1,15}$/.test(idText) ? getUserById(db, Number(idText)) : null;
}

/**
 * Invites someone by email with a role and their country (the account is created with it): the
 * invitation and its audit entry in one transaction, then the mail. A mail that cannot be sent is
 * reported; the invitation stays and can be sent again.
 */
export async function inviteMember(
	ctx: CommandContext,
	input: { email: string; role: string; country: string },
): Promise<AdminResult<{ email: string }>> {
	const { db, user: actor } = ctx;
	if (!isAdmin(actor)) return { ok: false, kind: 'forbidden' };
	const t = useTranslations(ctx.lang);
	const errors: FieldErrors = {};
	if (!input.email) errors.email = t('members.required');
	else if (!isEmail(input.email)) errors.email = t('members.emailInvalid');
	else if (getUserByEmail(db, input.email)) errors.email = t('admin.invite.hasAccount');
	if (!isRole(input.role)) errors.role = t('members.required');
	if (!input.country) errors.country = t('members.required');
	else if (!isCountryCode(input.country)) errors.country = t('admin.invite.countryInvalid');
	if (Object.keys(errors).length > 0) return { ok: false, kind: 'invalid', errors };
	const role = input.role as Role;
	const email = normalizeEmail(input.email);
	const token = db
		.transaction(() => {
			const created = createInvitation(db, {
				email,
				role,
				invitedBy: actor.id,
				country: input.country,
			});
			recordAudit(db, {
				actorId: actor.id,
				action: 'invite',
				target: email,
				ip: ctx.ip,
				detail: `${role}, ${input.country}`,
			});
			return created;
		})
		.immediate();
	try {
		await sendMail({
			to: email,
			subject: t('members.invite.mailSubject'),
			text: t('members.invite.mailBody', {
				inviter: actor.name,
				link: absoluteUrl(localizePath(`/invite/${token}/`, ctx.lang)),
			}),
		});
	} catch (error) {
		console.error(error);
		return { ok: false, kind: 'mail-failed' };
	}
	return { ok: true, email };
}

/** Changes a member's role; never leaves the portal without an active admin. */
export function changeMemberRole(
	ctx: CommandContext,
	input: { userId: string; role: string },
): AdminResult<{ target: User; role: Role }> {
	const { db, user: actor } = ctx;
	if (!isAdmin(actor)) return { ok: false, kind: 'forbidden' };
	const target = findTarget(db, input.userId);
	if (!target) return { ok: false, kind: 'not-found' };
	// `hq-editor` is an editor who reviews every country (user.hq); the other roles clear the flag.
	const hq = input.role === 'hq-editor';
	const role = hq ? 'editor' : input.role;
	if (!isRole(role)) return { ok: false, kind: 'bad-request' };
	const label = (r: Role, isHq: boolean) => (r === 'editor' && isHq ? 'hq-editor' : r);
	const changed = db
		.transaction(() => {
			if (!setUserRole(db, target.id, role)) return false;
			setUserHq(db, target.id, hq);
			if (label(role, hq) !== label(target.role, target.hq)) {
				recordAudit(db, {
					actorId: actor.id,
					action: 'role-change',
					target: target.email,
					ip: ctx.ip,
					detail: `${label(target.role, target.hq)} → ${label(role, hq)}`,
				});
			}
			return true;
		})
		.immediate();
	return changed ? { ok: true, target, role } : { ok: false, kind: 'last-admin' };
}

/** Deactivates a member and ends their sessions; not oneself, not the last admin. */
export function deactivateMember(
	ctx: CommandContext,
	input: { userId: string },
): AdminResult<{ target: User }> {
	const { db, user: actor } = ctx;
	if (!isAdmin(actor)) return { ok: false, kind: 'forbidden' };
	const target = findTarget(db, input.userId);
	if (!target) return { ok: false, kind: 'not-found' };
	if (target.id === actor.id) return { ok: false, kind: 'self' };
	const done = db
		.transaction(() => {
			if (!deactivateUser(db, target.id)) return false;
			recordAudit(db, {
				actorId: actor.id,
				action: 'deactivate',
				target: target.email,
				ip: ctx.ip,
				detail: null,
			});
			return true;
		})
		.immediate();
	return done ? { ok: true, target } : { ok: false, kind: 'last-admin' };
}

/** Lets a deactivated member sign in again. */
export function reactivateMember(
	ctx: CommandContext,
	input: { userId: string },
): AdminResult<{ target: User }> {
	const { db, user: actor } = ctx;
	if (!isAdmin(actor)) return { ok: false, kind: 'forbidden' };
	const target = findTarget(db, input.userId);
	if (!target) return { ok: false, kind: 'not-found' };
	db.transaction(() => {
		reactivateUser(db, target.id);
		// The audit list has no action of its own for this: a "deactivate" entry marked as undone.
		recordAudit(db, {
			actorId: actor.id,
			action: 'deactivate',
			target: target.email,
			ip: ctx.ip,
			detail: 'reactivated',
		});
	}).immediate();
	return { ok: true, target };
}

/** When each member last signed in (unix seconds), for the admin list. */
export function listLastSignIns(db: Database): Map<number, number> {
	const rows = prepare(
		db,
		`SELECT audit_log.actor_id AS id, MAX(audit_log.at) AS at FROM audit_log
			WHERE audit_log.action = 'sign-in' AND audit_log.actor_id IS NOT NULL
			GROUP BY audit_log.actor_id`,
	).all() as { id: number; at: number }[];
	return new Map(rows.map((row) => [row.id, row.at]));
}

/**
 * Sets a member's country (required: the country decides which answers a member may give as a
 * focal point). A focal point moved to another country stops answering for the old one.
 */
export function changeMemberCountry(
	ctx: CommandContext,
	input: { userId: string; country: string },
): AdminResult<{ target: User; country: string }> {
	const { db, user: actor } = ctx;
	if (!isAdmin(actor)) return { ok: false, kind: 'forbidden' };
	const target = findTarget(db, input.userId);
	if (!target) return { ok: false, kind: 'not-found' };
	const t = useTranslations(ctx.lang);
	if (!input.country)
		return { ok: false, kind: 'invalid', errors: { country: t('members.required') } };
	if (!isCountryCode(input.country))
		return { ok: false, kind: 'invalid', errors: { country: t('admin.invite.countryInvalid') } };
	if (target.country === input.country) return { ok: true, target, country: input.country };
	db.transaction(() => {
		prepare(db, 'UPDATE user SET country = ?, updated_at = unixepoch() WHERE user.id = ?').run(
			input.country,
			target.id,
		);
		prepare(db, 'DELETE FROM focal_point WHERE focal_point.user_id = ? AND country != ?').run(
			target.id,
			input.country,
		);
		recordAudit(db, {
			actorId: actor.id,
			action: 'member-country',
			target: target.email,
			ip: ctx.ip,
			detail: `${target.country ?? '—'} → ${input.country}`,
		});
	}).immediate();
	return { ok: true, target, country: input.country };
}
