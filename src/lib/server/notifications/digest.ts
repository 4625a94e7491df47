// The weekly digest of one member: what happened on the portal in their week, in their mail
// language. Nothing is sent when there is nothing to say. Post-mortems appear by title and link only,
// so the digest never says who wrote one (whatever its disclosure).
import { formatCountry, localizePath, tPlural, useTranslations } from '../../i18n';
import type { Lang } from '../../taxonomy';
import { answerUrl } from '../answers/urls';
import { prepare } from '../db';
import type { JobContext } from '../jobs/queue';
import { isFocalPoint, listOwedAnswers, listPracticeOwners } from '../practices/owed';
import { SECONDS_PER_DAY } from '../time';
import { absoluteUrl } from '../urls';
import { formatMailDate } from './calendar';
import { composeMail, type MailBlock } from './compose';
import { getPracticeTitle, practiceUrl } from './practices';
import { getMailRecipient, wantsMail, type MailRecipient } from './prefs';

/** At most this many lines per section; the portal has the rest. */
const SECTION_MAX = 15;
/** A git practice first seen this week is new if its own date is at most this much older. */
const RECENT_RELEASE_DAYS = 14;

export interface DigestContent {
	subject: string;
	blocks: MailBlock[];
}

/**
 * What the digest of [from, to) says to this member; `null` when nothing happened for them.
 * @example buildWeeklyDigest(db, recipient, { from, to, nowSeconds })?.subject
 */
export function buildWeeklyDigest(
	ctx: Pick<JobContext, 'db' | 'nowSeconds'>,
	r: MailRecipient,
	window: { from: number; to: number },
): DigestContent | null {
	const { db } = ctx;
	const lang: Lang = r.lang;
	const t = useTranslations(lang);
	const date = (seconds: number) => formatMailDate(seconds, lang, r.timeZone);
	const focal = r.country !== null && isFocalPoint(db, r.id, r.country);
	const owed = focal
		? new Map(
				listOwedAnswers(db, ctx.nowSeconds, { country: r.country! }).map((o) => [o.caseStudy, o]),
			)
		: new Map();
	const blocks: MailBlock[] = [];
	let count = 0;
	const section = (heading: string, items: { text: string; href?: string; note?: string }[]) => {
		if (items.length === 0) return;
		count += items.length;
		const shown = items.slice(0, SECTION_MAX);
		if (items.length > SECTION_MAX)
			shown.push({ text: t('notifications.digest.more', { count: items.length - SECTION_MAX }) });
		blocks.push({ type: 'heading', text: heading }, { type: 'list', items: shown });
	};

	// New practices: those that became visible this week, from both sources. The day the portal first
	// meets an old git practice (the first release with the register) does not make it new: its own
	// publication date must be recent too (a release may come some days after that date).
	const practices = prepare(
		db,
		`SELECT slug, country FROM practice WHERE gone_at IS NULL AND retired_at IS NULL
			AND first_seen_at >= ? AND first_seen_at < ? AND published_at >= ?
			ORDER BY first_seen_at DESC, slug`,
	).all(window.from, window.to, window.from - RECENT_RELEASE_DAYS * SECONDS_PER_DAY) as {
		slug: string;
		country: string;
	}[];
	const shownOwed = new Set<string>();
	section(
		t('notifications.digest.practices'),
		practices.map((p) => {
			const o = owed.get(p.slug);
			if (o) shownOwed.add(p.slug);
			return {
				text: `${getPracticeTitle(db, p.slug)} (${formatCountry(p.country, lang)})`,
				href: o ? answerUrl(p.slug, lang) : practiceUrl(p.slug, lang),
				note: o ? t('notifications.digest.notAnswered', { due: date(o.dueAt) }) : undefined,
			};
		}),
	);

	// Focal points: what their country still owes from before this week, oldest first.
	section(
		t('notifications.digest.owed', { country: formatCountry(r.country ?? '', lang) }),
		[...owed.values()]
			.filter((o) => !shownOwed.has(o.caseStudy))
			.map((o) => ({
				text: getPracticeTitle(db, o.caseStudy),
				href: answerUrl(o.caseStudy, lang),
				note: t(o.overdue ? 'notifications.digest.overdue' : 'notifications.digest.due', {
					due: date(o.dueAt),
				}),
			})),
	);

	// Post-mortems published this week that the member may read (all published ones), not their own.
	const postMortems = prepare(
		db,
		`SELECT id, title FROM post_mortem WHERE status = 'published' AND author_id != ?
			AND first_published_at >= ? AND first_published_at < ? ORDER BY first_published_at DESC, id DESC`,
	).all(r.id, window.from, window.to) as { id: number; title: string }[];
	section(
		t('notifications.digest.postMortems'),
		postMortems.map((pm) => ({
			text: pm.title,
			href: absoluteUrl(localizePath(`/post-mortems/${pm.id}/`, lang)),
		})),
	);

	// Countries' answers this week on practices the member owns.
	const answers = prepare(
		db,
		`SELECT case_study, country, status FROM country_answer
			WHERE updated_at >= ? AND updated_at < ? AND (answered_by IS NULL OR answered_by != ?)
			ORDER BY updated_at DESC, id DESC`,
	).all(window.from, window.to, r.id) as { case_study: string; country: string; status: string }[];
	const owns = new Map<string, boolean>();
	const ownsPractice = (slug: string) => {
		if (!owns.has(slug)) owns.set(slug, listPracticeOwners(db, slug).includes(r.id));
		return owns.get(slug)!;
	};
	section(
		t('notifications.digest.answers'),
		answers
			.filter((a) => ownsPractice(a.case_study))
			.map((a) => ({
				text: t('notifications.digest.answerLine', {
					country: formatCountry(a.country, lang),
					status: t(`notifications.status.${a.status}` as Parameters<typeof t>[0]),
					title: getPracticeTitle(db, a.case_study),
				}),
				href: practiceUrl(a.case_study, lang),
			})),
	);

	// Requests the member follows (asked or +1'd): answered this week, or new +1s.
	const requests = prepare(
		db,
		`SELECT r.id, r.title, r.state, r.answered_at,
				(SELECT COUNT(*) FROM practice_request_vote v WHERE v.request_id = r.id
					AND v.created_at >= ? AND v.created_at < ? AND v.user_id != ?) AS new_votes
			FROM practice_request r
			WHERE r.author_id = ? OR EXISTS (SELECT 1 FROM practice_request_vote v
				WHERE v.request_id = r.id AND v.user_id = ?)
			ORDER BY r.updated_at DESC, r.id DESC`,
	).all(window.from, window.to, r.id, r.id, r.id) as {
		id: number;
		title: string;
		state: string;
		answered_at: number | null;
		new_votes: number;
	}[];
	section(
		t('notifications.digest.requests'),
		requests
			.map((q) => {
				const answered =
					q.state === 'answered' &&
					q.answered_at !== null &&
					q.answered_at >= window.from &&
					q.answered_at < window.to;
				if (!answered && q.new_votes === 0) return null;
				return {
					text: q.title,
					href: absoluteUrl(localizePath(`/requests/${q.id}/`, lang)),
					note: answered
						? t('notifications.digest.requestAnswered')
						: tPlural(t, lang, 'notifications.digest.votes', q.new_votes),
				};
			})
			.filter((q) => q !== null),
	);

	if (count === 0) return null;
	return {
		subject: t('notifications.digest.subject', { date: date(window.to) }),
		blocks: [
			{ type: 'paragraph', text: t('notifications.digest.intro', { from: date(window.from) }) },
			...blocks,
			{
				type: 'link',
				label: t('notifications.digest.open'),
				href: absoluteUrl(localizePath('/', lang)),
			},
		],
	};
}

/** Sends the member's weekly digest unless they turned it off or it would be empty. */
export function runWeeklyDigest(
	ctx: JobContext,
	input: { userId: number; from: number; to: number },
): boolean {
	const r = getMailRecipient(ctx.db, input.userId);
	if (!r || !wantsMail(r, 'digest')) return false;
	const content = buildWeeklyDigest(ctx, r, input);
	if (!content) return false;
	ctx.effects.sendMail(composeMail(r, 'digest', content), `the weekly digest of member ${r.id}`);
	return true;
}
