// "We applied this" marks on a real SQLite file: one per member and practice, an update replaces the
// mark (keeping when it was first given), withdrawing removes it, the country comes from the profile
// (or fills an empty profile), and the demo seed only fills an empty table.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
	getAdoptionOfMember,
	listAdoptionsForPractice,
	listAllAdoptions,
	listPublishedPostMortemsOfPractice,
	saveAdoption,
	withdrawAdoption,
} from '../../../src/lib/server/adoption';
import { listBuiltCaseStudySlugs, seedDemoAdoptions } from '../../../src/lib/server/demo/adoptions';
import { countAdoptionStatuses, type AdoptionInput } from '../../../src/lib/adoption';
import { getUserById, updateUserProfile, type User } from '../../../src/lib/server/user';
import type { Database } from '../../../src/lib/server/db';
import { addUser, createTestDatabase, T0 } from './test-db';

let db: Database;
let cleanup: () => void;
let anna: User;
let bruno: User;

const input = (over: Partial<AdoptionInput> = {}): AdoptionInput => ({
	status: 'adopted',
	period: 'Q1 2026',
	change: '',
	note: '',
	kpi: null,
	country: null,
	...over,
});

beforeEach(() => {
	({ db, cleanup } = createTestDatabase());
	anna = updateUserProfile(
		db,
		addUser(db, 'anna@example.com', 'Anna Verdi').id,
		{ country: 'IT' },
		T0,
	)!;
	bruno = updateUserProfile(
		db,
		addUser(db, 'bruno@example.com', 'Bruno Costa').id,
		{ country: 'PT' },
		T0,
	)!;
});

afterEach(() => cleanup());

describe('saveAdoption', () => {
	it('records the mark with the member’s profile country and name', () => {
		const result = saveAdoption(
			db,
			anna.id,
			'alpha',
			input({ kpi: { label: 'Leads', unit: '%', before: 10, after: 12 } }),
			T0,
		);
		expect(result).toMatchObject({ ok: true, created: true });
		expect(listAdoptionsForPractice(db, 'alpha')).toEqual([
			expect.objectContaining({
				userId: anna.id,
				memberName: 'Anna Verdi',
				country: 'IT',
				status: 'adopted',
				period: 'Q1 2026',
				kpi: { label: 'Leads', unit: '%', before: 10, after: 12 },
				createdAt: T0,
				updatedAt: T0,
			}),
		]);
	});

	it('keeps one mark per member and practice: an update replaces it', () => {
		saveAdoption(
			db,
			anna.id,
			'alpha',
			input({ status: 'adapted', change: 'Smaller events', note: 'first' }),
			T0,
		);
		const again = saveAdoption(
			db,
			anna.id,
			'alpha',
			input({ status: 'adopted', note: 'second' }),
			T0 + 60,
		);
		expect(again).toMatchObject({ ok: true, created: false });
		const marks = listAdoptionsForPractice(db, 'alpha');
		expect(marks).toHaveLength(1);
		expect(marks[0]).toMatchObject({
			status: 'adopted',
			change: '',
			note: 'second',
			createdAt: T0,
			updatedAt: T0 + 60,
		});
		const count = db.prepare('SELECT COUNT(*) AS n FROM adoption').get() as { n: number };
		expect(count.n).toBe(1);
	});

	it('counts each member’s mark, per practice', () => {
		saveAdoption(db, anna.id, 'alpha', input({ status: 'adapted', change: 'x' }), T0);
		saveAdoption(db, bruno.id, 'alpha', input({ status: 'rejected', change: 'No budget' }), T0);
		saveAdoption(db, bruno.id, 'beta', input({ status: 'trying' }), T0);
		expect(countAdoptionStatuses(listAdoptionsForPractice(db, 'alpha'))).toEqual({
			trying: 0,
			adopted: 0,
			adapted: 1,
			rejected: 1,
			'on-hold': 0,
		});
		expect(listAdoptionsForPractice(db, 'beta')).toHaveLength(1);
		expect(listAllAdoptions(db)).toHaveLength(3);
	});

	it('uses the current profile country when a mark is updated', () => {
		saveAdoption(db, anna.id, 'alpha', input(), T0);
		updateUserProfile(db, anna.id, { country: 'FR' }, T0);
		saveAdoption(db, anna.id, 'alpha', input(), T0 + 1);
		expect(getAdoptionOfMember(db, anna.id, 'alpha')?.country).toBe('FR');
	});

	it('fills an empty profile country from the form, and refuses without one', () => {
		const carla = addUser(db, 'carla@example.com', 'Carla');
		expect(saveAdoption(db, carla.id, 'alpha', input(), T0)).toEqual({
			ok: false,
			error: 'no-country',
		});
		expect(listAllAdoptions(db)).toHaveLength(0);
		expect(saveAdoption(db, carla.id, 'alpha', input({ country: 'ES' }), T0)).toMatchObject({
			ok: true,
		});
		expect(getUserById(db, carla.id)?.country).toBe('ES');
		expect(getAdoptionOfMember(db, carla.id, 'alpha')?.country).toBe('ES');
		// A member with a country keeps it: the form's country is only for empty profiles.
		saveAdoption(db, anna.id, 'alpha', input({ country: 'ES' }), T0);
		expect(getAdoptionOfMember(db, anna.id, 'alpha')?.country).toBe('IT');
	});
});

describe('withdrawAdoption', () => {
	it('removes only the member’s own mark', () => {
		saveAdoption(db, anna.id, 'alpha', input(), T0);
		saveAdoption(db, bruno.id, 'alpha', input(), T0);
		expect(withdrawAdoption(db, anna.id, 'alpha')).toBe(true);
		expect(withdrawAdoption(db, anna.id, 'alpha')).toBe(false);
		expect(getAdoptionOfMember(db, anna.id, 'alpha')).toBeNull();
		expect(listAdoptionsForPractice(db, 'alpha').map((m) => m.userId)).toEqual([bruno.id]);
	});
});

describe('listPublishedPostMortemsOfPractice', () => {
	it('counts only published post-mortems about the practice', () => {
		const insert = db.prepare(
			`INSERT INTO post_mortem (author_id, status, title, practice, created_at, updated_at, published_month)
				VALUES (?, ?, ?, ?, ?, ?, '2026-01')`,
		);
		insert.run(anna.id, 'published', 'What went wrong', 'alpha', T0, T0);
		insert.run(anna.id, 'draft', 'Not yet', 'alpha', T0, T0);
		insert.run(anna.id, 'published', 'Elsewhere', 'beta', T0, T0);
		const result = listPublishedPostMortemsOfPractice(db, 'alpha');
		expect(result.count).toBe(1);
		expect(result.items).toEqual([{ id: expect.any(Number), title: 'What went wrong' }]);
	});
});

describe('seedDemoAdoptions', () => {
	const demoSlugs = [
		'open-showroom-wifi',
		'video-at-every-touchpoint',
		'social-media-instead-of-ad-campaigns',
		'dealer-coaching-academy',
		'used-car-trade-in-valuation',
		'crm-right-employee-right-moment',
		'online-owners-club-netherlands',
		'rallyes-proprietaires-morbihan',
		'kestrel-launch-italy',
		'volta-ev-financing',
		'small-business-fleet-desk',
		'taux-de-recommandation-pilotage',
		'product-geniuses-showroom-tablets',
	];

	function addDemoMembers() {
		['FR', 'DE', 'ES', 'GB', 'PL', 'BE', 'NL'].forEach((country, i) => {
			const user = addUser(db, `m${i}@example.com`, `Member ${i}`);
			updateUserProfile(db, user.id, { country }, T0);
		});
	}

	it('fills an empty table with 25+ marks of every status, with KPIs, from other countries', () => {
		addDemoMembers();
		const created = seedDemoAdoptions(db, demoSlugs, T0);
		expect(created).toBeGreaterThanOrEqual(25);
		const marks = listAllAdoptions(db);
		expect(marks).toHaveLength(created);
		expect(new Set(marks.map((m) => m.status))).toEqual(
			new Set(['trying', 'adopted', 'adapted', 'rejected', 'on-hold']),
		);
		expect(marks.filter((m) => m.kpi).length).toBeGreaterThanOrEqual(3);
		expect(
			marks.find((m) => m.caseStudy === 'kestrel-launch-italy' && m.country === 'IT'),
		).toBeUndefined();
		for (const m of marks) expect(m.country).toBe(getUserById(db, m.userId)?.country);
		expect(seedDemoAdoptions(db, demoSlugs, T0)).toBe(0);
	});

	it('leaves a site without the demo case studies empty', () => {
		addDemoMembers();
		expect(seedDemoAdoptions(db, ['alpha-launch', 'beta-rally'], T0)).toBe(0);
		expect(listAllAdoptions(db)).toHaveLength(0);
	});

	it('finds the case studies of a built site', () => {
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cd-built-'));
		try {
			fs.mkdirSync(path.join(dir, 'case-studies', 'alpha'), { recursive: true });
			fs.writeFileSync(path.join(dir, 'case-studies', 'alpha', 'index.html'), '');
			fs.mkdirSync(path.join(dir, 'case-studies', 'empty'), { recursive: true });
			expect(listBuiltCaseStudySlugs(dir)).toEqual(['alpha']);
			expect(listBuiltCaseStudySlugs(path.join(dir, 'missing'))).toEqual([]);
		} finally {
			fs.rmSync(dir, { recursive: true, force: true });
		}
	});
});
