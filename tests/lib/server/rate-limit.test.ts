import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../../src/lib/server/db';
import {
	consumeToken,
	deleteFullBuckets,
	resetIpBucket,
	messageSendBucket,
	resetBucket,
	type TokenBucket,
} from '../../../src/lib/server/rate-limit';
import { createTestDatabase, T0 } from './test-db';

const bucket: TokenBucket = { name: 'test', max: 5, refillIntervalSeconds: 30 };

let t: ReturnType<typeof createTestDatabase>;
let db: Database;
beforeEach(() => {
	t = createTestDatabase();
	db = t.db;
});
afterEach(() => t.cleanup());

function countPasses(times: number, nowSeconds: number, key = 'ip-1'): number {
	let passed = 0;
	for (let i = 0; i < times; i++) if (consumeToken(db, bucket, key, nowSeconds)) passed++;
	return passed;
}

describe('consumeToken', () => {
	it('lets exactly max requests through, then refuses', () => {
		expect(countPasses(5, T0)).toBe(5);
		expect(consumeToken(db, bucket, 'ip-1', T0)).toBe(false);
	});

	it('keeps keys and buckets apart', () => {
		expect(countPasses(5, T0, 'ip-1')).toBe(5);
		expect(consumeToken(db, bucket, 'ip-2', T0)).toBe(true);
		expect(consumeToken(db, { ...bucket, name: 'other' }, 'ip-1', T0)).toBe(true);
	});

	it('gives back exactly N tokens after N intervals, not more', () => {
		countPasses(5, T0);
		// One second short of the first interval: nothing yet.
		expect(consumeToken(db, bucket, 'ip-1', T0 + 29)).toBe(false);
		// 31 s after emptying: one interval, one token (the ms/seconds bug passed 34 of 100 here).
		expect(countPasses(100, T0 + 31)).toBe(1);
		// 3 more intervals from the credited boundary (T0 + 30): 3 tokens.
		expect(countPasses(100, T0 + 30 + 90)).toBe(3);
	});

	it('never refills beyond max', () => {
		countPasses(5, T0);
		expect(countPasses(100, T0 + 100 * 30)).toBe(5);
	});

	it('does not starve a client calling faster than the interval', () => {
		countPasses(5, T0);
		// A call every 10 s: with `refilledAt = now` the clock would restart each time and never refill.
		let passed = 0;
		for (let now = T0 + 10; now <= T0 + 300; now += 10) {
			if (consumeToken(db, bucket, 'ip-1', now)) passed++;
		}
		expect(passed).toBe(10); // 300 s / 30 s
	});

	it('survives reopening the database file', () => {
		countPasses(5, T0);
		db.close();
		db = openDatabase(t.file);
		expect(consumeToken(db, bucket, 'ip-1', T0 + 1)).toBe(false);
		expect(consumeToken(db, bucket, 'ip-1', T0 + 30)).toBe(true);
		db.close();
	});

	it('credits nothing when the clock goes backwards', () => {
		countPasses(5, T0);
		expect(countPasses(10, T0 - 1000)).toBe(0);
		expect(countPasses(10, T0 - 1000 + 30)).toBe(1);
	});

	it('refuses bucket names that would break key prefixes', () => {
		expect(() => consumeToken(db, { ...bucket, name: 'a:b' }, 'k', T0)).toThrow(/must not contain/);
	});
});

describe('resetBucket and deleteFullBuckets', () => {
	it('resetBucket refills one key', () => {
		countPasses(5, T0);
		resetBucket(db, bucket, 'ip-1');
		expect(countPasses(10, T0)).toBe(5);
	});

	it('deletes only rows that are full again', () => {
		countPasses(5, T0, 'old');
		countPasses(1, T0 + 120, 'recent');
		// At T0 + 150: 'old' has 0 + 5 refills = full; 'recent' has 4 + 1 = 5 = full too.
		expect(deleteFullBuckets(db, [bucket], T0 + 149)).toBe(0);
		expect(deleteFullBuckets(db, [bucket], T0 + 150)).toBe(2);
		expect(db.prepare('SELECT count(*) FROM rate_limit').pluck().get()).toBe(0);
	});

	it('leaves other buckets alone', () => {
		consumeToken(db, resetIpBucket, '10.0.0.1', T0);
		consumeToken(db, messageSendBucket, '7', T0);
		expect(deleteFullBuckets(db, [resetIpBucket], T0 + 600)).toBe(1);
		expect(db.prepare('SELECT key FROM rate_limit').pluck().all()).toEqual(['message-send:7']);
	});
});

describe('named limiters', () => {
	it('allow 30 messages per member per hour', () => {
		let passed = 0;
		for (let i = 0; i < 40; i++) if (consumeToken(db, messageSendBucket, 'user-1', T0)) passed++;
		expect(passed).toBe(30);
		expect(consumeToken(db, messageSendBucket, 'user-1', T0 + 3600)).toBe(true);
	});
});
