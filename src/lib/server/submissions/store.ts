// SQL of web-submitted case studies. Commands (commands.ts) decide who may do what; these functions
// only read and write, each write inside the caller's transaction.
import type { Database } from 'better-sqlite3';
import { prepare } from '../db';
import { parseStoredFields, type SubmissionFields } from '../../submission-form';

export const SUBMISSION_STATES = [
	'draft',
	'submitted',
	'changes_requested',
	'approved',
	'published',
	'unpublished',
] as const;
export type SubmissionState = (typeof SUBMISSION_STATES)[number];

export interface Submission {
	id: number;
	slug: string;
	authorId: number;
	authorName: string;
	country: string;
	lang: string;
	state: SubmissionState;
	fields: SubmissionFields;
	revision: number;
	liveVersionId: number | null;
	translationOf: number | null;
	createdAt: number;
	updatedAt: number;
}

interface SubmissionRow {
	id: number;
	slug: string;
	author_id: number;
	author_name: string;
	country: string;
	lang: string;
	state: SubmissionState;
	fields: string;
	revision: number;
	live_version_id: number | null;
	translation_of: number | null;
	created_at: number;
	updated_at: number;
}

const SELECT = `SELECT submission.*, member_name(user.name, user.erased_at) AS author_name FROM submission
	JOIN user ON user.id = submission.author_id`;

function toSubmission(row: SubmissionRow): Submission {
	return {
		id: row.id,
		slug: row.slug,
		authorId: row.author_id,
		authorName: row.author_name,
		country: row.country,
		lang: row.lang,
		state: row.state,
		fields: parseStoredFields(row.fields),
		revision: row.revision,
		liveVersionId: row.live_version_id,
		translationOf: row.translation_of,
		createdAt: row.created_at,
		updatedAt: row.updated_at,
	};
}

/** A submission id from a URL segment, or null. */
export function parseSubmissionId(value: string | undefined): number | null {
	return value && /^[1-9]\d{0,9}$/.test(value) ? Number(value) : null;
}

export function getSubmission(db: Database, id: number): Submission | null {
	const row = prepare(db, `${SELECT} WHERE submission.id = ?`).get(id) as SubmissionRow | undefined;
	return row ? toSubmission(row) : null;
}

export function getSubmissionBySlug(db: Database, slug: string): Submission | null {
	const row = prepare(db, `${SELECT} WHERE submission.slug = ?`).get(slug) as
		| SubmissionRow
		| undefined;
	return row ? toSubmission(row) : null;
}

/** A slug not used by another submission nor by a git-authored study (`taken`). */
export function findFreeSlug(db: Database, base: string, taken: ReadonlySet<string>): string {
	const exists = prepare(db, 'SELECT 1 FROM submission WHERE slug = ?');
	for (let n = 1; ; n++) {
		const slug = n === 1 ? base : `${base}-${n}`;
		if (!taken.has(slug) && !exists.get(slug)) return slug;
	}
}

export function insertSubmission(
	db: Database,
	input: {
		slug: string;
		authorId: number;
		fields: SubmissionFields;
		translationOf: number | null;
	},
	now: number,
): number {
	const result = prepare(
		db,
		`INSERT INTO submission (slug, author_id, country, lang, state, fields, translation_of, created_at, updated_at)
		VALUES (?, ?, ?, ?, 'draft', ?, ?, ?, ?)`,
	).run(
		input.slug,
		input.authorId,
		input.fields.country,
		input.fields.lang,
		JSON.stringify(input.fields),
		input.translationOf,
		now,
		now,
	);
	return Number(result.lastInsertRowid);
}

/**
 * Stores the working copy if nobody saved since `baseRevision`; returns the new revision, or null
 * when another tab or person saved first (the caller keeps what was typed and says so).
 */
export function saveWorkingCopy(
	db: Database,
	id: number,
	fields: SubmissionFields,
	baseRevision: number,
	now: number,
): number | null {
	const changed = prepare(
		db,
		`UPDATE submission SET fields = ?, country = ?, lang = ?, revision = revision + 1, updated_at = ?
		WHERE id = ? AND revision = ?`,
	).run(JSON.stringify(fields), fields.country, fields.lang, now, id, baseRevision).changes;
	return changed ? baseRevision + 1 : null;
}

/** Records that `actorId` started the submission (the first line of its history). */
export function recordCreated(db: Database, id: number, actorId: number, now: number): void {
	prepare(
		db,
		`INSERT INTO submission_event (submission_id, actor_id, from_state, to_state, note, created_at)
		VALUES (?, ?, NULL, 'draft', '', ?)`,
	).run(id, actorId, now);
}

/** Moves to `to` only from one of `from`; false when the state changed meanwhile. */
export function moveState(
	db: Database,
	input: {
		id: number;
		from: readonly SubmissionState[];
		to: SubmissionState;
		actorId: number;
		note?: string;
	},
	now: number,
): boolean {
	const current = prepare(db, 'SELECT state FROM submission WHERE id = ?').get(input.id) as
		| { state: SubmissionState }
		| undefined;
	if (!current || !input.from.includes(current.state)) return false;
	prepare(db, 'UPDATE submission SET state = ?, updated_at = ? WHERE id = ?').run(
		input.to,
		now,
		input.id,
	);
	prepare(
		db,
		`INSERT INTO submission_event (submission_id, actor_id, from_state, to_state, note, created_at)
		VALUES (?, ?, ?, ?, ?, ?)`,
	).run(input.id, input.actorId, current.state, input.to, input.note ?? '', now);
	return true;
}

/** Snapshots the working copy as the next version and makes it the one readers see. */
export function insertLiveVersion(
	db: Database,
	submission: Pick<Submission, 'id' | 'fields'>,
	publishedBy: number,
	now: number,
): number {
	const next = (
		prepare(
			db,
			'SELECT COALESCE(MAX(number), 0) + 1 AS n FROM submission_version WHERE submission_id = ?',
		).get(submission.id) as { n: number }
	).n;
	const versionId = Number(
		prepare(
			db,
			`INSERT INTO submission_version (submission_id, number, fields, published_by, published_at)
			VALUES (?, ?, ?, ?, ?)`,
		).run(submission.id, next, JSON.stringify(submission.fields), publishedBy, now).lastInsertRowid,
	);
	prepare(db, 'UPDATE submission SET live_version_id = ? WHERE id = ?').run(
		versionId,
		submission.id,
	);
	return versionId;
}

export function clearLiveVersion(db: Database, id: number): void {
	prepare(db, 'UPDATE submission SET live_version_id = NULL WHERE id = ?').run(id);
}

/** Sets the live version back to a kept one (republishing after an unpublish). */
export function setLiveVersion(db: Database, id: number, versionId: number): void {
	prepare(db, 'UPDATE submission SET live_version_id = ? WHERE id = ?').run(versionId, id);
}

export interface SubmissionVersion {
	id: number;
	number: number;
	fields: SubmissionFields;
	publishedAt: number;
	publishedByName: string | null;
}

export function listVersions(db: Database, submissionId: number): SubmissionVersion[] {
	return (
		prepare(
			db,
			`SELECT v.id, v.number, v.fields, v.published_at, member_name(u.name, u.erased_at) AS by_name FROM submission_version v
			LEFT JOIN user u ON u.id = v.published_by WHERE v.submission_id = ? ORDER BY v.number DESC`,
		).all(submissionId) as {
			id: number;
			number: number;
			fields: string;
			published_at: number;
			by_name: string | null;
		}[]
	).map((r) => ({
		id: r.id,
		number: r.number,
		fields: parseStoredFields(r.fields),
		publishedAt: r.published_at,
		publishedByName: r.by_name,
	}));
}

export interface SubmissionEvent {
	actorName: string | null;
	fromState: SubmissionState | null;
	toState: SubmissionState;
	note: string;
	createdAt: number;
}

export function listEvents(db: Database, submissionId: number): SubmissionEvent[] {
	return (
		prepare(
			db,
			`SELECT member_name(u.name, u.erased_at) AS actor_name, e.from_state, e.to_state, e.note, e.created_at
			FROM submission_event e LEFT JOIN user u ON u.id = e.actor_id
			WHERE e.submission_id = ? ORDER BY e.created_at, e.id`,
		).all(submissionId) as {
			actor_name: string | null;
			from_state: SubmissionState | null;
			to_state: SubmissionState;
			note: string;
			created_at: number;
		}[]
	).map((r) => ({
		actorName: r.actor_name,
		fromState: r.from_state,
		toState: r.to_state,
		note: r.note,
		createdAt: r.created_at,
	}));
}

export interface SubmissionComment {
	id: number;
	authorId: number | null;
	authorName: string | null;
	anchor: string;
	body: string;
	createdAt: number;
	resolvedAt: number | null;
}

export function insertComment(
	db: Database,
	input: { submissionId: number; authorId: number; anchor: string; body: string },
	now: number,
): number {
	return Number(
		prepare(
			db,
			`INSERT INTO submission_comment (submission_id, author_id, anchor, body, created_at)
			VALUES (?, ?, ?, ?, ?)`,
		).run(input.submissionId, input.authorId, input.anchor, input.body, now).lastInsertRowid,
	);
}

export function resolveComment(
	db: Database,
	submissionId: number,
	commentId: number,
	now: number,
): boolean {
	return (
		prepare(
			db,
			`UPDATE submission_comment SET resolved_at = ?
			WHERE id = ? AND submission_id = ? AND resolved_at IS NULL`,
		).run(now, commentId, submissionId).changes > 0
	);
}

export function listComments(db: Database, submissionId: number): SubmissionComment[] {
	return (
		prepare(
			db,
			`SELECT c.id, c.author_id, member_name(u.name, u.erased_at) AS author_name, c.anchor, c.body, c.created_at, c.resolved_at
			FROM submission_comment c LEFT JOIN user u ON u.id = c.author_id
			WHERE c.submission_id = ? ORDER BY c.created_at, c.id`,
		).all(submissionId) as {
			id: number;
			author_id: number | null;
			author_name: string | null;
			anchor: string;
			body: string;
			created_at: number;
			resolved_at: number | null;
		}[]
	).map((r) => ({
		id: r.id,
		authorId: r.author_id,
		authorName: r.author_name,
		anchor: r.anchor,
		body: r.body,
		createdAt: r.created_at,
		resolvedAt: r.resolved_at,
	}));
}

export interface SubmissionSummary {
	id: number;
	slug: string;
	title: string;
	country: string;
	lang: string;
	state: SubmissionState;
	authorName: string;
	live: boolean;
	updatedAt: number;
}

const SUMMARY = `SELECT s.id, s.slug, json_extract(s.fields, '$.title') AS title, s.country, s.lang,
	s.state, member_name(u.name, u.erased_at) AS author_name, s.live_version_id IS NOT NULL AS live, s.updated_at
	FROM submission s JOIN user u ON u.id = s.author_id`;

function toSummary(r: Record<string, unknown>): SubmissionSummary {
	return {
		id: r.id as number,
		slug: r.slug as string,
		title: (r.title as string | null) ?? '',
		country: r.country as string,
		lang: r.lang as string,
		state: r.state as SubmissionState,
		authorName: r.author_name as string,
		live: r.live === 1,
		updatedAt: r.updated_at as number,
	};
}

export function listSubmissionsOfAuthor(db: Database, authorId: number): SubmissionSummary[] {
	return (
		prepare(db, `${SUMMARY} WHERE s.author_id = ? ORDER BY s.updated_at DESC, s.id DESC`).all(
			authorId,
		) as Record<string, unknown>[]
	).map(toSummary);
}

/** Submissions waiting on a reviewer or a publisher, oldest first; `country` excludes one country. */
export function listReviewQueue(
	db: Database,
	options: { excludeAuthor: number; excludeCountry: string | null },
): SubmissionSummary[] {
	return (
		prepare(
			db,
			`${SUMMARY} WHERE s.state IN ('submitted', 'approved') AND s.author_id <> ?
			AND (? IS NULL OR s.country <> ?) ORDER BY s.updated_at, s.id LIMIT 200`,
		).all(options.excludeAuthor, options.excludeCountry, options.excludeCountry) as Record<
			string,
			unknown
		>[]
	).map(toSummary);
}

/** Every submission with a live version, newest publication first, with that version's fields. */
export function listLiveSubmissions(db: Database): {
	id: number;
	slug: string;
	authorId: number;
	translationOf: number | null;
	versionId: number;
	versionNumber: number;
	fields: SubmissionFields;
	publishedAt: number;
	firstPublishedAt: number;
}[] {
	return (
		prepare(
			db,
			`SELECT s.id, s.slug, s.author_id, s.translation_of, v.id AS version_id, v.number, v.fields, v.published_at,
				(SELECT MIN(published_at) FROM submission_version f WHERE f.submission_id = s.id) AS first_at
			FROM submission s JOIN submission_version v ON v.id = s.live_version_id
			ORDER BY first_at DESC, s.id DESC`,
		).all() as {
			id: number;
			slug: string;
			author_id: number;
			translation_of: number | null;
			version_id: number;
			number: number;
			fields: string;
			published_at: number;
			first_at: number;
		}[]
	).map((r) => ({
		id: r.id,
		slug: r.slug,
		authorId: r.author_id,
		translationOf: r.translation_of,
		versionId: r.version_id,
		versionNumber: r.number,
		fields: parseStoredFields(r.fields),
		publishedAt: r.published_at,
		firstPublishedAt: r.first_at,
	}));
}

/** The cheap fingerprint of what readers can see: changes whenever a version goes live or leaves. */
export function getLiveFingerprint(db: Database): string {
	const row = prepare(
		db,
		`SELECT COUNT(*) AS n, COALESCE(SUM(live_version_id), 0) AS s, COALESCE(MAX(live_version_id), 0) AS m
		FROM submission WHERE live_version_id IS NOT NULL`,
	).get() as { n: number; s: number; m: number };
	return `${row.n}:${row.s}:${row.m}`;
}

// ——— Media ———

export type MediaKind = 'image' | 'video' | 'vtt';
export type MediaState = 'queued' | 'processing' | 'ready' | 'failed';

export interface SubmissionMedia {
	id: string;
	submissionId: number;
	kind: MediaKind;
	state: MediaState;
	progress: number;
	error: string | null;
	meta: Record<string, unknown>;
	originalName: string;
}

export function insertMedia(
	db: Database,
	input: {
		id: string;
		submissionId: number;
		kind: MediaKind;
		state: MediaState;
		meta?: Record<string, unknown>;
		error?: string | null;
		originalName: string;
	},
	now: number,
): void {
	prepare(
		db,
		`INSERT INTO submission_media (id, submission_id, kind, state, progress, error, meta, original_name, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
	).run(
		input.id,
		input.submissionId,
		input.kind,
		input.state,
		input.state === 'ready' ? 1 : 0,
		input.error ?? null,
		JSON.stringify(input.meta ?? {}),
		input.originalName.slice(0, 200),
		now,
		now,
	);
}

export function updateMedia(
	db: Database,
	id: string,
	patch: { state?: MediaState; progress?: number; error?: string | null; meta?: object },
	now: number,
): void {
	prepare(
		db,
		`UPDATE submission_media SET state = COALESCE(?, state), progress = COALESCE(?, progress),
		error = CASE WHEN ? THEN ? ELSE error END, meta = COALESCE(?, meta), updated_at = ? WHERE id = ?`,
	).run(
		patch.state ?? null,
		patch.progress ?? null,
		patch.error !== undefined ? 1 : 0,
		patch.error ?? null,
		patch.meta ? JSON.stringify(patch.meta) : null,
		now,
		id,
	);
}

interface MediaRow {
	id: string;
	submission_id: number;
	kind: MediaKind;
	state: MediaState;
	progress: number;
	error: string | null;
	meta: string;
	original_name: string;
}

const toMedia = (r: MediaRow): SubmissionMedia => ({
	id: r.id,
	submissionId: r.submission_id,
	kind: r.kind,
	state: r.state,
	progress: r.progress,
	error: r.error,
	meta: JSON.parse(r.meta) as Record<string, unknown>,
	originalName: r.original_name,
});

export function listMedia(db: Database, submissionId: number): SubmissionMedia[] {
	return (
		prepare(
			db,
			'SELECT * FROM submission_media WHERE submission_id = ? ORDER BY created_at, id',
		).all(submissionId) as MediaRow[]
	).map(toMedia);
}

export function getMedia(db: Database, id: string): SubmissionMedia | null {
	const row = prepare(db, 'SELECT * FROM submission_media WHERE id = ?').get(id) as
		| MediaRow
		| undefined;
	return row ? toMedia(row) : null;
}

/** Videos waiting for the transcoder, oldest first (also those a stopped server left running). */
export function listPendingVideos(db: Database): SubmissionMedia[] {
	return (
		prepare(
			db,
			`SELECT * FROM submission_media WHERE kind = 'video' AND state IN ('queued', 'processing')
			ORDER BY created_at, id`,
		).all() as MediaRow[]
	).map(toMedia);
}

/**
 * Takes a pending video for this process's transcoder: a queued one, or one left 'processing' whose
 * row has not moved for `staleSeconds` (its transcoder died; a live one writes its progress about
 * twice a second). False when another transcoder (another instance on the same database) has it.
 */
export function claimVideo(db: Database, id: string, now: number, staleSeconds: number): boolean {
	return (
		prepare(
			db,
			`UPDATE submission_media SET state = 'processing', progress = 0, updated_at = ?
				WHERE id = ? AND kind = 'video'
					AND (state = 'queued' OR (state = 'processing' AND updated_at <= ?))`,
		).run(now, id, now - staleSeconds).changes === 1
	);
}

/** When the submission was first published (unix seconds), or null if never. */
export function getFirstPublishedAt(db: Database, submissionId: number): number | null {
	return (
		(prepare(db, 'SELECT MIN(published_at) FROM submission_version WHERE submission_id = ?')
			.pluck()
			.get(submissionId) as number | null) ?? null
	);
}
