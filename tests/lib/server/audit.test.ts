import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../../src/lib/server/db';
import { deleteAuditBefore, listAudit, recordAudit } from '../../../src/lib/server/audit';
import { addUser, createTestDatabase, T0 } from './test-db';

let t: ReturnType<typeof createTestDatabase>;
let db: Database;
beforeEach(() => {
	t = createTestDatabase();
	db = t.db;
});
afterEach(() => t.cleanup());

describe('audit log', () => {
	it('lists entries newest first with the actor name, paged by id', () => {
		const root = addUser(db, 'root@example.com', 'Root', 'admin');
		recordAudit(db, { action: 'sign-in-failed', target: 'anna@example.com', ip: '10.0.0.9' }, T0);
		recordAudit(db, { actorId: root.id, action: 'invite', target: 'anna@example.com' }, T0 + 1);
		recordAudit(
			db,
			{ actorId: root.id, action: 'role-change', target: 'user:2', detail: 'member → editor' },
			T0 + 1,
		);
		const page = listAudit(db, { limit: 2 });
		expect(page.map((e) => e.action)).toEqual(['role-change', 'invite']);
		expect(page[0]).toMatchObject({ actorName: 'Root', detail: 'member → editor', at: T0 + 1 });
		const next = listAudit(db, { limit: 2, before: page[1]?.id });
		expect(next).toHaveLength(1);
		expect(next[0]).toMatchObject({
			action: 'sign-in-failed',
			actorId: null,
			actorName: null,
			ip: '10.0.0.9',
		});
	});

	it('rejects unknown actions and deletes old entries', () => {
		expect(() => recordAudit(db, { action: 'hack' as never })).toThrow(/Unknown audit action/);
		recordAudit(db, { action: 'sign-out' }, T0);
		recordAudit(db, { action: 'sign-out' }, T0 + 100);
		expect(deleteAuditBefore(db, T0 + 50)).toBe(1);
		expect(listAudit(db)).toHaveLength(1);
	});
});
