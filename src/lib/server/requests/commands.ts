// Members' actions on requested practices and on searches that found nothing, as commands: each
// checks who may act, validates, takes the rate limit, writes in one transaction, then audits.
import { charCount, type FieldErrors } from '../../forms';
import { isLang, useTranslations } from '../../i18n';
import { recordAudit } from '../audit';
import type { CommandContext } from '../context';
import { enqueueJob } from '../jobs/queue';
import {
	consumeToken,
	practiceRequestBucket,
	requestVoteBucket,
	searchMissBucket,
	type TokenBucket,
} from '../rate-limit';
import { getNowSeconds } from '../time';
import {
	canTriage,
	findNewSearchMissLang,
	findPublishedPostMortemTitle,
	getRequest,
	insertRequest,
	insertSearchMiss,
	markAnswered,
	toggleVote,
	triageSearchMisses,
} from './store';

export const REQUEST_TITLE_MAX = 160;
export const REQUEST_DETAIL_MAX = 2000;
export const REQUEST_NOTE_MAX = 2000;
export const SEARCH_MISS_MIN = 3;
export const SEARCH_MISS_MAX = 200;

type Failure = { ok: false; kind: 'forbidden' | 'not-found' };
type RateLimited = { ok: false; kind: 'rate-limited'; retryAfterSeconds: number };
type Invalid = { ok: false; kind: 'invalid'; errors: FieldErrors };

function limited(bucket: TokenBucket): RateLimited {
	return { ok: false, kind: 'rate-limited', retryAfterSeconds: bucket.refillIntervalSeconds };
}

/**
 * The stored form of a search: Unicode-normalised (NFKC), lower-cased, spaces collapsed, so "Rural
 * SUV" and "rural  suv" count as one query.
 * @example normalizeSearchQuery('  Rural   SUV ') // 'rural suv'
 */
export function normalizeSearchQuery(query: string): string {
	return query.normalize('NFKC').toLocaleLowerCase('en').replace(/\s+/gu, ' ').trim();
}

/**
 * A member's search found nothing: record the words, language and the member's country; never who
 * searched. The same query from the same country is kept once an hour, so one person retyping it
 * does not make it look popular.
 */
export function recordSearchMiss(
	ctx: CommandContext,
	input: { query: string; lang: string },
	nowSeconds = getNowSeconds(),
): { ok: true; recorded: boolean } | Failure | Invalid | RateLimited {
	if (!ctx.user) return { ok: false, kind: 'forbidden' };
	const query = normalizeSearchQuery(input.query);
	const length = charCount(query);
	if (length < SEARCH_MISS_MIN || length > SEARCH_MISS_MAX || !isLang(input.lang))
		return { ok: false, kind: 'invalid', errors: { query: 'length' } };
	if (!consumeToken(ctx.db, searchMissBucket, String(ctx.user.id), nowSeconds))
		return limited(searchMissBucket);
	const country = ctx.user.country ?? '';
	const recorded = ctx.db.transaction(() =>
		insertSearchMiss(ctx.db, { query, lang: input.lang, country }, nowSeconds),
	)();
	return { ok: true, recorded };
}

function validateRequest(
	ctx: CommandContext,
	input: { title: string; detail: string },
): FieldErrors {
	const t = useTranslations(ctx.lang);
	const errors: FieldErrors = {};
	if (input.title === '') errors.title = t('requests.error.titleRequired');
	else if (charCount(input.title) > REQUEST_TITLE_MAX)
		errors.title = t('requests.error.tooLong', { max: REQUEST_TITLE_MAX });
	if (charCount(input.detail) > REQUEST_DETAIL_MAX)
		errors.detail = t('requests.error.tooLong', { max: REQUEST_DETAIL_MAX });
	return errors;
}

/** Any member asks for a practice; they follow it from then on. */
export function postRequest(
	ctx: CommandContext,
	input: { title: string; detail: string; lang: string },
	nowSeconds = getNowSeconds(),
): { ok: true; id: number } | Failure | Invalid | RateLimited {
	const user = ctx.user;
	if (!user) return { ok: false, kind: 'forbidden' };
	const title = input.title.trim();
	const detail = input.detail.trim();
	const errors = validateRequest(ctx, { title, detail });
	if (Object.keys(errors).length) return { ok: false, kind: 'invalid', errors };
	if (!consumeToken(ctx.db, practiceRequestBucket, String(user.id), nowSeconds))
		return limited(practiceRequestBucket);
	const lang = isLang(input.lang) ? input.lang : ctx.lang;
	const id = ctx.db.transaction(() =>
		insertRequest(
			ctx.db,
			{ authorId: user.id, title, detail, lang, country: user.country ?? '' },
			nowSeconds,
		),
	)();
	recordAudit(
		ctx.db,
		{ actorId: user.id, action: 'request-post', target: `request:${id}`, ip: ctx.ip },
		nowSeconds,
	);
	return { ok: true, id };
}

/** +1 a request (and follow it), or take the +1 back. Answered requests keep their count. */
export function toggleRequestVote(
	ctx: CommandContext,
	requestId: number,
	nowSeconds = getNowSeconds(),
): { ok: true; voted: boolean } | Failure | RateLimited | { ok: false; kind: 'closed' } {
	const user = ctx.user;
	if (!user) return { ok: false, kind: 'forbidden' };
	const request = getRequest(ctx.db, requestId, user.id);
	if (!request || request.state === 'closed') return { ok: false, kind: 'not-found' };
	if (request.state !== 'open') return { ok: false, kind: 'closed' };
	if (!consumeToken(ctx.db, requestVoteBucket, String(user.id), nowSeconds))
		return limited(requestVoteBucket);
	const voted = ctx.db.transaction(() => toggleVote(ctx.db, requestId, user.id, nowSeconds))();
	return { ok: true, voted };
}

export interface AnswerInput {
	id: number;
	/** Slug of a visible case study, chosen or typed; '' for none. */
	caseStudy: string;
	/** Id of a published post-mortem as typed or chosen; '' for none. */
	postMortem: string;
	note: string;
}

/**
 * An editor answers a request with a practice and/or a published post-mortem and a note. The
 * requester and everyone who +1'd are told by a job queued in the same transaction.
 */
export async function answerRequest(
	ctx: CommandContext,
	input: AnswerInput,
	nowSeconds = getNowSeconds(),
	isPractice: (db: CommandContext['db'], slug: string) => Promise<boolean> = isVisiblePractice,
): Promise<{ ok: true; id: number } | Failure | Invalid | { ok: false; kind: 'not-open' }> {
	const user = ctx.user;
	if (!user || !canTriage(user)) return { ok: false, kind: 'forbidden' };
	const request = getRequest(ctx.db, input.id, user.id);
	if (!request) return { ok: false, kind: 'not-found' };
	if (request.state !== 'open') return { ok: false, kind: 'not-open' };
	const t = useTranslations(ctx.lang);
	const errors: FieldErrors = {};
	const slug = input.caseStudy.trim().replace(/^\/+|\/+$/g, '');
	const pmText = input.postMortem.trim();
	const note = input.note.trim();
	let caseStudy: string | null = null;
	let postMortemId: number | null = null;
	if (slug !== '') {
		if (await isPractice(ctx.db, slug)) caseStudy = slug;
		else errors.caseStudy = t('requests.error.unknownPractice');
	}
	if (pmText !== '') {
		const id = /^\d{1,12}$/.test(pmText) ? Number(pmText) : NaN;
		if (Number.isSafeInteger(id) && findPublishedPostMortemTitle(ctx.db, id) !== null)
			postMortemId = id;
		else errors.postMortem = t('requests.error.unknownPostMortem');
	}
	if (slug === '' && pmText === '') errors.caseStudy = t('requests.error.answerRequired');
	if (charCount(note) > REQUEST_NOTE_MAX)
		errors.note = t('requests.error.tooLong', { max: REQUEST_NOTE_MAX });
	if (Object.keys(errors).length) return { ok: false, kind: 'invalid', errors };
	const answered = ctx.db.transaction(() => {
		if (
			!markAnswered(
				ctx.db,
				{ id: input.id, caseStudy, postMortemId, note, answeredBy: user.id },
				nowSeconds,
			)
		)
			return false;
		enqueueJob(
			ctx.db,
			{
				kind: 'notify-request-answered',
				key: `request-answered:${input.id}`,
				runAt: nowSeconds,
				payload: { requestId: input.id },
			},
			nowSeconds,
		);
		return true;
	})();
	if (!answered) return { ok: false, kind: 'not-open' };
	recordAudit(
		ctx.db,
		{
			actorId: user.id,
			action: 'request-answer',
			target: `request:${input.id}`,
			ip: ctx.ip,
			detail: caseStudy ?? `post-mortem:${postMortemId}`,
		},
		nowSeconds,
	);
	return { ok: true, id: input.id };
}

/** A case study readers can see now (either source), from the catalogue. */
async function isVisiblePractice(db: CommandContext['db'], slug: string): Promise<boolean> {
	// Loaded on use: the catalogue reads Astro's content layer, which only exists inside Astro.
	const { findCaseStudy } = await import('../submissions/catalogue');
	return (await findCaseStudy(db, slug)) !== null;
}

/** An editor sets aside every new miss of a query (noise, typo, out of scope). */
export function dismissSearchMiss(
	ctx: CommandContext,
	query: string,
	nowSeconds = getNowSeconds(),
): { ok: true; count: number } | Failure {
	const user = ctx.user;
	if (!user || !canTriage(user)) return { ok: false, kind: 'forbidden' };
	const count = ctx.db.transaction(() =>
		triageSearchMisses(ctx.db, normalizeSearchQuery(query), 'dismissed', null),
	)();
	if (count === 0) return { ok: false, kind: 'not-found' };
	recordAudit(
		ctx.db,
		{ actorId: user.id, action: 'search-miss-dismiss', target: `search:${query}`, ip: ctx.ip },
		nowSeconds,
	);
	return { ok: true, count };
}

/**
 * An editor turns a query nobody found anything for into a request, written as the editor (who
 * then follows it), with the query as its title unless they typed another; every new miss of the
 * query links to it.
 */
export function turnSearchMissIntoRequest(
	ctx: CommandContext,
	input: { query: string; title: string; detail: string },
	nowSeconds = getNowSeconds(),
): { ok: true; id: number } | Failure | Invalid {
	const user = ctx.user;
	if (!user || !canTriage(user)) return { ok: false, kind: 'forbidden' };
	const query = normalizeSearchQuery(input.query);
	const title = input.title.trim() || query;
	const detail = input.detail.trim();
	const errors = validateRequest(ctx, { title, detail });
	if (Object.keys(errors).length) return { ok: false, kind: 'invalid', errors };
	const lang = findNewSearchMissLang(ctx.db, query);
	if (lang === null) return { ok: false, kind: 'not-found' };
	const id = ctx.db.transaction(() => {
		const id = insertRequest(
			ctx.db,
			{ authorId: user.id, title, detail, lang, country: user.country ?? '' },
			nowSeconds,
		);
		triageSearchMisses(ctx.db, query, 'requested', id);
		return id;
	})();
	recordAudit(
		ctx.db,
		{
			actorId: user.id,
			action: 'search-miss-request',
			target: `request:${id}`,
			ip: ctx.ip,
			detail: query,
		},
		nowSeconds,
	);
	return { ok: true, id };
}
