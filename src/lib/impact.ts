// Pure shaping for the impact dashboard: working days, ISO weeks, shares, who sees what, and the
// tables (and CSV) every chart is drawn from. No database here: src/lib/server/impact/ queries.
import { formatCsvField } from './adoption';

export const SECONDS_PER_DAY = 86_400;
/** A message counts as answered in time when a reply came within this many working days. */
export const REPLY_WORKING_DAYS = 5;
/**
 * A country's members see network-wide figures only as shares, and only when at least this many
 * countries are behind them: with fewer, "network minus my country" would show another country's row.
 */
export const NETWORK_MIN_COUNTRIES = 5;

/** What a viewer of the dashboard may see. */
export interface ImpactScope {
	/** null: every country's rows (admins, HQ editors); else this country's rows only. */
	country: string | null;
	/** Whether network-wide aggregate shares are shown next to the country's own row. */
	network: boolean;
}

/**
 * Admins and HQ editors see every country; any other member sees their own country's rows, and the
 * network's aggregate shares when enough countries make them anonymous. A member without a country
 * sees no country row at all.
 * @example getImpactScope({ role: 'member', hq: false, country: 'PT' }, 12) // { country: 'PT', network: true }
 */
export function getImpactScope(
	viewer: { role: string; hq: boolean; country: string | null },
	networkCountries: number,
): ImpactScope {
	if (viewer.role === 'admin' || viewer.hq) return { country: null, network: true };
	return { country: viewer.country ?? '', network: networkCountries >= NETWORK_MIN_COUNTRIES };
}

/** n / d, or null when there is nothing to divide (shown as "no data", never as 0 %). */
export function share(n: number, d: number): number | null {
	return d > 0 ? n / d : null;
}

/**
 * Seconds between two instants that fall on Monday–Friday (UTC), so a weekend does not count.
 * @example workingSecondsBetween(fridayNoon, mondayNoon) // 86400: Friday afternoon and Monday morning
 */
export function workingSecondsBetween(from: number, to: number): number {
	if (to <= from) return 0;
	let total = 0;
	let t = from;
	while (t < to) {
		const dayStart = Math.floor(t / SECONDS_PER_DAY) * SECONDS_PER_DAY;
		const dayEnd = Math.min(dayStart + SECONDS_PER_DAY, to);
		// 1970-01-01 was a Thursday: day 0 → 4 (Thu) in getUTCDay terms.
		const weekday = (Math.floor(dayStart / SECONDS_PER_DAY) + 4) % 7;
		if (weekday !== 0 && weekday !== 6) total += dayEnd - t;
		t = dayEnd;
	}
	return total;
}

/**
 * Whether a first message was answered within `days` working days: 'yes', 'no' (late or never,
 * once the time is over), or 'pending' (no reply yet and still in time: not counted either way).
 */
export function replyWithin(
	askedAt: number,
	repliedAt: number | null,
	nowSeconds: number,
	days = REPLY_WORKING_DAYS,
): 'yes' | 'no' | 'pending' {
	const limit = days * SECONDS_PER_DAY;
	if (repliedAt !== null) return workingSecondsBetween(askedAt, repliedAt) <= limit ? 'yes' : 'no';
	return workingSecondsBetween(askedAt, nowSeconds) > limit ? 'no' : 'pending';
}

/**
 * The ISO week ('2026-W48') of a time, and back: Monday 00:00 UTC to the next Monday.
 * @example isoWeekOf(Date.UTC(2026, 10, 26) / 1000) // '2026-W48'
 */
export function isoWeekOf(seconds: number): string {
	const d = new Date(Math.floor(seconds / SECONDS_PER_DAY) * SECONDS_PER_DAY * 1000);
	const day = (d.getUTCDay() + 6) % 7; // Monday = 0
	d.setUTCDate(d.getUTCDate() - day + 3); // the week's Thursday decides its year
	const year = d.getUTCFullYear();
	const firstThursday = new Date(Date.UTC(year, 0, 4));
	const week =
		1 +
		Math.round(
			((d.getTime() - firstThursday.getTime()) / 86_400_000 -
				3 +
				((firstThursday.getUTCDay() + 6) % 7)) /
				7,
		);
	return `${year}-W${String(week).padStart(2, '0')}`;
}

/** Monday 00:00 UTC starting an ISO week, or null for anything else than 'YYYY-Www'. */
export function isoWeekStart(week: string): number | null {
	const m = /^(\d{4})-W(\d{2})$/.exec(week);
	if (!m) return null;
	const year = Number(m[1]);
	const n = Number(m[2]);
	if (n < 1 || n > 53) return null;
	const jan4 = Date.UTC(year, 0, 4) / 1000;
	const jan4Weekday = (new Date(jan4 * 1000).getUTCDay() + 6) % 7;
	const start = jan4 - jan4Weekday * SECONDS_PER_DAY + (n - 1) * 7 * SECONDS_PER_DAY;
	return isoWeekOf(start) === week ? start : null;
}

/** 'YYYY-MM' of the month `back` months before the one of `seconds` (UTC). */
export function monthsBack(seconds: number, back: number): string {
	const d = new Date(seconds * 1000);
	const m = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - back, 1));
	return m.toISOString().slice(0, 7);
}

/** Every 'YYYY-MM' from `from` to the month of `seconds`, in order. */
export function monthRange(from: string, seconds: number): string[] {
	const end = new Date(seconds * 1000).toISOString().slice(0, 7);
	const out: string[] = [];
	let [y, m] = from.split('-').map(Number) as [number, number];
	for (let guard = 0; guard < 240; guard++) {
		const key = `${y}-${String(m).padStart(2, '0')}`;
		out.push(key);
		if (key >= end) break;
		m++;
		if (m > 12) {
			m = 1;
			y++;
		}
	}
	return out;
}

/**
 * The normalised name of a KPI kind: lower-cased, spaces collapsed.
 * @example normalizeKpiLabel('  Test   Drives ') // 'test drives'
 */
export function normalizeKpiLabel(label: string): string {
	return label.toLowerCase().replace(/\s+/g, ' ').trim();
}

// ——— Tables and CSV ———

export type Cell = string | number | null;

/** A table as the page shows it and the CSV writes it: column keys (RFC 4180 header) and labels. */
export interface DataTable {
	columns: { key: string; label: string }[];
	rows: Cell[][];
}

export interface TableCsvOptions {
	format: 'rfc4180' | 'excel';
	/** Excel in Europe: decimal comma. */
	decimal?: '.' | ',';
}

/**
 * A table as CSV: RFC 4180 (comma, CRLF, header of column keys, no byte order mark), or for Excel
 * (byte order mark, semicolons, translated headers, the locale's decimal mark). Formula-looking
 * text is neutralised (formatCsvField).
 * @example serializeTableCsv({ columns: [{ key: 'a', label: 'A' }], rows: [[1]] }) // 'a\r\n1\r\n'
 */
export function serializeTableCsv(
	table: DataTable,
	options: TableCsvOptions = { format: 'rfc4180' },
): string {
	const excel = options.format === 'excel';
	const separator = excel ? ';' : ',';
	const decimal = excel ? (options.decimal ?? '.') : '.';
	const field = (v: Cell) => formatCsvField(v, separator, decimal);
	const header = table.columns.map((c) => field(excel ? c.label : c.key)).join(separator);
	const lines = [header, ...table.rows.map((r) => r.map(field).join(separator))];
	return `${excel ? '\uFEFF' : ''}${lines.join('\r\n')}\r\n`;
}

/** A share rounded to a tenth of a percent, for tables and CSV (null stays null). */
export function percent(value: number | null): number | null {
	return value === null ? null : Math.round(value * 1000) / 10;
}

/** A unix time as 'YYYY-MM-DD' (UTC), '' for null. */
export function isoDay(seconds: number | null): string {
	return seconds === null ? '' : new Date(seconds * 1000).toISOString().slice(0, 10);
}
