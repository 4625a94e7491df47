// SCIM 2.0 Groups (RFC 7643 §4.2, RFC 7644), the subset Entra ID and Okta use to push group
// membership: list (filter displayName/externalId eq), get, create, replace, patch members (add,
// remove — by value list or Okta's `members[value eq "…"]` path — replace) and displayName, delete.
// A group whose display name is in OIDC_ADMIN_GROUPS, OIDC_EDITOR_GROUPS or OIDC_HQ_GROUPS gives
// roles the way the ID token's groups do: each change to such a group sets its members' role again
// from all the groups they are in. Groups outside the mapping are kept and change no role.
import { getOidcConfig, getPortalUrl } from '../../config';
import { recordAudit } from '../audit';
import type { CommandContext } from '../context';
import { hasRoleMapping, mapGroups } from '../sso/commands';
import { getUserById, setUserHq, setUserRole } from '../user';
import { LIST_SCHEMA, readPatchOperations, scimError, type ScimResponse } from './commands';
import {
	deleteGroup,
	findExistingUserIds,
	getGroup,
	insertGroup,
	isDisplayNameTaken,
	listGroupNamesOf,
	listGroups,
	setGroupMembers,
	updateGroupNames,
	type ScimGroup,
} from './group-store';

export const SCIM_GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';

/** A group as a SCIM Group resource (`members` left out when the directory asked so). */
export function toScimGroup(group: ScimGroup, withMembers = true): object {
	const iso = (s: number) => new Date(s * 1000).toISOString();
	const base = getPortalUrl();
	return {
		schemas: [SCIM_GROUP_SCHEMA],
		id: String(group.id),
		displayName: group.displayName,
		...(group.externalId ? { externalId: group.externalId } : {}),
		...(withMembers
			? {
					members: group.members.map((m) => ({
						value: String(m.userId),
						display: m.name,
						$ref: `${base}/scim/v2/Users/${m.userId}`,
					})),
				}
			: {}),
		meta: {
			resourceType: 'Group',
			created: iso(group.createdAt),
			lastModified: iso(group.updatedAt),
			location: `${base}/scim/v2/Groups/${group.id}`,
		},
	};
}

const readId = (id: string) => (/^\d{1,15}$/.test(id) ? Number(id) : null);

/** GET /Groups: a page of groups, or the one with `displayName eq "…"` / `externalId eq "…"`. */
export function listScimGroups(
	ctx: CommandContext,
	query: {
		filter: string | null;
		startIndex: string | null;
		count: string | null;
		excludedAttributes: string | null;
	},
): ScimResponse {
	const startIndex = Math.max(1, Number(query.startIndex) || 1);
	const count = Math.min(200, Math.max(0, Number(query.count ?? 100) || 0));
	const withMembers = !/(^|,)\s*members\s*(,|$)/i.test(query.excludedAttributes ?? '');
	let by: { displayName?: string; externalId?: string } = {};
	if (query.filter) {
		const match = /^\s*(displayName|externalId)\s+eq\s+"((?:[^"\\]|\\.)*)"\s*$/i.exec(query.filter);
		if (!match)
			return scimError(
				400,
				'Only the filters displayName eq "…" and externalId eq "…" are supported.',
				'invalidFilter',
			);
		const value = match[2]!.replace(/\\(.)/g, '$1');
		by = /^displayName$/i.test(match[1]!) ? { displayName: value } : { externalId: value };
	}
	const { total, groups } = listGroups(
		ctx.db,
		{ ...by, offset: startIndex - 1, limit: count },
		withMembers,
	);
	return {
		status: 200,
		body: {
			schemas: [LIST_SCHEMA],
			totalResults: total,
			startIndex,
			itemsPerPage: groups.length,
			Resources: groups.map((g) => toScimGroup(g, withMembers)),
		},
	};
}

/** GET /Groups/:id */
export function getScimGroup(
	ctx: CommandContext,
	id: string,
	excludedAttributes: string | null = null,
): ScimResponse {
	const groupId = readId(id);
	const group = groupId === null ? null : getGroup(ctx.db, groupId);
	if (!group) return scimError(404, 'No such group.');
	const withMembers = !/(^|,)\s*members\s*(,|$)/i.test(excludedAttributes ?? '');
	return { status: 200, body: toScimGroup(group, withMembers) };
}

interface GroupInput {
	displayName?: string;
	externalId?: string | null;
	members?: number[];
}

function readDisplayName(value: unknown): string | ScimResponse {
	if (typeof value !== 'string' || !value.trim() || [...value.trim()].length > 200)
		return scimError(
			400,
			'displayName must be a non-empty text of 200 characters at most.',
			'invalidValue',
		);
	return value.trim();
}

/** The member ids of a `members` value: `[{ value: "12" }, …]`. */
function readMemberIds(value: unknown): number[] | ScimResponse {
	if (value === null || value === undefined) return [];
	const list = Array.isArray(value) ? value : [value];
	const ids: number[] = [];
	for (const item of list) {
		const raw = (item as Record<string, unknown> | null)?.value;
		const id = typeof raw === 'string' || typeof raw === 'number' ? readId(String(raw)) : null;
		if (id === null)
			return scimError(400, 'members must be a list of { "value": "<user id>" }.', 'invalidValue');
		ids.push(id);
	}
	return ids;
}

function readGroupBody(body: unknown): GroupInput | ScimResponse {
	if (!body || typeof body !== 'object')
		return scimError(400, 'The body must be a JSON object.', 'invalidSyntax');
	const b = body as Record<string, unknown>;
	const input: GroupInput = {};
	if (b.displayName !== undefined) {
		const name = readDisplayName(b.displayName);
		if (typeof name !== 'string') return name;
		input.displayName = name;
	}
	if (b.externalId !== undefined)
		input.externalId = typeof b.externalId === 'string' && b.externalId ? b.externalId : null;
	if (b.members !== undefined) {
		const ids = readMemberIds(b.members);
		if (!Array.isArray(ids)) return ids;
		input.members = ids;
	}
	return input;
}

const isError = (v: unknown): v is ScimResponse =>
	typeof v === 'object' && v !== null && 'status' in v && 'body' in v;

/**
 * Writes a group's new state (names, members) in one transaction with the roles it gives and the
 * audit entries, then answers the group.
 */
function saveGroup(
	ctx: CommandContext,
	before: ScimGroup | null,
	next: { displayName: string; externalId: string | null; members: number[] },
	status: number,
): ScimResponse {
	const unknown = next.members.filter((id) => !findExistingUserIds(ctx.db, [id]).has(id));
	if (unknown.length)
		return scimError(400, `No user with id ${unknown.join(', ')}.`, 'invalidValue');
	if (isDisplayNameTaken(ctx.db, next.displayName, before?.id ?? null))
		return scimError(409, 'A group with this displayName exists already.', 'uniqueness');
	const id = ctx.db
		.transaction((): number => {
			const groupId =
				before?.id ??
				insertGroup(ctx.db, { displayName: next.displayName, externalId: next.externalId });
			if (before) updateGroupNames(ctx.db, groupId, next);
			setGroupMembers(ctx.db, groupId, next.members);
			const previous = new Set(before?.members.map((m) => m.userId) ?? []);
			const now = new Set(next.members);
			const added = next.members.filter((u) => !previous.has(u));
			const removed = [...previous].filter((u) => !now.has(u));
			const renamed = before !== null && before.displayName !== next.displayName;
			const changes = [
				...(renamed ? [`renamed from ${before.displayName}`] : []),
				...(added.length ? [`added user:${added.join(', user:')}`] : []),
				...(removed.length ? [`removed user:${removed.join(', user:')}`] : []),
			];
			if (!before || changes.length)
				recordAudit(ctx.db, {
					actorId: null,
					action: before ? 'scim-group-update' : 'scim-group-create',
					target: `group:${next.displayName}`,
					ip: ctx.ip,
					detail: changes.join('; ') || null,
				});
			// A rename moves every member into or out of a mapped group; otherwise only those who came or went.
			const affected = renamed ? [...new Set([...previous, ...now])] : [...added, ...removed];
			if (isMapped([next.displayName, before?.displayName])) applyGroupRoles(ctx, affected);
			return groupId;
		})
		.immediate();
	return {
		status,
		body: toScimGroup(getGroup(ctx.db, id)!),
		headers: status === 201 ? { Location: `${getPortalUrl()}/scim/v2/Groups/${id}` } : undefined,
	};
}

/** Whether any of these group names is in the group → role mapping. */
function isMapped(names: (string | undefined)[]): boolean {
	const oidc = getOidcConfig();
	if (!oidc || !hasRoleMapping(oidc)) return false;
	const mapped = [...oidc.adminGroups, ...oidc.editorGroups, ...oidc.hqGroups];
	return names.some((n) => n !== undefined && mapped.includes(n));
}

/**
 * Sets each member's role and HQ mark from all the SCIM groups they are in, like a sign-in does
 * from the ID token's groups; the last active admin keeps their role (the portal keeps one).
 */
function applyGroupRoles(ctx: CommandContext, userIds: number[]): void {
	const oidc = getOidcConfig();
	if (!oidc) return;
	for (const userId of userIds) {
		const user = getUserById(ctx.db, userId);
		if (!user) continue;
		const mapped = mapGroups(oidc, listGroupNamesOf(ctx.db, userId));
		if (user.role === mapped.role && user.hq === mapped.hq) continue;
		if (user.role !== mapped.role && !setUserRole(ctx.db, userId, mapped.role)) continue;
		setUserHq(ctx.db, userId, mapped.hq);
		recordAudit(ctx.db, {
			actorId: null,
			action: 'role-change',
			target: `user:${userId}`,
			ip: ctx.ip,
			detail: `${user.role}${user.hq ? ' (HQ)' : ''} → ${mapped.role}${mapped.hq ? ' (HQ)' : ''} (from the directory's groups)`,
		});
	}
}

/** POST /Groups */
export function createScimGroup(ctx: CommandContext, body: unknown): ScimResponse {
	const input = readGroupBody(body);
	if (isError(input)) return input;
	if (!input.displayName) return scimError(400, 'displayName is required.', 'invalidValue');
	return saveGroup(
		ctx,
		null,
		{
			displayName: input.displayName,
			externalId: input.externalId ?? null,
			members: input.members ?? [],
		},
		201,
	);
}

/** PUT /Groups/:id: displayName, externalId and members replaced by the body's. */
export function replaceScimGroup(ctx: CommandContext, id: string, body: unknown): ScimResponse {
	const groupId = readId(id);
	const group = groupId === null ? null : getGroup(ctx.db, groupId);
	if (!group) return scimError(404, 'No such group.');
	const input = readGroupBody(body);
	if (isError(input)) return input;
	return saveGroup(
		ctx,
		group,
		{
			displayName: input.displayName ?? group.displayName,
			externalId: input.externalId !== undefined ? input.externalId : group.externalId,
			members: input.members ?? [],
		},
		200,
	);
}

/** PATCH /Groups/:id: a PatchOp of add / remove / replace on members, displayName, externalId. */
export function patchScimGroup(ctx: CommandContext, id: string, body: unknown): ScimResponse {
	const groupId = readId(id);
	const group = groupId === null ? null : getGroup(ctx.db, groupId);
	if (!group) return scimError(404, 'No such group.');
	const operations = readPatchOperations(body);
	if (!Array.isArray(operations)) return operations;
	let displayName = group.displayName;
	let externalId = group.externalId;
	const members = new Set(group.members.map((m) => m.userId));
	for (const raw of operations) {
		const op = String(raw?.op ?? '').toLowerCase();
		const path = typeof raw?.path === 'string' ? raw.path.trim() : '';
		// Okta removes one member with a filter in the path.
		const one = /^members\[\s*value\s+eq\s+"([^"]*)"\s*\]$/i.exec(path);
		if (op === 'remove' && one) {
			const userId = readId(one[1]!);
			if (userId !== null) members.delete(userId);
		} else if (/^members$/i.test(path) && ['add', 'remove', 'replace'].includes(op)) {
			if (op === 'remove' && (raw.value === undefined || raw.value === null)) {
				members.clear();
				continue;
			}
			const ids = readMemberIds(raw.value);
			if (isError(ids)) return ids;
			if (op === 'replace') members.clear();
			for (const userId of ids)
				if (op === 'remove') members.delete(userId);
				else members.add(userId);
		} else if (/^displayName$/i.test(path) && (op === 'replace' || op === 'add')) {
			const name = readDisplayName(raw.value);
			if (isError(name)) return name;
			displayName = name;
		} else if (/^externalId$/i.test(path) && op !== 'remove') {
			externalId = typeof raw.value === 'string' && raw.value ? raw.value : null;
		} else if (!path && (op === 'replace' || op === 'add')) {
			const input = readGroupBody(raw.value);
			if (isError(input)) return input;
			if (input.displayName) displayName = input.displayName;
			if (input.externalId !== undefined) externalId = input.externalId;
			if (input.members) {
				if (op === 'replace') members.clear();
				for (const userId of input.members) members.add(userId);
			}
		} else
			return scimError(
				400,
				`Operation "${String(raw?.op)}" on "${path}" is not supported here.`,
				'invalidPath',
			);
	}
	return saveGroup(ctx, group, { displayName, externalId, members: [...members] }, 200);
}

/** DELETE /Groups/:id: the group goes; its members' roles are set again from their other groups. */
export function deleteScimGroup(ctx: CommandContext, id: string): ScimResponse {
	const groupId = readId(id);
	const group = groupId === null ? null : getGroup(ctx.db, groupId);
	if (!group) return scimError(404, 'No such group.');
	ctx.db
		.transaction(() => {
			deleteGroup(ctx.db, group.id);
			recordAudit(ctx.db, {
				actorId: null,
				action: 'scim-group-delete',
				target: `group:${group.displayName}`,
				ip: ctx.ip,
				detail: group.members.length ? `${group.members.length} members` : null,
			});
			if (isMapped([group.displayName]))
				applyGroupRoles(
					ctx,
					group.members.map((m) => m.userId),
				);
		})
		.immediate();
	return { status: 204, body: null };
}
