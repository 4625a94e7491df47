import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
	createSession,
	deleteExpiredSessions,
	generateSessionToken,
	invalidateSession,
	invalidateUserSessions,
	readSessionToken,
	serializeBlankSessionCookie,
	serializeSessionCookie,
	sessionCookieOptions,
	SESSION_LIFETIME_SECONDS,
	validateSessionToken,
} from '../../../src/lib/server/session';
import { deactivateUser, updateUserPassword } from '../../../src/lib/server/user';
import { SECONDS_PER_DAY } from '../../../src/lib/server/time';
import { addUser, createTestDatabase, T0 } from './test-db';
import type { Database } from '../../../src/lib/server/db';
import type { User } from '../../../src/lib/server/user';

let t: ReturnType<typeof createTestDatabase>;
let db: Database;
let anna: User;
beforeEach(() => {
	t = createTestDatabase();
	db = t.db;
	anna = addUser(db, 'anna@example.com', 'Anna Schmidt');
	addUser(db, 'root@example.com', 'Root', 'admin');
});
afterEach(() => t.cleanup());

describe('session tokens', () => {
	it('are 32 chars of lower-case base32 and differ each time', () => {
		const a = generateSessionToken();
		expect(a).toMatch(/^[a-z2-7]{32}$/);
		expect(generateSessionToken()).not.toBe(a);
	});

	it('are stored only as their SHA-256 hash', () => {
		const token = generateSessionToken();
		const session = createSession(db, token, anna.id, { userAgent: 'UA', ip: '10.0.0.1' }, T0);
		expect(session.id).toMatch(/^[0-9a-f]{64}$/);
		const ids = db.prepare('SELECT id FROM session').pluck().all();
		expect(ids).toEqual([session.id]);
		expect(JSON.stringify(db.prepare('SELECT * FROM session').all())).not.toContain(token);
	});
});

describe('validateSessionToken', () => {
	it('returns the session and its user', () => {
		const token = generateSessionToken();
		createSession(db, token, anna.id, {}, T0);
		const { session, user } = validateSessionToken(db, token, T0 + 60);
		expect(user?.email).toBe('anna@example.com');
		expect(session?.expiresAt).toBe(T0 + SESSION_LIFETIME_SECONDS);
		expect(session?.fresh).toBe(false);
	});

	it('rejects a forged or unknown token', () => {
		createSession(db, generateSessionToken(), anna.id, {}, T0);
		expect(validateSessionToken(db, generateSessionToken(), T0)).toEqual({
			session: null,
			user: null,
		});
		expect(validateSessionToken(db, 'not a token', T0)).toEqual({ session: null, user: null });
		expect(validateSessionToken(db, '', T0)).toEqual({ session: null, user: null });
	});

	it('deletes an expired session and returns nulls', () => {
		const token = generateSessionToken();
		createSession(db, token, anna.id, {}, T0);
		expect(validateSessionToken(db, token, T0 + SESSION_LIFETIME_SECONDS)).toEqual({
			session: null,
			user: null,
		});
		expect(db.prepare('SELECT count(*) FROM session').pluck().get()).toBe(0);
	});

	it('slides the expiry back to 30 days once fewer than 15 remain, and flags it fresh', () => {
		const token = generateSessionToken();
		createSession(db, token, anna.id, {}, T0);
		const day14 = T0 + 14 * SECONDS_PER_DAY;
		expect(validateSessionToken(db, token, day14).session?.fresh).toBe(false);
		const day16 = T0 + 16 * SECONDS_PER_DAY;
		const renewed = validateSessionToken(db, token, day16).session;
		expect(renewed?.fresh).toBe(true);
		expect(renewed?.expiresAt).toBe(day16 + SESSION_LIFETIME_SECONDS);
		// Still valid past the original expiry, because the new expiry was stored.
		const day40 = T0 + 40 * SECONDS_PER_DAY;
		expect(validateSessionToken(db, token, day40).user?.id).toBe(anna.id);
	});

	it('returns nulls for a deactivated user', () => {
		const token = generateSessionToken();
		createSession(db, token, anna.id, {}, T0);
		db.prepare('UPDATE user SET active = 0 WHERE id = ?').run(anna.id);
		expect(validateSessionToken(db, token, T0).user).toBeNull();
	});
});

describe('invalidation', () => {
	it('ends one session, or all of a user', () => {
		const one = generateSessionToken();
		const two = generateSessionToken();
		const s1 = createSession(db, one, anna.id, {}, T0);
		createSession(db, two, anna.id, {}, T0);
		invalidateSession(db, s1.id);
		expect(validateSessionToken(db, one, T0).session).toBeNull();
		expect(validateSessionToken(db, two, T0).session).not.toBeNull();
		invalidateUserSessions(db, anna.id);
		expect(validateSessionToken(db, two, T0).session).toBeNull();
	});

	it('ends all sessions on password change and on deactivation', () => {
		const token = generateSessionToken();
		createSession(db, token, anna.id, {}, T0);
		expect(updateUserPassword(db, anna.id, '$argon2id$new', T0)).toBe(true);
		expect(validateSessionToken(db, token, T0).session).toBeNull();
		const again = generateSessionToken();
		createSession(db, again, anna.id, {}, T0);
		expect(deactivateUser(db, anna.id, T0)).toBe(true);
		expect(validateSessionToken(db, again, T0).session).toBeNull();
	});

	it('sweeps expired sessions', () => {
		createSession(db, generateSessionToken(), anna.id, {}, T0);
		createSession(db, generateSessionToken(), anna.id, {}, T0 + SECONDS_PER_DAY);
		expect(deleteExpiredSessions(db, T0 + SESSION_LIFETIME_SECONDS)).toBe(1);
	});
});

describe('cookies', () => {
	it('share one set of attributes for set and delete', () => {
		const set = sessionCookieOptions(T0, true);
		const del = sessionCookieOptions(null, true);
		expect(set).toEqual({
			httpOnly: true,
			sameSite: 'lax',
			path: '/',
			secure: true,
			expires: new Date(T0 * 1000),
		});
		expect(del).toMatchObject({
			httpOnly: true,
			sameSite: 'lax',
			path: '/',
			secure: true,
			maxAge: 0,
		});
	});

	it('serialize to Set-Cookie headers', () => {
		expect(serializeSessionCookie('abc', T0, true)).toBe(
			'cd_session=abc; Path=/; Expires=Thu, 01 Jan 2026 00:00:00 GMT; HttpOnly; SameSite=Lax; Secure',
		);
		expect(serializeBlankSessionCookie(false)).toBe(
			'cd_session=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; HttpOnly; SameSite=Lax',
		);
	});

	it('read the token back from a Cookie header', () => {
		const token = generateSessionToken();
		expect(readSessionToken(`theme=dark; cd_session=${token}; other=1`)).toBe(token);
		expect(readSessionToken('cd_session=<script>')).toBeNull();
		expect(readSessionToken('xcd_session=' + token)).toBeNull();
		expect(readSessionToken(null)).toBeNull();
	});
});
