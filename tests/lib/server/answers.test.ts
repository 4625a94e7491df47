// The adoption loop on a real SQLite file: admins name focal points (members of that country only);
// a focal point answers for their country on another country's practice — validated in the member's
// language, one row per practice and country (a new answer replaces it, keeping its first date),
// the owners' 'notify-answer' job queued in the same transaction, audited, rate-limited; others are
// refused. The register marks a practice gone and queues its reminders once; owed lists name the
// focal points (or flag none) and count overdue answers per country.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createContextFor } from '../../../src/lib/server/context';
import type { Database } from '../../../src/lib/server/db';
import { listAudit } from '../../../src/lib/server/audit';
import { changeMemberCountry } from '../../../src/lib/server/admin/members';
import { answerForCountry, countryAnswerBucket } from '../../../src/lib/server/answers/commands';
import {
	listFocalPointsByCountry,
	listMembersWithoutCountry,
	nameFocalPoint,
	removeFocalPoint,
} from '../../../src/lib/server/answers/focal-points';
import {
	countOverdueByCountry,
	countOwedByCountry,
	listOwedAnswerRows,
} from '../../../src/lib/server/answers/owed';
import { getCountryAnswer, listAllCountryAnswers } from '../../../src/lib/server/answers/store';
import { answerUrl } from '../../../src/lib/server/answers/urls';
import { getPracticeAnswersView } from '../../../src/lib/server/answers/view';
import { saveAdoption } from '../../../src/lib/server/adoption';
import { listOwedAnswers } from '../../../src/lib/server/practices/owed';
import { registerPractice, syncGitPractices } from '../../../src/lib/server/practices/registry';
import { seedDemoAnswers } from '../../../src/lib/server/demo/answers';
import { getUserById, updateUserProfile, type User } from '../../../src/lib/server/user';
import { getAnswerFormValues, type AnswerFormValues } from '../../../src/lib/adoption';
import { addUser, createTestDatabase, refuseInserts, T0 } from './test-db';

const DAY = 86_400;
let db: Database;
let cleanup: () => void;
let admin: User;
let ines: User;
let tiago: User;
let giulia: User;

function member(email: string, name: string, country: string, role: User['role'] = 'member') {
	return updateUserProfile(db, addUser(db, email, name, role).id, { country }, T0)!;
}

const values = (over: Partial<AnswerFormValues> = {}): AnswerFormValues => ({
	...getAnswerFormValues(null),
	status: 'adapted',
	period: 'Since March 2026',
	change: 'Smaller events',
	kpiLabel: 'Test drives per month',
	kpiUnit: 'count',
	kpiBefore: '120',
	kpiAfter: '150',
	...over,
});

const jobs = () =>
	db
		.prepare("SELECT key, payload, run_at FROM job WHERE kind = 'notify-answer' ORDER BY id")
		.all() as {
		key: string;
		payload: string;
		run_at: number;
	}[];

beforeEach(() => {
	({ db, cleanup } = createTestDatabase());
	admin = member('hannah@example.com', 'Hannah Price', 'GB', 'admin');
	ines = member('ines@example.com', 'Inês Carvalho', 'PT');
	tiago = member('tiago@example.com', 'Tiago Mendes', 'PT');
	giulia = member('giulia@example.com', 'Giulia Conti', 'IT');
	registerPractice(
		db,
		{ slug: 'alpha', country: 'IT', source: 'git', publishedAt: T0, reviewBy: '' },
		T0,
	);
	registerPractice(
		db,
		{ slug: 'beta', country: 'PT', source: 'web', publishedAt: T0, reviewBy: '' },
		T0,
	);
	expect(
		nameFocalPoint(createContextFor(db, admin), { country: 'PT', userId: String(ines.id) }).ok,
	).toBe(true);
});

afterEach(() => cleanup());

describe('focal points', () => {
	it('are named by admins among the country’s active members, audited, listed per country', () => {
		const ctx = createContextFor(db, admin);
		const refused = nameFocalPoint(ctx, { country: 'PT', userId: String(giulia.id) });
		expect(refused).toMatchObject({ ok: false, kind: 'invalid' });
		expect(
			nameFocalPoint(createContextFor(db, tiago), { country: 'PT', userId: String(tiago.id) }),
		).toEqual({
			ok: false,
			kind: 'forbidden',
		});
		expect(nameFocalPoint(ctx, { country: 'PT', userId: String(tiago.id) }).ok).toBe(true);
		const pt = listFocalPointsByCountry(db).find((c) => c.country === 'PT')!;
		expect(pt.focalPoints.map((f) => f.name)).toEqual(['Inês Carvalho', 'Tiago Mendes']);
		expect(listFocalPointsByCountry(db).find((c) => c.country === 'IT')).toMatchObject({
			focalPoints: [],
			candidates: [{ name: 'Giulia Conti' }],
		});
		expect(removeFocalPoint(ctx, { country: 'PT', userId: String(tiago.id) }).ok).toBe(true);
		expect(removeFocalPoint(ctx, { country: 'PT', userId: String(tiago.id) })).toMatchObject({
			kind: 'not-found',
		});
		expect(listAudit(db).map((e) => `${e.action} ${e.target} ${e.detail}`)).toEqual([
			'focal-point-remove tiago@example.com PT',
			'focal-point-name tiago@example.com PT',
			'focal-point-name ines@example.com PT',
		]);
	});

	it('need members with a country: admins must set one, and moving a focal point ends their role', () => {
		const nobody = addUser(db, 'nobody@example.com', 'No Country');
		expect(listMembersWithoutCountry(db).map((m) => m.email)).toEqual(['nobody@example.com']);
		const ctx = createContextFor(db, admin, { lang: 'fr' });
		expect(changeMemberCountry(ctx, { userId: String(nobody.id), country: '' })).toEqual({
			ok: false,
			kind: 'invalid',
			errors: { country: expect.any(String) },
		});
		expect(changeMemberCountry(ctx, { userId: String(nobody.id), country: 'FR' }).ok).toBe(true);
		expect(listMembersWithoutCountry(db)).toEqual([]);
		expect(changeMemberCountry(ctx, { userId: String(ines.id), country: 'ES' }).ok).toBe(true);
		expect(getUserById(db, ines.id)?.country).toBe('ES');
		expect(listFocalPointsByCountry(db).find((c) => c.country === 'PT')?.focalPoints ?? []).toEqual(
			[],
		);
	});
});

describe('answerForCountry', () => {
	it('saves the focal point’s answer for their country, queues the owners’ notification, audits', () => {
		const result = answerForCountry(
			createContextFor(db, ines),
			{ caseStudy: 'alpha', values: values() },
			T0 + DAY,
		);
		expect(result).toMatchObject({ ok: true, created: true });
		expect(getCountryAnswer(db, 'alpha', 'PT')).toMatchObject({
			status: 'adapted',
			change: 'Smaller events',
			kpi: { label: 'Test drives per month', unit: 'count', before: 120, after: 150 },
			answeredBy: ines.id,
			answeredByName: 'Inês Carvalho',
			origin: 'focal-point',
			createdAt: T0 + DAY,
		});
		const id = getCountryAnswer(db, 'alpha', 'PT')!.id;
		expect(jobs()).toEqual([
			{
				key: `notify-answer:${id}:${T0 + DAY}`,
				payload: JSON.stringify({ answerId: id }),
				run_at: T0 + DAY,
			},
		]);
		expect(listAudit(db)[0]).toMatchObject({
			action: 'country-answer',
			target: 'case-study:alpha',
			detail: 'PT: adapted',
		});
		// PT no longer owes it.
		expect(listOwedAnswers(db, T0 + DAY, { country: 'PT' }).map((a) => a.caseStudy)).toEqual([]);
	});

	it('replaces the country’s answer on a new answer, keeping when it first answered', () => {
		const ctx = createContextFor(db, ines);
		answerForCountry(ctx, { caseStudy: 'alpha', values: values() }, T0 + DAY);
		const again = answerForCountry(
			ctx,
			{ caseStudy: 'alpha', values: values({ status: 'adopted', change: '' }) },
			T0 + 9 * DAY,
		);
		expect(again).toMatchObject({ ok: true, created: false });
		expect(listAllCountryAnswers(db)).toHaveLength(1);
		expect(getCountryAnswer(db, 'alpha', 'PT')).toMatchObject({
			status: 'adopted',
			createdAt: T0 + DAY,
			updatedAt: T0 + 9 * DAY,
		});
		expect(jobs().map((j) => j.key)).toHaveLength(2);
	});

	it('refuses members who are not focal points, and the practice’s own country', () => {
		expect(
			answerForCountry(createContextFor(db, tiago), { caseStudy: 'alpha', values: values() }),
		).toEqual({
			ok: false,
			kind: 'forbidden',
			reason: 'not-focal-point',
		});
		expect(
			answerForCountry(createContextFor(db, ines), { caseStudy: 'beta', values: values() }),
		).toEqual({
			ok: false,
			kind: 'forbidden',
			reason: 'own-country',
		});
		expect(
			answerForCountry(createContextFor(db, null), { caseStudy: 'alpha', values: values() }),
		).toMatchObject({
			kind: 'forbidden',
		});
		expect(
			answerForCountry(createContextFor(db, ines), { caseStudy: 'nope', values: values() }),
		).toEqual({
			ok: false,
			kind: 'not-found',
		});
		// Tiago's experience still counts as a note, under his country's answer.
		saveAdoption(
			db,
			tiago.id,
			'alpha',
			{
				status: 'trying',
				period: '',
				change: '',
				note: 'Tried in Porto',
				kpi: null,
				country: null,
			},
			T0,
		);
		answerForCountry(
			createContextFor(db, ines),
			{ caseStudy: 'alpha', values: values() },
			T0 + DAY,
		);
		const view = getPracticeAnswersView(db, 'alpha', tiago, T0 + DAY);
		expect(view.answers.map((a) => `${a.country} ${a.status}`)).toEqual(['PT adapted']);
		expect(view.notesByCountry.get('PT')?.map((n) => n.note)).toEqual(['Tried in Porto']);
		expect(view.canAnswer).toBe(false);
		expect(listAllCountryAnswers(db)).toHaveLength(1);
	});

	it('answers field errors in the member’s language and saves nothing', () => {
		const ctx = createContextFor(db, ines, { lang: 'fr' });
		const result = answerForCountry(ctx, {
			caseStudy: 'alpha',
			values: values({ change: '', kpiBefore: 'beaucoup' }),
		});
		expect(result).toEqual({
			ok: false,
			kind: 'invalid',
			errors: {
				change: 'Dites ce que votre pays a changé.',
				kpiBefore: 'Indiquez un nombre comme 12, 12,5 ou −3.',
			},
		});
		expect(
			answerForCountry(ctx, { caseStudy: 'alpha', values: values({ status: 'not-relevant' }) }),
		).toMatchObject({ errors: { reason: 'Dites pourquoi.' } });
		expect(listAllCountryAnswers(db)).toEqual([]);
		expect(jobs()).toEqual([]);
	});

	it('writes the answer and its job in one transaction: no job, no answer', () => {
		refuseInserts(db, 'job', 'job store down', 'notify-answer');
		expect(() =>
			answerForCountry(createContextFor(db, ines), { caseStudy: 'alpha', values: values() }),
		).toThrow(/job store down/);
		expect(getCountryAnswer(db, 'alpha', 'PT')).toBeNull();
	});

	it('is rate-limited per member', () => {
		const ctx = createContextFor(db, ines);
		for (let i = 0; i < countryAnswerBucket.max; i++)
			expect(answerForCountry(ctx, { caseStudy: 'alpha', values: values() }, T0).ok).toBe(true);
		expect(answerForCountry(ctx, { caseStudy: 'alpha', values: values() }, T0)).toEqual({
			ok: false,
			kind: 'rate-limited',
		});
	});
});

describe('owed answers', () => {
	it('list what each country owes, with its focal points or none, and overdue counts', () => {
		const now = T0 + 40 * DAY;
		const rows = listOwedAnswerRows(db, now);
		expect(
			rows.map(
				(r) =>
					`${r.caseStudy} ${r.country} ${r.daysOverdue} ${r.focalPoints.map((f) => f.name).join('+') || '-'}`,
			),
		).toEqual(['alpha GB 10 -', 'beta GB 10 -', 'beta IT 10 -', 'alpha PT 10 Inês Carvalho']);
		expect(countOwedByCountry(db, now)).toEqual([
			{ country: 'GB', owed: 2, overdue: 2, hasFocalPoint: false },
			{ country: 'IT', owed: 1, overdue: 1, hasFocalPoint: false },
			{ country: 'PT', owed: 1, overdue: 1, hasFocalPoint: true },
		]);
		expect(countOverdueByCountry(db, T0 + 10 * DAY).get('PT')).toBe(0);
		const view = getPracticeAnswersView(db, 'alpha', ines, now);
		expect(view).toMatchObject({
			canAnswer: true,
			owed: { country: 'PT', overdue: true, dueAt: T0 + 30 * DAY },
		});
	});

	it('read only the rows a page shows, the head of the whole list, with the rest counted', () => {
		const now = T0 + 40 * DAY;
		const all = listOwedAnswerRows(db, now);
		expect(listOwedAnswerRows(db, now, { limit: 2 })).toEqual(all.slice(0, 2));
		expect(listOwedAnswerRows(db, now, { country: 'GB', limit: 1 })).toEqual(
			all.filter((r) => r.country === 'GB').slice(0, 1),
		);
		expect(countOwedByCountry(db, now).reduce((sum, c) => sum + c.owed, 0)).toBe(all.length);
		// Ten days in nothing is due yet: four owed, none overdue.
		expect(listOwedAnswerRows(db, T0 + 10 * DAY)).toHaveLength(4);
		expect(listOwedAnswerRows(db, T0 + 10 * DAY, { overdueOnly: true })).toEqual([]);
		expect(listOwedAnswerRows(db, now, { overdueOnly: true, limit: 3 })).toEqual(all.slice(0, 3));
	});

	it('stop when a git practice leaves the build, whose reminders are queued once', () => {
		const record = (slug: string, country: string) => ({
			slug,
			title: slug,
			lang: 'en',
			country,
			published: '2026-01-01',
			reviewBy: '',
			contacts: [],
		});
		syncGitPractices(db, [record('gamma', 'FR'), record('delta', 'IT')], T0);
		syncGitPractices(db, [record('gamma', 'FR'), record('delta', 'IT')], T0 + DAY);
		expect(
			db
				.prepare(
					"SELECT COUNT(*) FROM job WHERE kind = 'answer-reminder' AND payload LIKE '%gamma%'",
				)
				.pluck()
				.get(),
		).toBe(2);
		syncGitPractices(db, [record('gamma', 'FR')], T0 + 2 * DAY);
		const owed = new Set(listOwedAnswers(db, T0 + 2 * DAY).map((a) => a.caseStudy));
		expect(owed.has('gamma')).toBe(true);
		expect(owed.has('delta')).toBe(false);
	});
});

describe('answerUrl', () => {
	it('is absolute and in the member’s language', () => {
		expect(answerUrl('alpha-launch', 'fr')).toMatch(
			/^https?:\/\/[^/]+\/fr\/case-studies\/alpha-launch\/answer\/$/,
		);
		expect(answerUrl('alpha-launch', 'en')).toMatch(
			/^https?:\/\/[^/]+\/case-studies\/alpha-launch\/answer\/$/,
		);
	});
});

describe('seedDemoAnswers', () => {
	it('names focal points, seeds answers of several kinds and backdates some practices, once', () => {
		const people = { 'ines-carvalho': ines, 'giulia-conti': giulia };
		for (const [personId, u] of Object.entries(people))
			db.prepare('UPDATE user SET person_id = ? WHERE id = ?').run(personId, u.id);
		db.prepare('DELETE FROM focal_point').run();
		const slugs = ['open-showroom-wifi', 'online-owners-club-netherlands', 'kestrel-launch-italy'];
		const created = seedDemoAnswers(db, slugs, T0);
		expect(created).toBe(3);
		expect(listAllCountryAnswers(db).map((a) => `${a.caseStudy} ${a.country} ${a.status}`)).toEqual(
			[
				'online-owners-club-netherlands PT not-relevant',
				'open-showroom-wifi IT adapted',
				'open-showroom-wifi PT adopted',
			],
		);
		expect(
			db
				.prepare("SELECT owed_from FROM practice WHERE slug = 'kestrel-launch-italy'")
				.pluck()
				.get(),
		).toBe(T0 - 40 * DAY);
		expect(seedDemoAnswers(db, slugs, T0)).toBe(0);
	});
});
