// The impact dashboard's SQL: each function returns plain rows, already limited to what the viewer's
// scope allows (`country: null` = the whole network, else one country's rows). Shaping into charts
// and tables is pure (src/lib/impact.ts). Every query is a single pass over an indexed table, so the
// page stays fast at 100 countries × 1000 practices × 20 answers each (npm run bench:server).
import type { Database } from 'better-sqlite3';
import {
	countOwedByCountry,
	listOwedAnswerRows,
	type CountryOwedCount,
	type OwedAnswerRow,
} from '../answers/owed';
import { isPostgres, prepare, sqlFor } from '../db';
import { ANSWER_DUE_DAYS } from '../practices/registry';
import { SECONDS_PER_DAY } from '../time';

const DUE_SECONDS = ANSWER_DUE_DAYS * SECONDS_PER_DAY;
// Visible practices: in the catalogue and not retired.
const VISIBLE = 'p.gone_at IS NULL AND p.retired_at IS NULL';

/**
 * Per answering country: answers owed now, of which overdue, and whether it has a focal point. The
 * answers pages count them the same way (src/lib/server/answers/owed.ts): one read of the owed
 * answers for the whole network, or of one country's for a country's member.
 */
export function queryOwedByCountry(
	db: Database,
	country: string | null,
	nowSeconds: number,
): CountryOwedCount[] {
	// '' is a member without a country: no country's row.
	if (country === '') return [];
	return countOwedByCountry(db, nowSeconds, country === null ? {} : { country });
}

/** The overdue answers (practice × country), with the country's focal points and days late. */
export function queryOverdueRows(
	db: Database,
	country: string | null,
	nowSeconds: number,
): OwedAnswerRow[] {
	if (country === '') return [];
	return listOwedAnswerRows(db, nowSeconds, {
		...(country === null ? {} : { country }),
		overdueOnly: true,
	});
}

/** Per practice country: visible practices, and how many have at least one other country's answer. */
export function queryCoverage(
	db: Database,
	country: string | null,
): { country: string; practices: number; answered: number }[] {
	return prepare(
		db,
		`SELECT p.country, count(*) AS practices,
				sum(CASE WHEN EXISTS (SELECT 1 FROM country_answer a WHERE a.case_study = p.slug AND a.country != p.country) THEN 1 ELSE 0 END) AS answered
			FROM practice p
			WHERE ${VISIBLE} AND (?1 IS NULL OR p.country = ?1)
			GROUP BY p.country ORDER BY p.country`,
	).all({ 1: country }) as { country: string; practices: number; answered: number }[];
}

/**
 * Per answering country: answers due by now (practices of other countries whose 30 days are over),
 * how many were given within the 30 days, and how many were given at all. `countries` are the
 * network's countries (each gets a row, answered or not).
 */
export function queryAnswersWithinDue(
	db: Database,
	countries: readonly string[],
	nowSeconds: number,
): { country: string; due: number; within: number; answered: number }[] {
	if (countries.length === 0) return [];
	// Due practices per practice country: a country owes every due practice but its own.
	const dueByCountry = prepare(
		db,
		`SELECT p.country, count(*) AS n FROM practice p
			WHERE ${VISIBLE} AND p.owed_from + ? <= ? GROUP BY p.country`,
	).all(DUE_SECONDS, nowSeconds) as { country: string; n: number }[];
	const totalDue = dueByCountry.reduce((s, r) => s + r.n, 0);
	const ownDue = new Map(dueByCountry.map((r) => [r.country, r.n]));
	const given = prepare(
		db,
		`SELECT a.country, count(*) AS answered, sum(CASE WHEN a.created_at <= p.owed_from + ?1 THEN 1 ELSE 0 END) AS within
			FROM country_answer a JOIN practice p ON p.slug = a.case_study
			WHERE ${VISIBLE} AND p.owed_from + ?1 <= ?2 AND a.country != p.country
				AND a.country IN (SELECT value FROM json_each(?3))
			GROUP BY a.country`,
	).all({ 1: DUE_SECONDS, 2: nowSeconds, 3: JSON.stringify(countries) }) as {
		country: string;
		answered: number;
		within: number;
	}[];
	const byCountry = new Map(given.map((r) => [r.country, r]));
	return countries.map((c) => ({
		country: c,
		due: totalDue - (ownDue.get(c) ?? 0),
		within: byCountry.get(c)?.within ?? 0,
		answered: byCountry.get(c)?.answered ?? 0,
	}));
}

/** The pairs behind the answers chart: each due practice × country, answered when and whether in time. */
export function queryAnswerRows(
	db: Database,
	countries: readonly string[],
	nowSeconds: number,
): {
	caseStudy: string;
	practiceCountry: string;
	country: string;
	owedFrom: number;
	dueAt: number;
	answeredAt: number | null;
	status: string | null;
}[] {
	if (countries.length === 0) return [];
	return (
		prepare(
			db,
			`SELECT p.slug, p.country AS practice_country, c.value AS country, p.owed_from,
					a.created_at AS answered_at, a.status
				FROM practice p JOIN json_each(?3) c ON c.value != p.country
					LEFT JOIN country_answer a ON a.case_study = p.slug AND a.country = c.value
				WHERE ${VISIBLE} AND p.owed_from + ?1 <= ?2
				ORDER BY c.value, p.owed_from, p.slug`,
		).all({ 1: DUE_SECONDS, 2: nowSeconds, 3: JSON.stringify(countries) }) as {
			slug: string;
			practice_country: string;
			country: string;
			owed_from: number;
			answered_at: number | null;
			status: string | null;
		}[]
	).map((r) => ({
		caseStudy: r.slug,
		practiceCountry: r.practice_country,
		country: r.country,
		owedFrom: r.owed_from,
		dueAt: r.owed_from + DUE_SECONDS,
		answeredAt: r.answered_at,
		status: r.status,
	}));
}

/**
 * Visible practices with a review date that is either past or already verified, per practice: the
 * rows behind "verified within their review date" (a practice whose date is still ahead and not yet
 * verified is not late, so it is not counted either way).
 */
export function queryReviewRows(
	db: Database,
	country: string | null,
	nowSeconds: number,
): { caseStudy: string; country: string; reviewBy: string; verifiedAt: number | null }[] {
	const today = new Date(nowSeconds * 1000).toISOString().slice(0, 10);
	return (
		prepare(
			db,
			`SELECT p.slug, p.country, p.review_by, p.verified_at FROM practice p
				WHERE ${VISIBLE} AND p.review_by != '' AND (?1 IS NULL OR p.country = ?1)
					AND (p.verified_at IS NOT NULL OR p.review_by < ?2)
				ORDER BY p.country, p.review_by, p.slug`,
		).all({ 1: country, 2: today }) as {
			slug: string;
			country: string;
			review_by: string;
			verified_at: number | null;
		}[]
	).map((r) => ({
		caseStudy: r.slug,
		country: r.country,
		reviewBy: r.review_by,
		verifiedAt: r.verified_at,
	}));
}

/**
 * Submissions per month since `fromMonth` ('YYYY-MM'): case studies first published (the register)
 * and post-mortems published. Network-wide only: an anonymous post-mortem's country is not shown to
 * readers, so it is never counted per country either.
 */
export function querySubmissionsByMonth(
	db: Database,
	fromMonth: string,
): { month: string; caseStudies: number; postMortems: number }[] {
	const fromSeconds = Math.floor(Date.parse(`${fromMonth}-01T00:00:00Z`) / 1000);
	const studies = prepare(
		db,
		`SELECT strftime('%Y-%m', p.published_at, 'unixepoch') AS month, count(*) AS n
			FROM practice p WHERE p.published_at >= ? GROUP BY month`,
	).all(fromSeconds) as { month: string; n: number }[];
	const pms = prepare(
		db,
		`SELECT published_month AS month, count(*) AS n FROM post_mortem
			WHERE status = 'published' AND published_month >= ? GROUP BY published_month`,
	).all(fromMonth) as { month: string; n: number }[];
	const months = new Map<string, { month: string; caseStudies: number; postMortems: number }>();
	const row = (m: string) => {
		let r = months.get(m);
		if (!r) months.set(m, (r = { month: m, caseStudies: 0, postMortems: 0 }));
		return r;
	};
	for (const s of studies) row(s.month).caseStudies = s.n;
	for (const p of pms) row(p.month).postMortems = p.n;
	return [...months.values()].sort((a, b) => a.month.localeCompare(b.month));
}

/** The rows behind the failures chart: each registered case study and published post-mortem, by month. */
export function querySubmissionRows(
	db: Database,
	fromMonth: string,
): { month: string; kind: 'case-study' | 'post-mortem'; id: string }[] {
	const fromSeconds = Math.floor(Date.parse(`${fromMonth}-01T00:00:00Z`) / 1000);
	return prepare(
		db,
		`SELECT strftime('%Y-%m', p.published_at, 'unixepoch') AS month, 'case-study' AS kind, p.slug AS id
			FROM practice p WHERE p.published_at >= ?1
		UNION ALL
		SELECT published_month, 'post-mortem', CAST(id AS TEXT) FROM post_mortem
			WHERE status = 'published' AND published_month >= ?2
		ORDER BY 1, 2, 3`,
	).all({ 1: fromSeconds, 2: fromMonth }) as {
		month: string;
		kind: 'case-study' | 'post-mortem';
		id: string;
	}[];
}

/**
 * Conversations between members started since `sinceSeconds`: when the first message was sent, when
 * another member first replied, and the country of the member it was sent to (the lowest-id other
 * member of the thread). Relays (threads about a post-mortem, whose author is masked) are left out:
 * timing them per country would hint at where an anonymous author works.
 */
export function queryThreadReplies(
	db: Database,
	country: string | null,
	sinceSeconds: number,
): { threadId: number; country: string; askedAt: number; repliedAt: number | null }[] {
	// Two flat scans and a pass in JS: per-thread subqueries cost ten times more at 5000 threads.
	const messages = prepare(
		db,
		`SELECT m.thread_id, m.sender_id, m.created_at FROM thread t JOIN message m ON m.thread_id = t.id
			WHERE t.post_mortem_id IS NULL AND t.created_at >= ?
			ORDER BY m.thread_id, m.created_at, m.id`,
	)
		.raw()
		.all(sinceSeconds) as [number, number, number][];
	const members = prepare(
		db,
		`SELECT tm.thread_id, tm.user_id, coalesce(u.country, '') FROM thread t
			JOIN thread_member tm ON tm.thread_id = t.id JOIN user u ON u.id = tm.user_id
			WHERE t.post_mortem_id IS NULL AND t.created_at >= ?
			ORDER BY tm.thread_id, tm.user_id`,
	)
		.raw()
		.all(sinceSeconds) as [number, number, string][];
	const threads = new Map<
		number,
		{ sender: number; askedAt: number; repliedAt: number | null; country: string | null }
	>();
	for (const [thread, sender, at] of messages) {
		const t = threads.get(thread);
		if (!t) threads.set(thread, { sender, askedAt: at, repliedAt: null, country: null });
		else if (t.repliedAt === null && sender !== t.sender) t.repliedAt = at;
	}
	// The member written to: the lowest-id member of the thread other than the first sender.
	for (const [thread, user, userCountry] of members) {
		const t = threads.get(thread);
		if (t && t.country === null && user !== t.sender) t.country = userCountry;
	}
	const out: { threadId: number; country: string; askedAt: number; repliedAt: number | null }[] =
		[];
	for (const [threadId, t] of threads) {
		const c = t.country ?? '';
		if (country !== null && c !== country) continue;
		out.push({ threadId, country: c, askedAt: t.askedAt, repliedAt: t.repliedAt });
	}
	return out.sort((a, b) => a.askedAt - b.askedAt || a.threadId - b.threadId);
}

// A KPI figure of an answer, only when the JSON holds a number there (SQLite keeps JSON's types;
// PostgreSQL is asked for them).
function kpiNumber(db: Database, field: 'before' | 'after'): string {
	return sqlFor(db, {
		sqlite: `json_extract(a.kpi, '$.${field}')`,
		postgres: `CASE WHEN jsonb_typeof(a.kpi::jsonb -> '${field}') = 'number'
			THEN (a.kpi::jsonb ->> '${field}')::double precision END`,
	});
}

/**
 * Per KPI kind (unit, and label lower-cased with spaces collapsed), the sum of after − before over
 * the answers of adopting countries (adopted, adapted) that reported one, and how many answers.
 */
export function queryKpiSums(
	db: Database,
	country: string | null,
): { unit: string; label: string; sum: number; answers: number; countries: number }[] {
	return prepare(
		db,
		`SELECT unit, label, sum(after - before) AS sum, count(*) AS answers,
				count(DISTINCT country) AS countries
			FROM (SELECT a.country, trim(coalesce(json_extract(a.kpi, '$.unit'), '')) AS unit,
					lower(trim(replace(replace(json_extract(a.kpi, '$.label'), char(9), ' '), '  ', ' '))) AS label,
					${kpiNumber(db, 'before')} AS before, ${kpiNumber(db, 'after')} AS after
				FROM country_answer a
				WHERE a.status IN ('adopted', 'adapted') AND a.kpi IS NOT NULL
					AND (?1 IS NULL OR a.country = ?1)) AS k
			WHERE ${sqlFor(db, {
				sqlite: "typeof(before) IN ('integer', 'real') AND typeof(after) IN ('integer', 'real')",
				postgres: 'before IS NOT NULL AND after IS NOT NULL',
			})}
			GROUP BY unit, label
			ORDER BY answers DESC, unit, label`,
	).all({ 1: country }) as {
		unit: string;
		label: string;
		sum: number;
		answers: number;
		countries: number;
	}[];
}

/** The answers behind the KPI sums. */
export function queryKpiRows(
	db: Database,
	country: string | null,
): {
	caseStudy: string;
	country: string;
	status: string;
	label: string;
	unit: string;
	before: number;
	after: number;
}[] {
	return (
		prepare(
			db,
			`SELECT a.case_study, a.country, a.status, json_extract(a.kpi, '$.label') AS label,
					coalesce(json_extract(a.kpi, '$.unit'), '') AS unit,
					${kpiNumber(db, 'before')} AS before, ${kpiNumber(db, 'after')} AS after
				FROM country_answer a
				WHERE a.status IN ('adopted', 'adapted') AND a.kpi IS NOT NULL
					AND (?1 IS NULL OR a.country = ?1)
				ORDER BY a.country, a.case_study`,
		).all({ 1: country }) as {
			case_study: string;
			country: string;
			status: string;
			label: string;
			unit: string;
			before: number;
			after: number;
		}[]
	)
		.filter((r) => typeof r.before === 'number' && typeof r.after === 'number')
		.map((r) => ({
			caseStudy: r.case_study,
			country: r.country,
			status: r.status,
			label: String(r.label ?? ''),
			unit: String(r.unit),
			before: r.before,
			after: r.after,
		}));
}

/** Searches that found nothing since `sinceSeconds`, by query, most first (whatever their triage). */
export function queryTopSearchMisses(
	db: Database,
	country: string | null,
	sinceSeconds: number,
	limit: number,
): { query: string; count: number; countries: number }[] {
	return prepare(
		db,
		`SELECT query, count(*) AS count, count(DISTINCT country) AS countries FROM search_miss
			WHERE created_at >= ?1 AND (?2 IS NULL OR country = ?2)
			GROUP BY query ORDER BY count DESC, query LIMIT ?3`,
	).all({ 1: sinceSeconds, 2: country, 3: limit }) as {
		query: string;
		count: number;
		countries: number;
	}[];
}

/** The rows behind the searches chart. */
export function querySearchMissRows(
	db: Database,
	country: string | null,
	sinceSeconds: number,
): { query: string; lang: string; country: string; triage: string; createdAt: number }[] {
	return (
		prepare(
			db,
			`SELECT query, lang, country, triage, created_at FROM search_miss
				WHERE created_at >= ?1 AND (?2 IS NULL OR country = ?2)
				ORDER BY query, created_at`,
		).all({ 1: sinceSeconds, 2: country }) as {
			query: string;
			lang: string;
			country: string;
			triage: string;
			created_at: number;
		}[]
	).map((r) => ({ ...r, createdAt: r.created_at }));
}

/** Open requests, most +1'd first. Requests are visible to every member: no country scope. */
export function queryTopRequests(
	db: Database,
	limit: number,
): { id: number; title: string; lang: string; votes: number; createdAt: number }[] {
	return (
		prepare(
			db,
			`SELECT r.id, r.title, r.lang, r.created_at,
					(SELECT count(*) FROM practice_request_vote v WHERE v.request_id = r.id) AS votes
				FROM practice_request r WHERE r.state = 'open'
				ORDER BY votes DESC, r.created_at DESC, r.id DESC LIMIT ?`,
		).all(limit) as { id: number; title: string; lang: string; votes: number; created_at: number }[]
	).map((r) => ({
		id: r.id,
		title: r.title,
		lang: r.lang,
		votes: r.votes,
		createdAt: r.created_at,
	}));
}

/** Practices first published within [from, to): the week's practices. */
export function queryPracticesPublished(
	db: Database,
	fromSeconds: number,
	toSeconds: number,
): { caseStudy: string; country: string; publishedAt: number; owedFrom: number }[] {
	return (
		prepare(
			db,
			`SELECT p.slug, p.country, p.published_at, p.owed_from FROM practice p
				WHERE ${VISIBLE} AND p.published_at >= ? AND p.published_at < ?
				ORDER BY p.published_at, p.slug`,
		).all(fromSeconds, toSeconds) as {
			slug: string;
			country: string;
			published_at: number;
			owed_from: number;
		}[]
	).map((r) => ({
		caseStudy: r.slug,
		country: r.country,
		publishedAt: r.published_at,
		owedFrom: r.owed_from,
	}));
}

/** The country answers given on some practices (optionally one country's only). */
export function queryAnswersOn(
	db: Database,
	slugs: readonly string[],
	country: string | null,
): {
	caseStudy: string;
	country: string;
	status: string;
	kpi: { label: string; unit: string; before: number; after: number } | null;
	createdAt: number;
}[] {
	if (slugs.length === 0) return [];
	return (
		prepare(
			db,
			`SELECT a.case_study, a.country, a.status, a.kpi, a.created_at FROM country_answer a
				WHERE a.case_study IN (SELECT value FROM json_each(?1)) AND (?2 IS NULL OR a.country = ?2)
				ORDER BY a.case_study, a.country`,
		).all({ 1: JSON.stringify(slugs), 2: country }) as {
			case_study: string;
			country: string;
			status: string;
			kpi: string | null;
			created_at: number;
		}[]
	).map((r) => ({
		caseStudy: r.case_study,
		country: r.country,
		status: r.status,
		kpi: r.kpi
			? (JSON.parse(r.kpi) as { label: string; unit: string; before: number; after: number })
			: null,
		createdAt: r.created_at,
	}));
}

/** The practices behind the coverage chart, with how many other countries answered each. */
export function queryCoverageRows(
	db: Database,
	country: string | null,
): { caseStudy: string; country: string; answers: number }[] {
	return (
		prepare(
			db,
			`SELECT p.slug, p.country,
					(SELECT count(*) FROM country_answer a WHERE a.case_study = p.slug AND a.country != p.country) AS answers
				FROM practice p WHERE ${VISIBLE} AND (?1 IS NULL OR p.country = ?1)
				ORDER BY p.country, p.slug`,
		).all({ 1: country }) as { slug: string; country: string; answers: number }[]
	).map((r) => ({ caseStudy: r.slug, country: r.country, answers: r.answers }));
}

/**
 * Changes whenever the database does: any commit by another connection moves `data_version`, any by
 * this connection `total_changes()`. On PostgreSQL, `data_version` is
 * PostgreSQL's current snapshot, which any committed write in the cluster changes (other databases'
 * too: the cache is then dropped more often than needed, never kept too long).
 */
export function queryDataStamp(db: Database): string {
	const version = db.pragma('data_version', { simple: true }) as number;
	if (isPostgres(db)) return String(version);
	return `${version}:${prepare(db, 'SELECT total_changes()').pluck().get() as number}`;
}
