// A member's own account: saving the profile (with its photo) and changing the password.
import type { FieldErrors } from '../../forms';
import { checkNewPassword } from '../../password-policy';
import { useTranslations } from '../../i18n';
import { recordAudit } from '../audit';
import type { CommandContext } from '../context';
import { getDataDir, prepare } from '../db';
import { recordFailure, secondsToWait, signInAccountRule } from '../login-throttle';
import { hashPassword, verifyPasswordHash } from '../password';
import { deleteProfilePhoto, processProfilePhoto, saveProfilePhoto } from '../photos';
import { createSession, generateSessionToken, type Session } from '../session';
import { getUserPasswordHash, updateUserPassword, updateUserProfile } from '../user';
import type { ProfileSubmission } from './form';

/**
 * Saves the profile as read from the form (`readProfileForm`), with a new photo re-encoded to WebP
 * without its metadata, or the photo removed. The old photo file goes only once the database no
 * longer points at it; a new one that could not be recorded is removed again.
 */
export async function saveProfile(
	ctx: CommandContext,
	submission: ProfileSubmission,
): Promise<
	| { ok: true }
	| { ok: false; kind: 'forbidden' }
	| { ok: false; kind: 'invalid'; errors: FieldErrors }
> {
	const user = ctx.user;
	if (!user) return { ok: false, kind: 'forbidden' };
	const t = useTranslations(ctx.lang);
	const errors: FieldErrors = { ...submission.errors };
	// A member's country is required once set: it decides which answers their country owes.
	if (user.country && !submission.values.country && !errors.country)
		errors.country = t('members.required');
	let webp: Buffer | null = null;
	if (submission.photo && !errors.photo) {
		webp = await processProfilePhoto(new Uint8Array(await submission.photo.arrayBuffer()));
		if (!webp) errors.photo = t('members.profile.photoInvalid');
	}
	if (Object.keys(errors).length > 0) return { ok: false, kind: 'invalid', errors };
	const dataDir = getDataDir();
	const previous = user.photo;
	const { values } = submission;
	const photo = webp
		? await saveProfilePhoto(dataDir, user.id, webp)
		: values.removePhoto
			? null
			: previous;
	try {
		ctx.db.transaction(() => {
			updateUserProfile(ctx.db, user.id, {
				name: values.name,
				title: values.title || null,
				country: values.country || null,
				languages: submission.languageCodes,
				phone: values.phone || null,
				showPhone: values.showPhone,
				bio: values.bio || null,
				photo,
				timeZone: values.timeZone,
			});
			// Moving to another country ends answering for the old one (admins name focal points anew).
			if (values.country && values.country !== user.country)
				prepare(ctx.db, 'DELETE FROM focal_point WHERE user_id = ? AND country != ?').run(
					user.id,
					values.country,
				);
		})();
	} catch (error) {
		// The new file is referenced by nothing: remove it, keep the old one.
		if (photo !== previous) await deleteProfilePhoto(dataDir, photo);
		throw error;
	}
	if (previous && previous !== photo) await deleteProfilePhoto(dataDir, previous);
	return { ok: true };
}

/**
 * Changes the password after checking the current one (slowed like signing in, so a stolen session
 * cannot guess it quickly). Every other session ends; this device gets a new one, in one transaction
 * with the audit entry.
 */
export async function changePassword(
	ctx: CommandContext,
	input: { current: string; next: string; confirm: string; userAgent: string | null },
): Promise<
	| { ok: true; token: string; session: Session }
	| { ok: false; kind: 'forbidden' }
	| { ok: false; kind: 'invalid'; errors: FieldErrors }
	| { ok: false; kind: 'rate-limited'; retryAfterSeconds: number; message: string }
> {
	const user = ctx.user;
	if (!user) return { ok: false, kind: 'forbidden' };
	const t = useTranslations(ctx.lang);
	const errors: FieldErrors = {};
	const throttle = [[signInAccountRule, user.email]] as const;
	if (!input.current) {
		errors['current-password'] = t('members.required');
	} else {
		const wait = secondsToWait(ctx.db, throttle);
		if (wait > 0)
			return {
				ok: false,
				kind: 'rate-limited',
				retryAfterSeconds: wait,
				message: t('members.rateLimitedWait', { seconds: wait }),
			};
		const hash = getUserPasswordHash(ctx.db, user.id);
		if (!hash || !(await verifyPasswordHash(hash, input.current))) {
			recordFailure(ctx.db, throttle);
			errors['current-password'] = t('members.password.currentWrong');
		}
	}
	// After the current password's check, so the summary lists errors in the form's order.
	if (!input.next) errors['new-password'] = t('members.required');
	else {
		const check = checkNewPassword(input.next, input.confirm, {
			email: user.email,
			name: user.name,
		});
		if (check) {
			const field = check.field === 'password' ? 'new-password' : 'confirm-password';
			errors[field] = t(`members.password.${check.problem}`);
		}
	}
	if (Object.keys(errors).length > 0) return { ok: false, kind: 'invalid', errors };
	const passwordHash = await hashPassword(input.next);
	const token = generateSessionToken();
	const session = ctx.db
		.transaction(() => {
			updateUserPassword(ctx.db, user.id, passwordHash);
			const created = createSession(ctx.db, token, user.id, {
				userAgent: input.userAgent,
				ip: ctx.ip,
			});
			recordAudit(ctx.db, {
				actorId: user.id,
				action: 'password-change',
				target: `user:${user.id}`,
				ip: ctx.ip,
			});
			return created;
		})
		.immediate();
	return { ok: true, token, session };
}
