// Which countries owe which answers. Every country of the network (a country with at least one
// active member) owes an answer on every visible practice of another country; the focal points of a
// country answer for it. Read by the answer pages, reminders, digests and the dashboard.
import type { Database } from 'better-sqlite3';
import { prepare } from '../db';
import { SECONDS_PER_DAY } from '../time';
import { ANSWER_DUE_DAYS, getPracticeRecords, type PracticeRecord } from './registry';

/**
 * The countries of the network: those with at least one active member, sorted by code.
 * @example listNetworkCountries(db) // ['ES', 'FR', 'IT', 'PT']
 */
export function listNetworkCountries(db: Database): string[] {
	return prepare(
		db,
		`SELECT DISTINCT user.country FROM user WHERE user.active = 1 AND user.country IS NOT NULL
			AND user.country != '' ORDER BY user.country`,
	)
		.pluck()
		.all() as string[];
}

/** A practice × country pair still waiting for the country's answer. */
export interface OwedAnswer {
	caseStudy: string;
	/** The practice's own country (it owes nothing on it). */
	practiceCountry: string;
	country: string;
	owedFrom: number;
	dueAt: number;
	overdue: boolean;
}

/**
 * The answers still owed (visible, unretired practices × network countries other than the
 * practice's, without a country answer), optionally for one country or one practice, or only the
 * overdue ones; oldest first (then by country and practice). With `limit`, only that many are read:
 * at network scale (100 countries × 1000 practices) the whole list is 100,000 rows.
 * @example listOwedAnswers(db, now, { country: 'PT' }).filter((a) => a.overdue).length
 */
export function listOwedAnswers(
	db: Database,
	nowSeconds: number,
	filter: { country?: string; caseStudy?: string; overdueOnly?: boolean; limit?: number } = {},
): OwedAnswer[] {
	const countries = filter.country ? [filter.country] : listNetworkCountries(db);
	if (countries.length === 0) return [];
	const dueBefore = nowSeconds - ANSWER_DUE_DAYS * SECONDS_PER_DAY;
	const rows = prepare(
		db,
		`SELECT practice.slug, practice.country AS practice_country, practice.owed_from, c.value AS country
			FROM practice, json_each(?) AS c
			WHERE practice.gone_at IS NULL AND practice.retired_at IS NULL
				AND practice.country != c.value
				AND (? IS NULL OR practice.slug = ?)
				AND (? = 0 OR practice.owed_from < ?)
				AND NOT EXISTS (SELECT 1 FROM country_answer a
					WHERE a.case_study = practice.slug AND a.country = c.value)
			ORDER BY practice.owed_from, c.value, practice.slug${filter.limit === undefined ? '' : ' LIMIT ?'}`,
	).all(
		JSON.stringify(countries),
		filter.caseStudy ?? null,
		filter.caseStudy ?? null,
		filter.overdueOnly ? 1 : 0,
		dueBefore,
		...(filter.limit === undefined ? [] : [filter.limit]),
	) as {
		slug: string;
		practice_country: string;
		owed_from: number;
		country: string;
	}[];
	return rows.map((r) => {
		const dueAt = r.owed_from + ANSWER_DUE_DAYS * SECONDS_PER_DAY;
		return {
			caseStudy: r.slug,
			practiceCountry: r.practice_country,
			country: r.country,
			owedFrom: r.owed_from,
			dueAt,
			overdue: dueAt < nowSeconds,
		};
	});
}

/**
 * Members who own a practice (its contacts; for a web study also its author): they are told of
 * answers, and asked to confirm it is still valid. Active members only.
 * @example listPracticeOwners(db, 'alpha-launch') // [3, 7]
 */
export function listPracticeOwners(
	db: Database,
	slug: string,
	records: readonly PracticeRecord[] = getPracticeRecords(),
): number[] {
	const owners = new Set<number>();
	const git = records.find((r) => r.slug === slug);
	if (git && git.contacts.length) {
		const ids = prepare(
			db,
			`SELECT user.id FROM user, json_each(?) AS p WHERE user.person_id = p.value AND user.active = 1`,
		)
			.pluck()
			.all(JSON.stringify(git.contacts)) as number[];
		for (const id of ids) owners.add(id);
	}
	const web = prepare(
		db,
		`SELECT s.author_id, v.fields FROM submission s JOIN submission_version v ON v.id = s.live_version_id
			WHERE s.slug = ?`,
	).get(slug) as { author_id: number; fields: string } | undefined;
	if (web) {
		const contacts = (JSON.parse(web.fields) as { contacts?: number[] }).contacts ?? [];
		const ids = prepare(
			db,
			`SELECT user.id FROM user, json_each(?) AS c WHERE user.id = CAST(c.value AS INTEGER) AND user.active = 1`,
		)
			.pluck()
			.all(JSON.stringify([web.author_id, ...contacts])) as number[];
		for (const id of ids) owners.add(id);
	}
	return [...owners].sort((a, b) => a - b);
}

/**
 * The focal points of a country (active members), in the order they were named.
 * @example listFocalPoints(db, 'PT').map((u) => u.email)
 */
export function listFocalPoints(
	db: Database,
	country: string,
): { id: number; name: string; email: string }[] {
	return prepare(
		db,
		`SELECT user.id, user.name, user.email FROM focal_point JOIN user ON user.id = focal_point.user_id
			WHERE focal_point.country = ? AND user.active = 1 ORDER BY focal_point.created_at, user.id`,
	).all(country) as { id: number; name: string; email: string }[];
}

/** True when the member answers for their country. */
export function isFocalPoint(db: Database, userId: number, country: string | null): boolean {
	if (!country) return false;
	return (
		prepare(db, 'SELECT 1 FROM focal_point WHERE country = ? AND user_id = ?').get(
			country,
			userId,
		) !== undefined
	);
}
