// "We applied this": the statuses a member gives a practice for their country, the checks of the
// form, the tallies and the diffusion matrix, and the CSV export. Pure: no database, no Astro, so
// the same rules serve pages, endpoints and tests.
import { stripUnit } from './post-mortem-form';

/** The answers, in the order a replication programme walks through them. */
export const ADOPTION_STATUSES = ['trying', 'adopted', 'adapted', 'rejected', 'on-hold'] as const;
export type AdoptionStatus = (typeof ADOPTION_STATUSES)[number];

/** Decorations next to the status text (always aria-hidden: the text carries the meaning). */
export const ADOPTION_ICONS: Readonly<Record<AdoptionStatus, string>> = {
	trying: '◔',
	adopted: '✓',
	adapted: '✎',
	rejected: '✗',
	'on-hold': '‖',
};

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
 * A number as people type it: `1 250,5`, `1250.5`, `-3`; `null` when it is not one. With the KPI's
 * unit, that unit may follow the number ("60%" where the unit is `%`).
 * @example parseKpiNumber('12,5') // 12.5
 * @example parseKpiNumber('60%', '%') // 60
 */
export function parseKpiNumber(text: string, unit = ''): number | null {
	const compact = stripUnit(text, unit).replace(/[\s\u00a0\u202f]/g, '');
	// One decimal separator, either kind; thousands separators other than spaces are ambiguous.
	if (!/^[+-]?\d+([.,]\d+)?$/.test(compact)) return null;
	const value = Number(compact.replace(',', '.'));
	return Number.isFinite(value) ? value : null;
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
	let kpi: AdoptionKpi | null = null;
	const anyKpi = Boolean(values.kpiLabel || values.kpiUnit || values.kpiBefore || values.kpiAfter);
	if (anyKpi) {
		if (!values.kpiLabel) errors.kpiLabel = 'kpi-label-missing';
		else if (length(values.kpiLabel) > KPI_LABEL_MAX_CHARS) errors.kpiLabel = 'too-long';
		if (length(values.kpiUnit) > KPI_UNIT_MAX_CHARS) errors.kpiUnit = 'too-long';
		const before = parseKpiNumber(values.kpiBefore, values.kpiUnit);
		const after = parseKpiNumber(values.kpiAfter, values.kpiUnit);
		if (!values.kpiBefore) errors.kpiBefore = 'kpi-number-missing';
		else if (before === null) errors.kpiBefore = 'kpi-number-invalid';
		if (!values.kpiAfter) errors.kpiAfter = 'kpi-number-missing';
		else if (after === null) errors.kpiAfter = 'kpi-number-invalid';
		if (before !== null && after !== null) {
			kpi = { label: values.kpiLabel, unit: values.kpiUnit, before, after };
		}
	}
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

function length(text: string): number {
	return [...text].length;
}

export type AdoptionTally = Record<AdoptionStatus, number>;

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

/** The statuses with at least one mark, in `ADOPTION_STATUSES` order, with their counts. */
export function listTallyEntries(
	tally: AdoptionTally,
): { status: AdoptionStatus; count: number }[] {
	return ADOPTION_STATUSES.filter((s) => tally[s] > 0).map((status) => ({
		status,
		count: tally[status],
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
 * The most applied practices: most adopted + adapted marks first, then most countries, then slug;
 * practices nobody took up are left out.
 * @example rankMostApplied(marks, 10)[0].caseStudy // 'open-showroom-wifi'
 */
export function rankMostApplied(
	marks: readonly Pick<AdoptionMark, 'caseStudy' | 'country' | 'status'>[],
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

/** One cell of the diffusion matrix: the statuses given in one country, with counts. */
export type DiffusionCell = { status: AdoptionStatus; count: number }[];

/**
 * Practices × countries: for each practice, each country's statuses (several members of a country
 * may answer differently). Countries are those with at least one mark.
 * @example buildDiffusionMatrix(marks).cells.get('alpha')?.get('IT') // [{ status: 'adopted', count: 1 }]
 */
export function buildDiffusionMatrix(
	marks: readonly Pick<AdoptionMark, 'caseStudy' | 'country' | 'status'>[],
): {
	countries: string[];
	cells: Map<string, Map<string, DiffusionCell>>;
} {
	const countries = new Set<string>();
	const grouped = new Map<string, Map<string, AdoptionTally>>();
	for (const mark of marks) {
		countries.add(mark.country);
		let row = grouped.get(mark.caseStudy);
		if (!row) grouped.set(mark.caseStudy, (row = new Map()));
		let tally = row.get(mark.country);
		if (!tally) row.set(mark.country, (tally = countAdoptionStatuses([])));
		tally[mark.status]++;
	}
	const cells = new Map<string, Map<string, DiffusionCell>>();
	for (const [practice, row] of grouped) {
		cells.set(
			practice,
			new Map([...row].map(([country, tally]) => [country, listTallyEntries(tally)])),
		);
	}
	return { countries: [...countries].sort(), cells };
}

export const DIFFUSION_CSV_HEADER = [
	'case_study',
	'case_study_title',
	'country',
	'status',
	'period',
	'change',
	'note',
	'kpi_label',
	'kpi_unit',
	'kpi_before',
	'kpi_after',
	'updated_at',
] as const;

/**
 * One CSV field: text a spreadsheet would run as a formula (starting with = + - @, tab or CR) gets a
 * leading `'`; fields with a comma, quote or line break are quoted with doubled quotes (RFC 4180).
 * Numbers are written as numbers: a negative KPI is data, not a formula.
 * @example formatCsvField('=HYPERLINK("x")') // '"\'=HYPERLINK(""x"")"'
 */
export function formatCsvField(value: string | number | null): string {
	if (value === null) return '';
	let text = typeof value === 'number' ? String(value) : value;
	if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
	return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * The diffusion export: UTF-8 with a byte order mark (so Excel reads accents), CRLF line ends, the
 * header row, then one row per mark. `titles` gives each case study's title.
 * @example serializeDiffusionCsv(marks, new Map([['alpha', 'Alpha']]))
 */
export function serializeDiffusionCsv(
	marks: readonly AdoptionMark[],
	titles: ReadonlyMap<string, string>,
): string {
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
				m.status,
				m.period,
				m.change,
				m.note,
				m.kpi?.label ?? '',
				m.kpi?.unit ?? '',
				m.kpi ? m.kpi.before : null,
				m.kpi ? m.kpi.after : null,
				new Date(m.updatedAt * 1000).toISOString().slice(0, 10),
			]
				.map(formatCsvField)
				.join(','),
		);
	return `\ufeff${[DIFFUSION_CSV_HEADER.join(','), ...rows].join('\r\n')}\r\n`;
}

/**
 * The export's file name for a day (UTC).
 * @example getDiffusionCsvFileName(new Date('2026-03-01')) // 'coaching-dealer-diffusion-2026-03-01.csv'
 */
export function getDiffusionCsvFileName(date: Date): string {
	return `coaching-dealer-diffusion-${date.toISOString().slice(0, 10)}.csv`;
}
