import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../../src/lib/server/db';
import {
	checkEmailAvailability,
	deactivateUser,
	getUserByEmail,
	getUserById,
	getUserPasswordHash,
	listUsers,
	reactivateUser,
	setUserPersonId,
	setUserRole,
	updateUserPassword,
	updateUserProfile,
} from '../../../src/lib/server/user';
import { addUser, createTestDatabase, T0, UNIQUE_VIOLATION } from './test-db';

let t: ReturnType<typeof createTestDatabase>;
let db: Database;
beforeEach(() => {
	t = createTestDatabase();
	db = t.db;
});
afterEach(() => t.cleanup());

describe('users', () => {
	it('are found by id and by email, case-insensitively; unknown gives null', () => {
		const anna = addUser(db, ' Anna@Example.com ', 'Anna');
		expect(anna.email).toBe('anna@example.com');
		expect(getUserById(db, anna.id)?.name).toBe('Anna');
		expect(getUserByEmail(db, 'ANNA@example.COM')?.id).toBe(anna.id);
		expect(getUserById(db, 999)).toBeNull();
		expect(getUserByEmail(db, 'nobody@example.com')).toBeNull();
		expect(checkEmailAvailability(db, 'ANNA@EXAMPLE.COM')).toBe(false);
		expect(() => addUser(db, 'anna@EXAMPLE.com', 'Other')).toThrow(UNIQUE_VIOLATION);
	});

	it('keep the password hash out of the user object', () => {
		const anna = addUser(db, 'anna@example.com', 'Anna');
		expect(JSON.stringify(anna)).not.toContain('argon2');
		expect(getUserPasswordHash(db, anna.id)).toBe('$argon2id$fake');
		expect(getUserPasswordHash(db, 999)).toBeNull();
	});

	it('update only the given profile fields', () => {
		const anna = addUser(db, 'anna@example.com', 'Anna');
		const updated = updateUserProfile(
			db,
			anna.id,
			{ title: 'Sales coach', languages: ['de', 'fr'], showPhone: true, phone: '+49 1' },
			T0 + 5,
		);
		expect(updated).toMatchObject({
			name: 'Anna',
			title: 'Sales coach',
			languages: ['de', 'fr'],
			showPhone: true,
			phone: '+49 1',
			updatedAt: T0 + 5,
		});
		expect(updateUserProfile(db, anna.id, { title: null })?.title).toBeNull();
		expect(updateUserProfile(db, 999, { title: 'x' })).toBeNull();
	});

	it('change password and link a people entry', () => {
		const anna = addUser(db, 'anna@example.com', 'Anna');
		expect(updateUserPassword(db, anna.id, '$argon2id$new', T0)).toBe(true);
		expect(getUserPasswordHash(db, anna.id)).toBe('$argon2id$new');
		expect(updateUserPassword(db, 999, 'x', T0)).toBe(false);
		expect(setUserPersonId(db, anna.id, 'anna-schmidt')).toBe(true);
		expect(getUserById(db, anna.id)?.personId).toBe('anna-schmidt');
	});

	it('keep at least one active admin when changing roles or deactivating', () => {
		const root = addUser(db, 'root@example.com', 'Root', 'admin');
		const anna = addUser(db, 'anna@example.com', 'Anna');
		expect(setUserRole(db, root.id, 'member')).toBe(false);
		expect(deactivateUser(db, root.id)).toBe(false);
		expect(setUserRole(db, anna.id, 'admin')).toBe(true);
		expect(setUserRole(db, root.id, 'editor')).toBe(true);
		expect(getUserById(db, root.id)?.role).toBe('editor');
		expect(setUserRole(db, 999, 'editor')).toBe(false);
		expect(() => setUserRole(db, anna.id, 'owner' as never)).toThrow(/Unknown role/);
	});

	it('list active members by name; inactive only on request', () => {
		addUser(db, 'root@example.com', 'Root', 'admin');
		const zoe = addUser(db, 'zoe@example.com', 'zoé');
		addUser(db, 'bob@example.com', 'Bob');
		expect(deactivateUser(db, zoe.id)).toBe(true);
		expect(listUsers(db).map((u) => u.name)).toEqual(['Bob', 'Root']);
		expect(listUsers(db, { includeInactive: true }).map((u) => u.name)).toEqual([
			'Bob',
			'Root',
			'zoé',
		]);
		expect(reactivateUser(db, zoe.id)).toBe(true);
		expect(getUserById(db, zoe.id)?.active).toBe(true);
	});
});
