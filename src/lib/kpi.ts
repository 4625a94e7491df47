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
	const improved = direction === 'flat' ? null : (direction === 'up') !== Boolean(kpi.lowerIsBetter);
	return { absolute, relative, direction, improved };
}

function roundTo(value: number, decimals: number): number {
	const f = 10 ** decimals;
	return Math.round(value * f) / f;
}

/** Units shown as percentages; their change is reported in points (pts), not in percent of percent. */
export function isPercentUnit(unit: string): boolean {
	return unit === '%';
}

/**
 * Formats a KPI value for a locale: `%` as a percentage, ISO currency codes as money, the rest as numbers with the unit.
 * @example formatKpiValue(1250, 'EUR', 'fr') // "1 250 €"
 */
export function formatKpiValue(value: number, unit: string, lang: string): string {
	if (unit === '%') return new Intl.NumberFormat(lang, { maximumFractionDigits: 1 }).format(value) + '\u00a0%';
	if (/^[A-Z]{3}$/.test(unit)) {
		try {
			return new Intl.NumberFormat(lang, { style: 'currency', currency: unit, maximumFractionDigits: 0 }).format(value);
		} catch {
			// Not a currency Intl knows: fall through to a plain number with the unit.
		}
	}
	const n = new Intl.NumberFormat(lang, { maximumFractionDigits: 2 }).format(value);
	return unit === 'count' ? n : `${n}\u00a0${unit}`;
}

/**
 * Formats the computed change: `+75 %` for relative changes, `+4.5 pts` for percentage KPIs, signed values otherwise.
 * @example formatKpiChange(computeKpiChange({ before: 40, after: 44.5, lowerIsBetter: false }), '%', 'en') // "+4.5 pts"
 */
export function formatKpiChange(change: KpiChange, unit: string, lang: string): string {
	const signed = new Intl.NumberFormat(lang, { maximumFractionDigits: 1, signDisplay: 'exceptZero' });
	if (isPercentUnit(unit)) return `${signed.format(change.absolute)}\u00a0pts`;
	if (change.relative === null) return formatSigned(change.absolute, unit, lang);
	return `${signed.format(change.relative)}\u00a0%`;
}

function formatSigned(value: number, unit: string, lang: string): string {
	const text = formatKpiValue(Math.abs(value), unit, lang);
	return value > 0 ? `+${text}` : value < 0 ? `−${text}` : text;
}
