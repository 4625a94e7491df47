// Times in a member's own time zone (a profile setting), formatted on the server with the zone
// shown: "2 Dec 2026, 10:42 CET". Without a setting, UTC, and it says so.
import type { Lang } from './taxonomy';

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(lang: Lang, timeZone: string): Intl.DateTimeFormat {
	const cacheKey = `${lang}:${timeZone}`;
	let format = formatters.get(cacheKey);
	if (!format) {
		format = new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : lang, {
			day: 'numeric',
			month: 'short',
			year: 'numeric',
			hour: '2-digit',
			minute: '2-digit',
			timeZone,
			timeZoneName: 'short',
		});
		formatters.set(cacheKey, format);
	}
	return format;
}

/**
 * A date and time in the member's zone, its short name included; `timeZone` '' (not set) or one
 * this runtime does not know means UTC.
 * @example formatInTimeZone(new Date('2026-12-02T09:42:00Z'), 'en', 'Europe/Paris') // '2 Dec 2026, 10:42 CET'
 */
export function formatInTimeZone(date: Date, lang: Lang, timeZone: string): string {
	return formatterFor(lang, resolveTimeZone(timeZone)).format(date);
}

/**
 * The zone times are shown in: the member's setting when this runtime knows it, else 'UTC'.
 * @example resolveTimeZone('') // 'UTC'
 */
export function resolveTimeZone(timeZone: string): string {
	if (!timeZone) return 'UTC';
	try {
		new Intl.DateTimeFormat('en', { timeZone });
		return timeZone;
	} catch {
		return 'UTC';
	}
}
