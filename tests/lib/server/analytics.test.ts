import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, useBuiltPractices, listColumns, T0 } from './test-db';
import { createUser, type User } from '../../../src/lib/server/user';
import { registerPractice } from '../../../src/lib/server/practices/registry';
import { SECONDS_PER_DAY } from '../../../src/lib/server/time';
import { runMaintenance } from '../../../src/lib/server/maintenance';
import {
	getReadKey,
	isoWeek,
	practiceSlugOfPath,
	READ_KEY_FILE,
	recordPracticeRead,
} from '../../../src/lib/server/analytics/reads';
import { getPracticeFigures, serializeFiguresCsv } from '../../../src/lib/server/analytics/figures';
import { canManagePractice } from '../../../src/lib/server/trust/store';
import { ConfigError, readServerConfig } from '../../../src/lib/config';

// Reads counted per practice, country and week, a member once a day, with nothing that names them;
// kept for the configured months; figures shown only to the practice's owners and the admins.
const NOW = T0 + 200 * SECONDS_PER_DAY + 10 * 3600; // Monday 2026-07-20, 10:00 UTC
let t: ReturnType<typeof createTestDatabase>;
let key: Buffer;
let anna: User; // owner of alpha (its contact), IT
let bruno: User; // PT
let rui: User; // PT
let claire: User; // admin

useBuiltPractices([
	{
		slug: 'alpha',
		title: 'Alpha',
		lang: 'en',
		country: 'IT',
		published: '2025-03-10',
		reviewBy: '2027-03-10',
		contacts: ['anna-verdi'],
	},
]);

beforeEach(() => {
	t = createTestDatabase();
	key = getReadKey(t.dir);
	const add = (email: string, country: string, role: User['role'] = 'member', personId?: string) =>
		createUser(t.db, { email, name: email, role, passwordHash: 'x', country, personId }, T0);
	anna = add('anna@example.com', 'IT', 'member', 'anna-verdi');
	bruno = add('bruno@example.com', 'PT');
	rui = add('rui@example.com', 'PT');
	claire = add('claire@example.com', 'FR', 'admin');
	registerPractice(
		t.db,
		{ slug: 'alpha', country: 'IT', source: 'git', publishedAt: T0, reviewBy: '2027-03-10' },
		T0,
	);
});
afterEach(() => t.cleanup());

const read = (user: User, at: number) =>
	recordPracticeRead(t.db, { userId: user.id, country: user.country, slug: 'alpha' }, at, key);
const reads = () =>
	t.db.prepare('SELECT * FROM practice_read ORDER BY week, country').all() as Record<
		string,
		unknown
	>[];

describe('counting reads', () => {
	it('counts a member once a day, again the next day, and two members as two', () => {
		expect(read(bruno, NOW)).toBe(true);
		expect(read(bruno, NOW + 3600)).toBe(false); // the island, a reload, a second tab
		expect(reads()).toEqual([{ case_study: 'alpha', country: 'PT', week: '2026-W30', reads: 1 }]);
		expect(read(bruno, NOW + SECONDS_PER_DAY)).toBe(true);
		expect(read(rui, NOW + SECONDS_PER_DAY)).toBe(true);
		expect(read(anna, NOW + SECONDS_PER_DAY)).toBe(true);
		expect(reads()).toEqual([
			{ case_study: 'alpha', country: 'IT', week: '2026-W30', reads: 1 },
			{ case_study: 'alpha', country: 'PT', week: '2026-W30', reads: 3 },
		]);
	});

	it('stores nothing that names the reader, in any column', () => {
		read(bruno, NOW);
		read(rui, NOW);
		const columns = [
			...listColumns(t.db, 'practice_read'),
			...listColumns(t.db, 'practice_read_seen'),
		];
		expect(columns).toEqual(['case_study', 'country', 'week', 'reads', 'digest', 'day']);
		// Every column of every row: the practice, the country, the week and a count; a keyed hash and
		// the day number. No member id, name or email anywhere.
		expect(reads()).toEqual([{ case_study: 'alpha', country: 'PT', week: '2026-W30', reads: 2 }]);
		const seen = t.db.prepare('SELECT * FROM practice_read_seen').all() as {
			digest: string;
			day: number;
		}[];
		expect(seen).toHaveLength(2);
		const day = Math.floor(NOW / SECONDS_PER_DAY);
		for (const row of seen) {
			expect(Object.keys(row)).toEqual(['digest', 'day']);
			expect(row.day).toBe(day);
			expect(row.digest).toMatch(/^[0-9a-f]{64}$/);
			for (const user of [bruno, rui]) {
				expect(row.digest).not.toContain(user.email);
				// Not a plain hash of who, what and when: without the key it cannot be recomputed.
				const plain = crypto.createHash('sha256').update(`${user.id}|alpha|${day}`).digest('hex');
				expect(row.digest).not.toBe(plain);
			}
		}
	});

	it('keeps its key in DATA_DIR, readable by the portal only, and reuses it', () => {
		const file = path.join(t.dir, READ_KEY_FILE);
		expect(fs.statSync(file).mode & 0o777).toBe(0o600);
		expect(fs.readFileSync(file, 'utf8')).toMatch(/^[0-9a-f]{64}$/);
		expect(getReadKey(t.dir).equals(key)).toBe(true);
	});

	it('forgets the "already counted" hashes after two days', () => {
		read(bruno, NOW);
		runMaintenance(t.db, { nowSeconds: NOW + SECONDS_PER_DAY, analyticsRetentionMonths: 24 });
		expect(t.db.prepare('SELECT count(*) FROM practice_read_seen').pluck().get()).toBe(1);
		runMaintenance(t.db, { nowSeconds: NOW + 2 * SECONDS_PER_DAY, analyticsRetentionMonths: 24 });
		expect(t.db.prepare('SELECT count(*) FROM practice_read_seen').pluck().get()).toBe(0);
		expect(reads()).toHaveLength(1);
	});

	it('deletes the weeks older than ANALYTICS_RETENTION_MONTHS', () => {
		read(bruno, NOW - 400 * SECONDS_PER_DAY); // about 13 months before
		read(bruno, NOW - 100 * SECONDS_PER_DAY);
		read(bruno, NOW);
		expect(reads().map((r) => r.week)).toEqual(['2025-W24', '2026-W15', '2026-W30']);
		runMaintenance(t.db, { nowSeconds: NOW, analyticsRetentionMonths: 24 });
		expect(reads()).toHaveLength(3);
		runMaintenance(t.db, { nowSeconds: NOW, analyticsRetentionMonths: 12 });
		expect(reads().map((r) => r.week)).toEqual(['2026-W15', '2026-W30']);
		runMaintenance(t.db, { nowSeconds: NOW, analyticsRetentionMonths: 1 });
		expect(reads().map((r) => r.week)).toEqual(['2026-W30']);
	});

	it('writes ISO weeks as SQLite does, across year ends', () => {
		for (const day of ['2026-01-01', '2025-12-29', '2027-01-03', '2026-12-31', '2026-07-20']) {
			const s = Date.parse(`${day}T12:00:00Z`) / 1000;
			expect(isoWeek(s)).toBe(
				t.db.prepare("SELECT strftime('%G-W%V', ?, 'unixepoch')").pluck().get(s),
			);
		}
		expect(isoWeek(Date.parse('2027-01-03T12:00:00Z') / 1000)).toBe('2026-W53');
	});

	it('knows which addresses are case-study pages', () => {
		expect(practiceSlugOfPath('/case-studies/alpha/')).toBe('alpha');
		expect(practiceSlugOfPath('/fr/case-studies/alpha/index.html')).toBe('alpha');
		expect(practiceSlugOfPath('/case-studies/alpha/applied/')).toBeNull();
		expect(practiceSlugOfPath('/case-studies/alpha/cover.jpg')).toBeNull();
		expect(practiceSlugOfPath('/case-studies/')).toBeNull();
	});
});

describe('figures', () => {
	it('add contacts started and country answers by week, and export them as CSV', () => {
		read(bruno, NOW);
		read(anna, NOW);
		t.db
			.prepare(
				"INSERT INTO thread (subject, case_study, created_at, updated_at) VALUES ('Hi', 'alpha', ?, ?)",
			)
			.run(NOW, NOW);
		t.db
			.prepare(
				"INSERT INTO country_answer (case_study, country, status, created_at, updated_at) VALUES ('alpha', 'PT', 'adopted', ?, ?)",
			)
			.run(NOW - 7 * SECONDS_PER_DAY, NOW);
		const f = getPracticeFigures(t.db, 'alpha', NOW, 24);
		expect(f.totals).toEqual({ reads: 2, contacts: 1, answers: 1 });
		expect(f.byCountry).toEqual([
			{ country: 'IT', reads: 1 },
			{ country: 'PT', reads: 1 },
		]);
		expect(f.weeks.at(-1)).toEqual({ week: '2026-W30', reads: 2, contacts: 1, answers: 0 });
		expect(f.weeks.at(-2)).toEqual({ week: '2026-W29', reads: 0, contacts: 0, answers: 1 });
		expect(f.weeks).toHaveLength(26);
		expect(serializeFiguresCsv('alpha', f).split('\r\n')).toEqual([
			'practice,week,figure,country,count',
			'alpha,2026-W30,reads,IT,1',
			'alpha,2026-W30,reads,PT,1',
			'alpha,2026-W29,answers,,1',
			'alpha,2026-W30,contacts,,1',
			'',
		]);
	});

	it('are for the owner and the admins only', () => {
		expect(canManagePractice(t.db, anna, 'alpha')).toBe(true);
		expect(canManagePractice(t.db, claire, 'alpha')).toBe(true);
		expect(canManagePractice(t.db, bruno, 'alpha')).toBe(false);
		expect(canManagePractice(t.db, null, 'alpha')).toBe(false);
	});
});

describe('ANALYTICS_RETENTION_MONTHS', () => {
	const cwd = () => fs.mkdtempSync(path.join(os.tmpdir(), 'cd-config-'));
	it('defaults to 24 and refuses a bad value with one clear line', () => {
		expect(readServerConfig({}, cwd()).analyticsRetentionMonths).toBe(24);
		expect(
			readServerConfig({ ANALYTICS_RETENTION_MONTHS: '6' }, cwd()).analyticsRetentionMonths,
		).toBe(6);
		for (const bad of ['0', 'two', '-3', '1.5', '121'])
			expect(() => readServerConfig({ ANALYTICS_RETENTION_MONTHS: bad }, cwd())).toThrow(
				new ConfigError(
					`ANALYTICS_RETENTION_MONTHS must be a whole number of months from 1 to 120 (got "${bad}")`,
				),
			);
	});
});
