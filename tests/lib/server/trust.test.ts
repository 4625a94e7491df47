import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, useBuiltPractices, T0 } from './test-db';
import { createContextFor } from '../../../src/lib/server/context';
import { createUser, type User } from '../../../src/lib/server/user';
import { registerPractice } from '../../../src/lib/server/practices/registry';
import { listOwedAnswers } from '../../../src/lib/server/practices/owed';
import { insertLiveVersion, insertSubmission } from '../../../src/lib/server/submissions/store';
import { emptySubmissionFields } from '../../../src/lib/submission-form';
import { listAudit } from '../../../src/lib/server/audit';
import { SECONDS_PER_DAY } from '../../../src/lib/server/time';
import { confirmPracticeStillValid, retirePractice } from '../../../src/lib/server/trust/commands';
import {
	getTrustBadge,
	hasPracticesToReview,
	listPracticesToReview,
} from '../../../src/lib/server/trust/store';

// The badge, the review list and the two commands on a real temp database. The git practice's owners
// come from a build manifest (data/practices.json), as on a running server.
const NOW = T0 + 200 * SECONDS_PER_DAY; // 2026-07-20
let t: ReturnType<typeof createTestDatabase>;
let anna: User; // owner (contact) of alpha, IT
let bruno: User; // plain member, PT
let claire: User; // admin, FR
let hq: User; // HQ editor

useBuiltPractices([
	{
		slug: 'alpha',
		title: 'Alpha',
		lang: 'en',
		country: 'IT',
		published: '2025-03-10',
		reviewBy: '2026-03-10',
		contacts: ['anna-verdi'],
	},
]);

beforeEach(() => {
	t = createTestDatabase();
	const add = (
		email: string,
		name: string,
		country: string,
		role: User['role'],
		personId?: string,
	) => createUser(t.db, { email, name, role, passwordHash: 'x', country, personId }, T0);
	anna = add('anna@example.com', 'Anna Verdi', 'IT', 'member', 'anna-verdi');
	bruno = add('bruno@example.com', 'Bruno Costa', 'PT', 'member');
	claire = add('claire@example.com', 'Claire Martin', 'FR', 'admin');
	hq = add('hq@example.com', 'Hélène Quint', 'FR', 'editor');
	t.db.prepare('UPDATE user SET hq = 1 WHERE id = ?').run(hq.id);
	hq = { ...hq, hq: true };
	registerPractice(
		t.db,
		{
			slug: 'alpha',
			country: 'IT',
			source: 'git',
			publishedAt: T0 - 300 * SECONDS_PER_DAY,
			reviewBy: '2026-03-10',
		},
		T0,
	);
	registerPractice(
		t.db,
		{ slug: 'later', country: 'PT', source: 'git', publishedAt: T0, reviewBy: '2027-06-01' },
		T0,
	);
});
afterEach(() => t.cleanup());

const ctx = (user: User | null, lang: 'en' | 'fr' = 'en') =>
	createContextFor(t.db, user, { dataDir: t.dir, lang });
const jobs = () =>
	t.db
		.prepare("SELECT key, run_at, payload FROM job WHERE kind = 'practice-review-due' ORDER BY id")
		.all() as { key: string; run_at: number; payload: string }[];

describe('still valid', () => {
	it('records who confirmed it, moves an expired review date a year on and queues its review job', () => {
		expect(getTrustBadge(t.db, 'alpha', anna, NOW)).toMatchObject({
			expired: true,
			verifiedAt: null,
			reviewBy: '2026-03-10',
		});
		const result = confirmPracticeStillValid(ctx(anna), { slug: 'alpha' }, NOW);
		expect(result).toEqual({ ok: true, reviewBy: '2027-07-20', extended: true });
		const badge = getTrustBadge(t.db, 'alpha', bruno, NOW)!;
		expect(badge).toMatchObject({
			expired: false,
			reviewBy: '2027-07-20',
			verifiedByName: 'Anna Verdi',
			verifiedAt: NOW,
			canManage: false,
		});
		const queued = jobs().at(-1)!;
		expect(queued.key).toBe('practice-review-due:alpha:2027-07-20');
		expect(queued.run_at).toBe(Date.UTC(2027, 6, 20) / 1000);
		expect(JSON.parse(queued.payload)).toEqual({ caseStudy: 'alpha', reviewBy: '2027-07-20' });
		// Off the review list, and the audit says who did it.
		expect(listPracticesToReview(t.db, claire, NOW).map((p) => p.slug)).toEqual([]);
		const entry = listAudit(t.db)[0]!;
		expect(entry).toMatchObject({
			action: 'practice-confirm',
			actorId: anna.id,
			target: 'practice:alpha',
		});
	});

	it('leaves a review date more than 30 days away as it is, and queues nothing', () => {
		const before = jobs().length;
		const result = confirmPracticeStillValid(ctx(claire), { slug: 'later' }, NOW);
		expect(result).toEqual({ ok: true, reviewBy: '2027-06-01', extended: false });
		expect(jobs().length).toBe(before);
		expect(getTrustBadge(t.db, 'later', claire, NOW)?.verifiedByName).toBe('Claire Martin');
	});

	it('extends a review date within 30 days', () => {
		const soon = Date.UTC(2027, 4, 10) / 1000; // 22 days before 2027-06-01
		expect(confirmPracticeStillValid(ctx(hq), { slug: 'later' }, soon)).toMatchObject({
			reviewBy: '2028-05-10',
			extended: true,
		});
	});
});

describe('who may vouch', () => {
	it('refuses a member who does not own the practice, and changes nothing', () => {
		expect(confirmPracticeStillValid(ctx(bruno), { slug: 'alpha' }, NOW)).toEqual({
			ok: false,
			kind: 'forbidden',
		});
		expect(retirePractice(ctx(bruno), { slug: 'alpha', reason: 'Old' }, NOW)).toEqual({
			ok: false,
			kind: 'forbidden',
		});
		expect(confirmPracticeStillValid(ctx(null), { slug: 'alpha' }, NOW)).toEqual({
			ok: false,
			kind: 'forbidden',
		});
		const badge = getTrustBadge(t.db, 'alpha', bruno, NOW)!;
		expect(badge).toMatchObject({
			verifiedAt: null,
			retiredAt: null,
			expired: true,
			canManage: false,
		});
		expect(listAudit(t.db)).toEqual([]);
	});

	it('lets the owner, an admin and an HQ editor; lists expired ones for them and owned ones for owners', () => {
		expect(getTrustBadge(t.db, 'alpha', anna, NOW)?.canManage).toBe(true);
		expect(getTrustBadge(t.db, 'alpha', claire, NOW)?.canManage).toBe(true);
		expect(getTrustBadge(t.db, 'alpha', hq, NOW)?.canManage).toBe(true);
		expect(listPracticesToReview(t.db, claire, NOW).map((p) => p.slug)).toEqual(['alpha']);
		expect(listPracticesToReview(t.db, anna, NOW).map((p) => p.slug)).toEqual(['alpha']);
		expect(listPracticesToReview(t.db, bruno, NOW)).toEqual([]);
		expect(hasPracticesToReview(t.db, anna, NOW)).toBe(true);
		expect(hasPracticesToReview(t.db, bruno, NOW)).toBe(false);
		expect(confirmPracticeStillValid(ctx(hq), { slug: 'alpha' }, NOW).ok).toBe(true);
	});
	it('lets the author and the contacts of a web study vouch for it, and lists it for them', () => {
		const fields = { ...emptySubmissionFields({ country: 'PT', lang: 'en' }), contacts: [hq.id] };
		const id = insertSubmission(
			t.db,
			{ slug: 'web-one', authorId: bruno.id, fields, translationOf: null },
			T0,
		);
		insertLiveVersion(t.db, { id, fields }, claire.id, T0);
		registerPractice(
			t.db,
			{ slug: 'web-one', country: 'PT', source: 'web', publishedAt: T0, reviewBy: '2026-07-01' },
			T0,
		);
		expect(listPracticesToReview(t.db, bruno, NOW).map((p) => p.slug)).toEqual(['web-one']);
		expect(listPracticesToReview(t.db, anna, NOW).map((p) => p.slug)).toEqual(['alpha']);
		expect(hasPracticesToReview(t.db, bruno, NOW)).toBe(true);
		expect(confirmPracticeStillValid(ctx(anna), { slug: 'web-one' }, NOW)).toMatchObject({
			kind: 'forbidden',
		});
		expect(confirmPracticeStillValid(ctx(bruno), { slug: 'web-one' }, NOW).ok).toBe(true);
		expect(listPracticesToReview(t.db, bruno, NOW)).toEqual([]);
	});
});

describe('retire', () => {
	it('needs a reason, in the member’s language', () => {
		expect(retirePractice(ctx(anna, 'fr'), { slug: 'alpha', reason: '  ' }, NOW)).toEqual({
			ok: false,
			kind: 'invalid',
			errors: { reason: 'Dites pourquoi cette pratique est retirée : les lecteurs le verront.' },
		});
		expect(getTrustBadge(t.db, 'alpha', anna, NOW)?.retiredAt).toBeNull();
	});

	it('takes the practice out of the answers owed, shows the reason on the badge and audits it', () => {
		// PT has a member, so PT owes an answer on the Italian practice until it is retired.
		expect(listOwedAnswers(t.db, NOW, { caseStudy: 'alpha' }).map((a) => a.country)).toContain(
			'PT',
		);
		expect(
			retirePractice(ctx(anna), { slug: 'alpha', reason: 'Replaced by the 2026 process.' }, NOW),
		).toEqual({
			ok: true,
		});
		expect(listOwedAnswers(t.db, NOW, { caseStudy: 'alpha' })).toEqual([]);
		expect(getTrustBadge(t.db, 'alpha', bruno, NOW)).toMatchObject({
			retiredAt: NOW,
			retiredByName: 'Anna Verdi',
			retiredReason: 'Replaced by the 2026 process.',
		});
		expect(listPracticesToReview(t.db, claire, NOW)).toEqual([]);
		expect(listAudit(t.db)[0]).toMatchObject({
			action: 'practice-retire',
			actorId: anna.id,
			detail: 'Replaced by the 2026 process.',
		});
	});
});

describe('the badge', () => {
	it('tallies the country answers by status and counts the published post-mortems linked', () => {
		const answer = t.db.prepare(
			'INSERT INTO country_answer (case_study, country, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?)',
		);
		answer.run('alpha', 'PT', 'adopted', NOW, NOW);
		answer.run('alpha', 'FR', 'adopted', NOW, NOW);
		answer.run('alpha', 'ES', 'rejected', NOW, NOW);
		answer.run('later', 'IT', 'trying', NOW, NOW);
		const pm = t.db.prepare(
			"INSERT INTO post_mortem (author_id, status, practice, created_at, updated_at) VALUES (?, ?, 'alpha', ?, ?)",
		);
		pm.run(bruno.id, 'published', NOW, NOW);
		pm.run(bruno.id, 'draft', NOW, NOW);
		pm.run(bruno.id, 'hidden', NOW, NOW);
		const badge = getTrustBadge(t.db, 'alpha', bruno, NOW)!;
		expect(badge.tally).toEqual([
			{ status: 'adopted', count: 2 },
			{ status: 'rejected', count: 1 },
		]);
		expect(badge.answers).toBe(3);
		expect(badge.postMortems).toBe(1);
		expect(getTrustBadge(t.db, 'nowhere', bruno, NOW)).toBeNull();
	});
});
