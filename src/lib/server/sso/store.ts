// SQL of single sign-on: sign-ins under way, provider identities linked to members, the ID token
// kept with an SSO session for RP-initiated logout.
import type { Database } from 'better-sqlite3';
import { prepare } from '../db';
import { hashToken } from '../token';
import { getNowSeconds } from '../time';
import { createUser, type Role, type User } from '../user';

/** Remembers a sign-in under way; the row is keyed by the state's hash, like sessions. */
export function saveOidcLogin(
	db: Database,
	login: { state: string; nonce: string; codeVerifier: string; next: string; lang: string },
	nowSeconds = getNowSeconds(),
): void {
	// Abandoned sign-ins go with the next one; ten minutes is the most a sign-in may take.
	prepare(db, 'DELETE FROM oidc_login WHERE oidc_login.created_at < ?').run(nowSeconds - 600);
	prepare(
		db,
		'INSERT INTO oidc_login (state_hash, nonce, code_verifier, next, lang, created_at) VALUES (?, ?, ?, ?, ?, ?)',
	).run(
		hashToken(login.state),
		login.nonce,
		login.codeVerifier,
		login.next,
		login.lang,
		nowSeconds,
	);
}

/**
 * Takes a sign-in under way by its state, deleting it: a state works once, a replay finds nothing.
 * @example consumeOidcLogin(db, state)?.nonce
 */
export function consumeOidcLogin(
	db: Database,
	state: string,
): { nonce: string; codeVerifier: string; next: string; lang: string; createdAt: number } | null {
	const row = prepare(
		db,
		`DELETE FROM oidc_login WHERE oidc_login.state_hash = ?
			RETURNING nonce, code_verifier, next, lang, created_at`,
	).get(hashToken(state)) as
		| { nonce: string; code_verifier: string; next: string; lang: string; created_at: number }
		| undefined;
	return row
		? {
				nonce: row.nonce,
				codeVerifier: row.code_verifier,
				next: row.next,
				lang: row.lang,
				createdAt: row.created_at,
			}
		: null;
}

/** The member linked to a provider account; `null` when none is. */
export function findLinkedUserId(db: Database, issuer: string, subject: string): number | null {
	const row = prepare(
		db,
		'SELECT oidc_identity.user_id FROM oidc_identity WHERE oidc_identity.issuer = ? AND oidc_identity.subject = ?',
	).get(issuer, subject) as { user_id: number } | undefined;
	return row?.user_id ?? null;
}

/** Links a provider account to a member. */
export function linkIdentity(
	db: Database,
	identity: { issuer: string; subject: string; userId: number },
	nowSeconds = getNowSeconds(),
): void {
	prepare(
		db,
		'INSERT INTO oidc_identity (issuer, subject, user_id, created_at) VALUES (?, ?, ?, ?)',
	).run(identity.issuer, identity.subject, identity.userId, nowSeconds);
}

/**
 * A member made from the provider's claims. No usable password: the empty hash matches nothing, so
 * the password form refuses them until they choose one through a reset link (if passwords are on).
 */
export function createSsoUser(
	db: Database,
	input: {
		email: string;
		name: string;
		country: string;
		role: Role;
		hq: boolean;
		languages: string[];
	},
): User {
	const user = createUser(db, {
		email: input.email,
		name: input.name,
		role: input.role,
		passwordHash: '',
		country: input.country,
		languages: input.languages,
	});
	if (input.hq) prepare(db, 'UPDATE user SET hq = 1 WHERE user.id = ?').run(user.id);
	return { ...user, hq: input.hq };
}

/** Applies the role and HQ mark the groups give; a description of the change, or `null` if none. */
export function syncRoleFromGroups(
	db: Database,
	user: User,
	mapped: { role: Role; hq: boolean },
	nowSeconds = getNowSeconds(),
): string | null {
	if (user.role === mapped.role && user.hq === mapped.hq) return null;
	prepare(db, 'UPDATE user SET role = ?, hq = ?, updated_at = ? WHERE user.id = ?').run(
		mapped.role,
		mapped.hq ? 1 : 0,
		nowSeconds,
		user.id,
	);
	return `${user.role}${user.hq ? ' (HQ)' : ''} → ${mapped.role}${mapped.hq ? ' (HQ)' : ''}`;
}

/** Sets the country the provider's claims give. */
export function setCountryFromClaims(
	db: Database,
	userId: number,
	country: string,
	nowSeconds = getNowSeconds(),
): void {
	prepare(db, 'UPDATE user SET country = ?, updated_at = ? WHERE user.id = ?').run(
		country,
		nowSeconds,
		userId,
	);
}

/** Keeps the ID token with its session, only as `id_token_hint` for the provider's logout. */
export function setSessionIdToken(db: Database, sessionId: string, idToken: string): void {
	prepare(db, 'UPDATE session SET oidc_id_token = ? WHERE session.id = ?').run(idToken, sessionId);
}

/** The ID token an SSO session was opened with; `null` for password sessions. */
export function getSessionIdToken(db: Database, sessionId: string): string | null {
	const row = prepare(db, 'SELECT session.oidc_id_token FROM session WHERE session.id = ?').get(
		sessionId,
	) as { oidc_id_token: string | null } | undefined;
	return row?.oidc_id_token ?? null;
}
