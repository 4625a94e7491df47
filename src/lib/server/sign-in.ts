import type { Database } from 'better-sqlite3';
import { getLocalPasswordsEnabled } from '../config';
import { recordAudit } from './audit';
import {
	clearFailures,
	recordFailure,
	secondsToWait,
	signInAccountRule,
	signInIpRule,
	signInPairRule,
	type ThrottleKey,
} from './login-throttle';
import { hashPassword, verifyPasswordHash } from './password';
import { createSession, generateSessionToken, type Session } from './session';
import { getUserByEmail, getUserPasswordHash, normalizeEmail, type User } from './user';

// A hash to verify against when the email is unknown, so both failures take the same time and
// answer the same message: nobody learns who has an account.
let decoyHash: Promise<string> | undefined;

export type SignInResult =
	| { ok: true; token: string; session: Session; user: User }
	| { ok: false; error: 'invalid' }
	| { ok: false; error: 'disabled' }
	| { ok: false; error: 'rate-limited'; retryAfterSeconds: number };

/** The throttle keys of one sign-in attempt: the address, the account, and the two together. */
export function signInKeys(email: string, ip: string): ThrottleKey[] {
	return [
		[signInIpRule, ip],
		[signInAccountRule, email],
		[signInPairRule, `${email} ${ip}`],
	];
}

/**
 * Checks the growing delays (per IP, per account, per both), the password, and opens a session.
 * Only failures slow later attempts; a success forgets the account's failures. Every attempt is in
 * the audit log, a delayed one marked "throttled".
 */
export async function attemptSignIn(
	db: Database,
	input: { email: string; password: string; ip: string; userAgent: string | null },
): Promise<SignInResult> {
	// LOCAL_PASSWORDS=false: the company's provider is the only way in, whatever a form sends.
	if (!getLocalPasswordsEnabled()) return { ok: false, error: 'disabled' };
	const email = normalizeEmail(input.email);
	const keys = signInKeys(email, input.ip);
	const wait = secondsToWait(db, keys);
	if (wait > 0) {
		recordAudit(db, {
			actorId: null,
			action: 'sign-in-failed',
			target: email,
			ip: input.ip,
			detail: `throttled ${wait} s`,
		});
		return { ok: false, error: 'rate-limited', retryAfterSeconds: wait };
	}
	const user = getUserByEmail(db, email);
	// Members created by single sign-on have an empty hash: no password matches it.
	const hash = (user?.active ? getUserPasswordHash(db, user.id) : null) || null;
	decoyHash ??= hashPassword('decoy password that matches nothing at all');
	const valid = await verifyPasswordHash(hash ?? (await decoyHash), input.password);
	if (!user || !hash || !valid) {
		db.transaction(() => {
			recordFailure(db, keys);
			recordAudit(db, {
				actorId: user?.id ?? null,
				action: 'sign-in-failed',
				target: email,
				ip: input.ip,
				detail: null,
			});
		}).immediate();
		return { ok: false, error: 'invalid' };
	}
	const token = generateSessionToken();
	const session = db
		.transaction(() => {
			clearFailures(db, keys.slice(1));
			const created = createSession(db, token, user.id, {
				userAgent: input.userAgent,
				ip: input.ip,
			});
			recordAudit(db, {
				actorId: user.id,
				action: 'sign-in',
				target: email,
				ip: input.ip,
				detail: null,
			});
			return created;
		})
		.immediate();
	return { ok: true, token, session, user };
}
