import { afterEach, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../test-db';
import {
	syncGitPractices,
	type PracticeRecord,
} from '../../../../src/lib/server/practices/registry';

// The first start on existing content must not mail every owner whose practice is already past its
// review date (it is listed as expired on the review page instead); a date still ahead is queued.
const cleanups: (() => void)[] = [];
afterEach(() => {
	for (const c of cleanups.splice(0)) c();
});

const record = (slug: string, reviewBy: string): PracticeRecord => ({
	slug,
	title: slug,
	lang: 'en',
	country: 'IT',
	published: '2024-01-15',
	reviewBy,
	contacts: [],
});

describe('the practice register', () => {
	it('queues a review reminder only for a review date still ahead when the practice is first seen', () => {
		const t = createTestDatabase();
		cleanups.push(t.cleanup);
		const now = Date.parse('2026-12-02T08:00:00Z') / 1000;
		syncGitPractices(t.db, [record('old', '2025-06-01'), record('current', '2027-03-01')], now);
		const jobs = t.db
			.prepare("SELECT key, run_at FROM job WHERE kind = 'practice-review-due' ORDER BY key")
			.all();
		expect(jobs).toEqual([
			{ key: 'practice-review-due:current:2027-03-01', run_at: Date.parse('2027-03-01') / 1000 },
		]);
		// Both are owed answers from the day the portal first saw them, with two reminders each.
		const reminders = t.db
			.prepare("SELECT count(*) FROM job WHERE kind = 'answer-reminder'")
			.pluck()
			.get();
		expect(reminders).toBe(4);
		// Syncing again (a restart, a new release) queues nothing more.
		syncGitPractices(
			t.db,
			[record('old', '2025-06-01'), record('current', '2027-03-01')],
			now + 60,
		);
		expect(t.db.prepare('SELECT count(*) FROM job').pluck().get()).toBe(5);
	});
});
