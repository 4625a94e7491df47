// Drafts saved step by step, publication, and editors hiding or unhiding a published one.
import type { Database } from 'better-sqlite3';
import { prepare } from '../db';
import { getNowSeconds } from '../time';
import { PHOTO_NAME_PATTERN, saveProfilePhoto } from '../photos';
import {
	PM_ACTION_STATUSES,
	PM_DISCLOSURES,
	PM_MAX_ROWS,
	type PmActionRow,
	type PmFields,
	type PmPhoto,
	type PmStep,
} from '../../post-mortem-form';
import {
	type PostMortemDraft,
	type PmViewer,
	canModerate,
	monthOf,
	clip,
	parsePhotos,
	rowToFields,
	getRow,
	getActionRows,
} from './store';

/**
 * Stores a processed photo (from `processProfilePhoto`) for a post-mortem and returns its file name.
 * The name starts with 0, never with the author's id as profile photos do: readers see this name.
 * @example photos.push({ file: await savePostMortemPhoto(getDataDir(), webp), alt })
 */
export async function savePostMortemPhoto(dataDir: string, webp: Buffer): Promise<string> {
	return saveProfilePhoto(dataDir, 0, webp);
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
				published_month = COALESCE(published_month, ?),
				first_published_at = COALESCE(first_published_at, ?), step = 6, updated_at = ?
			WHERE id = ? AND author_id = ?`,
		).run(monthOf(nowSeconds), nowSeconds, nowSeconds, id, authorId).changes > 0
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
