import type { Database } from 'better-sqlite3';
import { prepare } from './db';
import { getNowSeconds } from './time';

// Qualified so the same list works in joins (session validation reads user and session in one query).
export const USER_COLUMNS_SQL = `user.id AS user_id, user.email AS user_email, member_name(user.name, user.erased_at) AS user_name,
	user.title AS user_title, user.country AS user_country, user.languages AS user_languages,
	user.phone AS user_phone, user.show_phone AS user_show_phone, user.bio AS user_bio,
	user.photo AS user_photo, user.role AS user_role, user.person_id AS user_person_id,
	user.active AS user_active, user.time_zone AS user_time_zone, user.hq AS user_hq, user.created_at AS user_created_at,
	user.updated_at AS user_updated_at`;

export const ROLES = ['member', 'editor', 'admin'] as const;

/** True for a role name the database accepts. */
export function isRole(value: unknown): value is Role {
	return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/**
 * Maps a row selected with `USER_COLUMNS_SQL` to a `User`.
 * @example toUser(prepare(db, `SELECT ${USER_COLUMNS_SQL} FROM user WHERE user.id = ?`).get(1))
 */
export function toUser(row: UserRow): User {
	return {
		id: row.user_id,
		email: row.user_email,
		name: row.user_name,
		title: row.user_title,
		country: row.user_country,
		languages: JSON.parse(row.user_languages) as string[],
		phone: row.user_phone,
		showPhone: row.user_show_phone === 1,
		bio: row.user_bio,
		photo: row.user_photo,
		role: row.user_role,
		personId: row.user_person_id,
		active: row.user_active === 1,
		timeZone: row.user_time_zone,
		hq: row.user_hq === 1,
		createdAt: row.user_created_at,
		updatedAt: row.user_updated_at,
	};
}

/**
 * The canonical form of an email address: trimmed and lower-cased (the column is NOCASE too).
 * @example normalizeEmail(' Anna@Example.COM ') // 'anna@example.com'
 */
export function normalizeEmail(email: string): string {
	return email.trim().toLowerCase();
}

/**
 * A member by id, active or not; `null` when unknown.
 * @example getUserById(db, 1)?.name
 */
export function getUserById(db: Database, userId: number): User | null {
	const row = prepare(db, `SELECT ${USER_COLUMNS_SQL} FROM user WHERE user.id = ?`).get(userId) as
		| UserRow
		| undefined;
	return row ? toUser(row) : null;
}

/**
 * A member by email (case-insensitive), active or not; `null` when unknown.
 * @example getUserByEmail(db, 'anna@example.com')
 */
export function getUserByEmail(db: Database, email: string): User | null {
	const row = prepare(db, `SELECT ${USER_COLUMNS_SQL} FROM user WHERE user.email = ?`).get(
		normalizeEmail(email),
	) as UserRow | undefined;
	return row ? toUser(row) : null;
}

/**
 * The stored argon2id hash, kept out of `User` so it never reaches a page by accident.
 * @example getUserPasswordHash(db, user.id)
 */
export function getUserPasswordHash(db: Database, userId: number): string | null {
	const row = prepare(db, 'SELECT user.password_hash FROM user WHERE user.id = ?').get(userId) as
		| { password_hash: string }
		| undefined;
	return row?.password_hash ?? null;
}

/**
 * True when no account uses this email yet.
 * @example checkEmailAvailability(db, 'new@example.com') // true
 */
export function checkEmailAvailability(db: Database, email: string): boolean {
	return (
		prepare(db, 'SELECT 1 FROM user WHERE user.email = ?').get(normalizeEmail(email)) === undefined
	);
}

/**
 * Creates a member. Throws on a duplicate email: callers check `checkEmailAvailability` first.
 * @example createUser(db, { email: 'anna@example.com', name: 'Anna', passwordHash, role: 'member' })
 */
export function createUser(db: Database, input: NewUser, nowSeconds = getNowSeconds()): User {
	const row = prepare(
		db,
		`INSERT INTO user (email, name, role, password_hash, person_id, languages, country, active, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?)
			RETURNING ${USER_COLUMNS_SQL}`,
	).get(
		normalizeEmail(input.email),
		input.name.trim(),
		input.role,
		input.passwordHash,
		input.personId ?? null,
		JSON.stringify(input.languages ?? []),
		input.country ?? null,
		nowSeconds,
		nowSeconds,
	) as UserRow;
	return toUser(row);
}

/**
 * Updates the given profile fields (omitted fields keep their value); `null` when the user is unknown.
 * @example updateUserProfile(db, 1, { title: 'Sales coach', showPhone: true })
 */
export function updateUserProfile(
	db: Database,
	userId: number,
	changes: Partial<UserProfile>,
	nowSeconds = getNowSeconds(),
): User | null {
	const update = db.transaction((): User | null => {
		const current = getUserById(db, userId);
		if (!current) return null;
		const next: UserProfile = { ...pickProfile(current), ...stripUndefined(changes) };
		const row = prepare(
			db,
			`UPDATE user SET name = ?, title = ?, country = ?, languages = ?, phone = ?, show_phone = ?,
					bio = ?, photo = ?, time_zone = ?, updated_at = ?
				WHERE user.id = ?
				RETURNING ${USER_COLUMNS_SQL}`,
		).get(
			next.name.trim(),
			next.title,
			next.country,
			JSON.stringify(next.languages),
			next.phone,
			next.showPhone ? 1 : 0,
			next.bio,
			next.photo,
			next.timeZone,
			nowSeconds,
			userId,
		) as UserRow;
		return toUser(row);
	});
	return update.immediate();
}

/**
 * Links the member to a `people` content entry (matched by email by the caller); `null` unlinks.
 * @example setUserPersonId(db, 1, 'anna-schmidt') // true
 */
export function setUserPersonId(db: Database, userId: number, personId: string | null): boolean {
	return (
		prepare(db, 'UPDATE user SET person_id = ?, updated_at = ? WHERE user.id = ?').run(
			personId,
			getNowSeconds(),
			userId,
		).changes > 0
	);
}

/**
 * Sets a new password hash and ends every session of the user in the same transaction, so a stolen
 * session does not survive a password change. The caller creates a fresh session afterwards.
 * @example updateUserPassword(db, 1, await hashPassword(newPassword)) // true
 */
export function updateUserPassword(
	db: Database,
	userId: number,
	passwordHash: string,
	nowSeconds = getNowSeconds(),
): boolean {
	const update = db.transaction((): boolean => {
		const changed = prepare(
			db,
			'UPDATE user SET password_hash = ?, updated_at = ? WHERE user.id = ?',
		).run(passwordHash, nowSeconds, userId).changes;
		prepare(db, 'DELETE FROM session WHERE session.user_id = ?').run(userId);
		return changed > 0;
	});
	return update.immediate();
}

// The guard in SQL keeps at least one active admin, even with two admins demoting each other at once.
const keepsAnAdminSql = `(user.role <> 'admin' OR user.active = 0 OR EXISTS (
	SELECT 1 FROM user AS other WHERE other.role = 'admin' AND other.active = 1 AND other.id <> user.id))`;

/**
 * Changes a member's role; `false` when the user is unknown or it would leave no active admin.
 * @example setUserRole(db, 2, 'editor') // true
 */
export function setUserRole(
	db: Database,
	userId: number,
	role: Role,
	nowSeconds = getNowSeconds(),
): boolean {
	if (!isRole(role)) throw new Error(`Unknown role \`${String(role)}\``);
	return (
		prepare(
			db,
			`UPDATE user SET role = ?, updated_at = ?
				WHERE user.id = ? AND (? = 'admin' OR ${keepsAnAdminSql})`,
		).run(role, nowSeconds, userId, role).changes > 0
	);
}

/**
 * Deactivates a member and ends their sessions in one transaction; `false` when the user is unknown
 * or is the last active admin. The row stays so messages and the audit log keep their author.
 * @example deactivateUser(db, 2) // true
 */
export function deactivateUser(
	db: Database,
	userId: number,
	nowSeconds = getNowSeconds(),
): boolean {
	const deactivate = db.transaction((): boolean => {
		const changed = prepare(
			db,
			`UPDATE user SET active = 0, updated_at = ? WHERE user.id = ? AND ${keepsAnAdminSql}`,
		).run(nowSeconds, userId).changes;
		if (changed === 0) return false;
		prepare(db, 'DELETE FROM session WHERE session.user_id = ?').run(userId);
		return true;
	});
	return deactivate.immediate();
}

/**
 * Lets a deactivated member sign in again; `false` when the user is unknown.
 * @example reactivateUser(db, 2) // true
 */
export function reactivateUser(
	db: Database,
	userId: number,
	nowSeconds = getNowSeconds(),
): boolean {
	return (
		prepare(db, 'UPDATE user SET active = 1, updated_at = ? WHERE user.id = ?').run(
			nowSeconds,
			userId,
		).changes > 0
	);
}

/**
 * True for a time zone the member may choose: an IANA name this runtime knows, or '' (not set).
 * @example isTimeZone('Europe/Paris') // true
 */
export function isTimeZone(value: string): boolean {
	return value === '' || knownTimeZones().has(value);
}

let zones: Set<string> | undefined;
/** Every IANA zone name of this runtime ('UTC' included), for the profile's list. */
export function knownTimeZones(): ReadonlySet<string> {
	zones ??= new Set(['UTC', ...Intl.supportedValuesOf('timeZone')]);
	return zones;
}

/**
 * Members sorted by name; inactive ones only when asked (the admin list).
 * @example listUsers(db, { includeInactive: true })
 */
export function listUsers(db: Database, options: { includeInactive?: boolean } = {}): User[] {
	const rows = prepare(
		db,
		`SELECT ${USER_COLUMNS_SQL} FROM user
			WHERE user.active = 1 OR ? = 1
			ORDER BY user.name COLLATE NOCASE, user.id`,
	).all(options.includeInactive ? 1 : 0) as UserRow[];
	return rows.map(toUser);
}

function pickProfile(user: User): UserProfile {
	const { name, title, country, languages, phone, showPhone, bio, photo, timeZone } = user;
	return { name, title, country, languages, phone, showPhone, bio, photo, timeZone };
}

function stripUndefined<T extends object>(value: T): Partial<T> {
	return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export type Role = (typeof ROLES)[number];

/** A member as pages see it; the password hash is deliberately absent. Times are unix seconds. */
export interface User {
	id: number;
	email: string;
	name: string;
	title: string | null;
	country: string | null;
	/** BCP 47 codes or language names, in the member's order. */
	languages: string[];
	phone: string | null;
	/** Whether other members may see `phone`. */
	showPhone: boolean;
	bio: string | null;
	/** File name of the profile photo under the data dir, or `null`. */
	photo: string | null;
	role: Role;
	/** Slug of the matching `people` content entry, or `null`. */
	personId: string | null;
	active: boolean;
	/** IANA zone the member reads times in ('Europe/Paris'); '' when not set (times in UTC). */
	timeZone: string;
	/** An HQ editor (with role `editor`): reviews case studies of every country. */
	hq: boolean;
	createdAt: number;
	updatedAt: number;
}

/** The fields a member edits on their profile page. */
export type UserProfile = Pick<
	User,
	'name' | 'title' | 'country' | 'languages' | 'phone' | 'showPhone' | 'bio' | 'photo' | 'timeZone'
>;

export interface NewUser {
	email: string;
	name: string;
	passwordHash: string;
	role: Role;
	personId?: string | null;
	languages?: string[];
	/** ISO 3166-1 alpha-2 code, e.g. from the invitation. */
	country?: string | null;
}

export interface UserRow {
	user_id: number;
	user_email: string;
	user_name: string;
	user_title: string | null;
	user_country: string | null;
	user_languages: string;
	user_phone: string | null;
	user_show_phone: number;
	user_bio: string | null;
	user_photo: string | null;
	user_role: Role;
	user_person_id: string | null;
	user_active: number;
	user_time_zone: string;
	user_hq: number;
	user_created_at: number;
	user_updated_at: number;
}

/** Makes an editor an HQ editor (reviews every country), or not. */
export function setUserHq(
	db: Database,
	userId: number,
	hq: boolean,
	nowSeconds = getNowSeconds(),
): void {
	prepare(db, 'UPDATE user SET hq = ?, updated_at = ? WHERE id = ? AND hq <> ?').run(
		hq ? 1 : 0,
		nowSeconds,
		userId,
		hq ? 1 : 0,
	);
}
