import type { Database } from 'better-sqlite3';
import { prepare } from './db';
import { generateToken, hashToken, TOKEN_PATTERN } from './token';
import { getNowSeconds, SECONDS_PER_HOUR } from './time';

// Same token model as invitations: the emailed link carries the token, the table holds its SHA-256.
export const PASSWORD_RESET_LIFETIME_SECONDS = SECONDS_PER_HOUR;

/**
 * Creates a reset link token for an active member (earlier unused links stop working); `null` when
 * the user is unknown or deactivated. Callers answer the same either way, so the form reveals nothing.
 * @example const token = user ? createPasswordReset(db, user.id) : null
 */
export function createPasswordReset(
	db: Database,
	userId: number,
	nowSeconds = getNowSeconds(),
): string | null {
	const token = generateToken();
	const create = db.transaction((): boolean => {
		prepare(
			db,
			'DELETE FROM password_reset WHERE password_reset.user_id = ? AND password_reset.used_at IS NULL',
		).run(userId);
		return (
			prepare(
				db,
				`INSERT INTO password_reset (id, user_id, expires_at, used_at, created_at)
					SELECT ?, user.id, ?, NULL, ? FROM user WHERE user.id = ? AND user.active = 1`,
			).run(hashToken(token), nowSeconds + PASSWORD_RESET_LIFETIME_SECONDS, nowSeconds, userId)
				.changes > 0
		);
	});
	return create.immediate() ? token : null;
}

/**
 * The pending reset for a link token; `null` when unknown, expired, used, or the member was deactivated.
 * @example const reset = getPasswordReset(db, token)
 */
export function getPasswordReset(
	db: Database,
	token: string,
	nowSeconds = getNowSeconds(),
): PasswordReset | null {
	if (!TOKEN_PATTERN.test(token)) return null;
	const row = prepare(
		db,
		`SELECT password_reset.id, password_reset.user_id, user.email, password_reset.expires_at
			FROM password_reset INNER JOIN user ON user.id = password_reset.user_id
			WHERE password_reset.id = ? AND password_reset.used_at IS NULL
				AND password_reset.expires_at > ? AND user.active = 1`,
	).get(hashToken(token), nowSeconds) as
		| { id: string; user_id: number; email: string; expires_at: number }
		| undefined;
	return row
		? { id: row.id, userId: row.user_id, email: row.email, expiresAt: row.expires_at }
		: null;
}

/**
 * Uses a reset link: marks it used (guarded against a racing second submit), stores the new hash and
 * ends every session of the member, all in one transaction. Returns the user id, or `null` when the
 * link is unknown, expired, used, or the member was deactivated.
 * @example const userId = completePasswordReset(db, token, await hashPassword(newPassword))
 */
export function completePasswordReset(
	db: Database,
	token: string,
	passwordHash: string,
	nowSeconds = getNowSeconds(),
): number | null {
	if (!TOKEN_PATTERN.test(token)) return null;
	const complete = db.transaction((): number | null => {
		const claimed = prepare(
			db,
			`UPDATE password_reset SET used_at = ?
				WHERE password_reset.id = ? AND password_reset.used_at IS NULL AND password_reset.expires_at > ?
					AND EXISTS (SELECT 1 FROM user WHERE user.id = password_reset.user_id AND user.active = 1)
				RETURNING user_id`,
		).get(nowSeconds, hashToken(token), nowSeconds) as { user_id: number } | undefined;
		if (!claimed) return null;
		prepare(db, 'UPDATE user SET password_hash = ?, updated_at = ? WHERE user.id = ?').run(
			passwordHash,
			nowSeconds,
			claimed.user_id,
		);
		prepare(db, 'DELETE FROM session WHERE session.user_id = ?').run(claimed.user_id);
		prepare(
			db,
			'DELETE FROM password_reset WHERE password_reset.user_id = ? AND password_reset.used_at IS NULL',
		).run(claimed.user_id);
		return claimed.user_id;
	});
	return complete.immediate();
}

/**
 * Removes reset rows that expired more than a day ago.
 * @example deleteStalePasswordResets(db) // 1
 */
export function deleteStalePasswordResets(db: Database, nowSeconds = getNowSeconds()): number {
	return prepare(db, 'DELETE FROM password_reset WHERE password_reset.expires_at <= ?').run(
		nowSeconds - 24 * SECONDS_PER_HOUR,
	).changes;
}

/** A pending reset; `id` is the token's hash, `expiresAt` unix seconds. */
export interface PasswordReset {
	id: string;
	userId: number;
	email: string;
	expiresAt: number;
}
