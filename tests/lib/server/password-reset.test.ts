import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../../src/lib/server/db';
import {
	completePasswordReset,
	createPasswordReset,
	getPasswordReset,
	PASSWORD_RESET_LIFETIME_SECONDS,
} from '../../../src/lib/server/password-reset';
import {
	createSession,
	generateSessionToken,
	validateSessionToken,
} from '../../../src/lib/server/session';
import { deactivateUser, getUserPasswordHash, type User } from '../../../src/lib/server/user';
import { addUser, createTestDatabase, T0 } from './test-db';

let t: ReturnType<typeof createTestDatabase>;
let db: Database;
let anna: User;
beforeEach(() => {
	t = createTestDatabase();
	db = t.db;
	addUser(db, 'root@example.com', 'Root', 'admin');
	anna = addUser(db, 'anna@example.com', 'Anna');
});
afterEach(() => t.cleanup());

describe('password resets', () => {
	it('are valid for one hour and store only the token hash', () => {
		const token = createPasswordReset(db, anna.id, T0);
		expect(token).toMatch(/^[a-z2-7]{32}$/);
		expect(JSON.stringify(db.prepare('SELECT * FROM password_reset').all())).not.toContain(token);
		expect(getPasswordReset(db, token!, T0 + 10)).toMatchObject({
			userId: anna.id,
			email: 'anna@example.com',
		});
		expect(getPasswordReset(db, token!, T0 + PASSWORD_RESET_LIFETIME_SECONDS)).toBeNull();
		expect(
			completePasswordReset(db, token!, 'new', T0 + PASSWORD_RESET_LIFETIME_SECONDS),
		).toBeNull();
	});

	it('set the password, end every session, and work only once', () => {
		const sessionToken = generateSessionToken();
		createSession(db, sessionToken, anna.id, {}, T0);
		const token = createPasswordReset(db, anna.id, T0)!;
		expect(completePasswordReset(db, token, '$argon2id$new', T0 + 60)).toBe(anna.id);
		expect(getUserPasswordHash(db, anna.id)).toBe('$argon2id$new');
		expect(validateSessionToken(db, sessionToken, T0 + 61).session).toBeNull();
		expect(completePasswordReset(db, token, '$argon2id$evil', T0 + 62)).toBeNull();
		expect(getUserPasswordHash(db, anna.id)).toBe('$argon2id$new');
	});

	it('only the newest link works', () => {
		const first = createPasswordReset(db, anna.id, T0)!;
		const second = createPasswordReset(db, anna.id, T0 + 1)!;
		expect(getPasswordReset(db, first, T0 + 2)).toBeNull();
		expect(completePasswordReset(db, second, 'h', T0 + 2)).toBe(anna.id);
	});

	it('are refused for unknown or deactivated members', () => {
		expect(createPasswordReset(db, 999, T0)).toBeNull();
		const token = createPasswordReset(db, anna.id, T0)!;
		deactivateUser(db, anna.id, T0);
		expect(getPasswordReset(db, token, T0)).toBeNull();
		expect(completePasswordReset(db, token, 'h', T0)).toBeNull();
		expect(createPasswordReset(db, anna.id, T0)).toBeNull();
	});
});
