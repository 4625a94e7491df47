// The post-mortem tables and the rules every module here shares: row types, parsing, who may read
// what, and the country a reader may see. The anonymity promise: every function that serves readers
// returns views built field by field, and the author's identity (name, id, email, exact times) only
// enters a view when the disclosure is 'named' or the reader is the author. Nothing in this folder
// writes the audit log: an entry "member X published post-mortem 12" would tell admins who wrote an
// anonymous one.
import type { Database } from 'better-sqlite3';
import { prepare } from '../db';
import { type User } from '../user';
import { PHOTO_NAME_PATTERN } from '../photos';
import {
	emptyFields,
	type PmDisclosure,
	type PmFields,
	type PmPhoto,
	type PmResultRow,
	type PmTimelineRow,
} from '../../post-mortem-form';
import { disclosedCountry } from './disclosure';

export { disclosedCountry };

export type PmStatus = 'draft' | 'published' | 'hidden';

/** Longest text stored per field: far above the form's limits (which block publishing), so a
 * too-long draft is still kept as typed, yet one POST cannot fill the disk. */
export const STORE_MAX = 50_000;

export interface PmRow {
	id: number;
	author_id: number;
	disclosure: PmDisclosure;
	status: PmStatus;
	step: number;
	title: string;
	tried: string;
	country: string | null;
	models: string;
	channel: string | null;
	topics: string;
	period: string;
	practice: string | null;
	results: string;
	timeline: string;
	signal: string;
	signal_when: string;
	factors: string;
	factors_note: string;
	went_well: string;
	went_wrong: string;
	lucky: string;
	fail_again: string;
	differently: string;
	photos: string;
	hidden_note: string | null;
	hidden_by: number | null;
	created_at: number;
	updated_at: number;
	published_month: string | null;
}

export interface ActionRow {
	id: number;
	post_mortem_id: number;
	owner_id: number | null;
	text: string;
	due_date: string | null;
	status: 'open' | 'done' | 'dropped';
	position: number;
}

/** A post-mortem as its author edits it. Never hand this to a page for anyone else. */
export interface PostMortemDraft {
	id: number;
	authorId: number;
	status: PmStatus;
	/** The furthest step the author has reached. */
	step: number;
	fields: PmFields;
	photos: PmPhoto[];
	hiddenNote: string | null;
	publishedMonth: string | null;
}

/** A follow-up action as readers see it. The owner is named only on 'named' post-mortems (an
 * author often owns their own actions, so a name there could unmask them). */
export interface PmActionView {
	text: string;
	dueDate: string | null;
	status: 'open' | 'done' | 'dropped';
	overdue: boolean;
	ownerName: string | null;
	isMine: boolean;
}

/** A post-mortem as a reader sees it: no author field unless the disclosure is 'named'. */
export interface PostMortemView {
	id: number;
	status: PmStatus;
	disclosure: PmDisclosure;
	title: string;
	tried: string;
	/** Only for 'named' and 'country'. */
	country: string | null;
	/** Only for 'named'. */
	authorName: string | null;
	models: string[];
	channel: string | null;
	topics: string[];
	period: string;
	practice: string | null;
	results: PmResultRow[];
	timeline: PmTimelineRow[];
	signal: string;
	signalWhen: string;
	factors: string[];
	factorsNote: string;
	wentWell: string;
	wentWrong: string;
	lucky: string;
	failAgain: string;
	differently: string;
	publishedMonth: string | null;
	photos: PmPhoto[];
	actions: PmActionView[];
	/** True only when the reader wrote it. */
	isMine: boolean;
	/** The editor's note, only for the author. */
	hiddenNote: string | null;
}

export interface PmListItem {
	id: number;
	title: string;
	country: string | null;
	publishedMonth: string;
	factors: string[];
	topics: string[];
	models: string[];
	practice: string | null;
	isMine: boolean;
}

export interface PmFilters {
	country?: string | undefined;
	topic?: string | undefined;
	factor?: string | undefined;
	model?: string | undefined;
	year?: string | undefined;
}

export interface PmCommentView {
	id: number;
	body: string;
	disclosure: PmDisclosure;
	/** Only for 'named'. */
	name: string | null;
	/** For 'named' and 'country'. */
	country: string | null;
	/** Exact seconds for 'named' only; a month otherwise (an exact time can identify). */
	when: { kind: 'date'; seconds: number } | { kind: 'month'; month: string };
	isMine: boolean;
}

/** A reader: just what visibility depends on. */
export interface PmViewer {
	id: number;
	role: User['role'];
}

/** Editors and admins may hide and unhide published post-mortems. */
export function canModerate(viewer: PmViewer | null | undefined): boolean {
	return viewer?.role === 'editor' || viewer?.role === 'admin';
}

/**
 * 'YYYY-MM' (UTC) of a unix time.
 * @example monthOf(1767225600) // '2026-01'
 */
export function monthOf(seconds: number): string {
	return new Date(seconds * 1000).toISOString().slice(0, 7);
}

/**
 * 'YYYY-MM-DD' (UTC) of a unix time: "today" for due dates.
 * @example dayOf(1767225600) // '2026-01-01'
 */
export function dayOf(seconds: number): string {
	return new Date(seconds * 1000).toISOString().slice(0, 10);
}

export function clip(value: string): string {
	return value.length > STORE_MAX ? value.slice(0, STORE_MAX) : value;
}

export function parseList<T>(json: string): T[] {
	try {
		const value = JSON.parse(json) as unknown;
		return Array.isArray(value) ? (value as T[]) : [];
	} catch {
		return [];
	}
}

/** Stored photos, keeping only names of the form we write (so no other file can be linked). */
export function parsePhotos(json: string): PmPhoto[] {
	return parseList<Partial<PmPhoto>>(json)
		.filter((p) => typeof p?.file === 'string' && PHOTO_NAME_PATTERN.test(p.file))
		.map((p) => ({ file: p.file!, alt: typeof p.alt === 'string' ? p.alt : '' }));
}

export function rowToFields(row: PmRow, actions: ActionRow[]): PmFields {
	return {
		...emptyFields(),
		title: row.title,
		tried: row.tried,
		country: row.country ?? '',
		models: parseList<string>(row.models),
		channel: row.channel ?? '',
		topics: parseList<string>(row.topics),
		period: row.period,
		practice: row.practice ?? '',
		results: parseList<PmResultRow>(row.results),
		timeline: parseList<PmTimelineRow>(row.timeline),
		signal: row.signal,
		signalWhen: row.signal_when,
		factors: parseList<string>(row.factors),
		factorsNote: row.factors_note,
		wentWell: row.went_well,
		wentWrong: row.went_wrong,
		lucky: row.lucky,
		failAgain: row.fail_again,
		differently: row.differently,
		actions: actions.map((a) => ({
			text: a.text,
			owner: a.owner_id === null ? '' : String(a.owner_id),
			due: a.due_date ?? '',
			status: a.status,
		})),
		disclosure: row.disclosure,
	};
}

export function getRow(db: Database, id: number): PmRow | null {
	return (
		(prepare(db, 'SELECT * FROM post_mortem WHERE post_mortem.id = ?').get(id) as
			| PmRow
			| undefined) ?? null
	);
}

export function getActionRows(db: Database, id: number): ActionRow[] {
	return prepare(
		db,
		'SELECT * FROM post_mortem_action WHERE post_mortem_id = ? ORDER BY position, id',
	).all(id) as ActionRow[];
}

/** Whether `viewer` may read the post-mortem: published for members; hidden for its author and
 * editors; drafts for the author only (a preview). */
export function canRead(row: PmRow, viewer: PmViewer): boolean {
	if (row.author_id === viewer.id) return true;
	if (row.status === 'published') return true;
	return row.status === 'hidden' && canModerate(viewer);
}

export function isOverdue(a: Pick<ActionRow, 'status' | 'due_date'>, today: string): boolean {
	return (
		a.status === 'open' &&
		a.due_date !== null &&
		/^\d{4}-\d{2}-\d{2}$/.test(a.due_date) &&
		a.due_date < today
	);
}

export function publishedRows(db: Database): PmRow[] {
	return prepare(
		db,
		`SELECT * FROM post_mortem WHERE status = 'published' ORDER BY published_month DESC, id DESC`,
	).all() as PmRow[];
}

export function toListItem(row: PmRow, viewerId: number | null): PmListItem {
	return {
		id: row.id,
		title: row.title,
		country: disclosedCountry(row),
		publishedMonth: row.published_month ?? '',
		factors: parseList<string>(row.factors),
		topics: parseList<string>(row.topics),
		models: parseList<string>(row.models),
		practice: row.practice,
		isMine: viewerId !== null && row.author_id === viewerId,
	};
}
