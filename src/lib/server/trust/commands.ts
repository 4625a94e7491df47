// Vouching for a practice, as commands: "still valid" (records who checked it and, when its review
// date has passed or is near, moves it a year on and queues the next review) and "retire" (no country
// owes it an answer any more; the badge says why). Allowed to admins, HQ editors and its owners.
import { charCount, type FieldErrors } from '../../forms';
import { useTranslations } from '../../i18n';
import { recordAudit } from '../audit';
import type { CommandContext } from '../context';
import { prepare } from '../db';
import { enqueueJob } from '../jobs/queue';
import { consumeToken, type TokenBucket } from '../rate-limit';
import { getNowSeconds, SECONDS_PER_DAY, SECONDS_PER_HOUR } from '../time';
import {
	addYear,
	canManagePractice,
	dayToSeconds,
	getPracticeTrust,
	REVIEW_SOON_DAYS,
	toDay,
} from './store';

/** Far above a reviewer going through a long list, low enough that a script cannot flood the log. */
export const trustBucket: TokenBucket = {
	name: 'practice-trust',
	max: 120,
	refillIntervalSeconds: SECONDS_PER_HOUR / 120,
};
export const RETIRE_REASON_MAX = 1000;

type Failure = { ok: false; kind: 'not-found' | 'forbidden' | 'rate-limited' };
type Invalid = { ok: false; kind: 'invalid'; errors: FieldErrors };

/**
 * Says a practice is still valid: records who and when; if its review date has passed or falls within
 * REVIEW_SOON_DAYS, moves it to a year from today and queues the 'practice-review-due' job for it.
 * @example confirmPracticeStillValid(ctx, { slug: 'alpha-launch' }) // { ok: true, reviewBy: '2027-12-02' }
 */
export function confirmPracticeStillValid(
	ctx: CommandContext,
	input: { slug: string },
	nowSeconds = getNowSeconds(),
): { ok: true; reviewBy: string; extended: boolean } | Failure {
	const user = ctx.user;
	const practice = getPracticeTrust(ctx.db, input.slug);
	if (!practice || practice.gone) return { ok: false, kind: 'not-found' };
	if (!user || !canManagePractice(ctx.db, user, input.slug))
		return { ok: false, kind: 'forbidden' };
	if (!consumeToken(ctx.db, trustBucket, String(user.id), nowSeconds))
		return { ok: false, kind: 'rate-limited' };
	const soon = toDay(nowSeconds + REVIEW_SOON_DAYS * SECONDS_PER_DAY);
	const extended = practice.reviewBy === '' || practice.reviewBy <= soon;
	const reviewBy = extended ? addYear(toDay(nowSeconds)) : practice.reviewBy;
	ctx.db.transaction(() => {
		prepare(
			ctx.db,
			'UPDATE practice SET verified_by = ?, verified_at = ?, review_by = ? WHERE slug = ?',
		).run(user.id, nowSeconds, reviewBy, input.slug);
		if (extended)
			enqueueJob(
				ctx.db,
				{
					kind: 'practice-review-due',
					key: `practice-review-due:${input.slug}:${reviewBy}`,
					runAt: dayToSeconds(reviewBy),
					payload: { caseStudy: input.slug, reviewBy },
				},
				nowSeconds,
			);
	})();
	recordAudit(
		ctx.db,
		{
			actorId: user.id,
			action: 'practice-confirm',
			target: `practice:${input.slug}`,
			ip: ctx.ip,
			detail: extended ? `review by ${practice.reviewBy || '—'} → ${reviewBy}` : null,
		},
		nowSeconds,
	);
	return { ok: true, reviewBy, extended };
}

/**
 * Retires a practice with the reason readers will see on its badge: no country owes it an answer
 * any more (listOwedAnswers leaves retired practices out), and it leaves the review list.
 * @example retirePractice(ctx, { slug: 'gamma-crm', reason: 'Replaced by the 2026 CRM process.' })
 */
export function retirePractice(
	ctx: CommandContext,
	input: { slug: string; reason: string },
	nowSeconds = getNowSeconds(),
): { ok: true } | Failure | Invalid {
	const user = ctx.user;
	const practice = getPracticeTrust(ctx.db, input.slug);
	if (!practice || practice.gone) return { ok: false, kind: 'not-found' };
	if (!user || !canManagePractice(ctx.db, user, input.slug))
		return { ok: false, kind: 'forbidden' };
	const t = useTranslations(ctx.lang);
	const reason = input.reason.trim();
	if (reason === '')
		return { ok: false, kind: 'invalid', errors: { reason: t('trust.error.reasonRequired') } };
	if (charCount(reason) > RETIRE_REASON_MAX)
		return {
			ok: false,
			kind: 'invalid',
			errors: { reason: t('trust.error.reasonTooLong', { max: RETIRE_REASON_MAX }) },
		};
	if (!consumeToken(ctx.db, trustBucket, String(user.id), nowSeconds))
		return { ok: false, kind: 'rate-limited' };
	ctx.db.transaction(() => {
		prepare(
			ctx.db,
			'UPDATE practice SET retired_by = ?, retired_at = ?, retired_reason = ? WHERE slug = ?',
		).run(user.id, nowSeconds, reason, input.slug);
	})();
	recordAudit(
		ctx.db,
		{
			actorId: user.id,
			action: 'practice-retire',
			target: `practice:${input.slug}`,
			ip: ctx.ip,
			detail: reason,
		},
		nowSeconds,
	);
	return { ok: true };
}
