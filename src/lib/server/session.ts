import type { Database } from 'better-sqlite3';
import { prepare } from './db';
import { generateToken, hashToken, TOKEN_PATTERN } from './token';
import { getNowSeconds, SECONDS_PER_DAY } from './time';
import { USER_COLUMNS_SQL, toUser, type User, type UserRow } from './user';

// Session model: Lucia's "hash as id". The cookie holds a random token, the row id is
// hex(SHA-256(token)), so a leaked database yields no usable cookie.
// Accepted risk: the lookup `WHERE session.id = ?` is a B-tree search and not constant time. An attacker
// timing it could at best learn prefixes of *hashes*, which they cannot turn back into a token
// (160-bit random preimage), so we keep the simpler model over the newer `<id>.<secret>` one
// (lucia-auth/lucia#1802). Revisit if tokens ever get shorter or stop being random.

export const SESSION_COOKIE_NAME = 'cd_session';
export const SESSION_LIFETIME_SECONDS = 30 * SECONDS_PER_DAY;
/** Below this much remaining lifetime a validated session is extended back to the full lifetime. */
export const SESSION_RENEW_THRESHOLD_SECONDS = 15 * SECONDS_PER_DAY;

/**
 * A new session token for the cookie (20 random bytes, lower-case base32, no padding).
 * @example const token = generateSessionToken()
 */
export function generateSessionToken(): string {
	return generateToken();
}

/**
 * Stores a session for `token` lasting `SESSION_LIFETIME_SECONDS`.
 * @example createSession(db, token, user.id, { userAgent: request.headers.get('user-agent'), ip })
 */
export function createSession(
	db: Database,
	token: string,
	userId: number,
	meta: SessionMeta = {},
	nowSeconds = getNowSeconds(),
): Session {
	const session: Session = {
		id: hashToken(token),
		userId,
		expiresAt: nowSeconds + SESSION_LIFETIME_SECONDS,
		createdAt: nowSeconds,
		userAgent: meta.userAgent?.slice(0, 512) ?? null,
		ip: meta.ip ?? null,
		fresh: true,
	};
	prepare(
		db,
		'INSERT INTO session (id, user_id, expires_at, created_at, user_agent, ip) VALUES (?, ?, ?, ?, ?, ?)',
	).run(
		session.id,
		session.userId,
		session.expiresAt,
		session.createdAt,
		session.userAgent,
		session.ip,
	);
	return session;
}

/**
 * The session and its user for a cookie token, read in one join. Expired sessions and sessions of
 * deactivated users are deleted and give both-null. When fewer than 15 days remain the expiry slides
 * back to 30 days and `session.fresh` is true: the caller must re-set the cookie.
 * @example const { session, user } = validateSessionToken(db, token)
 */
export function validateSessionToken(
	db: Database,
	token: string,
	nowSeconds = getNowSeconds(),
): SessionValidationResult {
	if (!TOKEN_PATTERN.test(token)) return { session: null, user: null };
	const sessionId = hashToken(token);
	const row = prepare(
		db,
		`SELECT session.id AS session_id, session.user_id AS session_user_id,
				session.expires_at AS session_expires_at, session.created_at AS session_created_at,
				session.user_agent AS session_user_agent, session.ip AS session_ip, ${USER_COLUMNS_SQL}
			FROM session INNER JOIN user ON user.id = session.user_id
			WHERE session.id = ?`,
	).get(sessionId) as SessionJoinRow | undefined;
	if (!row) return { session: null, user: null };
	if (nowSeconds >= row.session_expires_at || row.user_active !== 1) {
		invalidateSession(db, sessionId);
		return { session: null, user: null };
	}
	const session: Session = {
		id: row.session_id,
		userId: row.session_user_id,
		expiresAt: row.session_expires_at,
		createdAt: row.session_created_at,
		userAgent: row.session_user_agent,
		ip: row.session_ip,
		fresh: false,
	};
	if (session.expiresAt - nowSeconds < SESSION_RENEW_THRESHOLD_SECONDS) {
		session.expiresAt = nowSeconds + SESSION_LIFETIME_SECONDS;
		session.fresh = true;
		prepare(db, 'UPDATE session SET expires_at = ? WHERE session.id = ?').run(
			session.expiresAt,
			session.id,
		);
	}
	return { session, user: toUser(row) };
}

/**
 * Ends one session (sign-out). Takes the session id (the hash), not the token.
 * @example invalidateSession(db, locals.session.id)
 */
export function invalidateSession(db: Database, sessionId: string): void {
	prepare(db, 'DELETE FROM session WHERE session.id = ?').run(sessionId);
}

/**
 * Ends every session of a user ("sign out everywhere", deactivation, password change).
 * @example invalidateUserSessions(db, user.id)
 */
export function invalidateUserSessions(db: Database, userId: number): void {
	prepare(db, 'DELETE FROM session WHERE session.user_id = ?').run(userId);
}

/**
 * Removes expired sessions; validation deletes them lazily, this catches the ones never presented again.
 * @example deleteExpiredSessions(db) // 3
 */
export function deleteExpiredSessions(db: Database, nowSeconds = getNowSeconds()): number {
	return prepare(db, 'DELETE FROM session WHERE session.expires_at <= ?').run(nowSeconds).changes;
}

/**
 * The one source of the cookie's attributes, for setting (`expiresAt` in unix seconds) and for
 * deleting (`null`: empty value, Max-Age 0). Shaped for Astro's `cookies.set(name, value, options)`.
 * @example cookies.set(SESSION_COOKIE_NAME, token, sessionCookieOptions(session.expiresAt, import.meta.env.PROD))
 */
export function sessionCookieOptions(
	expiresAt: number | null,
	secure: boolean,
): SessionCookieOptions {
	return {
		httpOnly: true,
		sameSite: 'lax',
		path: '/',
		secure,
		expires: new Date((expiresAt ?? 0) * 1000),
		...(expiresAt === null ? { maxAge: 0 } : {}),
	};
}

/**
 * A `Set-Cookie` header value carrying the session token.
 * @example headers.append('Set-Cookie', serializeSessionCookie(token, session.expiresAt, true))
 */
export function serializeSessionCookie(token: string, expiresAt: number, secure: boolean): string {
	return serializeCookie(token, sessionCookieOptions(expiresAt, secure));
}

/**
 * A `Set-Cookie` header value that deletes the session cookie, with the same attributes as when set.
 * @example headers.append('Set-Cookie', serializeBlankSessionCookie(true))
 */
export function serializeBlankSessionCookie(secure: boolean): string {
	return serializeCookie('', sessionCookieOptions(null, secure));
}

/**
 * The session token from a `Cookie` request header; `null` when absent or not token-shaped.
 * @example readSessionToken(request.headers.get('cookie'))
 */
export function readSessionToken(cookieHeader: string | null | undefined): string | null {
	if (!cookieHeader) return null;
	for (const part of cookieHeader.split(';')) {
		const eq = part.indexOf('=');
		if (eq === -1) continue;
		if (part.slice(0, eq).trim() !== SESSION_COOKIE_NAME) continue;
		const value = part.slice(eq + 1).trim();
		if (TOKEN_PATTERN.test(value)) return value;
	}
	return null;
}

function serializeCookie(value: string, options: SessionCookieOptions): string {
	const parts = [`${SESSION_COOKIE_NAME}=${value}`, `Path=${options.path}`];
	parts.push(`Expires=${options.expires.toUTCString()}`);
	if (options.maxAge !== undefined) parts.push(`Max-Age=${options.maxAge}`);
	if (options.httpOnly) parts.push('HttpOnly');
	parts.push('SameSite=Lax');
	if (options.secure) parts.push('Secure');
	return parts.join('; ');
}

/** A stored session. `id` is the token's hash; times are unix seconds. */
export interface Session {
	id: string;
	userId: number;
	expiresAt: number;
	createdAt: number;
	userAgent: string | null;
	ip: string | null;
	/** True when the expiry was just set or extended: re-send the cookie. */
	fresh: boolean;
}

export interface SessionMeta {
	userAgent?: string | null;
	ip?: string | null;
}

export type SessionValidationResult =
	| { session: Session; user: User }
	| { session: null; user: null };

export interface SessionCookieOptions {
	httpOnly: true;
	sameSite: 'lax';
	path: '/';
	secure: boolean;
	expires: Date;
	/** Only when deleting: 0. */
	maxAge?: number;
}

interface SessionJoinRow extends UserRow {
	session_id: string;
	session_user_id: number;
	session_expires_at: number;
	session_created_at: number;
	session_user_agent: string | null;
	session_ip: string | null;
}
