// Account actions that happen around signing in: asking for a reset link, choosing a new password
// from it, signing out. Commands as everywhere else: validate, limit, one transaction, then effects.
import { getLocalPasswordsEnabled } from '../../config';
import { checkNewPassword } from '../../password-policy';
import { charCount, isEmail, type FieldErrors } from '../../forms';
import { localizePath, useTranslations } from '../../i18n';
import { recordAudit } from '../audit';
import type { CommandContext } from '../context';
import { hashPassword } from '../password';
import { completePasswordReset, createPasswordReset, getPasswordReset } from '../password-reset';
import { consumeToken, resetIpBucket } from '../rate-limit';
import { acceptInvitation, getInvitation } from '../invitation';
import { getPeopleRecords } from '../people';
import {
	createSession,
	generateSessionToken,
	invalidateSession,
	invalidateUserSessions,
	type Session,
} from '../session';
import { absoluteUrl } from '../urls';
import { getUserByEmail, getUserById } from '../user';

/**
 * Sends a reset link when the email belongs to an active member. The answer is the same either
 * way, and the mail leaves in the background, so neither the page nor its timing tells who has an
 * account. Limited per IP so the form cannot flood someone's inbox.
 */
export function requestPasswordReset(
	ctx: CommandContext,
	input: { email: string },
):
	| { ok: true }
	| { ok: false; kind: 'invalid'; errors: FieldErrors }
	| { ok: false; kind: 'rate-limited'; retryAfterSeconds: number }
	| { ok: false; kind: 'disabled' } {
	if (!getLocalPasswordsEnabled()) return { ok: false, kind: 'disabled' };
	const t = useTranslations(ctx.lang);
	if (!input.email) return { ok: false, kind: 'invalid', errors: { email: t('members.required') } };
	if (!isEmail(input.email))
		return { ok: false, kind: 'invalid', errors: { email: t('members.emailInvalid') } };
	if (!consumeToken(ctx.db, resetIpBucket, ctx.ip))
		return {
			ok: false,
			kind: 'rate-limited',
			retryAfterSeconds: resetIpBucket.refillIntervalSeconds,
		};
	const user = getUserByEmail(ctx.db, input.email);
	const token = user?.active ? createPasswordReset(ctx.db, user.id) : null;
	if (user && token) {
		ctx.effects.sendMail(
			{
				to: user.email,
				subject: t('members.reset.mailSubject'),
				text: t('members.reset.mailBody', {
					name: user.name,
					link: absoluteUrl(localizePath(`/reset-password/${token}/`, ctx.lang)),
				}),
			},
			'the password-reset mail',
		);
	}
	return { ok: true };
}

/**
 * Sets the new password from a reset link (single use, one hour) and ends every session of the
 * member, so whoever had the old password is signed out too.
 */
export async function resetPassword(
	ctx: CommandContext,
	input: { token: string; password: string; confirm: string },
): Promise<
	{ ok: true } | { ok: false; kind: 'gone' } | { ok: false; kind: 'invalid'; errors: FieldErrors }
> {
	const reset = getLocalPasswordsEnabled() ? getPasswordReset(ctx.db, input.token) : null;
	if (!reset) return { ok: false, kind: 'gone' };
	const t = useTranslations(ctx.lang);
	const check = checkNewPassword(input.password, input.confirm, {
		email: reset.email,
		name: getUserById(ctx.db, reset.userId)?.name,
	});
	if (check)
		return {
			ok: false,
			kind: 'invalid',
			errors: { [check.field]: t(`members.password.${check.problem}`) },
		};
	const passwordHash = await hashPassword(input.password);
	const userId = ctx.db
		.transaction((): number | null => {
			const id = completePasswordReset(ctx.db, input.token, passwordHash);
			if (id !== null) {
				recordAudit(ctx.db, {
					actorId: id,
					action: 'password-reset',
					target: reset.email,
					ip: ctx.ip,
					detail: null,
				});
			}
			return id;
		})
		.immediate();
	return userId === null ? { ok: false, kind: 'gone' } : { ok: true };
}

/** Ends this session, or every session of the member; recorded in the audit log. */
export function signOut(
	ctx: CommandContext,
	input: { session: Session | null; everywhere: boolean },
): { ok: true } {
	const { user } = ctx;
	if (!input.session || !user) return { ok: true };
	ctx.db
		.transaction(() => {
			if (input.everywhere) invalidateUserSessions(ctx.db, user.id);
			else invalidateSession(ctx.db, input.session!.id);
			recordAudit(ctx.db, {
				actorId: user.id,
				action: 'sign-out',
				target: user.email,
				ip: ctx.ip,
				detail: input.everywhere ? 'everywhere' : 'this device',
			});
		})
		.immediate();
	return { ok: true };
}

/** Longest name a member can give themselves. */
export const MEMBER_NAME_MAX = 100;

/**
 * Joins the portal from an invitation link: checks the name and the new password, creates the
 * account (with the invitation's role and country), opens a session and records it, all in one
 * transaction. 'gone' when the link was used, expired or never issued, even by another tab meanwhile;
 * 'passwords-off' when local passwords are switched off (the company account is the way in).
 */
export async function acceptInvitationCommand(
	ctx: CommandContext,
	input: {
		token: string;
		name: string;
		password: string;
		confirm: string;
		userAgent: string | null;
	},
): Promise<
	| { ok: true; sessionToken: string; session: Session }
	| { ok: false; kind: 'gone' | 'passwords-off' }
	| { ok: false; kind: 'invalid'; errors: FieldErrors }
> {
	const invitation = getInvitation(ctx.db, input.token);
	if (!invitation) return { ok: false, kind: 'gone' };
	// LOCAL_PASSWORDS=false: no password is ever set; the first sign-in with the company account
	// under the invited address accepts the invitation (sso/commands.ts).
	if (!getLocalPasswordsEnabled()) return { ok: false, kind: 'passwords-off' };
	const t = useTranslations(ctx.lang);
	const errors: FieldErrors = {};
	if (!input.name) errors.name = t('members.required');
	else if (charCount(input.name) > MEMBER_NAME_MAX)
		errors.name = t('members.tooLong', { max: MEMBER_NAME_MAX });
	const check = checkNewPassword(input.password, input.confirm, {
		email: invitation.email,
		name: input.name,
	});
	if (check) errors[check.field] = t(`members.password.${check.problem}`);
	if (Object.keys(errors).length > 0) return { ok: false, kind: 'invalid', errors };
	const passwordHash = await hashPassword(input.password);
	const personId =
		getPeopleRecords().find((p) => p.email.toLowerCase() === invitation.email)?.id ?? null;
	const sessionToken = generateSessionToken();
	const session = ctx.db
		.transaction((): Session | null => {
			const user = acceptInvitation(ctx.db, input.token, {
				name: input.name,
				passwordHash,
				personId,
			});
			if (!user) return null;
			const opened = createSession(ctx.db, sessionToken, user.id, {
				userAgent: input.userAgent,
				ip: ctx.ip,
			});
			recordAudit(ctx.db, {
				actorId: user.id,
				action: 'sign-in',
				target: user.email,
				ip: ctx.ip,
				detail: 'invitation accepted',
			});
			return opened;
		})
		.immediate();
	return session ? { ok: true, sessionToken, session } : { ok: false, kind: 'gone' };
}
