// The handlers of every job kind of the adoption loop (reminders, review dates, notifications, the
// weekly digest and its scheduler, the overdue-actions scan). Each runs inside the runner's
// transaction (see jobs/runner.ts): it reads, records notifications, and asks for mails, which leave
// only once the job is recorded done. A job that finds its reason gone (the answer was given, the
// post-mortem is visible again) does nothing.
import crypto from 'node:crypto';
import type { Database } from 'better-sqlite3';
import { formatCountry, localizePath, useTranslations, type UiKey } from '../../i18n';
import type { AdoptionKpi } from '../../adoption';
import { answerUrl } from '../answers/urls';
import { prepare } from '../db';
import { enqueueJob, type JobContext, type JobHandler } from '../jobs/queue';
import { listFocalPoints, listOwedAnswers, listPracticeOwners } from '../practices/owed';
import { REMINDER_DAYS } from '../practices/registry';
import { SECONDS_PER_DAY } from '../time';
import { absoluteUrl } from '../urls';
import { formatMailDate, nextDigestTime } from './calendar';
import { runWeeklyDigest } from './digest';
import { getPracticeInfo, getPracticeTitle, practiceUrl } from './practices';
import { listActiveRecipients, wantsMail } from './prefs';
import { notifyMember } from './store';

function readString(payload: Record<string, unknown>, name: string): string {
	const value = payload[name];
	if (typeof value !== 'string' || value === '') throw new Error(`payload.${name} is missing`);
	return value;
}

function readId(payload: Record<string, unknown>, name: string): number {
	const value = payload[name];
	if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0)
		throw new Error(`payload.${name} is not an id`);
	return value;
}

/** 'answer-reminder' {caseStudy, day}: each focal point of every country that still owes an answer. */
const answerReminder: JobHandler = (ctx, payload) => {
	const slug = readString(payload, 'caseStudy');
	const day = typeof payload.day === 'number' ? payload.day : 0;
	const practice = getPracticeInfo(ctx.db, slug);
	if (!practice || practice.inactive) return;
	// Back after a long stop, several reminders of one practice may be due at once: the latest one
	// speaks for all, so a focal point gets one mail, not two in a row.
	const superseded = REMINDER_DAYS.some(
		(d) => d > day && practice.owedFrom + d * SECONDS_PER_DAY <= ctx.nowSeconds,
	);
	if (superseded) return;
	for (const owed of listOwedAnswers(ctx.db, ctx.nowSeconds, { caseStudy: slug })) {
		for (const focal of listFocalPoints(ctx.db, owed.country)) {
			notifyMember(ctx, {
				userId: focal.id,
				kind: 'reminders',
				type: 'answer-reminder',
				payload: {
					title: practice.title,
					country: owed.country,
					due: new Date(owed.dueAt * 1000).toISOString().slice(0, 10),
					path: `/case-studies/${slug}/answer/`,
				},
				compose: (r) => {
					const t = useTranslations(r.lang);
					const vars = {
						title: practice.title,
						country: formatCountry(owed.country, r.lang),
						from: formatCountry(practice.country, r.lang),
						due: formatMailDate(owed.dueAt, r.lang, r.timeZone),
					};
					return {
						subject: t(
							owed.overdue
								? 'notifications.reminder.subjectOverdue'
								: 'notifications.reminder.subject',
							vars,
						),
						blocks: [
							{ type: 'paragraph', text: t('notifications.reminder.body', vars) },
							{
								type: 'link',
								label: t('notifications.reminder.answer'),
								href: answerUrl(slug, r.lang),
							},
							{ type: 'link', label: t('notifications.read'), href: practiceUrl(slug, r.lang) },
						],
					};
				},
			});
		}
	}
};

/** 'practice-review-due' {caseStudy, reviewBy}: the owners confirm it is still valid, or retire it. */
const practiceReviewDue: JobHandler = (ctx, payload) => {
	const slug = readString(payload, 'caseStudy');
	const reviewBy = readString(payload, 'reviewBy');
	const practice = getPracticeInfo(ctx.db, slug);
	// Extended since ("still valid" moved the date) or retired: nothing to review now.
	if (!practice || practice.inactive || practice.reviewBy > reviewBy) return;
	let owners = listPracticeOwners(ctx.db, slug);
	// A practice nobody owns any more is the admins' to review.
	if (owners.length === 0)
		owners = prepare(ctx.db, "SELECT id FROM user WHERE role = 'admin' AND active = 1 ORDER BY id")
			.pluck()
			.all() as number[];
	const date = Math.floor(Date.parse(`${reviewBy}T00:00:00Z`) / 1000);
	for (const userId of owners)
		notifyMember(ctx, {
			userId,
			kind: 'reviews',
			type: 'practice-review-due',
			payload: { title: practice.title, date: reviewBy, path: `/case-studies/${slug}/` },
			compose: (r) => {
				const t = useTranslations(r.lang);
				const vars = { title: practice.title, date: formatMailDate(date, r.lang, 'UTC') };
				return {
					subject: t('notifications.review.subject', vars),
					blocks: [
						{ type: 'paragraph', text: t('notifications.review.body', vars) },
						{
							type: 'link',
							label: t('notifications.review.open'),
							href: practiceUrl(slug, r.lang),
						},
					],
				};
			},
		});
};

function formatKpi(kpi: AdoptionKpi, lang: string): string {
	const nf = new Intl.NumberFormat(lang);
	const unit = kpi.unit && kpi.unit !== 'count' ? ` ${kpi.unit}` : '';
	return `${kpi.label}: ${nf.format(kpi.before)}${unit} → ${nf.format(kpi.after)}${unit}`;
}

/** 'notify-answer' {answerId}: the practice's owners learn which country answered what. */
const notifyAnswer: JobHandler = (ctx, payload) => {
	const answerId = readId(payload, 'answerId');
	const answer = prepare(
		ctx.db,
		`SELECT case_study, country, status, period, change, reason, note, kpi, answered_by
			FROM country_answer WHERE id = ?`,
	).get(answerId) as
		| {
				case_study: string;
				country: string;
				status: string;
				period: string;
				change: string;
				reason: string;
				note: string;
				kpi: string | null;
				answered_by: number | null;
		  }
		| undefined;
	if (!answer) return;
	const title = getPracticeTitle(ctx.db, answer.case_study);
	const kpi = answer.kpi ? (JSON.parse(answer.kpi) as AdoptionKpi) : null;
	for (const userId of listPracticeOwners(ctx.db, answer.case_study)) {
		if (userId === answer.answered_by) continue;
		notifyMember(ctx, {
			userId,
			kind: 'answers',
			type: 'answer',
			payload: {
				title,
				country: answer.country,
				status: answer.status,
				path: `/case-studies/${answer.case_study}/`,
			},
			compose: (r) => {
				const t = useTranslations(r.lang);
				const vars = {
					title,
					country: formatCountry(answer.country, r.lang),
					status: t(`notifications.status.${answer.status}` as UiKey),
				};
				const details: string[] = [];
				if (answer.period) details.push(t('notifications.answer.period', { text: answer.period }));
				if (answer.change) details.push(t('notifications.answer.change', { text: answer.change }));
				if (answer.reason) details.push(t('notifications.answer.reason', { text: answer.reason }));
				if (kpi) details.push(t('notifications.answer.kpi', { text: formatKpi(kpi, r.lang) }));
				if (answer.note) details.push(t('notifications.answer.note', { text: answer.note }));
				return {
					subject: t('notifications.answer.subject', vars),
					blocks: [
						{ type: 'paragraph', text: t('notifications.answer.body', vars) },
						...(details.length
							? [{ type: 'list' as const, items: details.map((text) => ({ text })) }]
							: []),
						{
							type: 'link',
							label: t('notifications.read'),
							href: practiceUrl(answer.case_study, r.lang),
						},
					],
				};
			},
		});
	}
};

/** 'notify-request-answered' {requestId}: the requester and everyone who +1'd it. */
const notifyRequestAnswered: JobHandler = (ctx, payload) => {
	const requestId = readId(payload, 'requestId');
	const request = prepare(
		ctx.db,
		`SELECT id, author_id, title, state, answer_case_study, answer_post_mortem_id, answer_note, answered_by
			FROM practice_request WHERE id = ?`,
	).get(requestId) as
		| {
				id: number;
				author_id: number | null;
				title: string;
				state: string;
				answer_case_study: string | null;
				answer_post_mortem_id: number | null;
				answer_note: string;
				answered_by: number | null;
		  }
		| undefined;
	if (!request || request.state !== 'answered') return;
	const followers = new Set<number>();
	if (request.author_id !== null) followers.add(request.author_id);
	for (const id of prepare(
		ctx.db,
		'SELECT user_id FROM practice_request_vote WHERE request_id = ? ORDER BY created_at, user_id',
	)
		.pluck()
		.all(request.id) as number[])
		followers.add(id);
	followers.delete(request.answered_by ?? 0);
	const practiceTitle = request.answer_case_study
		? getPracticeTitle(ctx.db, request.answer_case_study)
		: null;
	const postMortem = request.answer_post_mortem_id
		? (prepare(
				ctx.db,
				"SELECT id, title FROM post_mortem WHERE id = ? AND status = 'published'",
			).get(request.answer_post_mortem_id) as { id: number; title: string } | undefined)
		: undefined;
	for (const userId of followers)
		notifyMember(ctx, {
			userId,
			kind: 'requests',
			type: 'request-answered',
			payload: { title: request.title, path: `/requests/${request.id}/` },
			compose: (r) => {
				const t = useTranslations(r.lang);
				const links: { text: string; href: string }[] = [];
				if (request.answer_case_study && practiceTitle)
					links.push({
						text: t('notifications.request.practice', { title: practiceTitle }),
						href: practiceUrl(request.answer_case_study, r.lang),
					});
				if (postMortem)
					links.push({
						text: t('notifications.request.postMortem', { title: postMortem.title }),
						href: absoluteUrl(localizePath(`/post-mortems/${postMortem.id}/`, r.lang)),
					});
				return {
					subject: t('notifications.request.subject', { title: request.title }),
					blocks: [
						{ type: 'paragraph', text: t('notifications.request.body', { title: request.title }) },
						...(request.answer_note
							? [{ type: 'paragraph' as const, text: request.answer_note }]
							: []),
						...(links.length ? [{ type: 'list' as const, items: links }] : []),
						{
							type: 'link',
							label: t('notifications.request.open'),
							href: absoluteUrl(localizePath(`/requests/${request.id}/`, r.lang)),
						},
					],
				};
			},
		});
};

interface ActionRow {
	id: number;
	post_mortem_id: number;
	owner_id: number | null;
	text: string;
	due_date: string | null;
	status: string;
	pm_title: string;
	pm_status: string;
	author_id: number;
}

const ACTION_SQL = `SELECT a.id, a.post_mortem_id, a.owner_id, a.text, a.due_date, a.status,
	pm.title AS pm_title, pm.status AS pm_status, pm.author_id
	FROM post_mortem_action a JOIN post_mortem pm ON pm.id = a.post_mortem_id`;

/**
 * The action a job is about. Saving the actions step rewrites its rows (new ids), so an action not
 * found by id is looked up by what identifies it for its owner: post-mortem, owner and text.
 */
function findAction(db: Database, payload: Record<string, unknown>): ActionRow | null {
	const byId = prepare(db, `${ACTION_SQL} WHERE a.id = ?`).get(readId(payload, 'actionId')) as
		| ActionRow
		| undefined;
	if (byId) return byId;
	if (typeof payload.postMortemId !== 'number' || typeof payload.ownerId !== 'number') return null;
	return (
		(prepare(
			db,
			`${ACTION_SQL} WHERE a.post_mortem_id = ? AND a.owner_id = ? AND a.text = ? ORDER BY a.id LIMIT 1`,
		).get(payload.postMortemId, payload.ownerId, String(payload.text ?? '')) as
			| ActionRow
			| undefined) ?? null
	);
}

/**
 * The key of an action's job: one per post-mortem, owner and action text, so saving the step again
 * (which rewrites the rows) does not notify twice.
 */
export function actionJobKey(
	kind: string,
	a: { postMortemId: number; ownerId: number; text: string },
	suffix = '',
): string {
	const digest = crypto.createHash('sha256').update(a.text).digest('hex').slice(0, 16);
	return `${kind}:${a.postMortemId}:${a.ownerId}:${digest}${suffix ? `:${suffix}` : ''}`;
}

/**
 * Queues 'notify-action-assigned' for every open action of a published post-mortem given to someone
 * other than its author. Call it inside the transaction that publishes or saves the actions.
 */
export function queueActionAssignedJobs(
	db: Database,
	postMortemId: number,
	nowSeconds: number,
): void {
	const rows = prepare(
		db,
		`${ACTION_SQL} WHERE a.post_mortem_id = ? AND pm.status = 'published' AND a.status = 'open'
			AND a.owner_id IS NOT NULL AND a.owner_id != pm.author_id`,
	).all(postMortemId) as ActionRow[];
	for (const a of rows) {
		const ids = { postMortemId, ownerId: a.owner_id!, text: a.text };
		enqueueJob(
			db,
			{
				kind: 'notify-action-assigned',
				key: actionJobKey('notify-action-assigned', ids),
				runAt: nowSeconds,
				payload: { actionId: a.id, ...ids },
			},
			nowSeconds,
		);
	}
}

function notifyAction(ctx: JobContext, a: ActionRow, type: 'action-assigned' | 'action-overdue') {
	// The owner learns the action and the post-mortem's title; never who wrote it (it may be masked).
	notifyMember(ctx, {
		userId: a.owner_id!,
		kind: 'actions',
		type,
		payload: {
			title: a.text,
			postMortem: a.pm_title,
			due: a.due_date ?? '',
			path: '/post-mortems/actions/',
		},
		compose: (r) => {
			const t = useTranslations(r.lang);
			const prefix = type === 'action-assigned' ? 'notifications.action' : 'notifications.overdue';
			const vars = { action: a.text, title: a.pm_title, due: a.due_date ?? '' };
			return {
				subject: t(`${prefix}.subject` as UiKey, vars),
				blocks: [
					{ type: 'paragraph', text: t(`${prefix}.body` as UiKey, vars) },
					{
						type: 'list',
						items: [
							{
								text: a.text,
								note: a.due_date ? t('notifications.action.due', { due: a.due_date }) : undefined,
							},
						],
					},
					{
						type: 'link',
						label: t('notifications.action.postMortem', { title: a.pm_title }),
						href: absoluteUrl(localizePath(`/post-mortems/${a.post_mortem_id}/`, r.lang)),
					},
					{
						type: 'link',
						label: t('notifications.action.mine'),
						href: absoluteUrl(localizePath('/post-mortems/actions/', r.lang)),
					},
				],
			};
		},
	});
}

/** 'notify-action-assigned' {actionId}: the new owner of a follow-up action. */
const notifyActionAssigned: JobHandler = (ctx, payload) => {
	const a = findAction(ctx.db, payload);
	if (!a || a.owner_id === null || a.status !== 'open' || a.pm_status !== 'published') return;
	notifyAction(ctx, a, 'action-assigned');
};

/** 'notify-action-overdue' {actionId}: queued once per action by the daily scan. */
const notifyActionOverdue: JobHandler = (ctx, payload) => {
	const a = findAction(ctx.db, payload);
	if (!a || a.owner_id === null || a.status !== 'open' || a.pm_status !== 'published') return;
	notifyAction(ctx, a, 'action-overdue');
};

/** 'actions-overdue' {day}: every open action past its due date gets one job for its owner. */
const actionsOverdue: JobHandler = (ctx) => {
	const today = new Date(ctx.nowSeconds * 1000).toISOString().slice(0, 10);
	const rows = prepare(
		ctx.db,
		`${ACTION_SQL} WHERE a.status = 'open' AND a.owner_id IS NOT NULL AND pm.status = 'published'
			AND a.due_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' AND a.due_date < ?`,
	).all(today) as ActionRow[];
	for (const a of rows) {
		const ids = { postMortemId: a.post_mortem_id, ownerId: a.owner_id!, text: a.text };
		enqueueJob(
			ctx.db,
			{
				kind: 'notify-action-overdue',
				key: actionJobKey('notify-action-overdue', ids, a.due_date!),
				runAt: ctx.nowSeconds,
				payload: { actionId: a.id, ...ids },
			},
			ctx.nowSeconds,
		);
	}
};

/**
 * 'notify-post-mortem-hidden' {postMortemId}: the author, and only the author, at their own address,
 * with the moderator's note. The mail names nobody, so even a masked author stays masked.
 */
const notifyPostMortemHidden: JobHandler = (ctx, payload) => {
	const id = readId(payload, 'postMortemId');
	const pm = prepare(
		ctx.db,
		'SELECT id, author_id, title, status, hidden_note FROM post_mortem WHERE id = ?',
	).get(id) as
		| { id: number; author_id: number; title: string; status: string; hidden_note: string | null }
		| undefined;
	// Shown again before the job ran: there is nothing to tell.
	if (!pm || pm.status !== 'hidden') return;
	notifyMember(ctx, {
		userId: pm.author_id,
		kind: 'moderation',
		type: 'post-mortem-hidden',
		payload: { title: pm.title, path: `/post-mortems/${pm.id}/` },
		compose: (r) => {
			const t = useTranslations(r.lang);
			return {
				subject: t('notifications.hidden.subject'),
				blocks: [
					{ type: 'paragraph', text: t('notifications.hidden.body', { title: pm.title }) },
					{ type: 'heading', text: t('notifications.hidden.note') },
					{ type: 'paragraph', text: pm.hidden_note ?? '' },
					{ type: 'paragraph', text: t('notifications.hidden.next') },
					{
						type: 'link',
						label: t('notifications.hidden.open'),
						href: absoluteUrl(localizePath(`/post-mortems/${pm.id}/`, r.lang)),
					},
				],
			};
		},
	});
};

/** 'schedule-digests' {day}: queues each member's next weekly digest (one per member and ISO week). */
const scheduleDigests: JobHandler = (ctx) => {
	for (const r of listActiveRecipients(ctx.db)) {
		if (!wantsMail(r, 'digest')) continue;
		const next = nextDigestTime(r.digestDay, r.timeZone, ctx.nowSeconds);
		enqueueJob(
			ctx.db,
			{
				kind: 'weekly-digest',
				key: `weekly-digest:${r.id}:${next.week}`,
				runAt: next.at,
				payload: {
					userId: r.id,
					week: next.week,
					from: next.at - 7 * SECONDS_PER_DAY,
					to: next.at,
				},
			},
			ctx.nowSeconds,
		);
	}
};

/** 'weekly-digest' {userId, week, from, to}. */
const weeklyDigest: JobHandler = (ctx, payload) => {
	runWeeklyDigest(ctx, {
		userId: readId(payload, 'userId'),
		from: typeof payload.from === 'number' ? payload.from : ctx.nowSeconds - 7 * SECONDS_PER_DAY,
		to: typeof payload.to === 'number' ? payload.to : ctx.nowSeconds,
	});
};

export const jobHandlers: Record<string, JobHandler> = {
	'answer-reminder': answerReminder,
	'practice-review-due': practiceReviewDue,
	'notify-answer': notifyAnswer,
	'notify-request-answered': notifyRequestAnswered,
	'notify-action-assigned': notifyActionAssigned,
	'notify-action-overdue': notifyActionOverdue,
	'actions-overdue': actionsOverdue,
	'notify-post-mortem-hidden': notifyPostMortemHidden,
	'schedule-digests': scheduleDigests,
	'weekly-digest': weeklyDigest,
};
