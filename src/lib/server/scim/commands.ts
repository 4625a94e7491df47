// SCIM 2.0 provisioning of members (RFC 7643/7644, the subset directories such as Entra ID and
// Okta use): create, read, find by userName, replace, patch, deactivate. The directory is the actor:
// it authenticates with SCIM_TOKEN, and deactivating someone ends their sessions in the same
// transaction, so a leaver's open browser is signed out at its next request.
import crypto from 'node:crypto';
import { getPortalUrl, getScimToken } from '../../config';
import { isEmail } from '../../forms';
import { isCountryCode } from '../../taxonomy';
import { recordAudit } from '../audit';
import type { CommandContext } from '../context';
import { prepare } from '../db';
import { consumeToken, scimBucket } from '../rate-limit';
import {
	checkEmailAvailability,
	createUser,
	deactivateUser,
	getUserByEmail,
	getUserById,
	reactivateUser,
	updateUserProfile,
	type User,
} from '../user';
import { getNowSeconds } from '../time';

export const SCIM_USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';
export const LIST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
export const PATCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

/** A SCIM answer: status and JSON body (`null`: 204 No Content). */
export interface ScimResponse {
	status: number;
	body: object | null;
	headers?: Record<string, string>;
}

export function scimError(status: number, detail: string, scimType?: string): ScimResponse {
	return {
		status,
		body: {
			schemas: [ERROR_SCHEMA],
			status: String(status),
			...(scimType ? { scimType } : {}),
			detail,
		},
	};
}

/**
 * Checks the bearer token in constant time (hashes compared, so lengths leak nothing either) and
 * takes the rate limit; a SCIM error to answer, or `null` to go on.
 */
export function authorizeScim(
	ctx: CommandContext,
	authorization: string | null,
): ScimResponse | null {
	const expected = getScimToken();
	if (!expected) return scimError(404, 'SCIM provisioning is not configured on this portal.');
	const given = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1] ?? '';
	const digest = (v: string) => crypto.createHash('sha256').update(v).digest();
	if (!crypto.timingSafeEqual(digest(given), digest(expected))) {
		return {
			...scimError(401, 'A valid bearer token is required.'),
			headers: { 'WWW-Authenticate': 'Bearer' },
		};
	}
	if (!consumeToken(ctx.db, scimBucket, 'directory'))
		return {
			...scimError(429, 'Too many requests: slow down.'),
			headers: { 'Retry-After': String(scimBucket.refillIntervalSeconds) },
		};
	return null;
}

/** A member as a SCIM User resource. */
export function toScimUser(user: User): object {
	const iso = (s: number) => new Date(s * 1000).toISOString();
	return {
		schemas: [SCIM_USER_SCHEMA],
		id: String(user.id),
		userName: user.email,
		name: { formatted: user.name },
		displayName: user.name,
		emails: [{ value: user.email, type: 'work', primary: true }],
		active: user.active,
		...(user.country
			? { addresses: [{ type: 'work', country: user.country, primary: true }] }
			: {}),
		meta: {
			resourceType: 'User',
			created: iso(user.createdAt),
			lastModified: iso(user.updatedAt),
			location: `${getPortalUrl()}/scim/v2/Users/${user.id}`,
		},
	};
}

interface ScimUserInput {
	userName?: string;
	name?: string;
	active?: boolean;
	country?: string | null;
}

/** The fields the portal keeps from a SCIM User body; a SCIM error for a bad one. */
function readUserBody(body: unknown): ScimUserInput | ScimResponse {
	if (!body || typeof body !== 'object')
		return scimError(400, 'The body must be a JSON object.', 'invalidSyntax');
	const b = body as Record<string, unknown>;
	const input: ScimUserInput = {};
	if (b.userName !== undefined) {
		if (typeof b.userName !== 'string' || !isEmail(b.userName.trim()))
			return scimError(400, 'userName must be the member’s email address.', 'invalidValue');
		input.userName = b.userName.trim().toLowerCase();
	}
	const name = b.name as Record<string, unknown> | undefined;
	const formatted =
		(typeof name?.formatted === 'string' && name.formatted.trim()) ||
		[name?.givenName, name?.familyName]
			.filter((v) => typeof v === 'string' && v.trim())
			.join(' ') ||
		(typeof b.displayName === 'string' && b.displayName.trim()) ||
		'';
	if (formatted) input.name = [...formatted].slice(0, 100).join('');
	if (b.active !== undefined) {
		const active = readBoolean(b.active);
		if (active === null) return scimError(400, 'active must be true or false.', 'invalidValue');
		input.active = active;
	}
	if (b.addresses !== undefined) {
		const first = Array.isArray(b.addresses)
			? (b.addresses[0] as Record<string, unknown> | undefined)
			: undefined;
		const country = readCountry(first?.country);
		if (country === undefined)
			return scimError(
				400,
				'addresses[0].country must be an ISO 3166-1 alpha-2 code the portal knows.',
				'invalidValue',
			);
		input.country = country;
	}
	return input;
}

// Entra ID sends booleans as the strings "True"/"False" in PATCH.
function readBoolean(value: unknown): boolean | null {
	if (typeof value === 'boolean') return value;
	if (typeof value === 'string' && /^(true|false)$/i.test(value))
		return value.toLowerCase() === 'true';
	return null;
}

function readCountry(value: unknown): string | null | undefined {
	if (value === null || value === '') return null;
	if (typeof value !== 'string') return undefined;
	const code = value.trim().toUpperCase();
	return isCountryCode(code) ? code : undefined;
}

const isError = (v: ScimUserInput | ScimResponse): v is ScimResponse =>
	'status' in v && 'body' in v;

/** POST /Users: a new member (role member; they sign in with single sign-on, linked by email). */
export function createScimUser(ctx: CommandContext, body: unknown): ScimResponse {
	const input = readUserBody(body);
	if (isError(input)) return input;
	if (!input.userName)
		return scimError(400, 'userName (the email address) is required.', 'invalidValue');
	if (!checkEmailAvailability(ctx.db, input.userName))
		return scimError(409, 'A member with this userName exists already.', 'uniqueness');
	const user = ctx.db
		.transaction((): User => {
			const created = createUser(ctx.db, {
				email: input.userName!,
				name: input.name ?? input.userName!.split('@')[0]!,
				role: 'member',
				passwordHash: '',
				country: input.country ?? null,
			});
			if (input.active === false) deactivateUser(ctx.db, created.id);
			recordAudit(ctx.db, {
				actorId: null,
				action: 'scim-create',
				target: created.email,
				ip: ctx.ip,
				detail: input.active === false ? 'inactive' : null,
			});
			return getUserById(ctx.db, created.id)!;
		})
		.immediate();
	return {
		status: 201,
		body: toScimUser(user),
		headers: { Location: `${getPortalUrl()}/scim/v2/Users/${user.id}` },
	};
}

/** GET /Users/:id */
export function getScimUser(ctx: CommandContext, id: string): ScimResponse {
	const user = /^\d{1,15}$/.test(id) ? getUserById(ctx.db, Number(id)) : null;
	return user ? { status: 200, body: toScimUser(user) } : scimError(404, 'No such user.');
}

/** GET /Users?filter=userName eq "x" (the one filter directories need), or a page of everyone. */
export function listScimUsers(
	ctx: CommandContext,
	query: { filter: string | null; startIndex: string | null; count: string | null },
): ScimResponse {
	let users: User[];
	let total: number;
	const startIndex = Math.max(1, Number(query.startIndex) || 1);
	const count = Math.min(200, Math.max(0, Number(query.count ?? 100) || 0));
	if (query.filter) {
		const match = /^\s*userName\s+eq\s+"((?:[^"\\]|\\.)*)"\s*$/i.exec(query.filter);
		if (!match)
			return scimError(400, 'Only the filter userName eq "…" is supported.', 'invalidFilter');
		const user = getUserByEmail(ctx.db, match[1]!.replace(/\\(.)/g, '$1'));
		users = user && startIndex === 1 && count > 0 ? [user] : [];
		total = user ? 1 : 0;
	} else {
		total = (prepare(ctx.db, 'SELECT count(*) AS n FROM user').get() as { n: number }).n;
		const ids = prepare(ctx.db, 'SELECT user.id FROM user ORDER BY user.id LIMIT ? OFFSET ?')
			.pluck()
			.all(count, startIndex - 1) as number[];
		users = ids.map((id) => getUserById(ctx.db, id)!);
	}
	return {
		status: 200,
		body: {
			schemas: [LIST_SCHEMA],
			totalResults: total,
			startIndex,
			itemsPerPage: users.length,
			Resources: users.map(toScimUser),
		},
	};
}

/** PUT /Users/:id: the fields given replace the member's; PATCH /Users/:id: the operations' fields. */
export function updateScimUser(
	ctx: CommandContext,
	id: string,
	body: unknown,
	mode: 'put' | 'patch',
): ScimResponse {
	const user = /^\d{1,15}$/.test(id) ? getUserById(ctx.db, Number(id)) : null;
	if (!user) return scimError(404, 'No such user.');
	const input = mode === 'put' ? readUserBody(body) : readPatch(body);
	if (isError(input)) return input;
	if (
		input.userName &&
		input.userName !== user.email &&
		!checkEmailAvailability(ctx.db, input.userName)
	)
		return scimError(409, 'A member with this userName exists already.', 'uniqueness');
	const changes: string[] = [];
	const result = ctx.db
		.transaction((): ScimResponse | null => {
			if (input.userName && input.userName !== user.email) {
				prepare(ctx.db, 'UPDATE user SET email = ?, updated_at = ? WHERE user.id = ?').run(
					input.userName,
					getNowSeconds(),
					user.id,
				);
				changes.push(`email ${user.email} → ${input.userName}`);
			}
			const profile: { name?: string; country?: string | null } = {};
			if (input.name && input.name !== user.name) profile.name = input.name;
			if (input.country !== undefined && input.country !== user.country)
				profile.country = input.country;
			if (Object.keys(profile).length) {
				updateUserProfile(ctx.db, user.id, profile);
				changes.push(Object.keys(profile).join(', '));
			}
			if (input.active === false && user.active) {
				if (!deactivateUser(ctx.db, user.id))
					return scimError(
						400,
						'This is the last active admin: the portal keeps one.',
						'mutability',
					);
				recordAudit(ctx.db, {
					actorId: null,
					action: 'deactivate',
					target: input.userName ?? user.email,
					ip: ctx.ip,
					detail: 'SCIM: sessions ended',
				});
			} else if (input.active === true && !user.active) {
				reactivateUser(ctx.db, user.id);
				recordAudit(ctx.db, {
					actorId: null,
					action: 'deactivate',
					target: input.userName ?? user.email,
					ip: ctx.ip,
					// The audit page shows this detail as a reactivation.
					detail: 'reactivated',
				});
			}
			if (changes.length)
				recordAudit(ctx.db, {
					actorId: null,
					action: 'scim-update',
					target: input.userName ?? user.email,
					ip: ctx.ip,
					detail: changes.join('; '),
				});
			return null;
		})
		.immediate();
	return result ?? { status: 200, body: toScimUser(getUserById(ctx.db, user.id)!) };
}

/** DELETE /Users/:id: the member is deactivated (their posts keep an author), sessions end now. */
export function deleteScimUser(ctx: CommandContext, id: string): ScimResponse {
	const answer = updateScimUser(ctx, id, { active: false }, 'put');
	return answer.status === 200 ? { status: 204, body: null } : answer;
}

/** The operations of a PatchOp body (Users and Groups alike), or the 400 a malformed one gets. */
export function readPatchOperations(body: unknown): Record<string, unknown>[] | ScimResponse {
	const b = body as Record<string, unknown> | null;
	if (
		!b ||
		!Array.isArray(b.schemas) ||
		!b.schemas.includes(PATCH_SCHEMA) ||
		!Array.isArray(b.Operations)
	)
		return scimError(400, 'The body must be a PatchOp with Operations.', 'invalidSyntax');
	return b.Operations as Record<string, unknown>[];
}

/** The PatchOp operations the portal understands, as the fields they set. */
function readPatch(body: unknown): ScimUserInput | ScimResponse {
	const operations = readPatchOperations(body);
	if (!Array.isArray(operations)) return operations;
	const merged: Record<string, unknown> = {};
	for (const raw of operations) {
		const op = String(raw?.op ?? '').toLowerCase();
		if (op !== 'replace' && op !== 'add')
			return scimError(
				400,
				`Operation "${String(raw?.op)}" is not supported here.`,
				'invalidValue',
			);
		const path = typeof raw.path === 'string' ? raw.path.trim() : '';
		if (!path) {
			if (!raw.value || typeof raw.value !== 'object')
				return scimError(400, 'A replace without path needs an object value.', 'invalidValue');
			Object.assign(merged, raw.value);
		} else if (/^active$/i.test(path)) merged.active = raw.value;
		else if (/^userName$/i.test(path)) merged.userName = raw.value;
		else if (/^displayName$/i.test(path)) merged.displayName = raw.value;
		else if (/^name\.formatted$/i.test(path)) merged.name = { formatted: raw.value };
		else if (/^addresses(\[[^\]]*\])?\.country$/i.test(path))
			merged.addresses = [{ country: raw.value }];
		else return scimError(400, `Path "${path}" cannot be changed here.`, 'invalidPath');
	}
	return readUserBody(merged);
}
