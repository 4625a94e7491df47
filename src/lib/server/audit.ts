import type { Database } from 'better-sqlite3';
import { prepare } from './db';
import { getNowSeconds } from './time';

// Security-relevant events, kept for admins. Actions are checked here rather than by a SQL CHECK so
// adding one needs no table rebuild.
export const AUDIT_ACTIONS = [
	'sign-in',
	'sign-in-failed',
	'sign-out',
	'invite',
	'role-change',
	'deactivate',
	'password-reset',
	'password-change',
	'feed-token-regenerate',
	'feed-token-revoke',
	'practice-confirm',
	'practice-retire',
	// The adoption loop (answers/): focal points named and removed, countries' answers, and the
	// country an admin sets on a member (who answers for which country depends on it).
	'focal-point-name',
	'focal-point-remove',
	'country-answer',
	'member-country',
	'request-post',
	'request-answer',
	'search-miss-dismiss',
	'search-miss-request',
	// Privacy duties (privacy/): a member's data downloaded (by them or an admin), a member erased.
	// An erasure entry says who erased whom (by id), never what was erased.
	'privacy-export',
	'privacy-erase',
	// Single sign-on and SCIM provisioning: accounts the provider created or linked, refused sign-ins.
	'sso-account-create',
	'sso-account-link',
	'sso-refused',
	'scim-create',
	'scim-update',
	'scim-group-create',
	'scim-group-update',
	'scim-group-delete',
] as const;

/**
 * Appends an audit entry and returns its id. An unknown action throws (a bug in the caller).
 * @example recordAudit(db, { actorId: admin.id, action: 'role-change', target: `user:${id}`, ip, detail: 'member → editor' })
 */
export function recordAudit(
	db: Database,
	entry: NewAuditEntry,
	nowSeconds = getNowSeconds(),
): number {
	if (!(AUDIT_ACTIONS as readonly string[]).includes(entry.action)) {
		throw new Error(`Unknown audit action \`${entry.action}\``);
	}
	const result = prepare(
		db,
		'INSERT INTO audit_log (at, actor_id, action, target, ip, detail) VALUES (?, ?, ?, ?, ?, ?)',
	).run(
		nowSeconds,
		entry.actorId ?? null,
		entry.action,
		entry.target ?? null,
		entry.ip ?? null,
		entry.detail ?? null,
	);
	return Number(result.lastInsertRowid);
}

/**
 * Newest entries first, with the actor's name. Page with `before`: the id of the last entry shown
 * (ids grow with time and, unlike `at`, never tie).
 * @example listAudit(db, { limit: 50, before: page.at(-1)?.id })
 */
export function listAudit(
	db: Database,
	options: { limit?: number; before?: number | null } = {},
): AuditEntry[] {
	const limit = Math.min(Math.max(Math.trunc(options.limit ?? 50), 1), 500);
	const rows = prepare(
		db,
		`SELECT audit_log.id, audit_log.at, audit_log.actor_id, member_name(user.name, user.erased_at) AS actor_name, audit_log.action,
				audit_log.target, audit_log.ip, audit_log.detail
			FROM audit_log LEFT JOIN user ON user.id = audit_log.actor_id
			WHERE audit_log.id < ?
			ORDER BY audit_log.id DESC
			LIMIT ?`,
	).all(options.before ?? Number.MAX_SAFE_INTEGER, limit) as AuditRow[];
	return rows.map((row) => ({
		id: row.id,
		at: row.at,
		actorId: row.actor_id,
		actorName: row.actor_name,
		action: row.action,
		target: row.target,
		ip: row.ip,
		detail: row.detail,
	}));
}

/**
 * Deletes entries older than the cut-off (retention); uses the index on `at`.
 * @example deleteAuditBefore(db, getNowSeconds() - 365 * SECONDS_PER_DAY)
 */
export function deleteAuditBefore(db: Database, cutoffSeconds: number): number {
	return prepare(db, 'DELETE FROM audit_log WHERE audit_log.at < ?').run(cutoffSeconds).changes;
}

export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export interface NewAuditEntry {
	/** Who acted; `null` for anonymous events such as a failed sign-in. */
	actorId?: number | null;
	action: AuditAction;
	/** What was acted on, e.g. `user:12` or an email for failed sign-ins. */
	target?: string | null;
	ip?: string | null;
	detail?: string | null;
}

/** One audit entry; `at` is unix seconds. */
export interface AuditEntry {
	id: number;
	at: number;
	actorId: number | null;
	actorName: string | null;
	action: AuditAction;
	target: string | null;
	ip: string | null;
	detail: string | null;
}

interface AuditRow {
	id: number;
	at: number;
	actor_id: number | null;
	actor_name: string | null;
	action: AuditAction;
	target: string | null;
	ip: string | null;
	detail: string | null;
}
