// The answers countries still owe, as the overdue lists show them: who answers for each country (or
// that nobody does), how late it is. Shared with the dashboard and digests ("overdue per country").
import type { Database } from 'better-sqlite3';
import { prepare } from '../db';
import { listOwedAnswers, type OwedAnswer } from '../practices/owed';
import { ANSWER_DUE_DAYS } from '../practices/registry';
import { SECONDS_PER_DAY } from '../time';

/** An owed answer with the country's focal points and how many days it is late (0 while not). */
export interface OwedAnswerRow extends OwedAnswer {
	focalPoints: { id: number; name: string }[];
	daysOverdue: number;
}

/** Active focal points of every country, in one query. */
function listAllFocalPoints(db: Database): Map<string, { id: number; name: string }[]> {
	const rows = prepare(
		db,
		`SELECT f.country, user.id, user.name FROM focal_point f JOIN user ON user.id = f.user_id
			WHERE user.active = 1 ORDER BY f.created_at, user.id`,
	).all() as { country: string; id: number; name: string }[];
	const byCountry = new Map<string, { id: number; name: string }[]>();
	for (const r of rows) {
		let list = byCountry.get(r.country);
		if (!list) byCountry.set(r.country, (list = []));
		list.push({ id: r.id, name: r.name });
	}
	return byCountry;
}

/**
 * The owed answers (optionally of one country, or only the overdue ones), most late first, then by
 * country and practice: the order of `listOwedAnswers`, since days late only grow with the age of
 * the due date. With `limit`, only that many are read.
 * @example listOwedAnswerRows(db, now, { country: 'PT' })[0].daysOverdue // 12
 */
export function listOwedAnswerRows(
	db: Database,
	nowSeconds: number,
	filter: { country?: string; overdueOnly?: boolean; limit?: number } = {},
): OwedAnswerRow[] {
	const focal = listAllFocalPoints(db);
	return listOwedAnswers(db, nowSeconds, filter).map((a) => ({
		...a,
		focalPoints: focal.get(a.country) ?? [],
		daysOverdue: a.overdue ? Math.max(1, Math.ceil((nowSeconds - a.dueAt) / SECONDS_PER_DAY)) : 0,
	}));
}

/** Per country of the network: answers owed, of which overdue, and whether it has a focal point. */
export interface CountryOwedCount {
	country: string;
	owed: number;
	overdue: number;
	hasFocalPoint: boolean;
}

/**
 * Owed and overdue answers per country (every network country, even at zero), by country code;
 * with `country`, that country's row only (its owed answers alone are read: a member's dashboard).
 * @example countOwedByCountry(db, now).find((c) => c.country === 'PT')?.overdue // 3
 */
export function countOwedByCountry(
	db: Database,
	nowSeconds: number,
	filter: { country?: string } = {},
): CountryOwedCount[] {
	const focal = listAllFocalPoints(db);
	const counts = new Map<string, CountryOwedCount>();
	const countries = (
		prepare(
			db,
			`SELECT DISTINCT user.country FROM user WHERE user.active = 1 AND user.country IS NOT NULL
			AND user.country != '' ORDER BY user.country`,
		)
			.pluck()
			.all() as string[]
	).filter((c) => !filter.country || c === filter.country);
	if (countries.length === 0) return [];
	for (const country of countries)
		counts.set(country, { country, owed: 0, overdue: 0, hasFocalPoint: focal.has(country) });
	// Counted, not listed: owed = open practices of other countries − those the country answered,
	// so the cost follows practices + answers, not practices × countries (100 × 1000 at network scale).
	const dueBefore = nowSeconds - ANSWER_DUE_DAYS * SECONDS_PER_DAY;
	const open = prepare(
		db,
		`SELECT practice.country, COUNT(*) AS n, SUM(CASE WHEN practice.owed_from < ? THEN 1 ELSE 0 END) AS late FROM practice
			WHERE practice.gone_at IS NULL AND practice.retired_at IS NULL GROUP BY practice.country`,
	).all(dueBefore) as { country: string; n: number; late: number }[];
	const total = open.reduce((sum, r) => sum + r.n, 0);
	const totalLate = open.reduce((sum, r) => sum + r.late, 0);
	const own = new Map(open.map((r) => [r.country, r]));
	const answered = new Map(
		(
			prepare(
				db,
				`SELECT a.country, COUNT(*) AS n, SUM(CASE WHEN practice.owed_from < ? THEN 1 ELSE 0 END) AS late
					FROM country_answer a JOIN practice ON practice.slug = a.case_study
					WHERE practice.gone_at IS NULL AND practice.retired_at IS NULL
						AND practice.country != a.country
					GROUP BY a.country`,
			).all(dueBefore) as { country: string; n: number; late: number }[]
		).map((r) => [r.country, r]),
	);
	for (const c of counts.values()) {
		c.owed = total - (own.get(c.country)?.n ?? 0) - (answered.get(c.country)?.n ?? 0);
		c.overdue = totalLate - (own.get(c.country)?.late ?? 0) - (answered.get(c.country)?.late ?? 0);
	}
	return [...counts.values()];
}

/**
 * Overdue answers per country code, for badges and the dashboard.
 * @example countOverdueByCountry(db, now).get('PT') // 3
 */
export function countOverdueByCountry(db: Database, nowSeconds: number): Map<string, number> {
	return new Map(countOwedByCountry(db, nowSeconds).map((c) => [c.country, c.overdue]));
}
