import type { Kpi } from './schemas/kpi';

/** The change between before and after, computed once so no page types it by hand. */
export interface KpiChange {
	/** after − before, in the KPI's unit. */
	absolute: number;
	/** Relative change in percent of `before`; `null` when `before` is 0. */
	relative: number | null;
	/** `up`, `down` or `flat`. */
	direction: 'up' | 'down' | 'flat';
	/** Whether the move is the good one given `lowerIsBetter`; `null` when flat. */
	improved: boolean | null;
}

/**
 * Computes a KPI's change.
 * @example computeKpiChange({ before: 120, after: 210, lowerIsBetter: false }) // { absolute: 90, relative: 75, direction: 'up', improved: true }
 */
export function computeKpiChange(kpi: Pick<Kpi, 'before' | 'after' | 'lowerIsBetter'>): KpiChange {
	// Round to 10 decimals so 0.1 + 0.2 style float noise never shows as "0.30000000000000004".
	const absolute = roundTo(kpi.after - kpi.before, 10);
	const relative = kpi.before === 0 ? null : roundTo((absolute / Math.abs(kpi.before)) * 100, 10);
	const direction = absolute > 0 ? 'up' : absolute < 0 ? 'down' : 'flat';
	const improved =
		direction === 'flat' ? null : (direction === 'up') !== Boolean(kpi.lowerIsBetter);
	return { absolute, relative, direction, improved };
}

function roundTo(value: number, decimals: number): number {
	const f = 10 ** decimals;
	return Math.round(value * f) / f;
}

/** Units shown as percentages; their change is reported in points (pts), not in percent of percent. */
export function isPercentUnit(unit: string): boolean {
	return unit.trim() === '%';
}

const POINT_UNITS: ReadonlySet<string> = new Set(['pts', 'pt', 'pp', 'points', 'point']);

/**
 * Units that are already points (percentage points, NPS points): their change is a difference in
 * points ("41 → 52 pts" is "+11 pts"), never a percentage of the starting value.
 * @example isPointUnit('pts') // true
 */
export function isPointUnit(unit: string): boolean {
	return POINT_UNITS.has(unit.trim().toLowerCase().replace(/\.$/, ''));
}

/** Suffixes a typed number may carry for a unit: the unit itself and its usual spellings. */
function unitSuffixes(unit: string): string[] {
	const u = unit.trim().toLowerCase();
	if (!u) return [];
	if (isPercentUnit(u)) return ['%'];
	if (isPointUnit(u)) return [...POINT_UNITS, u];
	if (u === 'eur') return ['eur', '€'];
	return [u];
}

/**
 * The one parser for KPI numbers as people type them, everywhere in the portal: spaces (also no-break
 * and narrow no-break) group thousands, `,` or `.` is the decimal separator (one of them, once), a
 * leading `+`, `-` or `−` (U+2212) gives the sign, and the field's unit may follow (`60%` when the
 * unit is `%`, `52 pts` for points). `null` when the text is not such a number: `1,250.5` and
 * `1e3` are ambiguous or not what people type, and a unit that is not the field's is refused.
 * @example parseKpiNumber('−3') // -3
 * @example parseKpiNumber('60 %', '%') // 60
 */
export function parseKpiNumber(text: string, unit = ''): number | null {
	let compact = text.replace(/[\s\u00a0\u202f]/g, '').replace(/^\u2212/, '-');
	const lower = compact.toLowerCase();
	const suffix = unitSuffixes(unit.replace(/[\s\u00a0\u202f]/g, '')).find(
		(s) => lower.endsWith(s) && lower.length > s.length,
	);
	if (suffix) compact = compact.slice(0, -suffix.length);
	if (!/^[+-]?(\d+([.,]\d+)?|[.,]\d+)$/.test(compact)) return null;
	const value = Number(compact.replace(',', '.'));
	return Number.isFinite(value) ? value : null;
}

// Intl formats any well-formed three-letter code as money; only real ISO 4217 codes are.
const currencies: ReadonlySet<string> = new Set(Intl.supportedValuesOf('currency'));

const numberFormats = new Map<string, Intl.NumberFormat>();

/**
 * An Intl.NumberFormat, made once per locale and options: making one costs more than formatting,
 * and every case study page formats its KPIs in each UI language (~0.4 s of a 1000-study build).
 */
function getNumberFormat(lang: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
	const key = `${lang}|${JSON.stringify(options)}`;
	let format = numberFormats.get(key);
	if (!format) {
		format = new Intl.NumberFormat(lang, options);
		numberFormats.set(key, format);
	}
	return format;
}

/**
 * Formats a KPI value for a locale: `%` as a percentage, ISO currency codes as money, the rest as
 * numbers with the unit. `signed` adds + to positive values, with the locale's own minus sign.
 * @example formatKpiValue(1250, 'EUR', 'fr') // "1 250 €"
 */
export function formatKpiValue(value: number, unit: string, lang: string, signed = false): string {
	const signDisplay = signed ? ('exceptZero' as const) : ('auto' as const);
	if (isPercentUnit(unit)) {
		return getNumberFormat(lang, {
			style: 'percent',
			maximumFractionDigits: 1,
			signDisplay,
		}).format(value / 100);
	}
	if (currencies.has(unit)) {
		return getNumberFormat(lang, {
			style: 'currency',
			currency: unit,
			maximumFractionDigits: 0,
			signDisplay,
		}).format(value);
	}
	const n = getNumberFormat(lang, { maximumFractionDigits: 2, signDisplay }).format(value);
	return unit === 'count' ? n : `${n}\u00a0${unit}`;
}

/**
 * Formats the computed change: relative changes in percent (`+75%`), percentage and point KPIs as a
 * difference in points (`+4.5 pts`; 41 → 52 pts is `+11 pts`), changes from zero in the KPI's unit. A change that is not flat never shows as 0.
 * @example formatKpiChange(computeKpiChange({ before: 40, after: 44.5, lowerIsBetter: false }), '%', 'en') // "+4.5 pts"
 */
export function formatKpiChange(change: KpiChange, unit: string, lang: string): string {
	if (isPercentUnit(unit) || isPointUnit(unit)) {
		return `${formatNonZero(change.absolute, lang, {}, change.direction)}\u00a0pts`;
	}
	if (change.relative === null) return formatKpiValue(change.absolute, unit, lang, true);
	return formatNonZero(change.relative / 100, lang, { style: 'percent' }, change.direction);
}

function formatNonZero(
	value: number,
	lang: string,
	options: Intl.NumberFormatOptions,
	direction: KpiChange['direction'],
): string {
	const base = { ...options, signDisplay: 'exceptZero' as const };
	const text = getNumberFormat(lang, { ...base, maximumFractionDigits: 1 }).format(value);
	// A tiny move would round to "0" next to "improved": show two significant digits instead.
	if (direction !== 'flat' && !/[1-9]/.test(text)) {
		return getNumberFormat(lang, { ...base, maximumSignificantDigits: 2 }).format(value);
	}
	return text;
}
