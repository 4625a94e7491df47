// Members' experience notes ("we applied this" marks) in SQLite, shown under their country's answer:
// one per member and practice (UNIQUE(user_id, case_study)), saved and withdrawn in one transaction
// each. Tallies and the diffusion view use the countries' answers (answers/), not these. Notes are
// normal member contributions: they carry the member's name.
import type { Database } from 'better-sqlite3';
import { prepare } from './db';
import { getNowSeconds } from './time';
import {
	CHANGE_MAX_CHARS,
	checkAdoptionForm,
	isAdoptionStatus,
	KPI_LABEL_MAX_CHARS,
	KPI_UNIT_MAX_CHARS,
	NOTE_MAX_CHARS,
	PERIOD_MAX_CHARS,
	type AdoptionFormValues,
	type AdoptionInput,
	type AdoptionKpi,
	type AdoptionMark,
} from '../adoption';
import { charCount, type FieldErrors } from '../forms';
import { useTranslations, type UiKey } from '../i18n';
import { isCountryCode } from '../taxonomy';
import type { CommandContext } from './context';

/** A mark with who gave it, for the lists on a case study. */
export interface AdoptionEntry extends AdoptionMark {
	id: number;
	userId: number;
	memberName: string;
	/** The member's `people` content entry, for a link to their page; `null` when none. */
	personId: string | null;
	createdAt: number;
}

interface AdoptionRow {
	id: number;
	user_id: number;
	case_study: string;
	country: string;
	status: string;
	period: string;
	change: string;
	note: string;
	kpi: string | null;
	created_at: number;
	updated_at: number;
	member_name: string;
	person_id: string | null;
}

const SELECT_SQL = `SELECT adoption.id, adoption.user_id, adoption.case_study, adoption.country, adoption.status,
		adoption.period, adoption.change, adoption.note, adoption.kpi, adoption.created_at, adoption.updated_at,
		member_name(user.name, user.erased_at) AS member_name, user.person_id AS person_id
	FROM adoption JOIN user ON user.id = adoption.user_id`;

function toEntry(row: AdoptionRow): AdoptionEntry {
	if (!isAdoptionStatus(row.status)) throw new Error(`Unknown adoption status \`${row.status}\``);
	return {
		id: row.id,
		userId: row.user_id,
		caseStudy: row.case_study,
		country: row.country,
		status: row.status,
		period: row.period,
		change: row.change,
		note: row.note,
		kpi: row.kpi ? (JSON.parse(row.kpi) as AdoptionKpi) : null,
		createdAt: row.created_at,
		updatedAt: row.updated_at,
		memberName: row.member_name,
		personId: row.person_id,
	};
}

export type SaveAdoptionResult =
	| { ok: true; entry: AdoptionEntry; created: boolean }
	| { ok: false; error: 'unknown-user' | 'no-country' };

/**
 * Saves the member's mark on a practice: creates it, or replaces the previous one (the first
 * `created_at` is kept). The country is the member's profile country; when the profile has none,
 * `input.country` fills the profile first, in the same transaction, so the two never disagree.
 * @example saveAdoption(db, anna.id, 'alpha-launch', { status: 'adopted', period: '2025', change: '', note: '', kpi: null, country: null })
 */
export function saveAdoption(
	db: Database,
	userId: number,
	caseStudy: string,
	input: AdoptionInput,
	nowSeconds = getNowSeconds(),
): SaveAdoptionResult {
	const save = db.transaction((): SaveAdoptionResult => {
		const user = prepare(
			db,
			'SELECT user.country FROM user WHERE user.id = ? AND user.active = 1',
		).get(userId) as { country: string | null } | undefined;
		if (!user) return { ok: false, error: 'unknown-user' };
		let country = user.country;
		if (!country && input.country) {
			prepare(db, 'UPDATE user SET country = ?, updated_at = ? WHERE user.id = ?').run(
				input.country,
				nowSeconds,
				userId,
			);
			country = input.country;
		}
		if (!country) return { ok: false, error: 'no-country' };
		const existed = prepare(
			db,
			'SELECT 1 FROM adoption WHERE adoption.user_id = ? AND adoption.case_study = ?',
		).get(userId, caseStudy);
		const { id } = prepare(
			db,
			`INSERT INTO adoption (user_id, case_study, country, status, period, change, note, kpi, created_at, updated_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
				ON CONFLICT (user_id, case_study) DO UPDATE SET country = excluded.country, status = excluded.status,
					period = excluded.period, change = excluded.change, note = excluded.note, kpi = excluded.kpi,
					updated_at = excluded.updated_at
				RETURNING adoption.id`,
		).get(
			userId,
			caseStudy,
			country,
			input.status,
			input.period,
			input.change,
			input.note,
			input.kpi ? JSON.stringify(input.kpi) : null,
			nowSeconds,
			nowSeconds,
		) as { id: number };
		const row = prepare(db, `${SELECT_SQL} WHERE adoption.id = ?`).get(id) as AdoptionRow;
		return { ok: true, entry: toEntry(row), created: !existed };
	});
	return save.immediate();
}

/**
 * Withdraws the member's mark on a practice; `false` when there was none.
 * @example withdrawAdoption(db, anna.id, 'alpha-launch') // true
 */
export function withdrawAdoption(db: Database, userId: number, caseStudy: string): boolean {
	return (
		prepare(db, 'DELETE FROM adoption WHERE adoption.user_id = ? AND adoption.case_study = ?').run(
			userId,
			caseStudy,
		).changes > 0
	);
}

/**
 * The member's own mark on a practice, or `null`.
 * @example getAdoptionOfMember(db, anna.id, 'alpha-launch')?.status // 'adopted'
 */
export function getAdoptionOfMember(
	db: Database,
	userId: number,
	caseStudy: string,
): AdoptionEntry | null {
	const row = prepare(
		db,
		`${SELECT_SQL} WHERE adoption.user_id = ? AND adoption.case_study = ?`,
	).get(userId, caseStudy) as AdoptionRow | undefined;
	return row ? toEntry(row) : null;
}

/**
 * Every mark on a practice, most recently updated first.
 * @example listAdoptionsForPractice(db, 'alpha-launch').length // 2
 */
export function listAdoptionsForPractice(db: Database, caseStudy: string): AdoptionEntry[] {
	const rows = prepare(
		db,
		`${SELECT_SQL} WHERE adoption.case_study = ? ORDER BY adoption.updated_at DESC, adoption.id DESC`,
	).all(caseStudy) as AdoptionRow[];
	return rows.map(toEntry);
}

/**
 * Every mark of the portal, for the diffusion matrix and its CSV export.
 * @example listAllAdoptions(db).length // 27
 */
export function listAllAdoptions(db: Database): AdoptionEntry[] {
	const rows = prepare(
		db,
		`${SELECT_SQL} ORDER BY adoption.case_study, adoption.country, adoption.id`,
	).all() as AdoptionRow[];
	return rows.map(toEntry);
}

/**
 * The published post-mortems about a practice (only id and title: the author's identity never
 * leaves the post-mortems module). Counted here with SQL because the post-mortems module is built in
 * parallel; its `listPostMortemsForPractice` answers the same question.
 * @example listPublishedPostMortemsOfPractice(db, 'alpha-launch').count // 1
 */
export function listPublishedPostMortemsOfPractice(
	db: Database,
	caseStudy: string,
): { count: number; items: { id: number; title: string }[] } {
	const items = prepare(
		db,
		`SELECT post_mortem.id, post_mortem.title FROM post_mortem
			WHERE post_mortem.practice = ? AND post_mortem.status = 'published'
			ORDER BY post_mortem.published_month DESC, post_mortem.id DESC`,
	).all(caseStudy) as { id: number; title: string }[];
	return { count: items.length, items };
}

/** What the "we applied this" form sends, as typed. */
export type AdoptionFormInput = AdoptionFormValues;

// Longest text of each field, for the "too long" message.
const FIELD_MAX: Record<keyof AdoptionFormInput, number> = {
	country: 2,
	status: 20,
	period: PERIOD_MAX_CHARS,
	change: CHANGE_MAX_CHARS,
	why: CHANGE_MAX_CHARS,
	note: NOTE_MAX_CHARS,
	kpiLabel: KPI_LABEL_MAX_CHARS,
	kpiUnit: KPI_UNIT_MAX_CHARS,
	kpiBefore: 40,
	kpiAfter: 40,
};

/**
 * The member's answer for their country on a practice: checked (messages in the member's
 * language), then saved in one transaction, replacing their previous answer.
 */
export function answerAppliedPractice(
	ctx: CommandContext,
	input: { caseStudy: string; values: AdoptionFormInput },
):
	| { ok: true }
	| { ok: false; kind: 'forbidden' | 'save-failed' }
	| { ok: false; kind: 'invalid'; errors: FieldErrors } {
	if (!ctx.user) return { ok: false, kind: 'forbidden' };
	const t = useTranslations(ctx.lang);
	const checked = checkAdoptionForm(input.values, {
		needsCountry: !ctx.user.country,
		isCountry: isCountryCode,
	});
	const errors: FieldErrors = {};
	for (const [field, code] of Object.entries(checked.errors)) {
		const name = field as keyof AdoptionFormInput;
		errors[name] = t(`adoption.error.${code}` as UiKey, {
			max: FIELD_MAX[name],
			count: charCount(input.values[name]),
		});
	}
	if (!checked.input) return { ok: false, kind: 'invalid', errors };
	const result = saveAdoption(ctx.db, ctx.user.id, input.caseStudy, checked.input);
	return result.ok ? { ok: true } : { ok: false, kind: 'save-failed' };
}

/** Withdraws the member's answer on a practice. */
export function withdrawAppliedPractice(
	ctx: CommandContext,
	input: { caseStudy: string },
): { ok: true } | { ok: false; kind: 'forbidden' } {
	if (!ctx.user) return { ok: false, kind: 'forbidden' };
	withdrawAdoption(ctx.db, ctx.user.id, input.caseStudy);
	return { ok: true };
}
