// SQL of SCIM Groups: the directory's groups and their members.
import type { Database } from 'better-sqlite3';
import { prepare } from '../db';
import { getNowSeconds } from '../time';

export interface ScimGroup {
	id: number;
	displayName: string;
	externalId: string | null;
	createdAt: number;
	updatedAt: number;
	members: { userId: number; name: string }[];
}

interface GroupRow {
	id: number;
	display_name: string;
	external_id: string | null;
	created_at: number;
	updated_at: number;
}

function listMembers(db: Database, groupId: number): ScimGroup['members'] {
	return (
		prepare(
			db,
			`SELECT user.id AS userId, member_name(user.name, user.erased_at) AS name
				FROM scim_group_member JOIN user ON user.id = scim_group_member.user_id
				WHERE scim_group_member.group_id = ? ORDER BY user.id`,
		).all(groupId) as { userId: number; name: string }[]
	).map((m) => ({ userId: m.userId, name: m.name }));
}

function toGroup(db: Database, row: GroupRow, withMembers: boolean): ScimGroup {
	return {
		id: row.id,
		displayName: row.display_name,
		externalId: row.external_id,
		createdAt: row.created_at,
		updatedAt: row.updated_at,
		members: withMembers ? listMembers(db, row.id) : [],
	};
}

const GROUP_COLUMNS = `scim_group.id, scim_group.display_name, scim_group.external_id,
	scim_group.created_at, scim_group.updated_at`;

/** A group by id; `null` when unknown. */
export function getGroup(db: Database, id: number, withMembers = true): ScimGroup | null {
	const row = prepare(db, `SELECT ${GROUP_COLUMNS} FROM scim_group WHERE scim_group.id = ?`).get(
		id,
	) as GroupRow | undefined;
	return row ? toGroup(db, row, withMembers) : null;
}

/** Groups in id order, optionally those with one display name or external id. */
export function listGroups(
	db: Database,
	query: { displayName?: string; externalId?: string; offset: number; limit: number },
	withMembers: boolean,
): { total: number; groups: ScimGroup[] } {
	const where =
		query.displayName !== undefined
			? 'WHERE scim_group.display_name = ?'
			: query.externalId !== undefined
				? 'WHERE scim_group.external_id = ?'
				: '';
	const args = [query.displayName ?? query.externalId].filter((v) => v !== undefined);
	const total = (
		prepare(db, `SELECT count(*) AS n FROM scim_group ${where}`).get(...args) as { n: number }
	).n;
	const rows = prepare(
		db,
		`SELECT ${GROUP_COLUMNS} FROM scim_group ${where} ORDER BY scim_group.id LIMIT ? OFFSET ?`,
	).all(...args, query.limit, query.offset) as GroupRow[];
	return { total, groups: rows.map((r) => toGroup(db, r, withMembers)) };
}

/** True when another group already has this display name (compared without case). */
export function isDisplayNameTaken(db: Database, name: string, exceptId: number | null): boolean {
	return (
		prepare(
			db,
			'SELECT 1 FROM scim_group WHERE scim_group.display_name = ? AND scim_group.id IS NOT ?',
		).get(name, exceptId) !== undefined
	);
}

export function insertGroup(
	db: Database,
	input: { displayName: string; externalId: string | null },
	nowSeconds = getNowSeconds(),
): number {
	return Number(
		prepare(
			db,
			`INSERT INTO scim_group (display_name, external_id, created_at, updated_at)
				VALUES (?, ?, ?, ?)`,
		).run(input.displayName, input.externalId, nowSeconds, nowSeconds).lastInsertRowid,
	);
}

export function updateGroupNames(
	db: Database,
	id: number,
	input: { displayName: string; externalId: string | null },
	nowSeconds = getNowSeconds(),
): void {
	prepare(
		db,
		`UPDATE scim_group SET display_name = ?, external_id = ?, updated_at = ?
			WHERE scim_group.id = ?`,
	).run(input.displayName, input.externalId, nowSeconds, id);
}

/** Sets the members of a group to exactly `userIds`. */
export function setGroupMembers(
	db: Database,
	id: number,
	userIds: number[],
	nowSeconds = getNowSeconds(),
): void {
	prepare(db, 'DELETE FROM scim_group_member WHERE scim_group_member.group_id = ?').run(id);
	const insert = prepare(
		db,
		'INSERT OR IGNORE INTO scim_group_member (group_id, user_id) VALUES (?, ?)',
	);
	for (const userId of userIds) insert.run(id, userId);
	prepare(db, 'UPDATE scim_group SET updated_at = ? WHERE scim_group.id = ?').run(nowSeconds, id);
}

export function deleteGroup(db: Database, id: number): void {
	prepare(db, 'DELETE FROM scim_group WHERE scim_group.id = ?').run(id);
}

/** The display names of the groups a member is in. */
export function listGroupNamesOf(db: Database, userId: number): string[] {
	return prepare(
		db,
		`SELECT scim_group.display_name FROM scim_group_member
			JOIN scim_group ON scim_group.id = scim_group_member.group_id
			WHERE scim_group_member.user_id = ?`,
	)
		.pluck()
		.all(userId) as string[];
}

/** Which of `ids` are members' ids. */
export function findExistingUserIds(db: Database, ids: number[]): Set<number> {
	const found = new Set<number>();
	const get = prepare(db, 'SELECT 1 FROM user WHERE user.id = ?');
	for (const id of ids) if (get.get(id) !== undefined) found.add(id);
	return found;
}
