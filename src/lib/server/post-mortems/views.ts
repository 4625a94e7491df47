// What readers and authors see: one post-mortem, lists, filters, follow-up actions, and the
// members a form may name.
import type { Database } from 'better-sqlite3';
import { prepare } from '../db';
import { getNowSeconds } from '../time';
import { listUsers } from '../user';
import { type PmDisclosure } from '../../post-mortem-form';
import {
	type PmStatus,
	type PmRow,
	type ActionRow,
	type PostMortemView,
	type PmListItem,
	type PmFilters,
	type PmViewer,
	dayOf,
	parsePhotos,
	rowToFields,
	getRow,
	getActionRows,
	canRead,
	disclosedCountry,
	isOverdue,
	publishedRows,
	toListItem,
} from './store';
import { showsAuthorName } from './disclosure';

/**
 * The post-mortem as `viewer` may read it, or null (→ 404) when they may not.
 * @example getPostMortemForViewer(db, 7, me)?.title
 */
export function getPostMortemForViewer(
	db: Database,
	id: number,
	viewer: PmViewer,
	nowSeconds = getNowSeconds(),
): PostMortemView | null {
	const row = getRow(db, id);
	if (!row || !canRead(row, viewer)) return null;
	const isMine = row.author_id === viewer.id;
	const fields = rowToFields(row, []);
	const today = dayOf(nowSeconds);
	const owners = new Map(listUsers(db, { includeInactive: true }).map((u) => [u.id, u.name]));
	const authorName = showsAuthorName(row.disclosure)
		? ((
				prepare(db, 'SELECT name FROM user WHERE id = ?').get(row.author_id) as
					| { name: string }
					| undefined
			)?.name ?? null)
		: null;
	return {
		id: row.id,
		status: row.status,
		disclosure: row.disclosure,
		title: fields.title,
		tried: fields.tried,
		country: disclosedCountry(row),
		authorName,
		models: fields.models,
		channel: row.channel,
		topics: fields.topics,
		period: fields.period,
		practice: row.practice,
		results: fields.results,
		timeline: fields.timeline,
		signal: fields.signal,
		signalWhen: fields.signalWhen,
		factors: fields.factors,
		factorsNote: fields.factorsNote,
		wentWell: fields.wentWell,
		wentWrong: fields.wentWrong,
		lucky: fields.lucky,
		failAgain: fields.failAgain,
		differently: fields.differently,
		publishedMonth: row.published_month,
		photos: parsePhotos(row.photos),
		actions: getActionRows(db, id).map((a) => ({
			text: a.text,
			dueDate: a.due_date,
			status: a.status,
			overdue: isOverdue(a, today),
			ownerName:
				showsAuthorName(row.disclosure) && a.owner_id !== null
					? (owners.get(a.owner_id) ?? null)
					: null,
			isMine: a.owner_id === viewer.id,
		})),
		isMine,
		hiddenNote: isMine && row.status === 'hidden' ? row.hidden_note : null,
	};
}

/**
 * Published post-mortems, newest first, filtered (country only matches disclosed countries; year
 * is the year of publication).
 * @example listPublishedPostMortems(db, { factor: 'timing' }, me.id)
 */
export function listPublishedPostMortems(
	db: Database,
	filters: PmFilters = {},
	viewerId: number | null = null,
): PmListItem[] {
	const model = filters.model?.trim().toLocaleLowerCase();
	return publishedRows(db)
		.map((row) => toListItem(row, viewerId))
		.filter(
			(item) =>
				(!filters.country || item.country === filters.country) &&
				(!filters.topic || item.topics.includes(filters.topic)) &&
				(!filters.factor || item.factors.includes(filters.factor)) &&
				(!model || item.models.some((m) => m.toLocaleLowerCase() === model)) &&
				(!filters.year || item.publishedMonth.startsWith(`${filters.year}-`)),
		);
}

/**
 * The values the list's filters offer, from what is published (countries only where disclosed).
 * @example listPostMortemFilterOptions(db).years // ['2026', '2025']
 */
export function listPostMortemFilterOptions(db: Database): {
	countries: string[];
	topics: string[];
	factors: string[];
	models: string[];
	years: string[];
} {
	const items = publishedRows(db).map((row) => toListItem(row, null));
	const uniq = (values: string[]) => [...new Set(values.filter(Boolean))];
	return {
		countries: uniq(items.map((i) => i.country ?? '')).sort(),
		topics: uniq(items.flatMap((i) => i.topics)).sort(),
		factors: uniq(items.flatMap((i) => i.factors)).sort(),
		models: uniq(items.flatMap((i) => i.models)).sort((a, b) => a.localeCompare(b)),
		years: uniq(items.map((i) => i.publishedMonth.slice(0, 4)))
			.sort()
			.reverse(),
	};
}

/**
 * The member's own post-mortems, every status, most recently edited first (their own page only).
 * @example listMyPostMortems(db, me.id)[0].status // 'draft'
 */
export function listMyPostMortems(
	db: Database,
	authorId: number,
): {
	id: number;
	title: string;
	status: PmStatus;
	step: number;
	disclosure: PmDisclosure;
	publishedMonth: string | null;
	updatedAt: number;
}[] {
	const rows = prepare(
		db,
		`SELECT id, title, status, step, disclosure, published_month, updated_at FROM post_mortem
		WHERE author_id = ? ORDER BY updated_at DESC, id DESC`,
	).all(authorId) as Pick<
		PmRow,
		'id' | 'title' | 'status' | 'step' | 'disclosure' | 'published_month' | 'updated_at'
	>[];
	return rows.map((r) => ({
		id: r.id,
		title: r.title,
		status: r.status,
		step: r.step,
		disclosure: r.disclosure,
		publishedMonth: r.published_month,
		updatedAt: r.updated_at,
	}));
}

/**
 * Follow-up actions owned by the member across post-mortems they can read (published ones and
 * their own), open ones first by due date; `overdue` when open and due before today.
 * @example listActionsForOwner(db, me.id).filter((a) => a.overdue)
 */
export function listActionsForOwner(
	db: Database,
	ownerId: number,
	nowSeconds = getNowSeconds(),
): {
	id: number;
	text: string;
	dueDate: string | null;
	status: 'open' | 'done' | 'dropped';
	overdue: boolean;
	postMortemId: number;
	postMortemTitle: string;
}[] {
	const today = dayOf(nowSeconds);
	const rows = prepare(
		db,
		`SELECT a.id, a.text, a.due_date, a.status, p.id AS pm_id, p.title AS pm_title
		FROM post_mortem_action AS a JOIN post_mortem AS p ON p.id = a.post_mortem_id
		WHERE a.owner_id = ? AND (p.status = 'published' OR p.author_id = ?)
		ORDER BY a.status = 'open' DESC, a.due_date IS NULL, a.due_date, a.id`,
	).all(ownerId, ownerId) as (Pick<ActionRow, 'id' | 'text' | 'due_date' | 'status'> & {
		pm_id: number;
		pm_title: string;
	})[];
	return rows.map((r) => ({
		id: r.id,
		text: r.text,
		dueDate: r.due_date,
		status: r.status,
		overdue: isOverdue(r, today),
		postMortemId: r.pm_id,
		postMortemTitle: r.pm_title,
	}));
}

/**
 * Published post-mortems linked to a case study, newest first (the "Tried elsewhere" summary).
 * @example listPostMortemsForPractice(db, 'open-showroom-wifi') // { count: 1, items: [{ id: 3, title: '…' }] }
 */
export function listPostMortemsForPractice(
	db: Database,
	slug: string,
): { count: number; items: { id: number; title: string }[] } {
	const items = prepare(
		db,
		`SELECT id, title FROM post_mortem WHERE status = 'published' AND practice = ?
		ORDER BY published_month DESC, id DESC`,
	).all(slug) as { id: number; title: string }[];
	return { count: items.length, items: items.map((i) => ({ id: i.id, title: i.title })) };
}

/**
 * Active members for the action-owner select and the "names a person" check.
 * @example listActiveMembers(db)[0] // { id: 1, name: 'Anna Verdi' }
 */
export function listActiveMembers(db: Database): { id: number; name: string }[] {
	return listUsers(db).map((u) => ({ id: u.id, name: u.name }));
}

/** Below this many active members, "country only" points at a person rather than a country. */
export const SMALL_COUNTRY_MEMBERS = 3;

/**
 * How many active members are from `country`; the disclosure step warns when it is small.
 * @example countActiveMembersIn(db, 'LU') // 1
 */
export function countActiveMembersIn(db: Database, country: string): number {
	return (
		prepare(db, 'SELECT count(*) AS n FROM user WHERE user.country = ? AND user.active = 1').get(
			country,
		) as { n: number }
	).n;
}

/**
 * A post-mortem id from the URL: a plain positive integer, else null (→ 404).
 * @example parsePostMortemId('12') // 12
 */
export function parsePostMortemId(param: string | undefined): number | null {
	if (!param || !/^[1-9][0-9]{0,14}$/.test(param)) return null;
	return Number(param);
}
