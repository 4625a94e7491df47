// The figures of one practice for its owners and the admins: reads by country and week (from the
// anonymous counts), conversations started about it and countries' answers, by ISO week, within the
// retention period. Nothing here can tell who read what: the counts never knew.
import type { Database } from 'better-sqlite3';
import { formatCsvField } from '../../adoption';
import { getAnalyticsRetentionMonths } from '../../config';
import { prepare } from '../db';
import { getNowSeconds } from '../time';
import { firstKeptWeek, isoWeek } from './reads';

/** How many weeks the chart shows, ending with the current one. */
export const CHART_WEEKS = 26;

export interface PracticeFigures {
	/** ISO weeks from the oldest kept one with any figure to this week, each with its counts. */
	weeks: { week: string; reads: number; contacts: number; answers: number }[];
	/** Reads by reader's country ('' for members without one), most first. */
	byCountry: { country: string; reads: number }[];
	/** Reads by country and week, for the CSV. */
	rows: { week: string; country: string; reads: number }[];
	totals: { reads: number; contacts: number; answers: number };
	firstWeek: string;
}

/** The ISO week after `week` ('2026-W52' → '2026-W53' or '2027-W01'). */
function nextWeek(week: string): string {
	const [y, w] = week.split('-W').map(Number) as [number, number];
	// Monday of ISO week w: 4 January is always in week 1.
	const jan4 = Date.UTC(y, 0, 4);
	const monday =
		jan4 - ((new Date(jan4).getUTCDay() || 7) - 1) * 86_400_000 + (w - 1) * 7 * 86_400_000;
	return isoWeek(Math.floor((monday + 7 * 86_400_000) / 1000));
}

/**
 * The practice's figures, within ANALYTICS_RETENTION_MONTHS.
 * @example getPracticeFigures(db, 'alpha-launch').byCountry // [{ country: 'PT', reads: 1 }]
 */
export function getPracticeFigures(
	db: Database,
	slug: string,
	nowSeconds = getNowSeconds(),
	months = getAnalyticsRetentionMonths(),
): PracticeFigures {
	const kept = firstKeptWeek(nowSeconds, months);
	const rows = prepare(
		db,
		`SELECT practice_read.week, practice_read.country, practice_read.reads FROM practice_read
			WHERE practice_read.case_study = ? AND practice_read.week >= ?
			ORDER BY practice_read.week, practice_read.country`,
	).all(slug, kept) as { week: string; country: string; reads: number }[];
	// strftime's %G-W%V is the ISO week, as isoWeek writes it.
	const contacts = prepare(
		db,
		`SELECT strftime('%G-W%V', thread.created_at, 'unixepoch') AS week, COUNT(*) AS n FROM thread
			WHERE thread.case_study = ? GROUP BY week HAVING strftime('%G-W%V', thread.created_at, 'unixepoch') >= ?`,
	).all(slug, kept) as { week: string; n: number }[];
	const answers = prepare(
		db,
		`SELECT strftime('%G-W%V', country_answer.created_at, 'unixepoch') AS week, COUNT(*) AS n
			FROM country_answer WHERE country_answer.case_study = ? GROUP BY week HAVING strftime('%G-W%V', country_answer.created_at, 'unixepoch') >= ?`,
	).all(slug, kept) as { week: string; n: number }[];

	const current = isoWeek(nowSeconds);
	const chartStart = isoWeek(nowSeconds - (CHART_WEEKS - 1) * 7 * 86_400);
	const firstWithData = [
		...rows.map((r) => r.week),
		...contacts.map((c) => c.week),
		...answers.map((a) => a.week),
	]
		.sort()
		.at(0);
	const first = [chartStart, firstWithData ?? chartStart].sort()[0]!;
	const byWeek = new Map<
		string,
		{ week: string; reads: number; contacts: number; answers: number }
	>();
	for (let w = first < kept ? kept : first; w <= current; w = nextWeek(w))
		byWeek.set(w, { week: w, reads: 0, contacts: 0, answers: 0 });
	for (const r of rows) if (byWeek.has(r.week)) byWeek.get(r.week)!.reads += r.reads;
	for (const c of contacts) if (byWeek.has(c.week)) byWeek.get(c.week)!.contacts += c.n;
	for (const a of answers) if (byWeek.has(a.week)) byWeek.get(a.week)!.answers += a.n;
	const countries = new Map<string, number>();
	for (const r of rows) countries.set(r.country, (countries.get(r.country) ?? 0) + r.reads);
	const weeks = [...byWeek.values()];
	return {
		weeks,
		byCountry: [...countries]
			.map(([country, reads]) => ({ country, reads }))
			.sort((a, b) => b.reads - a.reads || a.country.localeCompare(b.country)),
		rows,
		totals: {
			reads: weeks.reduce((s, w) => s + w.reads, 0),
			contacts: weeks.reduce((s, w) => s + w.contacts, 0),
			answers: weeks.reduce((s, w) => s + w.answers, 0),
		},
		firstWeek: kept,
	};
}

/** The CSV's columns: one row per figure (reads per country and week; contacts, answers per week). */
export const FIGURES_CSV_HEADER = ['practice', 'week', 'figure', 'country', 'count'] as const;

/**
 * The figures as RFC 4180 CSV (CRLF, no byte order mark), for spreadsheets and tools.
 * @example serializeFiguresCsv('alpha-launch', figures).split('\r\n')[1] // 'alpha-launch,2026-W49,reads,PT,1'
 */
export function serializeFiguresCsv(slug: string, figures: PracticeFigures): string {
	const lines: (string | number)[][] = [[...FIGURES_CSV_HEADER]];
	for (const r of figures.rows) lines.push([slug, r.week, 'reads', r.country, r.reads]);
	for (const w of figures.weeks) {
		if (w.contacts) lines.push([slug, w.week, 'contacts', '', w.contacts]);
		if (w.answers) lines.push([slug, w.week, 'answers', '', w.answers]);
	}
	return lines.map((l) => l.map((v) => formatCsvField(v)).join(',')).join('\r\n') + '\r\n';
}
