import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../../src/lib/server/db';
import {
	acceptInvitation,
	createInvitation,
	getInvitation,
	INVITATION_LIFETIME_SECONDS,
} from '../../../src/lib/server/invitation';
import { getUserByEmail, type User } from '../../../src/lib/server/user';
import { addUser, createTestDatabase, T0 } from './test-db';

let t: ReturnType<typeof createTestDatabase>;
let db: Database;
let admin: User;
beforeEach(() => {
	t = createTestDatabase();
	db = t.db;
	admin = addUser(db, 'root@example.com', 'Root', 'admin');
});
afterEach(() => t.cleanup());

const invite = (email = 'Anna@Example.com', now = T0) =>
	createInvitation(db, { email, role: 'editor', invitedBy: admin.id }, now);

describe('invitations', () => {
	it("carry the member's country to the account", () => {
		const token = createInvitation(
			db,
			{ email: 'pt@example.com', role: 'member', invitedBy: admin.id, country: 'PT' },
			T0,
		);
		expect(getInvitation(db, token, T0 + 1)?.country).toBe('PT');
		const user = acceptInvitation(db, token, { name: 'Rui', passwordHash: '$argon2id$x' }, T0 + 2);
		expect(user?.country).toBe('PT');
		expect(getUserByEmail(db, 'pt@example.com')?.country).toBe('PT');
	});

	it('store only the hash of the token', () => {
		const token = invite();
		expect(token).toMatch(/^[a-z2-7]{32}$/);
		expect(JSON.stringify(db.prepare('SELECT * FROM invitation').all())).not.toContain(token);
	});

	it('can be looked up until they expire after 7 days', () => {
		const token = invite();
		expect(getInvitation(db, token, T0 + 10)).toMatchObject({
			email: 'anna@example.com',
			role: 'editor',
			invitedBy: admin.id,
			expiresAt: T0 + INVITATION_LIFETIME_SECONDS,
		});
		expect(getInvitation(db, token, T0 + INVITATION_LIFETIME_SECONDS)).toBeNull();
		expect(getInvitation(db, 'a'.repeat(32), T0)).toBeNull();
	});

	it('create the member with the invited role, exactly once', () => {
		const token = invite();
		const user = acceptInvitation(
			db,
			token,
			{ name: 'Anna', passwordHash: '$argon2id$x' },
			T0 + 60,
		);
		expect(user).toMatchObject({
			email: 'anna@example.com',
			role: 'editor',
			name: 'Anna',
			active: true,
		});
		expect(getInvitation(db, token, T0 + 61)).toBeNull();
		expect(acceptInvitation(db, token, { name: 'Mallory', passwordHash: 'x' }, T0 + 61)).toBeNull();
		expect(getUserByEmail(db, 'anna@example.com')?.name).toBe('Anna');
	});

	it('cannot be accepted after expiry', () => {
		const token = invite();
		const late = T0 + INVITATION_LIFETIME_SECONDS + 1;
		expect(acceptInvitation(db, token, { name: 'Anna', passwordHash: 'x' }, late)).toBeNull();
		expect(getUserByEmail(db, 'anna@example.com')).toBeNull();
	});

	it('are withdrawn by a newer invitation to the same address', () => {
		const first = invite('anna@example.com', T0);
		const second = invite('ANNA@example.com', T0 + 1);
		expect(getInvitation(db, first, T0 + 2)).toBeNull();
		expect(getInvitation(db, second, T0 + 2)).not.toBeNull();
	});

	it('leave no trace when the email already has an account', () => {
		const token = invite('root@example.com');
		expect(acceptInvitation(db, token, { name: 'Dup', passwordHash: 'x' }, T0)).toBeNull();
		// Rolled back: the invitation is still unused.
		expect(getInvitation(db, token, T0)).not.toBeNull();
	});
});
