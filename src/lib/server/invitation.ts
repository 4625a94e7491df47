import type { Database } from 'better-sqlite3';
import { prepare } from './db';
import { generateToken, hashToken, TOKEN_PATTERN } from './token';
import { getNowSeconds, SECONDS_PER_DAY } from './time';
import {
	checkEmailAvailability,
	createUser,
	isRole,
	normalizeEmail,
	type Role,
	type User,
} from './user';

// Membership is by invitation only. The link carries a random token; only its SHA-256 is stored.
export const INVITATION_LIFETIME_SECONDS = 7 * SECONDS_PER_DAY;

/**
 * Creates an invitation and returns the token for the link (shown once, never stored). Earlier
 * unused invitations to the same address are withdrawn, so only the newest link works.
 * @example const token = createInvitation(db, { email: 'anna@example.com', role: 'member', invitedBy: admin.id, country: 'IT' })
 */
export function createInvitation(
	db: Database,
	input: { email: string; role: Role; invitedBy: number | null; country?: string | null },
	nowSeconds = getNowSeconds(),
): string {
	if (!isRole(input.role)) throw new Error(`Unknown role \`${String(input.role)}\``);
	const token = generateToken();
	const create = db.transaction(() => {
		prepare(
			db,
			'DELETE FROM invitation WHERE invitation.email = ? AND invitation.used_at IS NULL',
		).run(normalizeEmail(input.email));
		prepare(
			db,
			`INSERT INTO invitation (id, email, role, invited_by, country, expires_at, used_at, created_at)
			VALUES (?, ?, ?, ?, ?, ?, NULL, ?)`,
		).run(
			hashToken(token),
			normalizeEmail(input.email),
			input.role,
			input.invitedBy,
			input.country ?? null,
			nowSeconds + INVITATION_LIFETIME_SECONDS,
			nowSeconds,
		);
	});
	create.immediate();
	return token;
}

/**
 * The pending invitation for a link token; `null` when unknown, expired or already used.
 * @example const invitation = getInvitation(db, url.searchParams.get('token') ?? '')
 */
export function getInvitation(
	db: Database,
	token: string,
	nowSeconds = getNowSeconds(),
): Invitation | null {
	if (!TOKEN_PATTERN.test(token)) return null;
	const row = prepare(
		db,
		`SELECT invitation.id, invitation.email, invitation.role, invitation.invited_by,
				invitation.country, invitation.expires_at, invitation.created_at
			FROM invitation
			WHERE invitation.id = ? AND invitation.used_at IS NULL AND invitation.expires_at > ?`,
	).get(hashToken(token), nowSeconds) as InvitationRow | undefined;
	return row ? toInvitation(row) : null;
}

/**
 * Uses an invitation: marks it used and creates the member, in one transaction. `null` when the token
 * is unknown, expired or used (the guarded `UPDATE … WHERE used_at IS NULL` also catches a double
 * submit racing this one), or when the email already has an account. The member gets the
 * invitation's country.
 * @example const user = acceptInvitation(db, token, { name: 'Anna', passwordHash })
 */
export function acceptInvitation(
	db: Database,
	token: string,
	input: { name: string; passwordHash: string; personId?: string | null },
	nowSeconds = getNowSeconds(),
): User | null {
	if (!TOKEN_PATTERN.test(token)) return null;
	const accept = db.transaction((): User | null => {
		const invitation = prepare(
			db,
			`UPDATE invitation SET used_at = ?
				WHERE invitation.id = ? AND invitation.used_at IS NULL AND invitation.expires_at > ?
				RETURNING email, role, country`,
		).get(nowSeconds, hashToken(token), nowSeconds) as
			| { email: string; role: Role; country: string | null }
			| undefined;
		if (!invitation) return null;
		if (!checkEmailAvailability(db, invitation.email)) {
			// Undo the claim so the outcome is the same as if nothing had happened.
			throw new EmailTakenSignal();
		}
		return createUser(
			db,
			{
				email: invitation.email,
				name: input.name,
				passwordHash: input.passwordHash,
				role: invitation.role,
				personId: input.personId ?? null,
				country: invitation.country,
			},
			nowSeconds,
		);
	});
	try {
		return accept.immediate();
	} catch (error) {
		if (error instanceof EmailTakenSignal) return null;
		throw error;
	}
}

/**
 * Uses the pending invitation sent to `email`, if any, for an account made by single sign-on: when
 * passwords are off the invitation link cannot make the account, so the first sign-in with the
 * company account does, with the invitation's role and country. `null` when none is pending.
 * @example claimInvitationByEmail(db, 'anna@example.com')?.country // 'IT'
 */
export function claimInvitationByEmail(
	db: Database,
	email: string,
	nowSeconds = getNowSeconds(),
): { role: Role; country: string | null } | null {
	const row = prepare(
		db,
		`UPDATE invitation SET used_at = ?
			WHERE invitation.email = ? AND invitation.used_at IS NULL AND invitation.expires_at > ?
			RETURNING role, country`,
	).get(nowSeconds, normalizeEmail(email), nowSeconds) as
		| { role: Role; country: string | null }
		| undefined;
	return row ?? null;
}

/**
 * Removes invitations that expired or were used more than `keepSeconds` ago.
 * @example deleteStaleInvitations(db) // 2
 */
export function deleteStaleInvitations(
	db: Database,
	nowSeconds = getNowSeconds(),
	keepSeconds = 30 * SECONDS_PER_DAY,
): number {
	return prepare(db, 'DELETE FROM invitation WHERE invitation.expires_at <= ?').run(
		nowSeconds - keepSeconds,
	).changes;
}

// Thrown inside the transaction only to roll it back; never escapes `acceptInvitation`.
class EmailTakenSignal extends Error {}

function toInvitation(row: InvitationRow): Invitation {
	return {
		id: row.id,
		email: row.email,
		role: row.role,
		invitedBy: row.invited_by,
		country: row.country,
		expiresAt: row.expires_at,
		createdAt: row.created_at,
	};
}

/** A pending invitation; `id` is the token's hash, times are unix seconds. */
export interface Invitation {
	id: string;
	email: string;
	role: Role;
	/** The inviting admin, or `null` for invitations made from the command line. */
	invitedBy: number | null;
	/** The member's country (ISO code) chosen by the inviting admin; `null` for older invitations. */
	country: string | null;
	expiresAt: number;
	createdAt: number;
}

interface InvitationRow {
	id: string;
	email: string;
	role: Role;
	invited_by: number | null;
	country: string | null;
	expires_at: number;
	created_at: number;
}
