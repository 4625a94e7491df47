// The post-mortem form, step by step, without a database: what each step's POST carries, how it is
// read (as typed, so a re-rendered form and the saved draft keep every character), and what blocks
// moving on or publishing. Pages translate the error codes as `pm.error.<code>`.
import { CHANNELS, TOPICS, isCountryCode } from './taxonomy';

export const PM_STEPS = [1, 2, 3, 4, 5, 6] as const;
export type PmStep = (typeof PM_STEPS)[number];

export const PM_FACTORS = [
	'content',
	'training',
	'timing',
	'budget',
	'tools',
	'customer-fit',
	'dealer-buy-in',
	'other',
] as const;
export type PmFactor = (typeof PM_FACTORS)[number];

export const PM_DISCLOSURES = ['named', 'country', 'anonymous'] as const;
export type PmDisclosure = (typeof PM_DISCLOSURES)[number];

export const PM_ACTION_STATUSES = ['open', 'done', 'dropped'] as const;
export type PmActionStatus = (typeof PM_ACTION_STATUSES)[number];

export const PM_TITLE_MAX = 150;
export const PM_SHORT_MAX = 200;
export const PM_TEXT_MAX = 5000;
export const PM_COMMENT_MAX = 4000;
export const PM_HIDE_NOTE_MAX = 2000;
/** Rows per repeated group: plenty for a post-mortem, and a bound on what one POST can write. */
export const PM_MAX_ROWS = 20;

export interface PmResultRow {
	label: string;
	unit: string;
	/** As typed; a number once valid (see `parseKpiNumber`). */
	planned: string;
	actual: string;
}
/** A photo of a post-mortem: a file name under DATA_DIR/photos and its text alternative. */
export interface PmPhoto {
	file: string;
	alt: string;
}
/** Photos per post-mortem. */
export const PM_MAX_PHOTOS = 6;
export const PM_PHOTO_ALT_MAX = 300;

export interface PmTimelineRow {
	when: string;
	what: string;
}
export interface PmActionRow {
	text: string;
	/** A member's id as typed in the select ('' when none). */
	owner: string;
	/** YYYY-MM-DD as typed. */
	due: string;
	status: string;
}

/** Everything the author types, as typed. Lists are stored as JSON, text as text. */
export interface PmFields {
	title: string;
	tried: string;
	country: string;
	models: string[];
	channel: string;
	topics: string[];
	period: string;
	practice: string;
	results: PmResultRow[];
	timeline: PmTimelineRow[];
	signal: string;
	signalWhen: string;
	factors: string[];
	factorsNote: string;
	wentWell: string;
	wentWrong: string;
	lucky: string;
	failAgain: string;
	differently: string;
	actions: PmActionRow[];
	disclosure: string;
}

/** The fields each step's form carries (the step writes exactly these). */
export const PM_STEP_FIELDS: Record<PmStep, readonly (keyof PmFields)[]> = {
	1: ['title', 'tried', 'country', 'models', 'channel', 'topics', 'period', 'practice'],
	2: ['results', 'timeline'],
	3: ['signal', 'signalWhen', 'factors', 'factorsNote'],
	4: ['wentWell', 'wentWrong', 'lucky', 'failAgain', 'differently'],
	5: ['actions'],
	6: ['disclosure'],
};

/** Field name → error code (`required`, `tooLong`, `number`, `date`, …). */
export type PmErrors = Record<string, string>;

/** What a step is checked against that the form itself cannot know. */
export interface PmContext {
	/** Slugs of published case studies. */
	practices: readonly string[];
	/** Ids of active members (action owners). */
	memberIds: readonly number[];
}

/** Parses `?step=` or a form's step; 1 when absent or not a step. */
export function parseStep(value: string | null | undefined): PmStep {
	const n = Number(value);
	return (PM_STEPS as readonly number[]).includes(n) ? (n as PmStep) : 1;
}

function text(form: FormData, name: string): string {
	const value = form.get(name);
	return typeof value === 'string' ? value.replace(/\r\n?/g, '\n').trim() : '';
}

function all(form: FormData, name: string): string[] {
	return form
		.getAll(name)
		.filter((v): v is string => typeof v === 'string')
		.map((v) => v.replace(/\r\n?/g, '\n').trim());
}

/** Rows of a repeated group from parallel field lists (`results.label`, `results.unit`, …). */
function rows<K extends string>(
	form: FormData,
	prefix: string,
	keys: readonly K[],
): Record<K, string>[] {
	const columns = keys.map((k) => all(form, `${prefix}.${k}`));
	const count = Math.min(Math.max(0, ...columns.map((c) => c.length)), PM_MAX_ROWS);
	const out: Record<K, string>[] = [];
	for (let i = 0; i < count; i++) {
		const row = Object.fromEntries(keys.map((k, j) => [k, columns[j]![i] ?? ''])) as Record<
			K,
			string
		>;
		// A row left completely empty is not a row: "add a row" leaves one behind on every save.
		if (keys.some((k) => row[k] !== '' && !(k === 'status' && row[k] === 'open'))) out.push(row);
	}
	return out;
}

/**
 * Reads the fields of one step from its POST, as typed. Lists come from repeated fields.
 * @example readStepFields(1, form).title
 */
export function readStepFields(step: PmStep, form: FormData): Partial<PmFields> {
	switch (step) {
		case 1:
			return {
				title: text(form, 'title'),
				tried: text(form, 'tried'),
				country: text(form, 'country').toUpperCase(),
				models: splitModels(text(form, 'models')),
				channel: text(form, 'channel'),
				topics: all(form, 'topics').filter(Boolean),
				period: text(form, 'period'),
				practice: text(form, 'practice'),
			};
		case 2:
			return {
				results: rows(form, 'results', ['label', 'unit', 'planned', 'actual'] as const),
				timeline: rows(form, 'timeline', ['when', 'what'] as const),
			};
		case 3:
			return {
				signal: text(form, 'signal'),
				signalWhen: text(form, 'signalWhen'),
				factors: all(form, 'factors').filter(Boolean),
				factorsNote: text(form, 'factorsNote'),
			};
		case 4:
			return {
				wentWell: text(form, 'wentWell'),
				wentWrong: text(form, 'wentWrong'),
				lucky: text(form, 'lucky'),
				failAgain: text(form, 'failAgain'),
				differently: text(form, 'differently'),
			};
		case 5:
			return { actions: rows(form, 'actions', ['text', 'owner', 'due', 'status'] as const) };
		case 6:
			return { disclosure: text(form, 'disclosure') };
	}
}

/**
 * Models typed as a comma-separated list, without blanks or duplicates.
 * @example splitModels('Kadjar, Clio ,, Kadjar') // ['Kadjar', 'Clio']
 */
export function splitModels(value: string): string[] {
	const seen = new Set<string>();
	return value
		.split(',')
		.map((m) => m.trim())
		.filter((m) => m !== '' && !seen.has(m.toLowerCase()) && seen.add(m.toLowerCase()));
}

/**
 * A KPI value as people type it ("1 200", "12,5", "-3"), or null when it is not a number. With the
 * row's unit, that unit may follow the number ("60%" or "60 %" where the unit is `%`).
 * @example parseKpiNumber('12,5') // 12.5
 * @example parseKpiNumber('60 %', '%') // 60
 */
export function parseKpiNumber(value: string, unit = ''): number | null {
	const compact = stripUnit(value, unit).replace(/[\s\u00a0\u202f]/g, '');
	if (!/^[+-]?(\d+([.,]\d+)?|[.,]\d+)$/.test(compact)) return null;
	return Number(compact.replace(',', '.'));
}

/** `value` without a trailing `unit` (compared case-insensitively), when it ends with it. */
export function stripUnit(value: string, unit: string): string {
	const u = unit.trim();
	const v = value.trim();
	if (u === '' || v.length <= u.length) return v;
	return v.slice(-u.length).toLowerCase() === u.toLowerCase() ? v.slice(0, -u.length) : v;
}

/**
 * True for a real calendar date written YYYY-MM-DD.
 * @example isIsoDate('2025-02-30') // false
 */
export function isIsoDate(value: string): boolean {
	if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
	const d = new Date(`${value}T00:00:00Z`);
	return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

function checkText(errors: PmErrors, name: string, value: string, required: boolean, max: number) {
	if (required && value === '') errors[name] = 'required';
	else if ([...value].length > max) errors[name] = 'tooLong';
}

/**
 * What stops this step's values from being complete. Field names of row errors are
 * `<group>-<index>-<key>` (e.g. `results-0-planned`), matching the rendered field ids.
 * @example validateStep(2, { results: [{ label: 'Leads', unit: '', planned: 'ten', actual: '3' }], timeline: [] }, ctx)
 * // { 'results-0-planned': 'number' }
 */
export function validateStep(step: PmStep, f: Partial<PmFields>, ctx: PmContext): PmErrors {
	const errors: PmErrors = {};
	switch (step) {
		case 1:
			checkText(errors, 'title', f.title ?? '', true, PM_TITLE_MAX);
			checkText(errors, 'tried', f.tried ?? '', true, PM_TEXT_MAX);
			if (f.country && !isCountryCode(f.country)) errors.country = 'country';
			if ((f.models ?? []).some((m) => [...m].length > 60)) errors.models = 'tooLong';
			if (f.channel && !(CHANNELS as readonly string[]).includes(f.channel))
				errors.channel = 'choice';
			if ((f.topics ?? []).some((t) => !(TOPICS as readonly string[]).includes(t)))
				errors.topics = 'choice';
			checkText(errors, 'period', f.period ?? '', true, PM_SHORT_MAX);
			if (f.practice && !ctx.practices.includes(f.practice)) errors.practice = 'choice';
			break;
		case 2:
			(f.results ?? []).forEach((r, i) => {
				checkText(errors, `results-${i}-label`, r.label, true, PM_SHORT_MAX);
				checkText(errors, `results-${i}-unit`, r.unit, false, 40);
				for (const key of ['planned', 'actual'] as const) {
					if (r[key] === '') errors[`results-${i}-${key}`] = 'required';
					else if (parseKpiNumber(r[key], r.unit) === null)
						errors[`results-${i}-${key}`] = 'number';
				}
			});
			(f.timeline ?? []).forEach((r, i) => {
				checkText(errors, `timeline-${i}-when`, r.when, true, 60);
				checkText(errors, `timeline-${i}-what`, r.what, true, PM_SHORT_MAX * 2);
			});
			break;
		case 3:
			checkText(errors, 'signal', f.signal ?? '', true, PM_TEXT_MAX);
			checkText(errors, 'signalWhen', f.signalWhen ?? '', true, PM_SHORT_MAX);
			if ((f.factors ?? []).length === 0) errors.factors = 'required';
			else if ((f.factors ?? []).some((x) => !(PM_FACTORS as readonly string[]).includes(x)))
				errors.factors = 'choice';
			checkText(
				errors,
				'factorsNote',
				f.factorsNote ?? '',
				(f.factors ?? []).includes('other'),
				PM_TEXT_MAX,
			);
			break;
		case 4:
			checkText(errors, 'wentWell', f.wentWell ?? '', false, PM_TEXT_MAX);
			checkText(errors, 'wentWrong', f.wentWrong ?? '', true, PM_TEXT_MAX);
			checkText(errors, 'lucky', f.lucky ?? '', false, PM_TEXT_MAX);
			checkText(errors, 'failAgain', f.failAgain ?? '', false, PM_TEXT_MAX);
			checkText(errors, 'differently', f.differently ?? '', true, PM_TEXT_MAX);
			break;
		case 5:
			(f.actions ?? []).forEach((a, i) => {
				checkText(errors, `actions-${i}-text`, a.text, true, PM_SHORT_MAX * 2);
				if (a.owner === '') errors[`actions-${i}-owner`] = 'required';
				else if (!ctx.memberIds.includes(Number(a.owner))) errors[`actions-${i}-owner`] = 'choice';
				if (a.due === '') errors[`actions-${i}-due`] = 'required';
				else if (!isIsoDate(a.due)) errors[`actions-${i}-due`] = 'date';
				if (!(PM_ACTION_STATUSES as readonly string[]).includes(a.status))
					errors[`actions-${i}-status`] = 'choice';
			});
			break;
		case 6:
			if (!(PM_DISCLOSURES as readonly string[]).includes(f.disclosure ?? ''))
				errors.disclosure = 'required';
			break;
	}
	return errors;
}

/**
 * The first step that is not complete, with its errors; null when the whole post-mortem can be published.
 * @example findIncompleteStep(fields, ctx)?.step // 3
 */
export function findIncompleteStep(
	fields: PmFields,
	ctx: PmContext,
): { step: PmStep; errors: PmErrors } | null {
	for (const step of PM_STEPS) {
		const errors = validateStep(step, fields, ctx);
		if (Object.keys(errors).length > 0) return { step, errors };
	}
	return null;
}

/**
 * Names of people (from `names`) that appear in the texts as whole words, for the blameless reminder.
 * A full name matches, and so does a first name of four letters or more (short ones are common words).
 * @example findNamedPeople(['Marco forgot the brochures'], ['Marco Rossi']) // ['Marco Rossi']
 */
export function findNamedPeople(texts: readonly string[], names: readonly string[]): string[] {
	const haystack = ` ${texts.join(' \n ').toLocaleLowerCase()} `;
	const found: string[] = [];
	for (const name of names) {
		const full = name.trim().toLocaleLowerCase();
		if (!full) continue;
		const first = full.split(/\s+/)[0]!;
		const candidates = [full, ...(first.length >= 4 && first !== full ? [first] : [])];
		if (
			candidates.some((c) =>
				new RegExp(`(^|[^\\p{L}\\p{N}])${escapeRegExp(c)}($|[^\\p{L}\\p{N}])`, 'u').test(haystack),
			)
		) {
			found.push(name);
		}
	}
	return found;
}

function escapeRegExp(value: string): string {
	return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The KPI gap actual − planned, or null when either is not a number.
 * @example computeGap({ label: 'Leads', unit: '', planned: '40', actual: '12' }) // -28
 */
export function computeGap(row: PmResultRow): number | null {
	const planned = parseKpiNumber(row.planned, row.unit);
	const actual = parseKpiNumber(row.actual, row.unit);
	if (planned === null || actual === null) return null;
	// Rounded to tame binary fractions (0.3 − 0.1); KPIs rarely carry more than a few decimals.
	return Math.round((actual - planned) * 1e6) / 1e6;
}

/** An empty post-mortem, the starting point of a draft. */
export function emptyFields(): PmFields {
	return {
		title: '',
		tried: '',
		country: '',
		models: [],
		channel: '',
		topics: [],
		period: '',
		practice: '',
		results: [],
		timeline: [],
		signal: '',
		signalWhen: '',
		factors: [],
		factorsNote: '',
		wentWell: '',
		wentWrong: '',
		lucky: '',
		failAgain: '',
		differently: '',
		actions: [],
		disclosure: 'anonymous',
	};
}
