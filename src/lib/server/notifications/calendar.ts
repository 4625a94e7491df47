// Local dates in a member's time zone, for the digest: "Monday 07:00 in Lisbon" as unix seconds, and
// the ISO week it falls in. Only Intl: no time-zone table to keep up to date.
import { SECONDS_PER_DAY } from '../time';

/** The hour (local) the weekly digest goes out. */
export const DIGEST_HOUR = 7;

interface LocalDate {
	year: number;
	month: number;
	day: number;
}

const formats = new Map<string, Intl.DateTimeFormat>();
function partsIn(seconds: number, timeZone: string) {
	let format = formats.get(timeZone);
	if (!format) {
		format = new Intl.DateTimeFormat('en-US', {
			timeZone,
			hourCycle: 'h23',
			year: 'numeric',
			month: 'numeric',
			day: 'numeric',
			hour: 'numeric',
			minute: 'numeric',
			second: 'numeric',
		});
		formats.set(timeZone, format);
	}
	const parts: Record<string, number> = {};
	for (const p of format.formatToParts(seconds * 1000))
		if (p.type !== 'literal') parts[p.type] = Number(p.value);
	return parts as Record<'year' | 'month' | 'day' | 'hour' | 'minute' | 'second', number>;
}

function zoneOrUtc(timeZone: string): string {
	if (!timeZone) return 'UTC';
	try {
		new Intl.DateTimeFormat('en-US', { timeZone });
		return timeZone;
	} catch {
		return 'UTC';
	}
}

/** Unix seconds of a local wall-clock time in `timeZone` (the later one when a clock change repeats it). */
export function localTimeToSeconds(date: LocalDate, hour: number, timeZone: string): number {
	const zone = zoneOrUtc(timeZone);
	const guess = Date.UTC(date.year, date.month - 1, date.day, hour) / 1000;
	const offsetAt = (seconds: number) => {
		const p = partsIn(seconds, zone);
		return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) / 1000 - seconds;
	};
	const first = guess - offsetAt(guess);
	return guess - offsetAt(first);
}

/** ISO 8601 weekday of a date: 1 = Monday … 7 = Sunday. */
function weekday(date: LocalDate): number {
	return ((new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay() + 6) % 7) + 1;
}

function addDays(date: LocalDate, days: number): LocalDate {
	const d = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
	return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/**
 * The ISO week of a date, as 'YYYY-Www'.
 * @example isoWeek({ year: 2026, month: 1, day: 1 }) // '2026-W01'
 */
export function isoWeek(date: LocalDate): string {
	const thursday = addDays(date, 4 - weekday(date));
	const jan1 = Date.UTC(thursday.year, 0, 1);
	const week =
		Math.floor((Date.UTC(thursday.year, thursday.month - 1, thursday.day) - jan1) / 86400_000 / 7) +
		1;
	return `${thursday.year}-W${String(week).padStart(2, '0')}`;
}

/**
 * The member's next digest time after `nowSeconds`: their weekday at 07:00 in their time zone, with
 * the ISO week it belongs to (the digest's key: one per member and week).
 * @example nextDigestTime(1, '', T0) // { at: …, week: '2026-W02' }
 */
export function nextDigestTime(
	digestDay: number,
	timeZone: string,
	nowSeconds: number,
): { at: number; week: string } {
	const zone = zoneOrUtc(timeZone);
	const p = partsIn(nowSeconds, zone);
	const today: LocalDate = { year: p.year, month: p.month, day: p.day };
	for (let i = 0; i <= 7; i++) {
		const date = addDays(today, i);
		if (weekday(date) !== digestDay) continue;
		const at = localTimeToSeconds(date, DIGEST_HOUR, zone);
		if (at > nowSeconds) return { at, week: isoWeek(date) };
	}
	// Unreachable: within eight days the weekday comes round at least once after now.
	const date = addDays(today, 7);
	return { at: nowSeconds + 7 * SECONDS_PER_DAY, week: isoWeek(date) };
}

/**
 * A date as members read it in mails, in their language and time zone.
 * @example formatMailDate(T0, 'fr', 'Europe/Paris') // '1 janvier 2026'
 */
export function formatMailDate(seconds: number, lang: string, timeZone: string): string {
	return new Intl.DateTimeFormat(lang, { dateStyle: 'long', timeZone: zoneOrUtc(timeZone) }).format(
		seconds * 1000,
	);
}
