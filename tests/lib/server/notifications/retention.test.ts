import { afterEach, describe, expect, it } from 'vitest';
import { addUser, createTestDatabase } from '../test-db';
import { runMaintenance } from '../../../../src/lib/server/maintenance';
import { listNotifications } from '../../../../src/lib/server/notifications/store';

// What the portal told a member stays on their notifications page for a year after they read it,
// two years at most; the hourly upkeep deletes the rest.
const cleanups: (() => void)[] = [];
afterEach(() => {
	for (const c of cleanups.splice(0)) c();
});

describe('notifications retention', () => {
	it('keeps unread and recently read notifications, deletes those read over a year ago or older than two years', () => {
		const t = createTestDatabase();
		cleanups.push(t.cleanup);
		const anna = addUser(t.db, 'anna@example.com', 'Anna');
		const now = 1_800_000_000;
		const year = 365 * 86400;
		const add = t.db.prepare(
			"INSERT INTO notification (user_id, kind, payload, created_at, read_at) VALUES (?, 'answer', ?, ?, ?)",
		);
		add.run(anna.id, JSON.stringify({ n: 'unread, 18 months' }), now - 1.5 * year, null);
		add.run(anna.id, JSON.stringify({ n: 'read last month' }), now - 40 * 86400, now - 30 * 86400);
		add.run(
			anna.id,
			JSON.stringify({ n: 'read 13 months ago' }),
			now - 14 * 30 * 86400,
			now - 13 * 30 * 86400,
		);
		add.run(anna.id, JSON.stringify({ n: 'unread, 3 years' }), now - 3 * year, null);

		runMaintenance(t.db, { nowSeconds: now });

		const left = t.db
			.prepare("SELECT json_extract(payload, '$.n') FROM notification ORDER BY created_at")
			.pluck()
			.all();
		expect(left).toEqual(['unread, 18 months', 'read last month']);
		expect(listNotifications(t.db, anna.id).length).toBe(2);
	});
});
