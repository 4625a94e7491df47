// The impact dashboard as data: each chart's bars, its summary table, and the rows behind any figure
// (for "every number can be traced to its rows"), limited to what the viewer may see. Pages and the
// CSV route only render what this returns.
import type { Database } from 'better-sqlite3';
import type { ChartDatum } from '../../charts';
import {
	getImpactScope,
	isoDay,
	isoWeekOf,
	isoWeekStart,
	monthsBack,
	normalizeKpiLabel,
	percent,
	replyWithin,
	SECONDS_PER_DAY,
	share,
	type Cell,
	type DataTable,
	type ImpactScope,
} from '../../impact';
import { formatCountry, formatNumber, tPlural, useTranslations, type UiKey } from '../../i18n';
import { formatKpiValue } from '../../kpi';
import type { Lang } from '../../taxonomy';
import { listNetworkCountries, listOwedAnswers } from '../practices/owed';
import type { User } from '../user';
import {
	queryAnswerRows,
	queryAnswersOn,
	queryAnswersWithinDue,
	queryCoverage,
	queryCoverageRows,
	queryDataStamp,
	queryKpiRows,
	queryKpiSums,
	queryOverdueRows,
	queryOwedByCountry,
	queryPracticesPublished,
	queryReviewRows,
	querySearchMissRows,
	querySubmissionRows,
	querySubmissionsByMonth,
	queryThreadReplies,
	queryTopRequests,
	queryTopSearchMisses,
} from './queries';

// In the page's order: the overdue answers come first, right after last week's practices.
export const IMPACT_CHARTS = [
	'overdue',
	'coverage',
	'answers',
	'verified',
	'failures',
	'messages',
	'kpi',
	'searches',
	'requests',
	'week',
] as const;
export type ImpactChartId = (typeof IMPACT_CHARTS)[number];

export function isImpactChart(value: string): value is ImpactChartId {
	return (IMPACT_CHARTS as readonly string[]).includes(value);
}

/** How far back the time-bound charts look. */
export const SEARCH_WINDOW_DAYS = 90;
export const MESSAGE_WINDOW_DAYS = 180;
export const FAILURE_MONTHS = 12;
const NETWORK_KEY = '*';

export interface ImpactChart {
	id: ImpactChartId;
	kind: 'bars' | 'columns' | 'table';
	data: ChartDatum[];
	max?: number;
	table: DataTable;
	/** Per table row, the key of the rows behind it (`?key=` of the rows CSV), or null. */
	rowKeys: (string | null)[];
	/** Links per table row (e.g. a request's page), or null. */
	rowLinks?: (string | null)[];
}

export interface ImpactContext {
	db: Database;
	scope: ImpactScope;
	countries: string[];
	now: number;
	lang: Lang;
	/** Titles and languages of the visible practices, by slug. */
	loadPractices: () => Promise<Map<string, { title: string; lang: string }>>;
}

async function loadCataloguePractices(db: Database) {
	// Loaded on use: the catalogue reads Astro's content layer, which only exists inside Astro.
	const { getAllCaseStudies } = await import('../submissions/catalogue');
	return new Map(
		(await getAllCaseStudies(db)).map((s) => [s.id, { title: s.data.title, lang: s.data.lang }]),
	);
}

/** The viewer's scope and the network's countries, once per request. */
export function createImpactContext(
	db: Database,
	viewer: Pick<User, 'role' | 'hq' | 'country'>,
	nowSeconds: number,
	lang: Lang,
): ImpactContext {
	const countries = listNetworkCountries(db);
	return {
		db,
		scope: getImpactScope(viewer, countries.length),
		countries,
		// Whole minutes: figures computed for the same minute and data can be shared (see memo).
		now: Math.floor(nowSeconds / 60) * 60,
		lang,
		loadPractices: () => loadCataloguePractices(db),
	};
}

const pct = (value: number | null, lang: Lang) =>
	value === null ? '–' : `${formatNumber(percent(value)!, lang)} %`;

/** Rows of a per-country share: the viewer's (or every) country, then the network's aggregate. */
function shareRows<T extends { key: string }>(
	ctx: ImpactContext,
	all: T[],
	count: (r: T) => { n: number; d: number },
	label: (key: string) => string,
): { key: string; label: string; n: number; d: number; network: boolean }[] {
	const own = ctx.scope.country === null ? all : all.filter((r) => r.key === ctx.scope.country);
	const rows = own.map((r) => ({ key: r.key, label: label(r.key), ...count(r), network: false }));
	if (ctx.scope.network && all.length > 0) {
		const n = all.reduce((s, r) => s + count(r).n, 0);
		const d = all.reduce((s, r) => s + count(r).d, 0);
		const t = useTranslations(ctx.lang);
		rows.push({ key: NETWORK_KEY, label: t('impact.network'), n, d, network: true });
	}
	return rows;
}

function shareChart(
	ctx: ImpactContext,
	id: ImpactChartId,
	rows: ReturnType<typeof shareRows>,
	columns: [string, string, string],
): ImpactChart {
	const t = useTranslations(ctx.lang);
	return {
		id,
		kind: 'bars',
		max: 1,
		data: rows.map((r) => ({
			label: r.label,
			value: share(r.n, r.d) ?? 0,
			display: t('impact.shareOf', {
				n: formatNumber(r.n, ctx.lang),
				d: formatNumber(r.d, ctx.lang),
				share: pct(share(r.n, r.d), ctx.lang),
			}),
			emphasis: r.network,
		})),
		table: {
			columns: [
				{ key: 'key', label: t(columns[0] as UiKey) },
				{ key: 'count', label: t(columns[1] as UiKey) },
				{ key: 'of', label: t(columns[2] as UiKey) },
				{ key: 'percent', label: t('impact.col.percent') },
			],
			rows: rows.map((r) => [
				r.network ? t('impact.network') : r.label,
				r.n,
				r.d,
				percent(share(r.n, r.d)),
			]),
		},
		rowKeys: rows.map((r) => (r.network ? null : r.key)),
	};
}

function countryLabel(code: string, lang: Lang): string {
	return code ? `${formatCountry(code, lang)} (${code})` : '–';
}

// The dashboard is read far more often than its rows change, and at 100 countries × 1000 practices
// its queries take tens of milliseconds: a chart is kept until the database changes (any commit by
// another connection moves `data_version`, any by this one `total_changes()`) or the minute ends.
const MEMO_MAX = 200;
const memos = new WeakMap<Database, Map<string, unknown>>();

async function memo<T>(ctx: ImpactContext, key: string, compute: () => Promise<T>): Promise<T> {
	let map = memos.get(ctx.db);
	if (!map) memos.set(ctx.db, (map = new Map()));
	const full = `${queryDataStamp(ctx.db)}|${ctx.now}|${ctx.scope.country}|${ctx.scope.network}|${ctx.lang}|${key}`;
	if (map.has(full)) return map.get(full) as T;
	const value = await compute();
	// Stamps only grow: an entry of an older stamp is never read again.
	if (map.size >= MEMO_MAX) map.clear();
	map.set(full, value);
	return value;
}

/** One chart of the dashboard. */
export function getImpactChart(
	ctx: ImpactContext,
	id: ImpactChartId,
	week?: string | null,
): Promise<ImpactChart> {
	return memo(ctx, `chart:${id}:${week ?? ''}`, () => computeImpactChart(ctx, id, week));
}

async function computeImpactChart(
	ctx: ImpactContext,
	id: ImpactChartId,
	week?: string | null,
): Promise<ImpactChart> {
	const { db, scope, now, lang } = ctx;
	const t = useTranslations(lang);
	const country = (code: string) => countryLabel(code, lang);
	switch (id) {
		case 'overdue': {
			// Most overdue first: the countries to chase are the top bars.
			const counts = queryOwedByCountry(db, scope.country, now).sort(
				(a, b) => b.overdue - a.overdue || b.owed - a.owed || a.country.localeCompare(b.country),
			);
			const focal = (c: { hasFocalPoint: boolean }) =>
				c.hasFocalPoint ? t('impact.overdue.hasFocal') : t('impact.overdue.noFocal');
			const rows: Cell[][] = counts.map((c) => [country(c.country), c.overdue, c.owed, focal(c)]);
			const keys: (string | null)[] = counts.map((c) => c.country);
			const links: (string | null)[] = counts.map(
				(c) => `/answers/?${new URLSearchParams({ country: c.country, overdue: '1' })}`,
			);
			// The network's total is for those who see every country (a sum, not a share: see 'kpi').
			if (scope.country === null && counts.length > 0) {
				rows.push([
					t('impact.network'),
					counts.reduce((s, c) => s + c.overdue, 0),
					counts.reduce((s, c) => s + c.owed, 0),
					'',
				]);
				keys.push(null);
				links.push(`/answers/?${new URLSearchParams({ overdue: '1' })}`);
			}
			return {
				id,
				kind: 'bars',
				data: counts.map((c) => ({
					label: country(c.country),
					value: c.overdue,
					display: [
						t('impact.overdue.display', {
							overdue: formatNumber(c.overdue, lang),
							owed: formatNumber(c.owed, lang),
						}),
						...(c.hasFocalPoint ? [] : [t('impact.overdue.noFocal')]),
					].join(' · '),
				})),
				table: {
					columns: [
						{ key: 'country', label: t('impact.col.country') },
						{ key: 'overdue', label: t('impact.col.overdue') },
						{ key: 'owed', label: t('impact.col.owed') },
						{ key: 'focal_point', label: t('impact.col.focalPoint') },
					],
					rows,
				},
				rowKeys: keys,
				rowLinks: links,
			};
		}
		case 'coverage': {
			const all = queryCoverage(db, scope.network ? null : scope.country).map((r) => ({
				...r,
				key: r.country,
			}));
			return shareChart(
				ctx,
				id,
				shareRows(ctx, all, (r) => ({ n: r.answered, d: r.practices }), country),
				['impact.col.practiceCountry', 'impact.col.answeredPractices', 'impact.col.practices'],
			);
		}
		case 'answers': {
			const all = queryAnswersWithinDue(db, ctx.countries, now).map((r) => ({
				...r,
				key: r.country,
			}));
			return shareChart(
				ctx,
				id,
				shareRows(ctx, all, (r) => ({ n: r.within, d: r.due }), country),
				['impact.col.country', 'impact.col.within30', 'impact.col.due'],
			);
		}
		case 'verified': {
			const rows = queryReviewRows(db, scope.network ? null : scope.country, now);
			const byCountry = new Map<string, { key: string; n: number; d: number }>();
			for (const r of rows) {
				const c = byCountry.get(r.country) ?? { key: r.country, n: 0, d: 0 };
				c.d++;
				if (verifiedInTime(r)) c.n++;
				byCountry.set(r.country, c);
			}
			const all = [...byCountry.values()].sort((a, b) => a.key.localeCompare(b.key));
			return shareChart(
				ctx,
				id,
				shareRows(ctx, all, (r) => r, country),
				['impact.col.practiceCountry', 'impact.col.verifiedInTime', 'impact.col.reviewed'],
			);
		}
		case 'failures': {
			const from = monthsBack(now, FAILURE_MONTHS - 1);
			const months = scope.network ? fillMonths(querySubmissionsByMonth(db, from), from, now) : [];
			return {
				id,
				kind: 'columns',
				max: 1,
				data: months.map((m) => {
					const s = share(m.postMortems, m.postMortems + m.caseStudies);
					return { label: monthLabel(m.month, lang), value: s ?? 0, display: pct(s, lang) };
				}),
				table: {
					columns: [
						{ key: 'month', label: t('impact.col.month') },
						{ key: 'case_studies', label: t('impact.col.caseStudies') },
						{ key: 'post_mortems', label: t('impact.col.postMortems') },
						{ key: 'percent', label: t('impact.col.failureShare') },
					],
					rows: months.map((m) => [
						m.month,
						m.caseStudies,
						m.postMortems,
						percent(share(m.postMortems, m.postMortems + m.caseStudies)),
					]),
				},
				rowKeys: months.map((m) => m.month),
			};
		}
		case 'messages': {
			const threads = queryThreadReplies(
				db,
				scope.network ? null : scope.country,
				now - MESSAGE_WINDOW_DAYS * SECONDS_PER_DAY,
			);
			const byCountry = new Map<string, { key: string; n: number; d: number }>();
			for (const th of threads) {
				const verdict = replyWithin(th.askedAt, th.repliedAt, now);
				if (verdict === 'pending') continue;
				const c = byCountry.get(th.country) ?? { key: th.country, n: 0, d: 0 };
				c.d++;
				if (verdict === 'yes') c.n++;
				byCountry.set(th.country, c);
			}
			const all = [...byCountry.values()].sort((a, b) => a.key.localeCompare(b.key));
			return shareChart(
				ctx,
				id,
				shareRows(ctx, all, (r) => r, country),
				['impact.col.recipientCountry', 'impact.col.repliedInTime', 'impact.col.conversations'],
			);
		}
		case 'kpi': {
			// Sums are not shares: a country's members see their own country's only (scope.country).
			const sums = queryKpiSums(db, scope.country);
			const kinds = new Map<
				string,
				{ unit: string; label: string; sum: number; answers: number; countries: number }
			>();
			// SQL groups exact labels; labels differing only by inner spacing or case meet here.
			for (const s of sums) {
				const key = `${s.unit}|${normalizeKpiLabel(s.label)}`;
				const k = kinds.get(key);
				if (k) {
					k.sum += s.sum;
					k.answers += s.answers;
					k.countries = Math.max(k.countries, s.countries);
				} else kinds.set(key, { ...s, label: normalizeKpiLabel(s.label) });
			}
			const list = [...kinds.entries()].sort(
				(a, b) => b[1].answers - a[1].answers || a[0].localeCompare(b[0]),
			);
			const top = list
				.slice(0, 12)
				.sort((a, b) => a[1].unit.localeCompare(b[1].unit) || b[1].answers - a[1].answers);
			// Units differ (%, EUR, days): each bar is scaled against the largest sum of its own unit.
			const maxByUnit = new Map<string, number>();
			for (const [, k] of top)
				maxByUnit.set(k.unit, Math.max(maxByUnit.get(k.unit) ?? 0, Math.abs(k.sum)));
			return {
				id,
				kind: 'bars',
				max: 1,
				data: top.map(([, k]) => ({
					label: `${k.label} (${k.unit || '–'})`,
					value: (maxByUnit.get(k.unit) ?? 0) > 0 ? k.sum / maxByUnit.get(k.unit)! : 0,
					display: `${formatKpiValue(round(k.sum), k.unit, lang, true)} · ${tPlural(t, lang, 'impact.answers', k.answers)}`,
				})),
				table: {
					columns: [
						{ key: 'kpi', label: t('impact.col.kpi') },
						{ key: 'unit', label: t('impact.col.unit') },
						{ key: 'sum_change', label: t('impact.col.sumChange') },
						{ key: 'answers', label: t('impact.col.answers') },
						{ key: 'countries', label: t('impact.col.countries') },
					],
					rows: list.map(([, k]) => [k.label, k.unit, round(k.sum), k.answers, k.countries]),
				},
				rowKeys: list.map(([key]) => key),
			};
		}
		case 'searches': {
			const top = queryTopSearchMisses(
				db,
				scope.country,
				now - SEARCH_WINDOW_DAYS * SECONDS_PER_DAY,
				20,
			);
			return {
				id,
				kind: 'bars',
				data: top.map((s) => ({
					label: s.query,
					value: s.count,
					display: formatNumber(s.count, lang),
				})),
				table: {
					columns: [
						{ key: 'query', label: t('impact.col.query') },
						{ key: 'searches', label: t('impact.col.searches') },
						{ key: 'countries', label: t('impact.col.countries') },
					],
					rows: top.map((s) => [s.query, s.count, s.countries]),
				},
				rowKeys: top.map((s) => s.query),
			};
		}
		case 'requests': {
			const top = queryTopRequests(db, 10);
			return {
				id,
				kind: 'bars',
				data: top.map((r) => ({
					label: r.title,
					value: r.votes,
					display: formatNumber(r.votes, lang),
					lang: r.lang,
				})),
				table: {
					columns: [
						{ key: 'request', label: t('impact.col.request') },
						{ key: 'votes', label: t('impact.col.votes') },
						{ key: 'asked_on', label: t('impact.col.askedOn') },
					],
					rows: top.map((r) => [r.title, r.votes, isoDay(r.createdAt)]),
				},
				rowKeys: top.map(() => null),
				rowLinks: top.map((r) => `/requests/${r.id}/`),
			};
		}
		case 'week':
			return getWeekTable(ctx, week ?? null);
	}
}

function round(n: number): number {
	return Math.round(n * 100) / 100;
}

function verifiedInTime(r: { reviewBy: string; verifiedAt: number | null }): boolean {
	if (r.verifiedAt === null) return false;
	const end = Date.parse(`${r.reviewBy}T00:00:00Z`) / 1000 + SECONDS_PER_DAY;
	return r.verifiedAt < end;
}

function fillMonths(
	rows: { month: string; caseStudies: number; postMortems: number }[],
	from: string,
	now: number,
) {
	const byMonth = new Map(rows.map((r) => [r.month, r]));
	const out: { month: string; caseStudies: number; postMortems: number }[] = [];
	for (let i = FAILURE_MONTHS - 1; i >= 0; i--) {
		const m = monthsBack(now, i);
		if (m < from) continue;
		out.push(byMonth.get(m) ?? { month: m, caseStudies: 0, postMortems: 0 });
	}
	return out;
}

function monthLabel(month: string, lang: Lang): string {
	return new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : lang, {
		month: 'short',
		year: '2-digit',
		timeZone: 'UTC',
	}).format(new Date(`${month}-01T00:00:00Z`));
}

/** The week shown: ?week=YYYY-Www, else the last seven days. */
export function resolveWeek(
	week: string | null,
	now: number,
): { from: number; to: number; label: string | null } {
	const start = week ? isoWeekStart(week) : null;
	if (start !== null) return { from: start, to: start + 7 * SECONDS_PER_DAY, label: week };
	return { from: now - 7 * SECONDS_PER_DAY, to: now + 1, label: null };
}

export interface WeekPractice {
	caseStudy: string;
	title: string;
	lang: string;
	country: string;
	publishedAt: number;
	answers: { country: string; status: string; kpi: string }[];
	overdue: string[];
	owed: string[];
}

/** Last week's practices: who answered what (with the KPI), which answers are overdue or still owed. */
export function getWeekPractices(
	ctx: ImpactContext,
	week: string | null,
): Promise<{ from: number; to: number; label: string | null; practices: WeekPractice[] }> {
	return memo(ctx, `week:${week ?? ''}`, () => computeWeekPractices(ctx, week));
}

async function computeWeekPractices(
	ctx: ImpactContext,
	week: string | null,
): Promise<{ from: number; to: number; label: string | null; practices: WeekPractice[] }> {
	const { db, scope, now, lang } = ctx;
	const range = resolveWeek(week, now);
	const published = queryPracticesPublished(db, range.from, range.to);
	const catalogue = published.length ? await ctx.loadPractices() : new Map();
	const answers = queryAnswersOn(
		db,
		published.map((p) => p.caseStudy),
		scope.country,
	);
	const practices = published.map((p) => {
		const owed = listOwedAnswers(db, now, {
			caseStudy: p.caseStudy,
			...(scope.country !== null ? { country: scope.country } : {}),
		});
		const study = catalogue.get(p.caseStudy);
		return {
			caseStudy: p.caseStudy,
			title: study?.title ?? p.caseStudy,
			lang: study?.lang ?? lang,
			country: p.country,
			publishedAt: p.publishedAt,
			answers: answers
				.filter((a) => a.caseStudy === p.caseStudy)
				.map((a) => ({
					country: a.country,
					status: a.status,
					kpi: a.kpi
						? `${a.kpi.label}: ${formatKpiValue(a.kpi.before, a.kpi.unit, lang)} → ${formatKpiValue(a.kpi.after, a.kpi.unit, lang)}`
						: '',
				})),
			overdue: owed.filter((o) => o.overdue).map((o) => o.country),
			owed: owed.filter((o) => !o.overdue).map((o) => o.country),
		};
	});
	return { ...range, practices };
}

async function getWeekTable(ctx: ImpactContext, week: string | null): Promise<ImpactChart> {
	const t = useTranslations(ctx.lang);
	const { practices } = await getWeekPractices(ctx, week);
	const rows: Cell[][] = [];
	for (const p of practices) {
		for (const a of p.answers)
			rows.push([
				p.caseStudy,
				p.title,
				p.country,
				isoDay(p.publishedAt),
				a.country,
				a.status,
				a.kpi,
			]);
		for (const c of p.overdue)
			rows.push([p.caseStudy, p.title, p.country, isoDay(p.publishedAt), c, 'overdue', '']);
		for (const c of p.owed)
			rows.push([p.caseStudy, p.title, p.country, isoDay(p.publishedAt), c, 'owed', '']);
	}
	return {
		id: 'week',
		kind: 'table',
		data: [],
		table: {
			columns: [
				{ key: 'case_study', label: t('impact.col.slug') },
				{ key: 'title', label: t('impact.col.practice') },
				{ key: 'practice_country', label: t('impact.col.practiceCountry') },
				{ key: 'published', label: t('impact.col.published') },
				{ key: 'country', label: t('impact.col.country') },
				{ key: 'answer', label: t('impact.col.answer') },
				{ key: 'kpi', label: t('impact.col.kpi') },
			],
			rows,
		},
		rowKeys: rows.map(() => null),
	};
}

/**
 * The rows behind a chart's figures, optionally those of one key (a country, a month, a query, a
 * KPI kind), within the viewer's scope: another country's key gives no rows, never its data.
 */
export async function getImpactRows(
	ctx: ImpactContext,
	id: ImpactChartId,
	key: string | null,
	week?: string | null,
): Promise<DataTable> {
	const { db, scope, now, lang } = ctx;
	const t = useTranslations(lang);
	const col = (k: string, label: UiKey) => ({ key: k, label: t(label) });
	// A country's member asking for another country's key gets their own rows filter, i.e. nothing.
	const countryFilter = scope.country ?? (key && key !== NETWORK_KEY ? key : null);
	const keyAllowed = (c: string) => scope.country === null || c === scope.country;
	const countryKeyed =
		id === 'overdue' ||
		id === 'coverage' ||
		id === 'answers' ||
		id === 'verified' ||
		id === 'messages';
	if (countryKeyed && key && key !== NETWORK_KEY && !keyAllowed(key))
		return { columns: [], rows: [] };
	switch (id) {
		case 'overdue': {
			const owed = queryOverdueRows(db, countryFilter, now);
			const catalogue = owed.length ? await ctx.loadPractices() : new Map();
			return {
				columns: [
					col('case_study', 'impact.col.slug'),
					col('title', 'impact.col.practice'),
					col('practice_country', 'impact.col.practiceCountry'),
					col('country', 'impact.col.country'),
					col('due', 'impact.col.dueOn'),
					col('days_overdue', 'impact.col.daysOverdue'),
					col('focal_points', 'impact.col.focalPoints'),
				],
				rows: owed.map((r) => [
					r.caseStudy,
					catalogue.get(r.caseStudy)?.title ?? r.caseStudy,
					r.practiceCountry,
					r.country,
					isoDay(r.dueAt),
					r.daysOverdue,
					r.focalPoints.map((f) => f.name).join('; '),
				]),
			};
		}
		case 'coverage': {
			const rows = queryCoverageRows(db, countryFilter).filter((r) => keyAllowed(r.country));
			return {
				columns: [
					col('case_study', 'impact.col.slug'),
					col('practice_country', 'impact.col.practiceCountry'),
					col('answers', 'impact.col.answers'),
				],
				rows: rows
					.filter((r) => !key || key === NETWORK_KEY || r.country === key)
					.map((r) => [r.caseStudy, r.country, r.answers]),
			};
		}
		case 'answers': {
			const countries = ctx.countries.filter(
				(c) => keyAllowed(c) && (!key || key === NETWORK_KEY || c === key),
			);
			const rows = queryAnswerRows(db, countries, now);
			return {
				columns: [
					col('case_study', 'impact.col.slug'),
					col('practice_country', 'impact.col.practiceCountry'),
					col('country', 'impact.col.country'),
					col('owed_from', 'impact.col.owedFrom'),
					col('due', 'impact.col.dueOn'),
					col('answered', 'impact.col.answeredOn'),
					col('status', 'impact.col.answer'),
					col('within_30_days', 'impact.col.within30'),
				],
				rows: rows.map((r) => [
					r.caseStudy,
					r.practiceCountry,
					r.country,
					isoDay(r.owedFrom),
					isoDay(r.dueAt),
					isoDay(r.answeredAt),
					r.status ?? '',
					r.answeredAt !== null && r.answeredAt <= r.dueAt ? 'yes' : 'no',
				]),
			};
		}
		case 'verified': {
			const rows = queryReviewRows(db, countryFilter, now).filter((r) => keyAllowed(r.country));
			return {
				columns: [
					col('case_study', 'impact.col.slug'),
					col('practice_country', 'impact.col.practiceCountry'),
					col('review_by', 'impact.col.reviewBy'),
					col('verified', 'impact.col.verifiedOn'),
					col('in_time', 'impact.col.verifiedInTime'),
				],
				rows: rows.map((r) => [
					r.caseStudy,
					r.country,
					r.reviewBy,
					isoDay(r.verifiedAt),
					verifiedInTime(r) ? 'yes' : 'no',
				]),
			};
		}
		case 'failures': {
			if (!scope.network) return { columns: [], rows: [] };
			const rows = querySubmissionRows(db, monthsBack(now, FAILURE_MONTHS - 1)).filter(
				(r) => !key || r.month === key,
			);
			return {
				columns: [
					col('month', 'impact.col.month'),
					col('kind', 'impact.col.kind'),
					col('id', 'impact.col.id'),
				],
				rows: rows.map((r) => [r.month, r.kind, r.id]),
			};
		}
		case 'messages': {
			const rows = queryThreadReplies(
				db,
				countryFilter,
				now - MESSAGE_WINDOW_DAYS * SECONDS_PER_DAY,
			).filter((r) => keyAllowed(r.country));
			return {
				columns: [
					col('conversation', 'impact.col.conversation'),
					col('country', 'impact.col.recipientCountry'),
					col('asked', 'impact.col.askedOn'),
					col('replied', 'impact.col.repliedOn'),
					col('within_5_working_days', 'impact.col.repliedInTime'),
				],
				rows: rows.map((r) => [
					r.threadId,
					r.country,
					isoDay(r.askedAt),
					isoDay(r.repliedAt),
					replyWithin(r.askedAt, r.repliedAt, now),
				]),
			};
		}
		case 'kpi': {
			const rows = queryKpiRows(db, scope.country).filter(
				(r) => !key || `${r.unit.trim()}|${normalizeKpiLabel(r.label)}` === key,
			);
			return {
				columns: [
					col('case_study', 'impact.col.slug'),
					col('country', 'impact.col.country'),
					col('status', 'impact.col.answer'),
					col('kpi', 'impact.col.kpi'),
					col('unit', 'impact.col.unit'),
					col('before', 'impact.col.before'),
					col('after', 'impact.col.after'),
					col('change', 'impact.col.change'),
				],
				rows: rows.map((r) => [
					r.caseStudy,
					r.country,
					r.status,
					r.label,
					r.unit,
					r.before,
					r.after,
					round(r.after - r.before),
				]),
			};
		}
		case 'searches': {
			const rows = querySearchMissRows(
				db,
				scope.country,
				now - SEARCH_WINDOW_DAYS * SECONDS_PER_DAY,
			).filter((r) => !key || r.query === key);
			return {
				columns: [
					col('query', 'impact.col.query'),
					col('lang', 'impact.col.lang'),
					col('country', 'impact.col.country'),
					col('triage', 'impact.col.triage'),
					col('date', 'impact.col.date'),
				],
				rows: rows.map((r) => [r.query, r.lang, r.country, r.triage, isoDay(r.createdAt)]),
			};
		}
		case 'requests':
		case 'week':
			return (await getImpactChart(ctx, id, week)).table;
	}
}

/** 'YYYY-Www' of the week before and after a week, for the week table's navigation. */
export function neighbourWeeks(from: number): { previous: string; next: string } {
	return {
		previous: isoWeekOf(from - 7 * SECONDS_PER_DAY),
		next: isoWeekOf(from + 7 * SECONDS_PER_DAY),
	};
}
