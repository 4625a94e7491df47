// Private feeds: each member may have one secret feed address, `/feeds/<token>.xml`, that a feed
// reader (Outlook, Feedly) fetches without signing in. The token follows the sessions' model
// (src/lib/server/token.ts): 20 random bytes shown to the member once, only hex(SHA-256) stored, so
// a leaked database yields no usable address. Regenerating replaces the row: the old address stops
// working at once. The feed holds published case studies and the post-mortems every member may read,
// as anonymity-safe records (no author, month precision).
import type { Database } from 'better-sqlite3';
import { prepare } from './db';
import { recordAudit } from './audit';
import { generateToken, hashToken, TOKEN_PATTERN } from './token';
import { getNowSeconds } from './time';
import { USER_COLUMNS_SQL, toUser, type User, type UserRow } from './user';
import { getPublishedPostMortemForIndex } from './post-mortems';

/** Who acts, and from where (for the audit log). */
export interface FeedCommandContext {
	db: Database;
	user: Pick<User, 'id' | 'active'> | null;
	ip: string | null;
	nowSeconds?: number;
}

export type RegenerateFeedTokenResult =
	| { ok: true; token: string; createdAt: number }
	| { ok: false; kind: 'forbidden' };

export type RevokeFeedTokenResult =
	| { ok: true; revoked: boolean }
	| { ok: false; kind: 'forbidden' };

/**
 * Creates the member's private feed token, replacing (revoking) any previous one, in one transaction;
 * then writes the audit entry. The token is returned once: only its hash is kept.
 * @example const r = regenerateFeedToken({ db, user: me, ip }); if (r.ok) show(`/feeds/${r.token}.xml`)
 */
export function regenerateFeedToken(ctx: FeedCommandContext): RegenerateFeedTokenResult {
	const { db, user } = ctx;
	if (!user || !user.active) return { ok: false, kind: 'forbidden' };
	const now = ctx.nowSeconds ?? getNowSeconds();
	const token = generateToken();
	const replaced = db
		.transaction(() => {
			const old = prepare(db, 'DELETE FROM feed_token WHERE feed_token.user_id = ?').run(user.id);
			prepare(db, 'INSERT INTO feed_token (user_id, token_hash, created_at) VALUES (?, ?, ?)').run(
				user.id,
				hashToken(token),
				now,
			);
			return old.changes > 0;
		})
		.immediate();
	recordAudit(
		db,
		{
			actorId: user.id,
			action: 'feed-token-regenerate',
			target: `user:${user.id}`,
			ip: ctx.ip,
			detail: replaced ? 'previous address revoked' : null,
		},
		now,
	);
	return { ok: true, token, createdAt: now };
}

/**
 * Turns the member's private feed off: its address answers 404 from now on.
 * @example revokeFeedToken({ db, user: me, ip })
 */
export function revokeFeedToken(ctx: FeedCommandContext): RevokeFeedTokenResult {
	const { db, user } = ctx;
	if (!user || !user.active) return { ok: false, kind: 'forbidden' };
	const now = ctx.nowSeconds ?? getNowSeconds();
	const revoked = db
		.transaction(
			() =>
				prepare(db, 'DELETE FROM feed_token WHERE feed_token.user_id = ?').run(user.id).changes > 0,
		)
		.immediate();
	if (revoked) {
		recordAudit(
			db,
			{ actorId: user.id, action: 'feed-token-revoke', target: `user:${user.id}`, ip: ctx.ip },
			now,
		);
	}
	return { ok: true, revoked };
}

/**
 * When the member's current feed address was made, or null when they have none.
 * @example getFeedTokenCreatedAt(db, me.id) // 1767225600
 */
export function getFeedTokenCreatedAt(db: Database, userId: number): number | null {
	const row = prepare(
		db,
		'SELECT feed_token.created_at FROM feed_token WHERE feed_token.user_id = ?',
	).get(userId) as { created_at: number } | undefined;
	return row?.created_at ?? null;
}

/**
 * The active member a feed token belongs to, or null for a malformed, unknown or revoked token or a
 * deactivated member (the feed then answers 404).
 * @example findFeedOwner(db, 'k3n2…')?.id
 */
export function findFeedOwner(db: Database, token: string): User | null {
	if (!TOKEN_PATTERN.test(token)) return null;
	const row = prepare(
		db,
		`SELECT ${USER_COLUMNS_SQL} FROM feed_token JOIN user ON user.id = feed_token.user_id
			WHERE feed_token.token_hash = ? AND user.active = 1`,
	).get(hashToken(token)) as UserRow | undefined;
	return row ? toUser(row) : null;
}

/** A post-mortem as a feed shows it: nothing about its author, the month of publication only. */
export interface PostMortemFeedEntry {
	id: number;
	title: string;
	summary: string;
	/** Only when the author disclosed it (named or country only). */
	country: string | null;
	topics: string[];
	/** 'YYYY-MM'. */
	publishedMonth: string;
}

/**
 * The post-mortems a member may read, for their feed, newest first: built from the members' search
 * index records, which carry no author field and no exact time.
 * @example listPostMortemsForFeed(db)[0].publishedMonth // '2026-03'
 */
export function listPostMortemsForFeed(db: Database, limit = 50): PostMortemFeedEntry[] {
	return getPublishedPostMortemForIndex(db)
		.slice(0, limit)
		.map((pm) => ({
			id: pm.id,
			title: pm.title,
			summary: pm.tried,
			country: pm.country,
			topics: pm.topics,
			publishedMonth: pm.publishedMonth,
		}));
}
