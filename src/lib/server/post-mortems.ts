// Failure post-mortems: drafts saved step by step, publication, editors hiding one, comments, and
// follow-up actions. The anonymity promise lives here: every function that serves readers returns
// views built field by field, and the author's identity (name, id, email, exact times) only enters a
// view when the disclosure is 'named' or the reader is the author. Nothing here writes the audit log:
// an entry "member X published post-mortem 12" would tell admins who wrote an anonymous one.
import type { Database } from 'better-sqlite3';
import { prepare } from './db';
import { getNowSeconds } from './time';
import { listUsers, type User } from './user';
import { PHOTO_NAME_PATTERN, saveProfilePhoto } from './photos';
import {
	PM_ACTION_STATUSES,
	PM_DISCLOSURES,
	PM_MAX_ROWS,
	emptyFields,
	type PmActionRow,
	type PmDisclosure,
	type PmFields,
	type PmPhoto,
	type PmResultRow,
	type PmStep,
	type PmTimelineRow,
} from '../post-mortem-form';

export type PmStatus = 'draft' | 'published' | 'hidden';

/** Longest text stored per field: far above the form's limits (which block publishing), so a
 * too-long draft is still kept as typed, yet one POST cannot fill the disk. */
const STORE_MAX = 50_000;

interface PmRow {
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

interface ActionRow {
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

function clip(value: string): string {
	return value.length > STORE_MAX ? value.slice(0, STORE_MAX) : value;
}

function parseList<T>(json: string): T[] {
	try {
		const value = JSON.parse(json) as unknown;
		return Array.isArray(value) ? (value as T[]) : [];
	} catch {
		return [];
	}
}

/** Stored photos, keeping only names of the form we write (so no other file can be linked). */
function parsePhotos(json: string): PmPhoto[] {
	return parseList<Partial<PmPhoto>>(json)
		.filter((p) => typeof p?.file === 'string' && PHOTO_NAME_PATTERN.test(p.file))
		.map((p) => ({ file: p.file!, alt: typeof p.alt === 'string' ? p.alt : '' }));
}

/**
 * Stores a processed photo (from `processProfilePhoto`) for a post-mortem and returns its file name.
 * The name starts with 0, never with the author's id as profile photos do: readers see this name.
 * @example photos.push({ file: await savePostMortemPhoto(getDataDir(), webp), alt })
 */
export async function savePostMortemPhoto(dataDir: string, webp: Buffer): Promise<string> {
	return saveProfilePhoto(dataDir, 0, webp);
}

function rowToFields(row: PmRow, actions: ActionRow[]): PmFields {
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

function getRow(db: Database, id: number): PmRow | null {
	return (
		(prepare(db, 'SELECT * FROM post_mortem WHERE post_mortem.id = ?').get(id) as
			| PmRow
			| undefined) ?? null
	);
}

function getActionRows(db: Database, id: number): ActionRow[] {
	return prepare(
		db,
		'SELECT * FROM post_mortem_action WHERE post_mortem_id = ? ORDER BY position, id',
	).all(id) as ActionRow[];
}

/**
 * Starts an empty draft for `authorId` and returns its id.
 * @example createPostMortemDraft(db, me.id) // 7
 */
export function createPostMortemDraft(
	db: Database,
	authorId: number,
	nowSeconds = getNowSeconds(),
): number {
	const row = prepare(
		db,
		`INSERT INTO post_mortem (author_id, created_at, updated_at) VALUES (?, ?, ?) RETURNING id`,
	).get(authorId, nowSeconds, nowSeconds) as { id: number };
	return row.id;
}

/**
 * The post-mortem for its author to edit; null when unknown or someone else's (same answer, so ids
 * cannot be probed).
 * @example getPostMortemDraft(db, 7, me.id)?.fields.title
 */
export function getPostMortemDraft(
	db: Database,
	id: number,
	authorId: number,
): PostMortemDraft | null {
	const row = getRow(db, id);
	if (!row || row.author_id !== authorId) return null;
	return {
		id: row.id,
		authorId: row.author_id,
		status: row.status,
		step: row.step,
		fields: rowToFields(row, getActionRows(db, id)),
		photos: parsePhotos(row.photos),
		hiddenNote: row.status === 'hidden' ? row.hidden_note : null,
		publishedMonth: row.published_month,
	};
}

/**
 * Saves one step's fields into the author's post-mortem, in one transaction, whatever their errors:
 * text as typed; values the schema constrains (action owner and status, disclosure) only when they
 * are valid-shaped. `reached` raises the furthest step. Returns false when not the author's.
 * @example saveStep(db, { id: 7, authorId: me.id, step: 2, fields, reached: 3 })
 */
export function saveStep(
	db: Database,
	input: {
		id: number;
		authorId: number;
		step: PmStep;
		fields: Partial<PmFields>;
		reached?: number;
		memberIds?: readonly number[];
		/** The whole photo list after this save (step 2), when it changed. */
		photos?: readonly PmPhoto[];
	},
	nowSeconds = getNowSeconds(),
): boolean {
	const f = input.fields;
	const save = db.transaction((): boolean => {
		const row = getRow(db, input.id);
		if (!row || row.author_id !== input.authorId) return false;
		const set: Record<string, string | number | null> = {};
		switch (input.step) {
			case 1:
				set.title = clip(f.title ?? '');
				set.tried = clip(f.tried ?? '');
				set.country = f.country ? clip(f.country) : null;
				set.models = JSON.stringify((f.models ?? []).map(clip));
				set.channel = f.channel ? clip(f.channel) : null;
				set.topics = JSON.stringify((f.topics ?? []).map(clip));
				set.period = clip(f.period ?? '');
				set.practice = f.practice ? clip(f.practice) : null;
				break;
			case 2:
				set.results = JSON.stringify(
					(f.results ?? []).slice(0, PM_MAX_ROWS).map((r) => ({
						label: clip(r.label),
						unit: clip(r.unit),
						planned: clip(r.planned),
						actual: clip(r.actual),
					})),
				);
				if (input.photos) {
					set.photos = JSON.stringify(
						input.photos
							.filter((p) => PHOTO_NAME_PATTERN.test(p.file))
							.map((p) => ({ file: p.file, alt: clip(p.alt) })),
					);
				}
				set.timeline = JSON.stringify(
					(f.timeline ?? [])
						.slice(0, PM_MAX_ROWS)
						.map((r) => ({ when: clip(r.when), what: clip(r.what) })),
				);
				break;
			case 3:
				set.signal = clip(f.signal ?? '');
				set.signal_when = clip(f.signalWhen ?? '');
				set.factors = JSON.stringify((f.factors ?? []).map(clip));
				set.factors_note = clip(f.factorsNote ?? '');
				break;
			case 4:
				set.went_well = clip(f.wentWell ?? '');
				set.went_wrong = clip(f.wentWrong ?? '');
				set.lucky = clip(f.lucky ?? '');
				set.fail_again = clip(f.failAgain ?? '');
				set.differently = clip(f.differently ?? '');
				break;
			case 5:
				replaceActions(db, input.id, f.actions ?? [], input.memberIds);
				break;
			case 6:
				if ((PM_DISCLOSURES as readonly string[]).includes(f.disclosure ?? ''))
					set.disclosure = f.disclosure!;
				break;
		}
		set.step = Math.max(row.step, Math.min(6, input.reached ?? input.step));
		set.updated_at = nowSeconds;
		const columns = Object.keys(set);
		// Column names come from the switch above, never from input.
		prepare(
			db,
			`UPDATE post_mortem SET ${columns.map((c) => `${c} = ?`).join(', ')} WHERE id = ?`,
		).run(...columns.map((c) => set[c]), input.id);
		return true;
	});
	return save.immediate();
}

function replaceActions(
	db: Database,
	id: number,
	actions: readonly PmActionRow[],
	memberIds?: readonly number[],
) {
	prepare(db, 'DELETE FROM post_mortem_action WHERE post_mortem_id = ?').run(id);
	const insert = prepare(
		db,
		'INSERT INTO post_mortem_action (post_mortem_id, owner_id, text, due_date, status, position) VALUES (?, ?, ?, ?, ?, ?)',
	);
	actions.slice(0, PM_MAX_ROWS).forEach((a, i) => {
		const owner = /^[1-9]\d{0,14}$/.test(a.owner) ? Number(a.owner) : null;
		// The owner column references user: keep only ids of (active) members.
		const known =
			owner !== null &&
			(memberIds
				? memberIds.includes(owner)
				: prepare(db, 'SELECT 1 FROM user WHERE id = ? AND active = 1').get(owner) !== undefined);
		const status = (PM_ACTION_STATUSES as readonly string[]).includes(a.status) ? a.status : 'open';
		insert.run(id, known ? owner : null, clip(a.text), a.due ? clip(a.due) : null, status, i);
	});
}

/**
 * Publishes (or republishes) the author's post-mortem: status 'published', the hide note cleared,
 * `published_month` set on the first publication only. The caller has checked completeness.
 * @example publishPostMortem(db, 7, me.id) // true
 */
export function publishPostMortem(
	db: Database,
	id: number,
	authorId: number,
	nowSeconds = getNowSeconds(),
): boolean {
	return (
		prepare(
			db,
			`UPDATE post_mortem SET status = 'published', hidden_note = NULL, hidden_by = NULL,
				published_month = COALESCE(published_month, ?), step = 6, updated_at = ?
			WHERE id = ? AND author_id = ?`,
		).run(monthOf(nowSeconds), nowSeconds, id, authorId).changes > 0
	);
}

/**
 * An editor hides a published post-mortem with a note to its author (who is never named to them).
 * @example hidePostMortem(db, { id: 7, editor, note: 'It names a salesperson.' }) // true
 */
export function hidePostMortem(
	db: Database,
	input: { id: number; editor: PmViewer; note: string },
	nowSeconds = getNowSeconds(),
): boolean {
	if (!canModerate(input.editor) || input.note.trim() === '') return false;
	return (
		prepare(
			db,
			`UPDATE post_mortem SET status = 'hidden', hidden_note = ?, hidden_by = ?, updated_at = ?
			WHERE id = ? AND status = 'published'`,
		).run(clip(input.note.trim()), input.editor.id, nowSeconds, input.id).changes > 0
	);
}

/**
 * An editor puts a hidden post-mortem back in the lists.
 * @example unhidePostMortem(db, 7, editor) // true
 */
export function unhidePostMortem(
	db: Database,
	id: number,
	editor: PmViewer,
	nowSeconds = getNowSeconds(),
): boolean {
	if (!canModerate(editor)) return false;
	return (
		prepare(
			db,
			`UPDATE post_mortem SET status = 'published', hidden_note = NULL, hidden_by = NULL, updated_at = ?
			WHERE id = ? AND status = 'hidden'`,
		).run(nowSeconds, id).changes > 0
	);
}

/** Whether `viewer` may read the post-mortem: published for members; hidden for its author and
 * editors; drafts for the author only (a preview). */
function canRead(row: PmRow, viewer: PmViewer): boolean {
	if (row.author_id === viewer.id) return true;
	if (row.status === 'published') return true;
	return row.status === 'hidden' && canModerate(viewer);
}

/** The country readers see: the post-mortem's own, only when disclosed. */
function disclosedCountry(row: Pick<PmRow, 'disclosure' | 'country'>): string | null {
	return row.disclosure === 'anonymous' ? null : row.country || null;
}

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
	const authorName =
		row.disclosure === 'named'
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
				row.disclosure === 'named' && a.owner_id !== null ? (owners.get(a.owner_id) ?? null) : null,
			isMine: a.owner_id === viewer.id,
		})),
		isMine,
		hiddenNote: isMine && row.status === 'hidden' ? row.hidden_note : null,
	};
}

function isOverdue(a: Pick<ActionRow, 'status' | 'due_date'>, today: string): boolean {
	return (
		a.status === 'open' &&
		a.due_date !== null &&
		/^\d{4}-\d{2}-\d{2}$/.test(a.due_date) &&
		a.due_date < today
	);
}

function publishedRows(db: Database): PmRow[] {
	return prepare(
		db,
		`SELECT * FROM post_mortem WHERE status = 'published' ORDER BY published_month DESC, id DESC`,
	).all() as PmRow[];
}

function toListItem(row: PmRow, viewerId: number | null): PmListItem {
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
 * Adds a comment to a post-mortem the member may read and that is published; false otherwise.
 * @example addPostMortemComment(db, { postMortemId: 7, author: me, disclosure: 'anonymous', body: 'Same here.' })
 */
export function addPostMortemComment(
	db: Database,
	input: { postMortemId: number; author: PmViewer; disclosure: PmDisclosure; body: string },
	nowSeconds = getNowSeconds(),
): boolean {
	if (!(PM_DISCLOSURES as readonly string[]).includes(input.disclosure) || input.body.trim() === '')
		return false;
	const add = db.transaction((): boolean => {
		const row = getRow(db, input.postMortemId);
		if (!row || row.status !== 'published') return false;
		prepare(
			db,
			'INSERT INTO post_mortem_comment (post_mortem_id, author_id, disclosure, body, created_at) VALUES (?, ?, ?, ?, ?)',
		).run(input.postMortemId, input.author.id, input.disclosure, clip(input.body), nowSeconds);
		return true;
	});
	return add.immediate();
}

/**
 * Comments oldest first, each disclosed as its writer chose.
 * @example listPostMortemComments(db, 7, me.id)
 */
export function listPostMortemComments(
	db: Database,
	postMortemId: number,
	viewerId: number,
): PmCommentView[] {
	const rows = prepare(
		db,
		`SELECT c.id, c.body, c.disclosure, c.created_at, c.author_id, u.name, u.country
		FROM post_mortem_comment AS c JOIN user AS u ON u.id = c.author_id
		WHERE c.post_mortem_id = ? ORDER BY c.created_at, c.id`,
	).all(postMortemId) as {
		id: number;
		body: string;
		disclosure: PmDisclosure;
		created_at: number;
		author_id: number;
		name: string;
		country: string | null;
	}[];
	return rows.map((r) => ({
		id: r.id,
		body: r.body,
		disclosure: r.disclosure,
		name: r.disclosure === 'named' ? r.name : null,
		country: r.disclosure === 'anonymous' ? null : r.country,
		when:
			r.disclosure === 'named'
				? { kind: 'date', seconds: r.created_at }
				: { kind: 'month', month: monthOf(r.created_at) },
		isMine: r.author_id === viewerId,
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

/** A published post-mortem for the members' search index: no author field of any kind. */
export interface PmIndexEntry {
	id: number;
	title: string;
	tried: string;
	country: string | null;
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
	publishedMonth: string;
}

/**
 * Every published post-mortem as a plain object for the search index, built field by field so
 * no author id, name or exact time can slip in.
 * @example getPublishedPostMortemForIndex(db)[0].title
 */
export function getPublishedPostMortemForIndex(db: Database): PmIndexEntry[] {
	return publishedRows(db).map((row) => ({
		id: row.id,
		title: row.title,
		tried: row.tried,
		country: disclosedCountry(row),
		models: parseList<string>(row.models),
		channel: row.channel,
		topics: parseList<string>(row.topics),
		period: row.period,
		practice: row.practice,
		results: parseList<PmResultRow>(row.results).map((r) => ({
			label: r.label,
			unit: r.unit,
			planned: r.planned,
			actual: r.actual,
		})),
		timeline: parseList<PmTimelineRow>(row.timeline).map((r) => ({ when: r.when, what: r.what })),
		signal: row.signal,
		signalWhen: row.signal_when,
		factors: parseList<string>(row.factors),
		factorsNote: row.factors_note,
		wentWell: row.went_well,
		wentWrong: row.went_wrong,
		lucky: row.lucky,
		failAgain: row.fail_again,
		differently: row.differently,
		publishedMonth: row.published_month ?? '',
	}));
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
