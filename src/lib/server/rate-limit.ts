import type { Database } from 'better-sqlite3';
import { prepare } from './db';
import { getNowSeconds, SECONDS_PER_HOUR } from './time';

// Token buckets persisted in the `rate_limit` table, so limits survive a restart and are shared by
// every process on the same file. One row per bucket name + key (an IP, an email, a user id).
//
// Two bugs from the Lucia examples are avoided on purpose (lucia-auth/lucia#1736, fixed in #1795):
// - every time here is unix seconds, so there is no ms/seconds mix when advancing `refilled_at`;
// - `refilled_at` advances by exactly the whole intervals credited, never to `now`, so a client
//   calling faster than one interval still earns its refills (no starvation).

/** 5 password-reset requests per IP, one more every 10 minutes. */
export const resetIpBucket: TokenBucket = { name: 'reset-ip', max: 5, refillIntervalSeconds: 600 };
/** 30 messages per member per hour: one more every 120 s. */
export const messageSendBucket: TokenBucket = {
	name: 'message-send',
	max: 30,
	refillIntervalSeconds: SECONDS_PER_HOUR / 30,
};

/** 10 practice requests per member, one more every 6 minutes. */
export const practiceRequestBucket: TokenBucket = {
	name: 'practice-request',
	max: 10,
	refillIntervalSeconds: 360,
};
/** +1s on requests: 60 per member, one more a second (toggling is cheap, flooding is not). */
export const requestVoteBucket: TokenBucket = {
	name: 'request-vote',
	max: 60,
	refillIntervalSeconds: 1,
};
/** Zero-result searches a member's page reports: 30, one more every 2 minutes. */
export const searchMissBucket: TokenBucket = {
	name: 'search-miss',
	max: 30,
	refillIntervalSeconds: 120,
};

/** Data exports a member (or an admin) may start: 5, one more every 10 minutes (each reads everything). */
export const privacyExportBucket: TokenBucket = {
	name: 'privacy-export',
	max: 5,
	refillIntervalSeconds: 600,
};
/** Erasures an admin may do: 20, one more every 3 minutes (a slip of the hand cannot empty the portal). */
export const privacyEraseBucket: TokenBucket = {
	name: 'privacy-erase',
	max: 20,
	refillIntervalSeconds: 180,
};
/** Single sign-on starts per IP: 30, one more every 20 s (each one leaves a row until it is used). */
export const ssoStartBucket: TokenBucket = {
	name: 'sso-start',
	max: 30,
	refillIntervalSeconds: 20,
};
/** SCIM requests: 1000 in a burst (a directory's first sync), then one a second. */
export const scimBucket: TokenBucket = { name: 'scim', max: 1000, refillIntervalSeconds: 1 };

/** Every named bucket, for `deleteFullBuckets`. */
export const rateLimitBuckets: readonly TokenBucket[] = [
	resetIpBucket,
	ssoStartBucket,
	scimBucket,
	messageSendBucket,
	practiceRequestBucket,
	requestVoteBucket,
	searchMissBucket,
	privacyExportBucket,
	privacyEraseBucket,
];

/**
 * Takes one token from the bucket for `key`; `false` when none is left (answer 429). Read, refill and
 * write happen in one IMMEDIATE transaction, so concurrent requests cannot both take the last token.
 * @example if (!consumeToken(db, loginIpBucket, clientIp)) return new Response(null, { status: 429 })
 */
export function consumeToken(
	db: Database,
	bucket: TokenBucket,
	key: string,
	nowSeconds = getNowSeconds(),
): boolean {
	assertBucket(bucket);
	const rowKey = `${bucket.name}:${key}`;
	const consume = db.transaction((): boolean => {
		const row = prepare(
			db,
			'SELECT rate_limit.tokens, rate_limit.refilled_at FROM rate_limit WHERE rate_limit.key = ?',
		).get(rowKey) as { tokens: number; refilled_at: number } | undefined;
		let tokens: number;
		let refilledAt: number;
		if (!row) {
			tokens = bucket.max;
			refilledAt = nowSeconds;
		} else if (nowSeconds < row.refilled_at) {
			// The clock went backwards (NTP step): credit nothing and restart the interval from now.
			tokens = row.tokens;
			refilledAt = nowSeconds;
		} else {
			const intervals = Math.floor((nowSeconds - row.refilled_at) / bucket.refillIntervalSeconds);
			tokens = row.tokens + intervals;
			refilledAt = row.refilled_at + intervals * bucket.refillIntervalSeconds;
			if (tokens >= bucket.max) {
				// A full bucket earns nothing more, so the next refill is one interval after this call.
				tokens = bucket.max;
				refilledAt = nowSeconds;
			}
		}
		const allowed = tokens >= 1;
		if (allowed) tokens -= 1;
		prepare(
			db,
			`INSERT INTO rate_limit (key, tokens, refilled_at) VALUES (?, ?, ?)
			ON CONFLICT (key) DO UPDATE SET tokens = excluded.tokens, refilled_at = excluded.refilled_at`,
		).run(rowKey, tokens, refilledAt);
		return allowed;
	});
	return consume.immediate();
}

/**
 * Refills the bucket for `key` completely, e.g. the account bucket after a successful sign-in.
 * @example resetBucket(db, loginAccountBucket, email)
 */
export function resetBucket(db: Database, bucket: TokenBucket, key: string): void {
	assertBucket(bucket);
	prepare(db, 'DELETE FROM rate_limit WHERE rate_limit.key = ?').run(`${bucket.name}:${key}`);
}

/**
 * Deletes the rows of buckets that would be full again by now: a missing row means a full bucket,
 * so this changes no outcome and keeps the table small. Run it periodically (e.g. hourly).
 * @example deleteFullBuckets(db) // 42
 */
export function deleteFullBuckets(
	db: Database,
	buckets: readonly TokenBucket[] = rateLimitBuckets,
	nowSeconds = getNowSeconds(),
): number {
	// `key >= 'name:' AND key < 'name;'` is a prefix match that uses the primary-key index (';' follows ':').
	const remove = prepare(
		db,
		`DELETE FROM rate_limit
		WHERE rate_limit.key >= ? AND rate_limit.key < ?
			AND rate_limit.tokens + max(0, CAST((? - rate_limit.refilled_at) / ? AS INTEGER)) >= ?`,
	);
	const run = db.transaction((): number => {
		let deleted = 0;
		for (const bucket of buckets) {
			assertBucket(bucket);
			deleted += remove.run(
				`${bucket.name}:`,
				`${bucket.name};`,
				nowSeconds,
				bucket.refillIntervalSeconds,
				bucket.max,
			).changes;
		}
		return deleted;
	});
	return run.immediate();
}

function assertBucket(bucket: TokenBucket): void {
	if (bucket.name.includes(':'))
		throw new Error(`Bucket name \`${bucket.name}\` must not contain ':'`);
	if (!Number.isInteger(bucket.max) || bucket.max < 1) {
		throw new Error(`Bucket \`${bucket.name}\` needs an integer max >= 1`);
	}
	if (!Number.isInteger(bucket.refillIntervalSeconds) || bucket.refillIntervalSeconds < 1) {
		throw new Error(`Bucket \`${bucket.name}\` needs an integer refillIntervalSeconds >= 1`);
	}
}

/** A token-bucket limiter: `max` tokens, one token back every `refillIntervalSeconds`. */
export interface TokenBucket {
	/** Row-key prefix; no ':' allowed. */
	name: string;
	max: number;
	refillIntervalSeconds: number;
}
