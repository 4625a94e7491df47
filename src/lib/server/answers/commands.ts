// The country's answer on a practice of another country, given by one of its focal points: one row
// per practice and country, replaced when they answer again (the first answer's date is kept: it is
// what "answered within 30 days" measures). The practice's owners are told through a queued job.
import { recordAudit } from '../audit';
import type { CommandContext } from '../context';
import { prepare } from '../db';
import { enqueueJob } from '../jobs/queue';
import { isFocalPoint } from '../practices/owed';
import { consumeToken, type TokenBucket } from '../rate-limit';
import { getNowSeconds, SECONDS_PER_HOUR } from '../time';
import { getCountryAnswer, type CountryAnswer } from './store';
import {
	CHANGE_MAX_CHARS,
	checkAnswerForm,
	KPI_LABEL_MAX_CHARS,
	KPI_UNIT_MAX_CHARS,
	NOTE_MAX_CHARS,
	PERIOD_MAX_CHARS,
	type AnswerFormValues,
} from '../../adoption';
import { charCount, type FieldErrors } from '../../forms';
import { useTranslations, type UiKey } from '../../i18n';

/** A focal point answers a few practices a day; a script cannot flood owners with notifications. */
export const countryAnswerBucket: TokenBucket = {
	name: 'country-answer',
	max: 60,
	refillIntervalSeconds: SECONDS_PER_HOUR / 60,
};

// Longest text of each field, for the "too long" message.
const FIELD_MAX: Record<keyof AnswerFormValues, number> = {
	status: 20,
	period: PERIOD_MAX_CHARS,
	change: CHANGE_MAX_CHARS,
	reason: CHANGE_MAX_CHARS,
	note: NOTE_MAX_CHARS,
	kpiLabel: KPI_LABEL_MAX_CHARS,
	kpiUnit: KPI_UNIT_MAX_CHARS,
	kpiBefore: 40,
	kpiAfter: 40,
};

export type AnswerForCountryResult =
	| { ok: true; answer: CountryAnswer; created: boolean }
	| { ok: false; kind: 'not-found' | 'rate-limited' }
	/** `reason`: signed out, not a focal point, or the practice is their own country's. */
	| { ok: false; kind: 'forbidden'; reason: 'signed-out' | 'not-focal-point' | 'own-country' }
	| { ok: false; kind: 'invalid'; errors: FieldErrors };

/**
 * The focal point's answer for their country on a practice: checked (messages in their language),
 * saved with the 'notify-answer' job in one transaction, then audited.
 * @example answerForCountry(ctx, { caseStudy: 'kestrel-launch-italy', values })
 */
export function answerForCountry(
	ctx: CommandContext,
	input: { caseStudy: string; values: AnswerFormValues },
	nowSeconds = getNowSeconds(),
): AnswerForCountryResult {
	const { db, user } = ctx;
	if (!user) return { ok: false, kind: 'forbidden', reason: 'signed-out' };
	// The register says which practices readers can see and whose country each is (git and web).
	const practice = prepare(
		db,
		'SELECT practice.country FROM practice WHERE practice.slug = ? AND practice.gone_at IS NULL',
	).get(input.caseStudy) as { country: string } | undefined;
	if (!practice) return { ok: false, kind: 'not-found' };
	const country = user.country;
	if (!country || !user.active || !isFocalPoint(db, user.id, country))
		return { ok: false, kind: 'forbidden', reason: 'not-focal-point' };
	if (practice.country === country) return { ok: false, kind: 'forbidden', reason: 'own-country' };

	const t = useTranslations(ctx.lang);
	const checked = checkAnswerForm(input.values);
	if (!checked.input) {
		const errors: FieldErrors = {};
		for (const [field, code] of Object.entries(checked.errors)) {
			const name = field as keyof AnswerFormValues;
			errors[name] = t(`answers.error.${code}` as UiKey, {
				max: FIELD_MAX[name],
				count: charCount(input.values[name]),
			});
		}
		return { ok: false, kind: 'invalid', errors };
	}
	if (!consumeToken(db, countryAnswerBucket, String(user.id), nowSeconds))
		return { ok: false, kind: 'rate-limited' };

	const a = checked.input;
	const saved = db
		.transaction(() => {
			const existed = getCountryAnswer(db, input.caseStudy, country) !== null;
			const { id, updated_at } = prepare(
				db,
				`INSERT INTO country_answer (case_study, country, status, period, change, reason, note, kpi,
						answered_by, origin, created_at, updated_at)
					VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'focal-point', ?, ?)
					ON CONFLICT (case_study, country) DO UPDATE SET status = excluded.status,
						period = excluded.period, change = excluded.change, reason = excluded.reason,
						note = excluded.note, kpi = excluded.kpi, answered_by = excluded.answered_by,
						origin = 'focal-point', updated_at = excluded.updated_at
					RETURNING id, updated_at`,
			).get(
				input.caseStudy,
				country,
				a.status,
				a.period,
				a.change,
				a.reason,
				a.note,
				a.kpi ? JSON.stringify(a.kpi) : null,
				user.id,
				nowSeconds,
				nowSeconds,
			) as { id: number; updated_at: number };
			// Outbox: the owners hear of this answer once, and only if it was saved.
			enqueueJob(
				db,
				{
					kind: 'notify-answer',
					key: `notify-answer:${id}:${updated_at}`,
					runAt: nowSeconds,
					payload: { answerId: id },
				},
				nowSeconds,
			);
			return { answer: getCountryAnswer(db, input.caseStudy, country)!, created: !existed };
		})
		.immediate();
	recordAudit(
		db,
		{
			actorId: user.id,
			action: 'country-answer',
			target: `case-study:${input.caseStudy}`,
			ip: ctx.ip,
			detail: `${country}: ${a.status}`,
		},
		nowSeconds,
	);
	return { ok: true, ...saved };
}
