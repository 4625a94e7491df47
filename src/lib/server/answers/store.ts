// Reads of the countries' answers (country_answer), for the answer page, the case study's summary,
// the diffusion view and its export. Writes live in commands.ts, one transaction each.
import type { Database } from 'better-sqlite3';
import { prepare } from '../db';
import { isAnswerStatus, type AdoptionKpi, type CountryAnswerMark } from '../../adoption';

/** A country's answer with its row id and who gave it. */
export interface CountryAnswer extends CountryAnswerMark {
	id: number;
	answeredBy: number | null;
}

interface AnswerRow {
	id: number;
	case_study: string;
	country: string;
	status: string;
	period: string;
	change: string;
	reason: string;
	note: string;
	kpi: string | null;
	answered_by: number | null;
	answered_by_name: string | null;
	origin: string;
	created_at: number;
	updated_at: number;
}

const SELECT_SQL = `SELECT a.id, a.case_study, a.country, a.status, a.period, a.change, a.reason, a.note,
		a.kpi, a.answered_by, member_name(user.name, user.erased_at) AS answered_by_name, a.origin, a.created_at, a.updated_at
	FROM country_answer a LEFT JOIN user ON user.id = a.answered_by`;

function toAnswer(row: AnswerRow): CountryAnswer {
	if (!isAnswerStatus(row.status)) throw new Error(`Unknown answer status \`${row.status}\``);
	return {
		id: row.id,
		caseStudy: row.case_study,
		country: row.country,
		status: row.status,
		period: row.period,
		change: row.change,
		reason: row.reason,
		note: row.note,
		kpi: row.kpi ? (JSON.parse(row.kpi) as AdoptionKpi) : null,
		answeredBy: row.answered_by,
		answeredByName: row.answered_by_name,
		origin: row.origin === 'migrated' ? 'migrated' : 'focal-point',
		createdAt: row.created_at,
		updatedAt: row.updated_at,
	};
}

/**
 * A country's answer on a practice, or `null` while it is owed.
 * @example getCountryAnswer(db, 'alpha-launch', 'PT')?.status // 'adapted'
 */
export function getCountryAnswer(
	db: Database,
	caseStudy: string,
	country: string,
): CountryAnswer | null {
	const row = prepare(db, `${SELECT_SQL} WHERE a.case_study = ? AND a.country = ?`).get(
		caseStudy,
		country,
	) as AnswerRow | undefined;
	return row ? toAnswer(row) : null;
}

/** One answer by id (the 'notify-answer' job's payload), or `null`. */
export function getCountryAnswerById(db: Database, id: number): CountryAnswer | null {
	const row = prepare(db, `${SELECT_SQL} WHERE a.id = ?`).get(id) as AnswerRow | undefined;
	return row ? toAnswer(row) : null;
}

/**
 * Every country's answer on a practice, by country code.
 * @example listCountryAnswers(db, 'alpha-launch').map((a) => a.country) // ['FR', 'PT']
 */
export function listCountryAnswers(db: Database, caseStudy: string): CountryAnswer[] {
	return (
		prepare(db, `${SELECT_SQL} WHERE a.case_study = ? ORDER BY a.country`).all(
			caseStudy,
		) as AnswerRow[]
	).map(toAnswer);
}

/**
 * Every answer of the portal, for the export (sorted by practice and country).
 * @example listAllCountryAnswers(db).length // 20000
 */
export function listAllCountryAnswers(db: Database): CountryAnswer[] {
	return (prepare(db, `${SELECT_SQL} ORDER BY a.case_study, a.country`).all() as AnswerRow[]).map(
		toAnswer,
	);
}

/**
 * Only what the matrix needs (practice, country, status), one cheap query: the diffusion page reads
 * tens of thousands of answers on every request.
 */
export function listAnswerStatuses(
	db: Database,
): { caseStudy: string; country: string; status: CountryAnswer['status'] }[] {
	// The table's CHECK keeps statuses valid: rows go out as read, with no per-row mapping.
	return prepare(
		db,
		'SELECT case_study AS caseStudy, country, status FROM country_answer',
	).all() as { caseStudy: string; country: string; status: CountryAnswer['status'] }[];
}

/**
 * When each visible, unretired practice of the register started being owed answers, by slug: the
 * diffusion view marks a cell "owed" or "overdue" from it without a query per cell.
 */
export function listPracticeOwedFrom(db: Database): Map<string, number> {
	const rows = prepare(
		db,
		`SELECT practice.slug, practice.owed_from FROM practice
			WHERE practice.gone_at IS NULL AND practice.retired_at IS NULL`,
	)
		.raw()
		.all() as [string, number][];
	return new Map(rows);
}
