import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../../src/lib/server/db';
import {
	clearFailures,
	delayAfter,
	deleteStaleFailures,
	FAILURE_MEMORY_SECONDS,
	recordFailure,
	secondsToWait,
	signInAccountRule,
	signInIpRule,
	signInPairRule,
} from '../../../src/lib/server/login-throttle';
import { signInKeys } from '../../../src/lib/server/sign-in';
import { createTestDatabase, T0 } from './test-db';

let t: ReturnType<typeof createTestDatabase>;
let db: Database;
beforeEach(() => {
	t = createTestDatabase();
	db = t.db;
});
afterEach(() => t.cleanup());

describe('growing delays after failed sign-ins', () => {
	it('lets the first failures through, then doubles the delay up to each rule’s cap', () => {
		expect(delayAfter(signInPairRule, 4)).toBe(0);
		expect(delayAfter(signInPairRule, 5)).toBe(2);
		expect(delayAfter(signInPairRule, 6)).toBe(4);
		expect(delayAfter(signInPairRule, 50)).toBe(signInPairRule.maxDelaySeconds);
		expect(delayAfter(signInAccountRule, 1000)).toBe(30);
		expect(delayAfter(signInIpRule, 19)).toBe(0);
	});

	it('slows an address that keeps failing, and it may try again once the delay is over', () => {
		const keys = signInKeys('anna@example.com', '203.0.113.9');
		for (let i = 0; i < 5; i++) {
			expect(secondsToWait(db, keys, T0 + i)).toBe(0);
			recordFailure(db, keys, T0 + i);
		}
		expect(secondsToWait(db, keys, T0 + 4)).toBe(2);
		expect(secondsToWait(db, keys, T0 + 6)).toBe(0);
	});

	it('caps what a stranger’s failures can do to the owner of the account at 30 seconds', () => {
		// 200 failures from 200 addresses: the owner, from their own address, waits at most 30 s.
		for (let i = 0; i < 200; i++)
			recordFailure(db, signInKeys('anna@example.com', `198.51.100.${i}`), T0);
		const owner = signInKeys('anna@example.com', '192.0.2.1');
		expect(secondsToWait(db, owner, T0)).toBe(30);
		expect(secondsToWait(db, owner, T0 + 30)).toBe(0);
	});

	it('does not count successful sign-ins: a dealer group behind one address is never slowed by them', () => {
		// Successes write nothing; 100 colleagues signing in leave the address free.
		const shared = '203.0.113.50';
		for (let i = 0; i < 100; i++)
			clearFailures(db, signInKeys(`seller${i}@example.com`, shared).slice(1));
		expect(secondsToWait(db, signInKeys('late@example.com', shared), T0)).toBe(0);
	});

	it('forgets failures after a day, and the clean-up deletes them', () => {
		const keys = signInKeys('anna@example.com', '203.0.113.9');
		for (let i = 0; i < 30; i++) recordFailure(db, keys, T0);
		expect(secondsToWait(db, keys, T0 + 10)).toBeGreaterThan(0);
		expect(secondsToWait(db, keys, T0 + FAILURE_MEMORY_SECONDS + 1)).toBe(0);
		expect(deleteStaleFailures(db, T0 + FAILURE_MEMORY_SECONDS + 1)).toBe(3);
	});
});
