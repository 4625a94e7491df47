// What members do with web-submitted case studies, as commands: each checks who may act, validates,
// takes its rate limit, writes in one transaction, then runs its after-commit effects (search index,
// mails). Pages only map the results.
import crypto from 'node:crypto';
import type { Database } from 'better-sqlite3';
import {
	applyStructureOp,
	checkSubmission,
	emptySubmissionFields,
	findOversizedFields,
	listMediaIds,
	slugifyTitle,
	type SubmissionFields,
} from '../../submission-form';
import { charCount, type FieldErrors } from '../../forms';
import { localizePath, useTranslations } from '../../i18n';
import type { Lang } from '../../taxonomy';
import type { CommandContext } from '../context';
import { consumeToken, type TokenBucket } from '../rate-limit';
import { absoluteUrl } from '../urls';
import { getUserById, listUsers, type User } from '../user';
import { pickMailLang } from '../notify';
import {
	canEditSubmission,
	canReviewSubmission,
	canSeeSubmission,
	canWriteCaseStudies,
	canWriteForCountry,
} from './access';
import {
	clearLiveVersion,
	findFreeSlug,
	getFirstPublishedAt,
	getSubmission,
	insertComment,
	insertLiveVersion,
	insertMedia,
	insertSubmission,
	listMedia,
	listVersions,
	moveState,
	recordCreated,
	resolveComment,
	saveWorkingCopy,
	setLiveVersion,
	type MediaKind,
	type MediaState,
	type Submission,
	type SubmissionState,
} from './store';
import { hasCurrentTexts, renderVersionTexts, storeVersionTexts } from './rendered-body';
import type { RenderedTexts } from '../../submission-text';

/** A processed upload, waiting to be recorded with the save that brought it. */
export interface NewMedia {
	id: string;
	kind: MediaKind;
	state: MediaState;
	meta: Record<string, unknown>;
	error?: string | null;
	originalName: string;
}
import { getNowSeconds, SECONDS_PER_HOUR } from '../time';
import { markPracticeGone, registerPractice } from '../practices/registry';

/** Autosave sends a save a few seconds after typing stops: 600 an hour is far above any writer. */
export const submissionSaveBucket: TokenBucket = {
	name: 'submission-save',
	max: 600,
	refillIntervalSeconds: SECONDS_PER_HOUR / 600,
};
/** Review actions and comments: generous, but a script cannot flood authors with mail. */
export const submissionReviewBucket: TokenBucket = {
	name: 'submission-review',
	max: 60,
	refillIntervalSeconds: SECONDS_PER_HOUR / 60,
};
export const COMMENT_MAX = 4000;
export const NOTE_MAX = 4000;

type NotFound = { ok: false; kind: 'not-found' };
type Forbidden = { ok: false; kind: 'forbidden' };
type RateLimited = { ok: false; kind: 'rate-limited' };
type Conflict = { ok: false; kind: 'conflict'; state: SubmissionState };
type Invalid = { ok: false; kind: 'invalid'; errors: FieldErrors };

/** Loads a submission the member may see; anyone else gets not-found (no hint that it exists). */
function load(ctx: CommandContext, id: number): Submission | null {
	const s = getSubmission(ctx.db, id);
	return s && canSeeSubmission(ctx.user, s) ? s : null;
}

/** Starts a draft, in the member's country; optionally as the translation of another submission. */
export function createSubmissionCommand(
	ctx: CommandContext,
	input: { translationOf?: number | null } = {},
): { ok: true; id: number } | Forbidden | NotFound | RateLimited {
	const user = ctx.user;
	if (!canWriteCaseStudies(user)) return { ok: false, kind: 'forbidden' };
	if (!consumeToken(ctx.db, submissionSaveBucket, String(user.id)))
		return { ok: false, kind: 'rate-limited' };
	let fields = emptySubmissionFields({ country: user.country ?? '', lang: ctx.lang });
	let translationOf: number | null = null;
	if (input.translationOf) {
		const original = load(ctx, input.translationOf);
		if (!original) return { ok: false, kind: 'not-found' };
		// The translation starts from the original, in the other language: text to translate in place,
		// the same figures, photos and contacts.
		translationOf = original.translationOf ?? original.id;
		fields = { ...original.fields, lang: original.fields.lang === 'fr' ? 'en' : 'fr' };
		if (!canWriteForCountry(user, fields.country)) fields.country = user.country ?? '';
	}
	const now = getNowSeconds();
	const id = ctx.db.transaction(() => {
		// A translation's photos and video are the original's files, under media ids of its own.
		const copies = input.translationOf ? listMedia(ctx.db, input.translationOf) : [];
		let json = JSON.stringify(fields);
		const renamed = copies
			.filter((m) => m.state === 'ready')
			.map((m) => ({ ...m, id: crypto.randomBytes(16).toString('hex'), from: m.id }));
		for (const m of renamed) json = json.split(m.from).join(m.id);
		const slug = `draft-${crypto.randomBytes(6).toString('hex')}`;
		const id = insertSubmission(
			ctx.db,
			{ slug, authorId: user.id, fields: JSON.parse(json) as SubmissionFields, translationOf },
			now,
		);
		recordCreated(ctx.db, id, user.id, now);
		for (const m of renamed)
			insertMedia(
				ctx.db,
				{
					id: m.id,
					submissionId: id,
					kind: m.kind,
					state: 'ready',
					meta: m.meta,
					originalName: m.originalName,
				},
				now,
			);
		return id;
	})();
	return { ok: true, id };
}

export type SaveResult =
	| { ok: true; revision: number; fields: SubmissionFields }
	| NotFound
	| Forbidden
	| RateLimited
	| { ok: false; kind: 'stale'; revision: number }
	| { ok: false; kind: 'country'; country: string }
	| Invalid;

/**
 * Saves the working copy as typed (incomplete text included: nothing typed is lost), after applying
 * a structure button (`op`). Saving a published case study starts a revision: readers keep the
 * published version until the revision is published in turn.
 */
export function saveSubmissionCommand(
	ctx: CommandContext,
	input: {
		id: number;
		fields: SubmissionFields;
		revision: number;
		op?: string;
		/** Files processed for this save (uploads.ts), recorded with it in one transaction. */
		newMedia?: readonly NewMedia[];
	},
): SaveResult {
	const user = ctx.user;
	const s = load(ctx, input.id);
	if (!s) return { ok: false, kind: 'not-found' };
	if (!user || !canEditSubmission(user, s)) return { ok: false, kind: 'forbidden' };
	if (!consumeToken(ctx.db, submissionSaveBucket, String(user.id)))
		return { ok: false, kind: 'rate-limited' };
	let fields = input.op ? applyStructureOp(input.fields, input.op) : input.fields;
	if (fields.country && !canWriteForCountry(user, fields.country)) {
		return { ok: false, kind: 'country', country: user.country ?? '' };
	}
	const oversized = findOversizedFields(fields);
	if (Object.keys(oversized).length) return { ok: false, kind: 'invalid', errors: oversized };
	// A translation keeps the original's country; only its language differs.
	fields = { ...fields };
	const now = getNowSeconds();
	const revision = ctx.db.transaction(() => {
		const revision = saveWorkingCopy(ctx.db, s.id, fields, input.revision, now);
		if (revision === null) return null;
		for (const m of input.newMedia ?? []) insertMedia(ctx.db, { ...m, submissionId: s.id }, now);
		if (s.state === 'published' || s.state === 'unpublished')
			moveState(ctx.db, { id: s.id, from: [s.state], to: 'draft', actorId: user.id }, now);
		return revision;
	})();
	if (revision === null) return { ok: false, kind: 'stale', revision: s.revision };
	return { ok: true, revision, fields };
}

/** The context `checkSubmission` needs, read from the database. */
export function getCheckContext(db: Database, submissionId: number) {
	const media = new Map(
		listMedia(db, submissionId)
			.filter((m) => m.state === 'ready')
			.map((m) => [m.id, m.kind] as const),
	);
	return {
		media,
		memberIds: new Set(listUsers(db).map((u) => u.id)),
		today: new Date().toISOString().slice(0, 10),
	};
}

/** Media still transcoding block a submission: reviewers would review a page without its video. */
function checkMediaReady(db: Database, s: Submission): FieldErrors {
	const pending = new Set(
		listMedia(db, s.id)
			.filter((m) => m.state === 'queued' || m.state === 'processing')
			.map((m) => m.id),
	);
	return listMediaIds(s.fields).some((id) => pending.has(id)) ? { media: 'processing' } : {};
}

/** The author sends the case study for review; it must be complete. */
export function submitSubmissionCommand(
	ctx: CommandContext,
	id: number,
): { ok: true } | NotFound | Forbidden | Conflict | Invalid | RateLimited {
	const user = ctx.user;
	const s = load(ctx, id);
	if (!s) return { ok: false, kind: 'not-found' };
	if (!user || (user.id !== s.authorId && user.role !== 'admin'))
		return { ok: false, kind: 'forbidden' };
	if (!['draft', 'changes_requested'].includes(s.state))
		return { ok: false, kind: 'conflict', state: s.state };
	const errors = {
		...checkSubmission(s.fields, getCheckContext(ctx.db, s.id)),
		...checkMediaReady(ctx.db, s),
	};
	if (Object.keys(errors).length) return { ok: false, kind: 'invalid', errors };
	if (!consumeToken(ctx.db, submissionReviewBucket, String(user.id)))
		return { ok: false, kind: 'rate-limited' };
	const now = getNowSeconds();
	const moved = ctx.db.transaction(() =>
		moveState(
			ctx.db,
			{ id, from: ['draft', 'changes_requested'], to: 'submitted', actorId: user.id },
			now,
		),
	)();
	if (!moved) return { ok: false, kind: 'conflict', state: s.state };
	notifyReviewers(ctx, s);
	return { ok: true };
}

/** The author takes a submission back to edit it before anyone reviewed it. */
export function withdrawSubmissionCommand(
	ctx: CommandContext,
	id: number,
): { ok: true } | NotFound | Forbidden | Conflict {
	const user = ctx.user;
	const s = load(ctx, id);
	if (!s) return { ok: false, kind: 'not-found' };
	if (!user || (user.id !== s.authorId && user.role !== 'admin'))
		return { ok: false, kind: 'forbidden' };
	const moved = ctx.db.transaction(() =>
		moveState(
			ctx.db,
			{ id, from: ['submitted', 'approved'], to: 'draft', actorId: user.id },
			getNowSeconds(),
		),
	)();
	return moved ? { ok: true } : { ok: false, kind: 'conflict', state: s.state };
}

export type ReviewDecision = 'request-changes' | 'approve';

/** A reviewer asks for changes (with a note) or approves. Never on their own submission. */
export function reviewSubmissionCommand(
	ctx: CommandContext,
	input: { id: number; decision: ReviewDecision; note: string },
): { ok: true } | NotFound | Forbidden | Conflict | Invalid | RateLimited {
	const user = ctx.user;
	const s = load(ctx, input.id);
	if (!s) return { ok: false, kind: 'not-found' };
	if (!user || !canReviewSubmission(user, s)) return { ok: false, kind: 'forbidden' };
	const note = input.note.trim();
	if (input.decision === 'request-changes' && !note)
		return { ok: false, kind: 'invalid', errors: { note: 'required' } };
	if (charCount(note) > NOTE_MAX)
		return { ok: false, kind: 'invalid', errors: { note: 'tooLong' } };
	if (s.state !== 'submitted') return { ok: false, kind: 'conflict', state: s.state };
	if (input.decision === 'approve') {
		const errors = checkSubmission(s.fields, getCheckContext(ctx.db, s.id));
		if (Object.keys(errors).length) return { ok: false, kind: 'invalid', errors };
	}
	if (!consumeToken(ctx.db, submissionReviewBucket, String(user.id)))
		return { ok: false, kind: 'rate-limited' };
	const to = input.decision === 'approve' ? 'approved' : 'changes_requested';
	const moved = ctx.db.transaction(() =>
		moveState(
			ctx.db,
			{ id: s.id, from: ['submitted'], to, actorId: user.id, note },
			getNowSeconds(),
		),
	)();
	if (!moved) return { ok: false, kind: 'conflict', state: s.state };
	notifyAuthor(ctx, s, to, note);
	return { ok: true };
}

/**
 * Publishes an approved submission (or puts an unpublished one back online): its working copy becomes
 * a new version, readers see it at once, and the search index is rebuilt now. The slug is chosen at
 * the first publication, from the title, never clashing with a git-authored study (`studySlugs`).
 */
export function publishSubmissionCommand(
	ctx: CommandContext,
	input: { id: number; studySlugs: ReadonlySet<string> },
):
	| { ok: true; slug: string }
	| NotFound
	| Forbidden
	| Conflict
	| Invalid
	| RateLimited
	| { ok: false; kind: 'render-failed' } {
	const user = ctx.user;
	const s = load(ctx, input.id);
	if (!s) return { ok: false, kind: 'not-found' };
	if (!user || !canReviewSubmission(user, s)) return { ok: false, kind: 'forbidden' };
	if (s.state !== 'approved' && s.state !== 'unpublished')
		return { ok: false, kind: 'conflict', state: s.state };
	// Checked again: media could have been deleted, a contact deactivated, since the approval.
	const errors = checkSubmission(s.fields, getCheckContext(ctx.db, s.id));
	if (s.state === 'approved' && Object.keys(errors).length)
		return { ok: false, kind: 'invalid', errors };
	if (!consumeToken(ctx.db, submissionReviewBucket, String(user.id)))
		return { ok: false, kind: 'rate-limited' };
	// Rendered before the transaction (seconds for a long dense body, with no lock held), and stored
	// with the version in it: readers never pay the Markdown pipeline. A failure here leaves the
	// previous version online.
	let texts: Record<string, RenderedTexts>;
	try {
		texts = renderVersionTexts(s.fields.blocks);
	} catch (error) {
		console.error(`Submission ${s.id}: rendering its text failed`, error);
		return { ok: false, kind: 'render-failed' };
	}
	const now = getNowSeconds();
	const slug = ctx.db.transaction(() => {
		if (!moveState(ctx.db, { id: s.id, from: [s.state], to: 'published', actorId: user.id }, now))
			return null;
		let slug = s.slug;
		if (slug.startsWith('draft-')) {
			slug = findFreeSlug(ctx.db, slugifyTitle(s.fields.title), input.studySlugs);
			ctx.db.prepare('UPDATE submission SET slug = ? WHERE id = ?').run(slug, s.id);
		}
		const last = listVersions(ctx.db, s.id)[0];
		// Republishing an unchanged case study brings its last version back rather than a copy of it.
		if (
			s.state === 'unpublished' &&
			last &&
			JSON.stringify(last.fields) === JSON.stringify(s.fields)
		) {
			setLiveVersion(ctx.db, s.id, last.id);
			if (!hasCurrentTexts(ctx.db, last.id)) storeVersionTexts(ctx.db, last.id, texts, now);
		} else {
			storeVersionTexts(ctx.db, insertLiveVersion(ctx.db, s, user.id, now), texts, now);
		}
		registerPractice(
			ctx.db,
			{
				slug,
				country: s.fields.country,
				source: 'web',
				publishedAt: getFirstPublishedAt(ctx.db, s.id) ?? now,
				reviewBy: s.fields.reviewBy,
			},
			now,
		);
		return slug;
	})();
	if (slug === null) return { ok: false, kind: 'conflict', state: s.state };
	ctx.effects.reindexMembersSearch({ urgent: true });
	notifyAuthor(ctx, s, 'published', '');
	return { ok: true, slug };
}

/** Takes a published case study offline at once; its versions are kept. */
export function unpublishSubmissionCommand(
	ctx: CommandContext,
	input: { id: number; note: string },
): { ok: true } | NotFound | Forbidden | Conflict | Invalid {
	const user = ctx.user;
	const s = load(ctx, input.id);
	if (!s) return { ok: false, kind: 'not-found' };
	if (!user || (!canReviewSubmission(user, s) && user.role !== 'admin'))
		return { ok: false, kind: 'forbidden' };
	if (charCount(input.note) > NOTE_MAX)
		return { ok: false, kind: 'invalid', errors: { note: 'tooLong' } };
	if (s.liveVersionId === null) return { ok: false, kind: 'conflict', state: s.state };
	const now = getNowSeconds();
	ctx.db.transaction(() => {
		clearLiveVersion(ctx.db, s.id);
		moveState(
			ctx.db,
			{ id: s.id, from: [s.state], to: 'unpublished', actorId: user.id, note: input.note.trim() },
			now,
		);
		markPracticeGone(ctx.db, s.slug, now);
	})();
	ctx.effects.reindexMembersSearch({ urgent: true });
	notifyAuthor(ctx, s, 'unpublished', input.note.trim());
	return { ok: true };
}

/** A comment anchored to a field or a paragraph; authors and reviewers both write them. */
export function commentSubmissionCommand(
	ctx: CommandContext,
	input: { id: number; anchor: string; body: string },
): { ok: true; commentId: number } | NotFound | Forbidden | Invalid | RateLimited {
	const user = ctx.user;
	const s = load(ctx, input.id);
	if (!s || !user) return { ok: false, kind: 'not-found' };
	const body = input.body.trim();
	const errors: FieldErrors = {};
	if (!body) errors.comment = 'required';
	else if (charCount(body) > COMMENT_MAX) errors.comment = 'tooLong';
	if (!/^(?:[a-zA-Z]+(?:\.[a-zA-Z0-9]+)*|b-\d+(?:-\d+)?)$/.test(input.anchor))
		errors.anchor = 'choice';
	if (Object.keys(errors).length) return { ok: false, kind: 'invalid', errors };
	if (!consumeToken(ctx.db, submissionReviewBucket, String(user.id)))
		return { ok: false, kind: 'rate-limited' };
	const commentId = ctx.db.transaction(() =>
		insertComment(
			ctx.db,
			{ submissionId: s.id, authorId: user.id, anchor: input.anchor, body },
			getNowSeconds(),
		),
	)();
	return { ok: true, commentId };
}

/** Marks a comment as dealt with (the author or a reviewer). */
export function resolveCommentCommand(
	ctx: CommandContext,
	input: { id: number; commentId: number },
): { ok: true } | NotFound {
	const s = load(ctx, input.id);
	if (!s) return { ok: false, kind: 'not-found' };
	const done = ctx.db.transaction(() =>
		resolveComment(ctx.db, s.id, input.commentId, getNowSeconds()),
	)();
	return done ? { ok: true } : { ok: false, kind: 'not-found' };
}

// ——— Mails ———

function submissionLink(lang: Lang, id: number) {
	return absoluteUrl(localizePath(`/submissions/${id}/`, lang));
}

function mailTo(ctx: CommandContext, to: User, subject: string, text: string, what: string) {
	ctx.effects.sendMail({ to: to.email, subject, text }, what);
}

function notifyReviewers(ctx: CommandContext, s: Submission) {
	try {
		// HQ editors review every country: they are told; country editors see the queue on the portal.
		const reviewers = listUsers(ctx.db).filter(
			(u) => u.role === 'editor' && u.hq && canReviewSubmission(u, s),
		);
		for (const r of reviewers) {
			const lang = pickMailLang(r.languages);
			const t = useTranslations(lang);
			mailTo(
				ctx,
				r,
				t('sub.mail.submitted.subject', { title: s.fields.title }),
				t('sub.mail.submitted.text', {
					name: r.name,
					author: s.authorName,
					title: s.fields.title,
					url: submissionLink(lang, s.id),
				}),
				`review request for submission ${s.id}`,
			);
		}
	} catch (error) {
		console.error(`Could not mail the reviewers of submission ${s.id}`, error);
	}
}

function notifyAuthor(
	ctx: CommandContext,
	s: Submission,
	to: 'approved' | 'changes_requested' | 'published' | 'unpublished',
	note: string,
) {
	try {
		const author = getUserById(ctx.db, s.authorId);
		if (!author?.active || author.id === ctx.user?.id) return;
		const lang = pickMailLang(author.languages);
		const t = useTranslations(lang);
		mailTo(
			ctx,
			author,
			t(`sub.mail.${to}.subject`, { title: s.fields.title }),
			t(`sub.mail.${to}.text`, {
				name: author.name,
				reviewer: ctx.user?.name ?? '',
				title: s.fields.title,
				url: submissionLink(lang, s.id),
				note: note || '—',
			}),
			`${to} notice for submission ${s.id}`,
		);
	} catch (error) {
		console.error(`Could not mail the author of submission ${s.id}`, error);
	}
}
