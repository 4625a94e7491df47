import type { Database } from 'better-sqlite3';
import { prepare } from './db';
import { getNowSeconds, SECONDS_PER_HOUR } from './time';

// Password guessing is slowed by growing delays after failed attempts, never by a hard lock: a lock
// per account lets anyone who knows an email keep its owner out, and counting successful sign-ins
// locks out a dealer group that shares one public address. Only failures count, and each rule's
// delay is capped, so the worst an attacker can do to a member is make them wait that long.

export interface ThrottleRule {
	/** Row-key prefix; no ':' allowed. */
	name: string;
	/** Failures allowed before any delay. */
	freeFailures: number;
	/** Delay after the first failure past the free ones; doubles with each further failure. */
	baseDelaySeconds: number;
	maxDelaySeconds: number;
}

/** One address: a whole dealer group may share it, so it gets many free failures. */
export const signInIpRule: ThrottleRule = {
	name: 'sign-in-ip',
	freeFailures: 20,
	baseDelaySeconds: 2,
	maxDelaySeconds: 300,
};
/** One account from anywhere: capped at 30 s so nobody can keep a member out for longer. */
export const signInAccountRule: ThrottleRule = {
	name: 'sign-in-account',
	freeFailures: 10,
	baseDelaySeconds: 2,
	maxDelaySeconds: 30,
};
/** One account from one address: the guesser's own path slows down fastest. */
export const signInPairRule: ThrottleRule = {
	name: 'sign-in-pair',
	freeFailures: 5,
	baseDelaySeconds: 2,
	maxDelaySeconds: 900,
};

/** Failures older than this are forgotten. */
export const FAILURE_MEMORY_SECONDS = 24 * SECONDS_PER_HOUR;

export type ThrottleKey = readonly [ThrottleRule, string];

/**
 * The delay a rule imposes after `failures` failures.
 * @example delayAfter(signInPairRule, 7) // 8
 */
export function delayAfter(rule: ThrottleRule, failures: number): number {
	if (failures < rule.freeFailures) return 0;
	const doublings = Math.min(failures - rule.freeFailures, 30);
	return Math.min(rule.baseDelaySeconds * 2 ** doublings, rule.maxDelaySeconds);
}

const rowKey = ([rule, key]: ThrottleKey) => `${rule.name}:${key}`;

/**
 * Seconds to wait before another attempt may be checked, the longest over `keys`; 0 when free.
 * @example secondsToWait(db, [[signInIpRule, ip], [signInAccountRule, email]])
 */
export function secondsToWait(
	db: Database,
	keys: readonly ThrottleKey[],
	nowSeconds = getNowSeconds(),
): number {
	let wait = 0;
	const read = prepare(
		db,
		'SELECT failures, last_failed_at FROM login_failure WHERE login_failure.key = ?',
	);
	for (const k of keys) {
		const row = read.get(rowKey(k)) as { failures: number; last_failed_at: number } | undefined;
		if (!row || nowSeconds - row.last_failed_at > FAILURE_MEMORY_SECONDS) continue;
		wait = Math.max(wait, row.last_failed_at + delayAfter(k[0], row.failures) - nowSeconds);
	}
	return wait;
}

/** Counts a failed attempt under every key (call inside the action's transaction). */
export function recordFailure(
	db: Database,
	keys: readonly ThrottleKey[],
	nowSeconds = getNowSeconds(),
): void {
	const upsert = prepare(
		db,
		`INSERT INTO login_failure (key, failures, last_failed_at) VALUES (?, 1, ?)
		ON CONFLICT (key) DO UPDATE SET
			failures = CASE WHEN ? - login_failure.last_failed_at > ? THEN 1 ELSE login_failure.failures + 1 END,
			last_failed_at = excluded.last_failed_at`,
	);
	for (const k of keys) upsert.run(rowKey(k), nowSeconds, nowSeconds, FAILURE_MEMORY_SECONDS);
}

/** Forgets the failures under `keys`, e.g. the account's after a successful sign-in. */
export function clearFailures(db: Database, keys: readonly ThrottleKey[]): void {
	const remove = prepare(db, 'DELETE FROM login_failure WHERE login_failure.key = ?');
	for (const k of keys) remove.run(rowKey(k));
}

/** Deletes failures old enough to be forgotten; run with the hourly maintenance. */
export function deleteStaleFailures(db: Database, nowSeconds = getNowSeconds()): number {
	return prepare(db, 'DELETE FROM login_failure WHERE login_failure.last_failed_at < ?').run(
		nowSeconds - FAILURE_MEMORY_SECONDS,
	).changes;
}
