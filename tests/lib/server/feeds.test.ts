// Private feed tokens on a real SQLite file: only the hash is stored, a new address revokes the old
// one, turning off revokes it too, deactivated members' addresses stop working, and both commands are
// in the audit log that admins read.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../../src/lib/server/db';
import { listAudit } from '../../../src/lib/server/audit';
import {
	findFeedOwner,
	getFeedTokenCreatedAt,
	regenerateFeedToken,
	revokeFeedToken,
} from '../../../src/lib/server/feeds';
import { deactivateUser, type User } from '../../../src/lib/server/user';
import { addUser, createTestDatabase, storeContains, T0 } from './test-db';
import { hashToken } from '../../../src/lib/server/token';

let t: ReturnType<typeof createTestDatabase>;
let db: Database;
let anna: User;
beforeEach(() => {
	t = createTestDatabase();
	db = t.db;
	anna = addUser(db, 'anna@example.com', 'Anna Verdi');
});
afterEach(() => t.cleanup());

function mustRegenerate(now = T0) {
	const result = regenerateFeedToken({ db, user: anna, ip: '10.0.0.1', nowSeconds: now });
	if (!result.ok) throw new Error('refused');
	return result;
}

describe('private feed tokens', () => {
	it('gives a 32-character token, stores only its hash, and finds the member by it', () => {
		const { token, createdAt } = mustRegenerate();
		expect(token).toMatch(/^[a-z2-7]{32}$/);
		expect(createdAt).toBe(T0);
		expect(findFeedOwner(db, token)?.id).toBe(anna.id);
		expect(getFeedTokenCreatedAt(db, anna.id)).toBe(T0);
		expect(storeContains(t, token)).toBe(false);
		expect(storeContains(t, hashToken(token))).toBe(true);
	});

	it('revokes the previous address when a new one is made', () => {
		const first = mustRegenerate(T0);
		const second = mustRegenerate(T0 + 60);
		expect(second.token).not.toBe(first.token);
		expect(findFeedOwner(db, first.token)).toBeNull();
		expect(findFeedOwner(db, second.token)?.id).toBe(anna.id);
		expect(getFeedTokenCreatedAt(db, anna.id)).toBe(T0 + 60);
		const audit = listAudit(db);
		expect(audit.map((e) => [e.action, e.actorName, e.target, e.ip, e.detail])).toEqual([
			[
				'feed-token-regenerate',
				'Anna Verdi',
				`user:${anna.id}`,
				'10.0.0.1',
				'previous address revoked',
			],
			['feed-token-regenerate', 'Anna Verdi', `user:${anna.id}`, '10.0.0.1', null],
		]);
	});

	it('turns the feed off, and audits it only when there was one', () => {
		const { token } = mustRegenerate();
		expect(revokeFeedToken({ db, user: anna, ip: null })).toEqual({ ok: true, revoked: true });
		expect(findFeedOwner(db, token)).toBeNull();
		expect(getFeedTokenCreatedAt(db, anna.id)).toBeNull();
		expect(revokeFeedToken({ db, user: anna, ip: null })).toEqual({ ok: true, revoked: false });
		expect(listAudit(db).filter((e) => e.action === 'feed-token-revoke')).toHaveLength(1);
	});

	it('refuses signed-out and deactivated members, and ignores malformed tokens', () => {
		expect(regenerateFeedToken({ db, user: null, ip: null })).toEqual({
			ok: false,
			kind: 'forbidden',
		});
		const { token } = mustRegenerate();
		expect(findFeedOwner(db, token.toUpperCase())).toBeNull();
		expect(findFeedOwner(db, `${token}x`)).toBeNull();
		deactivateUser(db, anna.id);
		expect(findFeedOwner(db, token)).toBeNull();
		expect(regenerateFeedToken({ db, user: { ...anna, active: false }, ip: null }).ok).toBe(false);
	});
});
