import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from 'better-sqlite3';
import { createTestDatabase, T0 } from './test-db';
import { openDatabase } from '../../../src/lib/server/db';
import { createUser, type User } from '../../../src/lib/server/user';
import {
	createImpactContext,
	getImpactChart,
	getImpactRows,
	getWeekPractices,
	type ImpactContext,
} from '../../../src/lib/server/impact/dashboard';
import { serializeTableCsv } from '../../../src/lib/impact';

// A small network with hand-computed figures: three countries (PT, IT, FR), five visible practices
// and a retired one, answers in and out of time, reviews, post-mortems, conversations and KPIs.
const DAY = 86_400;
const NOW = T0 + 100 * DAY; // 2026-04-11

let db: Database;
let cleanup: () => void;
let dbFile: string;
let admin: User;
let pt: User;
let it_: User;
let fr: User;

function practice(
	slug: string,
	country: string,
	owedDay: number,
	extra: Record<string, unknown> = {},
) {
	const owedFrom = T0 + owedDay * DAY;
	db.prepare(
		`INSERT INTO practice (slug, country, source, published_at, first_seen_at, owed_from, review_by, verified_at, retired_at)
			VALUES (?, ?, 'git', ?, ?, ?, ?, ?, ?)`,
	).run(
		slug,
		country,
		owedFrom,
		owedFrom,
		owedFrom,
		(extra.reviewBy as string) ?? '',
		(extra.verifiedAt as number) ?? null,
		(extra.retiredAt as number) ?? null,
	);
}

function answer(
	slug: string,
	country: string,
	day: number,
	status = 'adopted',
	kpi: Record<string, unknown> | null = null,
) {
	db.prepare(
		`INSERT INTO country_answer (case_study, country, status, kpi, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?)`,
	).run(slug, country, status, kpi ? JSON.stringify(kpi) : null, T0 + day * DAY, T0 + day * DAY);
}

function thread(
	from: User,
	to: User,
	askedAt: number,
	repliedAt: number | null,
	postMortemId?: number,
) {
	const id = Number(
		db
			.prepare(
				'INSERT INTO thread (subject, created_at, updated_at, post_mortem_id) VALUES (?, ?, ?, ?)',
			)
			.run('Hello', askedAt, askedAt, postMortemId ?? null).lastInsertRowid,
	);
	db.prepare('INSERT INTO thread_member (thread_id, user_id) VALUES (?, ?), (?, ?)').run(
		id,
		from.id,
		id,
		to.id,
	);
	db.prepare(
		'INSERT INTO message (thread_id, sender_id, body, created_at) VALUES (?, ?, ?, ?)',
	).run(id, from.id, 'Question', askedAt);
	// A second message by the asker is not a reply.
	db.prepare(
		'INSERT INTO message (thread_id, sender_id, body, created_at) VALUES (?, ?, ?, ?)',
	).run(id, from.id, 'Also…', askedAt + 60);
	if (repliedAt !== null)
		db.prepare(
			'INSERT INTO message (thread_id, sender_id, body, created_at) VALUES (?, ?, ?, ?)',
		).run(id, to.id, 'Answer', repliedAt);
}

function postMortem(status: string, month: string) {
	return Number(
		db
			.prepare(
				`INSERT INTO post_mortem (author_id, status, title, created_at, updated_at, published_month)
					VALUES (?, ?, 'Failed launch', ?, ?, ?)`,
			)
			.run(pt.id, status, T0, T0, month).lastInsertRowid,
	);
}

const utc = (iso: string) => Date.parse(iso) / 1000;
const ctxFor = (user: User): ImpactContext => ({
	...createImpactContext(db, user, NOW, 'en'),
	loadPractices: async () => new Map([['d', { title: 'Delta practice', lang: 'en' }]]),
});

beforeEach(() => {
	let file: string;
	({ db, cleanup, file } = createTestDatabase());
	dbFile = file;
	const make = (email: string, role: 'member' | 'admin', country: string) =>
		createUser(db, { email, name: email, role, passwordHash: 'x', country }, T0);
	admin = make('admin@hq.example', 'admin', 'IT');
	pt = make('ana@pt.example', 'member', 'PT');
	it_ = make('giulia@it.example', 'member', 'IT');
	fr = make('luc@fr.example', 'member', 'FR');

	practice('a', 'IT', 0, { reviewBy: '2026-02-01', verifiedAt: utc('2026-01-20T00:00:00Z') });
	practice('b', 'IT', 10, { reviewBy: '2026-02-01', verifiedAt: utc('2026-02-05T00:00:00Z') });
	practice('c', 'PT', 5, { reviewBy: '2026-03-01' });
	practice('d', 'FR', 95, { reviewBy: '2027-01-01' });
	practice('f', 'PT', 50, { reviewBy: '2027-01-01', verifiedAt: T0 + 60 * DAY });
	practice('e', 'IT', 0, { retiredAt: T0 + DAY });

	answer('a', 'PT', 20, 'adopted', {
		label: 'Test drives',
		unit: 'count',
		before: 100,
		after: 130,
	});
	answer('a', 'FR', 29, 'adapted', {
		label: ' test  drives',
		unit: 'count',
		before: 50,
		after: 45,
	});
	answer('b', 'PT', 60, 'rejected', {
		label: 'Test drives',
		unit: 'count',
		before: 1,
		after: 1000,
	});
	answer('c', 'IT', 36, 'adopted', { label: 'Conversion', unit: '%', before: 10, after: 12.5 });
	answer('d', 'PT', 96, 'trying');
	answer('e', 'PT', 2, 'adopted');

	postMortem('published', '2026-01');
	postMortem('published', '2026-02');
	postMortem('hidden', '2026-02');
	postMortem('draft', '2026-02');

	// Friday 6 March 10:00 → the next Friday 09:00 is 4 working days 23 hours: in time.
	thread(pt, it_, utc('2026-03-06T10:00:00Z'), utc('2026-03-13T09:00:00Z'));
	// … and 11:00 is 5 working days and an hour: late.
	thread(pt, it_, utc('2026-03-06T10:00:00Z'), utc('2026-03-13T11:00:00Z'));
	// Never answered, long ago: late.
	thread(it_, pt, utc('2026-03-02T09:00:00Z'), null);
	// Asked yesterday, no reply yet: still in time, not counted.
	thread(it_, pt, NOW - DAY, null);
	// A relay about a post-mortem: left out.
	thread(fr, pt, utc('2026-03-02T09:00:00Z'), null, postMortem('published', '2026-03'));
});

afterEach(() => cleanup());

const rows = async (ctx: ImpactContext, id: Parameters<typeof getImpactChart>[1]) =>
	(await getImpactChart(ctx, id)).table.rows;

describe('impact dashboard figures (admin: every country)', () => {
	it('counts practices with at least one other country’s answer, per practice country', async () => {
		// IT: a and b answered (retired e left out); PT: c answered, f not; FR: d answered.
		expect(await rows(ctxFor(admin), 'coverage')).toEqual([
			['France (FR)', 1, 1, 100],
			['Italy (IT)', 2, 2, 100],
			['Portugal (PT)', 1, 2, 50],
			['Network (all countries)', 4, 5, 80],
		]);
	});

	it('counts answers given within 30 days of the day they were owed, of those due', async () => {
		// Due: a, b (IT), c, f (PT); d is not due yet. FR owes all four and answered a in time; IT
		// owes c, f and answered c late; PT owes a, b and answered a in time, b late.
		expect(await rows(ctxFor(admin), 'answers')).toEqual([
			['France (FR)', 1, 4, 25],
			['Italy (IT)', 0, 2, 0],
			['Portugal (PT)', 1, 2, 50],
			['Network (all countries)', 2, 8, 25],
		]);
	});

	it('counts practices verified by their review date among those reviewed or past it', async () => {
		// a verified before its date, b after; c past its date unverified; f verified early; d not due.
		expect(await rows(ctxFor(admin), 'verified')).toEqual([
			['Italy (IT)', 1, 2, 50],
			['Portugal (PT)', 1, 2, 50],
			['Network (all countries)', 2, 4, 50],
		]);
	});

	it('gives the share of failures among submissions per month (hidden and drafts left out)', async () => {
		const table = await rows(ctxFor(admin), 'failures');
		expect(table).toHaveLength(12);
		// January: a, b, c, e (retired later, but it was published) and one post-mortem.
		expect(table.find((r) => r[0] === '2026-01')).toEqual(['2026-01', 4, 1, 20]);
		expect(table.find((r) => r[0] === '2026-02')).toEqual(['2026-02', 1, 1, 50]);
		expect(table.find((r) => r[0] === '2026-03')).toEqual(['2026-03', 0, 1, 100]);
		expect(table.find((r) => r[0] === '2025-12')).toEqual(['2025-12', 0, 0, null]);
	});

	it('counts conversations answered within 5 working days, weekends excluded, relays left out', async () => {
		expect(await rows(ctxFor(admin), 'messages')).toEqual([
			['Italy (IT)', 1, 2, 50],
			['Portugal (PT)', 0, 1, 0],
			['Network (all countries)', 1, 3, 33.3],
		]);
	});

	it('sums after − before per KPI kind over adopting countries, with the answers behind it', async () => {
		expect(await rows(ctxFor(admin), 'kpi')).toEqual([
			['test drives', 'count', 25, 2, 2],
			['conversion', '%', 2.5, 1, 1],
		]);
		const detail = await getImpactRows(ctxFor(admin), 'kpi', 'count|test drives');
		expect(detail.rows.map((r) => [r[0], r[1], r[7]])).toEqual([
			['a', 'FR', -5],
			['a', 'PT', 30],
		]);
	});

	it('lists the week’s practices with who answered what and who is overdue', async () => {
		const last7 = await getWeekPractices(ctxFor(admin), null);
		expect(last7.practices).toEqual([
			expect.objectContaining({
				caseStudy: 'd',
				title: 'Delta practice',
				answers: [{ country: 'PT', status: 'trying', kpi: '' }],
				overdue: [],
				owed: ['IT'],
			}),
		]);
		// 2026-W02 (5–11 January): c (IT answered, FR overdue) and b (PT answered late, FR overdue).
		const w02 = await getWeekPractices(ctxFor(admin), '2026-W02');
		expect(
			w02.practices.map((p) => [p.caseStudy, p.answers.map((a) => a.country), p.overdue]),
		).toEqual([
			['c', ['IT'], ['FR']],
			['b', ['PT'], ['FR']],
		]);
	});

	it('traces a figure to its rows: the answers behind IT’s “0 of 2”', async () => {
		const detail = await getImpactRows(ctxFor(admin), 'answers', 'IT');
		expect(detail.rows.map((r) => [r[0], r[2], r[5], r[7]])).toEqual([
			['c', 'IT', '2026-02-06', 'no'],
			['f', 'IT', '', 'no'],
		]);
		const csv = serializeTableCsv(detail);
		expect(csv.split('\r\n')[0]).toBe(
			'case_study,practice_country,country,owed_from,due,answered,status,within_30_days',
		);
	});
});

describe('what a country’s member sees', () => {
	it('shows PT only its own rows; with fewer than 5 countries, no network figure at all', async () => {
		const ctx = ctxFor(pt);
		expect(ctx.scope).toEqual({ country: 'PT', network: false });
		expect(await rows(ctx, 'answers')).toEqual([['Portugal (PT)', 1, 2, 50]]);
		expect(await rows(ctx, 'coverage')).toEqual([['Portugal (PT)', 1, 2, 50]]);
		expect(await rows(ctx, 'messages')).toEqual([['Portugal (PT)', 0, 1, 0]]);
		expect(await rows(ctx, 'kpi')).toEqual([['test drives', 'count', 30, 1, 1]]);
		expect(await rows(ctx, 'failures')).toEqual([]);
	});

	it('gives no rows of another country, whatever key is asked for (IDOR)', async () => {
		const ctx = ctxFor(pt);
		expect((await getImpactRows(ctx, 'answers', 'IT')).rows).toEqual([]);
		expect((await getImpactRows(ctx, 'messages', 'IT')).rows).toEqual([]);
		expect((await getImpactRows(ctx, 'coverage', 'IT')).rows).toEqual([]);
		expect((await getImpactRows(ctx, 'verified', 'IT')).rows).toEqual([]);
		const own = await getImpactRows(ctx, 'answers', null);
		expect(new Set(own.rows.map((r) => r[2]))).toEqual(new Set(['PT']));
		const week = await getWeekPractices(ctx, '2026-W02');
		// PT's own view of c (PT's practice: nothing owed) and b (answered by PT).
		expect(
			week.practices.map((p) => [p.caseStudy, p.answers.map((a) => a.country), p.overdue]),
		).toEqual([
			['c', [], []],
			['b', ['PT'], []],
		]);
	});

	it('adds network-wide shares (never other rows) once 5 countries are in the network', async () => {
		for (const c of ['ES', 'DE'])
			createUser(
				db,
				{ email: `x@${c}.example`, name: c, role: 'member', passwordHash: 'x', country: c },
				T0,
			);
		const table = await rows(ctxFor(pt), 'answers');
		expect(table.map((r) => r[0])).toEqual(['Portugal (PT)', 'Network (all countries)']);
		// ES and DE owe a, b, c, f too: 8 + 4 + 4 due, 2 within.
		expect(table[1]).toEqual(['Network (all countries)', 2, 16, 12.5]);
	});
});

describe('overdue answers per answering country', () => {
	// Two practices, three countries: IT's "p1" (owed 40 days ago, so 10 days overdue) answered by PT,
	// not by FR; PT's "p2" (owed 5 days ago) not yet due for IT and FR. FR has no focal point.
	const titled = (user: User): ImpactContext => ({
		...createImpactContext(db, user, NOW, 'en'),
		loadPractices: async () => new Map([['p1', { title: 'Pilot practice', lang: 'en' }]]),
	});
	beforeEach(() => {
		db.exec('DELETE FROM country_answer; DELETE FROM practice;');
		practice('p1', 'IT', 60);
		practice('p2', 'PT', 95);
		answer('p1', 'PT', 75);
		const focal = db.prepare(
			'INSERT INTO focal_point (country, user_id, named_by, created_at) VALUES (?, ?, ?, ?)',
		);
		focal.run('PT', pt.id, admin.id, T0);
		focal.run('IT', it_.id, admin.id, T0);
	});

	it('counts owed and overdue answers, most overdue first, flags no focal point, links the answers list', async () => {
		const chart = await getImpactChart(titled(admin), 'overdue');
		expect(chart.table.rows).toEqual([
			['France (FR)', 1, 2, 'no focal point'],
			['Italy (IT)', 0, 1, 'yes'],
			['Portugal (PT)', 0, 0, 'yes'],
			['Network (all countries)', 1, 3, ''],
		]);
		expect(chart.data.map((d) => [d.label, d.value, d.display])).toEqual([
			['France (FR)', 1, '1 overdue of 2 owed · no focal point'],
			['Italy (IT)', 0, '0 overdue of 1 owed'],
			['Portugal (PT)', 0, '0 overdue of 0 owed'],
		]);
		expect(chart.rowKeys).toEqual(['FR', 'IT', 'PT', null]);
		expect(chart.rowLinks).toEqual([
			'/answers/?country=FR&overdue=1',
			'/answers/?country=IT&overdue=1',
			'/answers/?country=PT&overdue=1',
			'/answers/?overdue=1',
		]);
		expect(serializeTableCsv(chart.table)).toBe(
			'country,overdue,owed,focal_point\r\n' +
				'France (FR),1,2,no focal point\r\n' +
				'Italy (IT),0,1,yes\r\n' +
				'Portugal (PT),0,0,yes\r\n' +
				'Network (all countries),1,3,\r\n',
		);
	});

	it('traces the figure to each overdue practice × country, with due date, days late and focal points', async () => {
		const expected =
			'case_study,title,practice_country,country,due,days_overdue,focal_points\r\n' +
			'p1,Pilot practice,IT,FR,2026-04-01,10,\r\n';
		expect(serializeTableCsv(await getImpactRows(titled(admin), 'overdue', null))).toBe(expected);
		expect(serializeTableCsv(await getImpactRows(titled(admin), 'overdue', 'FR'))).toBe(expected);
		expect((await getImpactRows(titled(admin), 'overdue', 'IT')).rows).toEqual([]);
		// Once IT's answer is overdue too, its row names IT's focal point.
		const later = { ...titled(admin), now: NOW + 30 * DAY };
		expect((await getImpactRows(later, 'overdue', 'IT')).rows).toEqual([
			['p2', 'p2', 'PT', 'IT', '2026-05-06', 5, 'giulia@it.example'],
		]);
		const excel = serializeTableCsv(await getImpactRows(titled(admin), 'overdue', 'FR'), {
			format: 'excel',
		});
		expect(excel.split('\r\n')[0]).toBe(
			'\uFEFFPractice (address name);Practice;Country of the practice;Country;Due on;Days overdue;Focal points',
		);
	});

	it('shows a member of Portugal Portugal’s row only, and no other country’s rows', async () => {
		const ctx = titled(pt);
		expect(await rows(ctx, 'overdue')).toEqual([['Portugal (PT)', 0, 0, 'yes']]);
		expect((await getImpactRows(ctx, 'overdue', 'FR')).rows).toEqual([]);
		expect((await getImpactRows(ctx, 'overdue', null)).rows).toEqual([]);
		// France's member sees France's overdue answer, and only that.
		expect(await rows(titled(fr), 'overdue')).toEqual([['France (FR)', 1, 2, 'no focal point']]);
		expect((await getImpactRows(titled(fr), 'overdue', null)).rows.map((r) => r[3])).toEqual([
			'FR',
		]);
	});
});

describe('kept figures', () => {
	it('are recomputed as soon as any connection writes', async () => {
		const before = await rows(ctxFor(admin), 'answers');
		expect(before[0]).toEqual(['France (FR)', 1, 4, 25]);
		// Same connection: FR answers c in time.
		answer('c', 'FR', 10);
		expect((await rows(ctxFor(admin), 'answers'))[0]).toEqual(['France (FR)', 2, 4, 50]);
		// Another connection (another worker process): FR answers f in time.
		const other = openDatabase(dbFile);
		other
			.prepare(
				`INSERT INTO country_answer (case_study, country, status, created_at, updated_at) VALUES ('f', 'FR', 'trying', ?, ?)`,
			)
			.run(T0 + 55 * DAY, T0 + 55 * DAY);
		other.close();
		expect((await rows(ctxFor(admin), 'answers'))[0]).toEqual(['France (FR)', 3, 4, 75]);
	});
});
