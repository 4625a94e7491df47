import type { Database } from 'better-sqlite3';
import { recordAudit } from './audit';
import { hashPassword, verifyPasswordHash } from './password';
import { consumeToken, loginAccountBucket, loginIpBucket } from './rate-limit';
import { createSession, generateSessionToken, type Session } from './session';
import { getUserByEmail, getUserPasswordHash, normalizeEmail, type User } from './user';

// A hash to verify against when the email is unknown, so both failures take the same time and
// answer the same message: nobody learns who has an account.
let decoyHash: Promise<string> | undefined;

export type SignInResult =
	| { ok: true; token: string; session: Session; user: User }
	| { ok: false; error: 'rate-limited' | 'invalid' };

/**
 * Checks the limits (per IP, then per account), the password, and opens a session; records the
 * attempt in the audit log either way.
 */
export async function attemptSignIn(
	db: Database,
	input: { email: string; password: string; ip: string; userAgent: string | null },
): Promise<SignInResult> {
	const email = normalizeEmail(input.email);
	if (!consumeToken(db, loginIpBucket, input.ip) || !consumeToken(db, loginAccountBucket, email)) {
		recordAudit(db, {
			actorId: null,
			action: 'sign-in-failed',
			target: email,
			ip: input.ip,
			detail: 'rate limited',
		});
		return { ok: false, error: 'rate-limited' };
	}
	const user = getUserByEmail(db, email);
	const hash = user?.active ? getUserPasswordHash(db, user.id) : null;
	decoyHash ??= hashPassword('decoy password that matches nothing at all');
	const valid = await verifyPasswordHash(hash ?? (await decoyHash), input.password);
	if (!user || !hash || !valid) {
		recordAudit(db, {
			actorId: user?.id ?? null,
			action: 'sign-in-failed',
			target: email,
			ip: input.ip,
			detail: null,
		});
		return { ok: false, error: 'invalid' };
	}
	const token = generateSessionToken();
	const session = createSession(db, token, user.id, { userAgent: input.userAgent, ip: input.ip });
	recordAudit(db, {
		actorId: user.id,
		action: 'sign-in',
		target: email,
		ip: input.ip,
		detail: null,
	});
	return { ok: true, token, session, user };
}
