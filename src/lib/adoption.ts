// The adoption loop's rules: the statuses of a country's answer on a practice (given by its focal
// point) and of a member's experience note, the checks of both forms, the tallies, the diffusion
// matrix and its CSV export. Pure: no database, no Astro, so the same rules serve pages, endpoints
// and tests.
import { parseKpiNumber } from './kpi';

/** The answers, in the order a replication programme walks through them. */
export const ADOPTION_STATUSES = ['trying', 'adopted', 'adapted', 'rejected', 'on-hold'] as const;
export type AdoptionStatus = (typeof ADOPTION_STATUSES)[number];

/** A country's answer: a member's statuses, or "not relevant" for the country (with why). */
export const ANSWER_STATUSES = [...ADOPTION_STATUSES, 'not-relevant'] as const;
export type AnswerStatus = (typeof ANSWER_STATUSES)[number];

/** Decorations next to the status text (always aria-hidden: the text carries the meaning). */
export const ANSWER_ICONS: Readonly<Record<AnswerStatus, string>> = {
	trying: '◔',
	adopted: '✓',
	adapted: '✎',
	rejected: '✗',
	'on-hold': '‖',
	'not-relevant': '∅',
};
export const ADOPTION_ICONS: Readonly<Record<AdoptionStatus, string>> = ANSWER_ICONS;

/** True for a status a country's answer may have. */
export function isAnswerStatus(value: unknown): value is AnswerStatus {
	return typeof value === 'string' && (ANSWER_STATUSES as readonly string[]).includes(value);
}

export const PERIOD_MAX_CHARS = 80;
export const CHANGE_MAX_CHARS = 2000;
export const NOTE_MAX_CHARS = 2000;
export const KPI_LABEL_MAX_CHARS = 120;
export const KPI_UNIT_MAX_CHARS = 12;

/** True for a status the database accepts. */
export function isAdoptionStatus(value: unknown): value is AdoptionStatus {
	return typeof value === 'string' && (ADOPTION_STATUSES as readonly string[]).includes(value);
}

/** A measured result: the KPI before and after, in the member's own words and unit. */
export interface AdoptionKpi {
	label: string;
	/** `%`, `count`, an ISO currency code or a short free unit; '' reads as a plain number. */
	unit: string;
	before: number;
	after: number;
}

/** A mark as every view reads it (one per member and practice). Times are unix seconds. */
export interface AdoptionMark {
	caseStudy: string;
	country: string;
	status: AdoptionStatus;
	period: string;
	/** What was changed (adapted) or why it was dropped (rejected); optional otherwise. */
	change: string;
	note: string;
	kpi: AdoptionKpi | null;
	updatedAt: number;
}

/** The form's fields exactly as typed, so a rejected form comes back with them. */
export interface AdoptionFormValues {
	country: string;
	status: string;
	period: string;
	/** "What did you change?" (kept for every status but rejected). */
	change: string;
	/** "Why did you drop it?" (rejected); stored in the same column as `change`. */
	why: string;
	note: string;
	kpiLabel: string;
	kpiUnit: string;
	kpiBefore: string;
	kpiAfter: string;
}

export type AdoptionFieldError =
	| 'status-missing'
	| 'country-missing'
	| 'change-missing'
	| 'why-missing'
	| 'too-long'
	| 'kpi-label-missing'
	| 'kpi-number-missing'
	| 'kpi-number-invalid';

/** What the form asks to save, once checked. */
export interface AdoptionInput {
	status: AdoptionStatus;
	period: string;
	change: string;
	note: string;
	kpi: AdoptionKpi | null;
	/** Only when the member has no profile country and picked one on the form. */
	country: string | null;
}

const emptyValues: AdoptionFormValues = {
	country: '',
	status: '',
	period: '',
	change: '',
	why: '',
	note: '',
	kpiLabel: '',
	kpiUnit: '',
	kpiBefore: '',
	kpiAfter: '',
};

/** The form's values for a saved mark (or a blank form for `null`). */
export function getAdoptionFormValues(mark: AdoptionMark | null): AdoptionFormValues {
	if (!mark) return { ...emptyValues };
	return {
		...emptyValues,
		status: mark.status,
		period: mark.period,
		change: mark.status === 'rejected' ? '' : mark.change,
		why: mark.status === 'rejected' ? mark.change : '',
		note: mark.note,
		kpiLabel: mark.kpi?.label ?? '',
		kpiUnit: mark.kpi?.unit ?? '',
		kpiBefore: mark.kpi ? String(mark.kpi.before) : '',
		kpiAfter: mark.kpi ? String(mark.kpi.after) : '',
	};
}

/**
 * Checks the applied form. `needsCountry` is true when the member's profile has no country (the form
 * then asks for it); `isCountry` says which codes are valid.
 * @example checkAdoptionForm(values, { needsCountry: false, isCountry: () => true }).errors // {}
 */
export function checkAdoptionForm(
	values: AdoptionFormValues,
	options: { needsCountry: boolean; isCountry: (code: string) => boolean },
): {
	input: AdoptionInput | null;
	errors: Partial<Record<keyof AdoptionFormValues, AdoptionFieldError>>;
} {
	const errors: Partial<Record<keyof AdoptionFormValues, AdoptionFieldError>> = {};
	const status = isAdoptionStatus(values.status) ? values.status : null;
	if (options.needsCountry && !options.isCountry(values.country))
		errors.country = 'country-missing';
	if (!status) errors.status = 'status-missing';
	if (length(values.period) > PERIOD_MAX_CHARS) errors.period = 'too-long';
	if (status === 'adapted' && !values.change) errors.change = 'change-missing';
	if (length(values.change) > CHANGE_MAX_CHARS) errors.change = 'too-long';
	if (status === 'rejected' && !values.why) errors.why = 'why-missing';
	if (length(values.why) > CHANGE_MAX_CHARS) errors.why = 'too-long';
	if (length(values.note) > NOTE_MAX_CHARS) errors.note = 'too-long';

	// The KPI is optional as a whole; once any part is typed, label and both numbers are needed.
	const kpi = checkKpi(values, errors);
	if (Object.keys(errors).length > 0 || !status) return { input: null, errors };
	return {
		input: {
			status,
			period: values.period,
			change: status === 'rejected' ? values.why : values.change,
			note: values.note,
			kpi,
			country: options.needsCountry ? values.country : null,
		},
		errors,
	};
}

/** The country-answer form's fields exactly as typed, so a refused form comes back with them. */
export interface AnswerFormValues {
	status: string;
	period: string;
	/** Adapted: "what did your country change?". */
	change: string;
	/** Rejected, not relevant: "why?". */
	reason: string;
	note: string;
	kpiLabel: string;
	kpiUnit: string;
	kpiBefore: string;
	kpiAfter: string;
}

export type AnswerFieldError =
	| 'status-missing'
	| 'change-missing'
	| 'reason-missing'
	| 'too-long'
	| 'kpi-label-missing'
	| 'kpi-required'
	| 'kpi-number-missing'
	| 'kpi-number-invalid';

/** What the country-answer form asks to save, once checked. */
export interface AnswerInput {
	status: AnswerStatus;
	period: string;
	change: string;
	reason: string;
	note: string;
	kpi: AdoptionKpi | null;
}

/** Statuses whose answer says why (rejected, not relevant) and those that may carry a KPI. */
export const REASON_STATUSES: readonly AnswerStatus[] = ['rejected', 'not-relevant'];
export const KPI_STATUSES: readonly AnswerStatus[] = ['adopted', 'adapted'];

/** The form's values for a saved answer (or a blank form for `null`). */
export function getAnswerFormValues(
	answer: Pick<
		CountryAnswerMark,
		'status' | 'period' | 'change' | 'reason' | 'note' | 'kpi'
	> | null,
): AnswerFormValues {
	return {
		status: answer?.status ?? '',
		period: answer?.period ?? '',
		change: answer?.change ?? '',
		reason: answer?.reason ?? '',
		note: answer?.note ?? '',
		kpiLabel: answer?.kpi?.label ?? '',
		kpiUnit: answer?.kpi?.unit ?? '',
		kpiBefore: answer?.kpi ? String(answer.kpi.before) : '',
		kpiAfter: answer?.kpi ? String(answer.kpi.after) : '',
	};
}

/**
 * Checks a country's answer: a status; what changed (adapted) or why (rejected, not relevant); for
 * adopted and adapted an optional measured KPI, complete once any part of it is typed (other
 * statuses measure nothing: their KPI fields are ignored). Only the text that fits the status is kept.
 * @example checkAnswerForm({ ...getAnswerFormValues(null), status: 'rejected' }).errors // { reason: 'reason-missing' }
 */
export function checkAnswerForm(values: AnswerFormValues): {
	input: AnswerInput | null;
	errors: Partial<Record<keyof AnswerFormValues, AnswerFieldError>>;
} {
	const errors: Partial<Record<keyof AnswerFormValues, AnswerFieldError>> = {};
	const status = isAnswerStatus(values.status) ? values.status : null;
	if (!status) errors.status = 'status-missing';
	if (length(values.period) > PERIOD_MAX_CHARS) errors.period = 'too-long';
	const needsReason = status !== null && REASON_STATUSES.includes(status);
	if (status === 'adapted' && !values.change.trim()) errors.change = 'change-missing';
	if (length(values.change) > CHANGE_MAX_CHARS) errors.change = 'too-long';
	if (needsReason && !values.reason.trim()) errors.reason = 'reason-missing';
	if (length(values.reason) > CHANGE_MAX_CHARS) errors.reason = 'too-long';
	if (length(values.note) > NOTE_MAX_CHARS) errors.note = 'too-long';
	const kpi = status && KPI_STATUSES.includes(status) ? checkKpi(values, errors) : null;
	// The measured value is what makes an adoption worth copying: a country that has none yet is
	// still trying it.
	if (
		status &&
		KPI_STATUSES.includes(status) &&
		!values.kpiLabel &&
		!values.kpiUnit &&
		!values.kpiBefore &&
		!values.kpiAfter
	)
		errors.kpiLabel = 'kpi-required';
	if (Object.keys(errors).length > 0 || !status) return { input: null, errors };
	return {
		input: {
			status,
			period: values.period.trim(),
			change:
				status === 'adapted' || status === 'adopted' || status === 'trying'
					? values.change.trim()
					: '',
			reason: needsReason ? values.reason.trim() : '',
			note: values.note.trim(),
			kpi,
		},
		errors,
	};
}

/** The KPI part of a form: `null` when left blank; errors go into `errors`. */
function checkKpi(
	values: Pick<AnswerFormValues, 'kpiLabel' | 'kpiUnit' | 'kpiBefore' | 'kpiAfter'>,
	// Either form's error record: only these fields and the KPI codes are written.
	errors: Partial<Record<'kpiLabel' | 'kpiUnit' | 'kpiBefore' | 'kpiAfter', string>>,
): AdoptionKpi | null {
	const anyKpi = Boolean(values.kpiLabel || values.kpiUnit || values.kpiBefore || values.kpiAfter);
	if (!anyKpi) return null;
	if (!values.kpiLabel) errors.kpiLabel = 'kpi-label-missing';
	else if (length(values.kpiLabel) > KPI_LABEL_MAX_CHARS) errors.kpiLabel = 'too-long';
	if (length(values.kpiUnit) > KPI_UNIT_MAX_CHARS) errors.kpiUnit = 'too-long';
	const before = parseKpiNumber(values.kpiBefore, values.kpiUnit);
	const after = parseKpiNumber(values.kpiAfter, values.kpiUnit);
	if (!values.kpiBefore) errors.kpiBefore = 'kpi-number-missing';
	else if (before === null) errors.kpiBefore = 'kpi-number-invalid';
	if (!values.kpiAfter) errors.kpiAfter = 'kpi-number-missing';
	else if (after === null) errors.kpiAfter = 'kpi-number-invalid';
	if (before === null || after === null || !values.kpiLabel) return null;
	return { label: values.kpiLabel, unit: values.kpiUnit, before, after };
}

function length(text: string): number {
	return [...text].length;
}

export type AdoptionTally = Record<AdoptionStatus, number>;
export type AnswerTally = Record<AnswerStatus, number>;

/**
 * How many marks have each status.
 * @example countAdoptionStatuses([{ status: 'adopted' }]).adopted // 1
 */
export function countAdoptionStatuses(
	marks: readonly Pick<AdoptionMark, 'status'>[],
): AdoptionTally {
	const tally = Object.fromEntries(ADOPTION_STATUSES.map((s) => [s, 0])) as AdoptionTally;
	for (const mark of marks) tally[mark.status]++;
	return tally;
}

/**
 * How many country answers have each status.
 * @example countAnswerStatuses([{ status: 'not-relevant' }])['not-relevant'] // 1
 */
export function countAnswerStatuses(answers: readonly { status: AnswerStatus }[]): AnswerTally {
	const tally = Object.fromEntries(ANSWER_STATUSES.map((s) => [s, 0])) as AnswerTally;
	for (const answer of answers) tally[answer.status]++;
	return tally;
}

/** The statuses with at least one mark or answer, in `ANSWER_STATUSES` order, with their counts. */
export function listTallyEntries(
	tally: Partial<Record<AnswerStatus, number>>,
): { status: AnswerStatus; count: number }[] {
	return ANSWER_STATUSES.filter((s) => (tally[s] ?? 0) > 0).map((status) => ({
		status,
		count: tally[status] ?? 0,
	}));
}

/** A practice with how often it was taken up (adopted + adapted) and in how many countries. */
export interface AppliedPractice {
	caseStudy: string;
	applied: number;
	adopted: number;
	adapted: number;
	countries: number;
}

/**
 * The most applied practices: most adopted + adapted answers first, then most countries, then slug;
 * practices nobody took up are left out.
 * @example rankMostApplied(marks, 10)[0].caseStudy // 'open-showroom-wifi'
 */
export function rankMostApplied(
	marks: readonly { caseStudy: string; country: string; status: AnswerStatus }[],
	limit = 10,
): AppliedPractice[] {
	const byPractice = new Map<
		string,
		{ adopted: number; adapted: number; countries: Set<string> }
	>();
	for (const mark of marks) {
		if (mark.status !== 'adopted' && mark.status !== 'adapted') continue;
		let entry = byPractice.get(mark.caseStudy);
		if (!entry)
			byPractice.set(mark.caseStudy, (entry = { adopted: 0, adapted: 0, countries: new Set() }));
		entry[mark.status]++;
		entry.countries.add(mark.country);
	}
	return [...byPractice.entries()]
		.map(([caseStudy, e]) => ({
			caseStudy,
			applied: e.adopted + e.adapted,
			adopted: e.adopted,
			adapted: e.adapted,
			countries: e.countries.size,
		}))
		.sort(
			(a, b) =>
				b.applied - a.applied ||
				b.countries - a.countries ||
				a.caseStudy.localeCompare(b.caseStudy),
		)
		.slice(0, limit);
}

/**
 * Practices × countries from the countries' answers (one per practice and country): the answer's
 * status in each cell. Countries are those with an answer plus `alsoCountries` (the network's, so a
 * country that answered nothing still has its column). One pass over the answers: a hundred
 * countries × a thousand practices stay cheap.
 * @example buildDiffusionMatrix(answers).cells.get('alpha')?.get('IT') // 'adopted'
 */
export function buildDiffusionMatrix(
	answers: readonly { caseStudy: string; country: string; status: AnswerStatus }[],
	alsoCountries: readonly string[] = [],
): {
	countries: string[];
	cells: Map<string, Map<string, AnswerStatus>>;
} {
	const countries = new Set<string>(alsoCountries);
	const cells = new Map<string, Map<string, AnswerStatus>>();
	for (const answer of answers) {
		countries.add(answer.country);
		let row = cells.get(answer.caseStudy);
		if (!row) cells.set(answer.caseStudy, (row = new Map()));
		row.set(answer.country, answer.status);
	}
	return { countries: [...countries].sort(), cells };
}

/** A country's answer as the views and the export read it. Times are unix seconds. */
export interface CountryAnswerMark {
	caseStudy: string;
	country: string;
	status: AnswerStatus;
	period: string;
	/** Adapted: what the country changed. */
	change: string;
	/** Rejected, not relevant: why. */
	reason: string;
	note: string;
	kpi: AdoptionKpi | null;
	/** Name of the focal point who answered; `null` when the account is gone. */
	answeredByName: string | null;
	/** 'migrated': taken from a member's mark made before focal points existed. */
	origin: 'focal-point' | 'migrated';
	createdAt: number;
	updatedAt: number;
}

export const DIFFUSION_CSV_HEADER = [
	'case_study',
	'case_study_title',
	'country',
	'status',
	'period',
	'change',
	'reason',
	'note',
	'kpi_label',
	'kpi_unit',
	'kpi_before',
	'kpi_after',
	'updated_at',
	'answered_by',
	'origin',
] as const;

export type DiffusionCsvColumn = (typeof DIFFUSION_CSV_HEADER)[number];

/**
 * How the export is written. `rfc4180`: for tools — comma, no byte order mark, machine column names
 * and status codes, `.` decimals. `excel`: for Excel as installed in Europe, where the list
 * separator is `;` — byte order mark (so accents survive), `;`, the reader's column titles and
 * status names, and the locale's decimal separator (`10,5` in French).
 */
export type DiffusionCsvOptions =
	| { format: 'rfc4180' }
	| {
			format: 'excel';
			/** Decimal separator of the reader's locale. */
			decimal: '.' | ',';
			/** Column titles in the reader's language. */
			headers: Readonly<Record<DiffusionCsvColumn, string>>;
			/** Status names in the reader's language. */
			statusLabel: (status: AnswerStatus) => string;
	  };

/**
 * One CSV field: text a spreadsheet would run as a formula (starting with = + - @, tab or CR) gets a
 * leading `'`; fields with the separator, a quote or a line break are quoted with doubled quotes
 * (RFC 4180). Numbers are written as numbers: a negative KPI is data, not a formula.
 * @example formatCsvField('=HYPERLINK("x")') // '"\'=HYPERLINK(""x"")"'
 */
export function formatCsvField(
	value: string | number | null,
	separator: ',' | ';' = ',',
	decimal: '.' | ',' = '.',
): string {
	if (value === null) return '';
	let text = typeof value === 'number' ? String(value).replace('.', decimal) : value;
	if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
	const special = separator === ';' ? /[";\r\n]/ : /[",\r\n]/;
	return special.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * The diffusion export, one row per country answer after the header row, CRLF line ends. What was
 * changed (adapted) and why it was dropped or is not relevant are in their own columns, `change` and
 * `reason`; `answered_by` names the focal point, `origin` says whether the answer was migrated from
 * a member's mark. `titles` gives each case study's title.
 * @example serializeDiffusionCsv(answers, new Map([['alpha', 'Alpha']]), { format: 'rfc4180' })
 */
export function serializeDiffusionCsv(
	marks: readonly CountryAnswerMark[],
	titles: ReadonlyMap<string, string>,
	options: DiffusionCsvOptions = { format: 'rfc4180' },
): string {
	const excel = options.format === 'excel';
	const separator = excel ? ';' : ',';
	const decimal = excel ? options.decimal : '.';
	const field = (value: string | number | null) => formatCsvField(value, separator, decimal);
	const header = excel ? DIFFUSION_CSV_HEADER.map((c) => options.headers[c]) : DIFFUSION_CSV_HEADER;
	const rows = [...marks]
		.sort(
			(a, b) =>
				a.caseStudy.localeCompare(b.caseStudy) ||
				a.country.localeCompare(b.country) ||
				a.updatedAt - b.updatedAt,
		)
		.map((m) =>
			[
				m.caseStudy,
				titles.get(m.caseStudy) ?? '',
				m.country,
				excel ? options.statusLabel(m.status) : m.status,
				m.period,
				m.change,
				m.reason,
				m.note,
				m.kpi?.label ?? '',
				m.kpi?.unit ?? '',
				m.kpi ? m.kpi.before : null,
				m.kpi ? m.kpi.after : null,
				new Date(m.updatedAt * 1000).toISOString().slice(0, 10),
				m.answeredByName ?? '',
				m.origin,
			]
				.map(field)
				.join(separator),
		);
	const body = `${[header.map(field).join(separator), ...rows].join('\r\n')}\r\n`;
	return excel ? `\ufeff${body}` : body;
}

/**
 * The export's file name for a day (UTC).
 * @example getDiffusionCsvFileName(new Date('2026-03-01')) // 'coaching-dealer-diffusion-2026-03-01.csv'
 */
export function getDiffusionCsvFileName(date: Date, variant = ''): string {
	return `coaching-dealer-diffusion-${date.toISOString().slice(0, 10)}${variant ? `-${variant}` : ''}.csv`;
}
