// Members' actions on post-mortems, as commands: each checks who may act, validates, takes the rate
// limit, writes in one transaction and then runs its effects. Whatever changes what readers can find
// (publishing, editing a published one, hiding, unhiding) rebuilds the members' search index, so a
// hidden post-mortem leaves search at once and a published one appears within seconds.
import type { PmContext, PmDisclosure, PmFields, PmPhoto, PmStep } from '../../post-mortem-form';
import {
	findIncompleteStep,
	PM_COMMENT_MAX,
	PM_DISCLOSURES,
	PM_HIDE_NOTE_MAX,
} from '../../post-mortem-form';
import { charCount, type FieldErrors } from '../../forms';
import { useTranslations } from '../../i18n';
import type { CommandContext } from '../context';
import { addPostMortemComment } from './comments';
import {
	createPostMortemDraft,
	getPostMortemDraft,
	hidePostMortem,
	publishPostMortem,
	saveStep,
	unhidePostMortem,
} from './drafts';
import { canModerate } from './store';
import { consumeToken, messageSendBucket } from '../rate-limit';
import { enqueueJob } from '../jobs/queue';
import { queueActionAssignedJobs } from '../notifications/jobs';
import { getNowSeconds } from '../time';

type Failure = { ok: false; kind: 'not-found' | 'forbidden' };
type RateLimited = { ok: false; kind: 'rate-limited'; retryAfterSeconds: number };
type Invalid = { ok: false; kind: 'invalid'; errors: FieldErrors };

/** Starts a draft for the signed-in member. */
export function startPostMortem(ctx: CommandContext): { ok: true; id: number } | Failure {
	if (!ctx.user) return { ok: false, kind: 'forbidden' };
	return { ok: true, id: createPostMortemDraft(ctx.db, ctx.user.id) };
}

/**
 * Saves one step as typed (errors included, so nothing is lost). When the post-mortem is already
 * published the edit is what readers see, so search is brought up to date too.
 */
export function savePostMortemStep(
	ctx: CommandContext,
	input: {
		id: number;
		step: PmStep;
		fields: Partial<PmFields>;
		reached: number;
		memberIds: readonly number[];
		photos?: readonly PmPhoto[];
	},
): { ok: true } | Failure {
	if (!ctx.user) return { ok: false, kind: 'forbidden' };
	const draft = getPostMortemDraft(ctx.db, input.id, ctx.user.id);
	if (!draft) return { ok: false, kind: 'not-found' };
	const now = getNowSeconds();
	// Owners given an action on a published post-mortem are told (once per owner and action, however
	// often the step is saved); a draft's owners are told when it is published.
	const saved = ctx.db.transaction(() => {
		if (!saveStep(ctx.db, { ...input, authorId: ctx.user!.id }, now)) return false;
		if (input.step === 5 && draft.status === 'published')
			queueActionAssignedJobs(ctx.db, input.id, now);
		return true;
	})();
	if (!saved) return { ok: false, kind: 'not-found' };
	if (draft.status !== 'draft') ctx.effects.reindexMembersSearch();
	return { ok: true };
}

/** Publishes the author's post-mortem once every step is complete. */
export function publishPostMortemCommand(
	ctx: CommandContext,
	id: number,
	pmContext: PmContext,
): { ok: true; id: number } | Failure | { ok: false; kind: 'incomplete'; step: PmStep } {
	if (!ctx.user) return { ok: false, kind: 'forbidden' };
	const draft = getPostMortemDraft(ctx.db, id, ctx.user.id);
	if (!draft) return { ok: false, kind: 'not-found' };
	const incomplete = findIncompleteStep(draft.fields, pmContext);
	if (incomplete) return { ok: false, kind: 'incomplete', step: incomplete.step };
	// A photo kept after an error still waits for its description (step 2): readers never see one without.
	if (draft.photos.some((p) => p.alt === '')) return { ok: false, kind: 'incomplete', step: 2 };
	const now = getNowSeconds();
	const published = ctx.db.transaction(() => {
		if (!publishPostMortem(ctx.db, id, ctx.user!.id, now)) return false;
		queueActionAssignedJobs(ctx.db, id, now);
		return true;
	})();
	if (!published) return { ok: false, kind: 'not-found' };
	ctx.effects.reindexMembersSearch();
	return { ok: true, id };
}

/** An editor hides a published post-mortem with a note to its author; it leaves search at once. */
export function hidePostMortemCommand(
	ctx: CommandContext,
	input: { id: number; note: string },
): { ok: true } | Failure | Invalid {
	if (!ctx.user || !canModerate(ctx.user)) return { ok: false, kind: 'forbidden' };
	const t = useTranslations(ctx.lang);
	const note = input.note.trim();
	if (note === '') return { ok: false, kind: 'invalid', errors: { note: t('pm.error.required') } };
	if (charCount(note) > PM_HIDE_NOTE_MAX)
		return { ok: false, kind: 'invalid', errors: { note: t('pm.error.tooLong') } };
	const now = getNowSeconds();
	// The author is told by mail, with the note; the job is queued with the hide, so neither happens
	// without the other. Each hide is its own occurrence (a post-mortem can be hidden again later).
	const hidden = ctx.db.transaction(() => {
		if (!hidePostMortem(ctx.db, { id: input.id, editor: ctx.user!, note }, now)) return false;
		enqueueJob(
			ctx.db,
			{
				kind: 'notify-post-mortem-hidden',
				key: `notify-post-mortem-hidden:${input.id}:${now}`,
				runAt: now,
				payload: { postMortemId: input.id },
			},
			now,
		);
		return true;
	})();
	if (!hidden) return { ok: false, kind: 'not-found' };
	ctx.effects.reindexMembersSearch({ urgent: true });
	return { ok: true };
}

/** An editor puts a hidden post-mortem back; it is searchable again. */
export function unhidePostMortemCommand(ctx: CommandContext, id: number): { ok: true } | Failure {
	if (!ctx.user || !canModerate(ctx.user)) return { ok: false, kind: 'forbidden' };
	if (!unhidePostMortem(ctx.db, id, ctx.user)) return { ok: false, kind: 'not-found' };
	ctx.effects.reindexMembersSearch();
	return { ok: true };
}

/** A comment under a published post-mortem, with its own disclosure; rate-limited per member. */
export function commentOnPostMortem(
	ctx: CommandContext,
	input: { id: number; body: string; disclosure: string },
): { ok: true } | Failure | Invalid | RateLimited {
	if (!ctx.user) return { ok: false, kind: 'forbidden' };
	const t = useTranslations(ctx.lang);
	const errors: FieldErrors = {};
	const body = input.body.trim();
	if (!(PM_DISCLOSURES as readonly string[]).includes(input.disclosure))
		errors.disclosure = t('pm.error.choice');
	if (body === '') errors.body = t('pm.error.required');
	else if (charCount(body) > PM_COMMENT_MAX) errors.body = t('pm.error.tooLong');
	if (Object.keys(errors).length > 0) return { ok: false, kind: 'invalid', errors };
	if (!consumeToken(ctx.db, messageSendBucket, `pm-comment:${ctx.user.id}`))
		return {
			ok: false,
			kind: 'rate-limited',
			retryAfterSeconds: messageSendBucket.refillIntervalSeconds,
		};
	const added = addPostMortemComment(ctx.db, {
		postMortemId: input.id,
		author: ctx.user,
		disclosure: input.disclosure as PmDisclosure,
		body,
	});
	return added ? { ok: true } : { ok: false, kind: 'not-found' };
}
