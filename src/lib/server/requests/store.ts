// Requested practices and searches that found nothing: the rows and the queries on them. The
// commands (commands.ts) decide who may write; pages read through the functions here.
import type { Database } from 'better-sqlite3';
import { prepare } from '../db';
import type { User } from '../user';

/** Editors triage searches and answer requests: editors, admins and HQ editors. */
export function canTriage(user: Pick<User, 'role' | 'hq'> | null | undefined): boolean {
	return !!user && (user.role === 'editor' || user.role === 'admin' || user.hq);
}

export type RequestState = 'open' | 'answered' | 'closed';

export interface PracticeRequest {
	id: number;
	title: string;
	detail: string;
	lang: string;
	country: string;
	state: RequestState;
	votes: number;
	/** True when the viewer has +1'd it (or is its author, who follows it from the start). */
	voted: boolean;
	mine: boolean;
	answer: {
		caseStudy: string | null;
		postMortem: { id: number; title: string } | null;
		note: string;
		answeredAt: number;
	} | null;
	createdAt: number;
}

interface RequestRow {
	id: number;
	author_id: number | null;
	title: string;
	detail: string;
	lang: string;
	country: string;
	state: RequestState;
	answer_case_study: string | null;
	answer_post_mortem_id: number | null;
	pm_title: string | null;
	answer_note: string;
	answered_at: number | null;
	created_at: number;
	votes: number;
	voted: number;
}

// LIMIT -1 is SQLite's "no limit"; PostgreSQL refuses it.
const NO_LIMIT = 2_147_483_647;

// The post-mortem's title only, and only while it is published: never its author.
const REQUEST_SELECT = `SELECT r.id, r.author_id, r.title, r.detail, r.lang, r.country, r.state,
		r.answer_case_study, r.answer_post_mortem_id,
		CASE WHEN pm.status = 'published' THEN pm.title END AS pm_title,
		r.answer_note, r.answered_at, r.created_at,
		(SELECT count(*) FROM practice_request_vote v WHERE v.request_id = r.id) AS votes,
		EXISTS (SELECT 1 FROM practice_request_vote v WHERE v.request_id = r.id AND v.user_id = ?) AS voted
	FROM practice_request r LEFT JOIN post_mortem pm ON pm.id = r.answer_post_mortem_id`;

function toRequest(row: RequestRow, viewerId: number): PracticeRequest {
	return {
		id: row.id,
		title: row.title,
		detail: row.detail,
		lang: row.lang,
		country: row.country,
		state: row.state,
		votes: row.votes,
		voted: row.voted === 1,
		mine: row.author_id === viewerId,
		answer:
			row.state === 'answered' && row.answered_at !== null
				? {
						caseStudy: row.answer_case_study,
						postMortem:
							row.answer_post_mortem_id !== null && row.pm_title !== null
								? { id: row.answer_post_mortem_id, title: row.pm_title }
								: null,
						note: row.answer_note,
						answeredAt: row.answered_at,
					}
				: null,
		createdAt: row.created_at,
	};
}

/**
 * Requests for the list: open ones first by votes (then newest), then answered ones, newest answer
 * first. Closed ones are left out.
 * @example listRequests(db, me.id, { state: 'open', limit: 5 })
 */
export function listRequests(
	db: Database,
	viewerId: number,
	options: { state?: 'open' | 'answered'; limit?: number } = {},
): PracticeRequest[] {
	const rows = prepare(
		db,
		// The sort uses `votes`, a column of the select: PostgreSQL sees it only from outside.
		`SELECT * FROM (${REQUEST_SELECT}
			WHERE r.state IN ('open', 'answered') AND (? IS NULL OR r.state = ?)) AS q
		ORDER BY q.state = 'open' DESC, CASE WHEN q.state = 'open' THEN q.votes END DESC,
			q.answered_at DESC, q.created_at DESC, q.id DESC
		LIMIT ?`,
	).all(
		viewerId,
		options.state ?? null,
		options.state ?? null,
		options.limit ?? NO_LIMIT,
	) as RequestRow[];
	return rows.map((r) => toRequest(r, viewerId));
}

/** One request, or null. */
export function getRequest(db: Database, id: number, viewerId: number): PracticeRequest | null {
	const row = prepare(db, `${REQUEST_SELECT} WHERE r.id = ?`).get(viewerId, id) as
		| RequestRow
		| undefined;
	return row ? toRequest(row, viewerId) : null;
}

/** Inserts a request; its author follows it (a +1 of their own). Call inside a transaction. */
export function insertRequest(
	db: Database,
	input: { authorId: number; title: string; detail: string; lang: string; country: string },
	nowSeconds: number,
): number {
	const id = Number(
		prepare(
			db,
			`INSERT INTO practice_request (author_id, title, detail, lang, country, created_at, updated_at)
				VALUES (?, ?, ?, ?, ?, ?, ?)`,
		).run(
			input.authorId,
			input.title,
			input.detail,
			input.lang,
			input.country,
			nowSeconds,
			nowSeconds,
		).lastInsertRowid,
	);
	prepare(
		db,
		'INSERT INTO practice_request_vote (request_id, user_id, created_at) VALUES (?, ?, ?)',
	).run(id, input.authorId, nowSeconds);
	return id;
}

/** Adds or removes the member's +1; returns whether they now vote. */
export function toggleVote(db: Database, requestId: number, userId: number, now: number): boolean {
	const removed = prepare(
		db,
		'DELETE FROM practice_request_vote WHERE request_id = ? AND user_id = ?',
	).run(requestId, userId).changes;
	if (removed > 0) return false;
	prepare(
		db,
		'INSERT INTO practice_request_vote (request_id, user_id, created_at) VALUES (?, ?, ?)',
	).run(requestId, userId, now);
	return true;
}

/** Records the answer; false when the request is not open. */
export function markAnswered(
	db: Database,
	input: {
		id: number;
		caseStudy: string | null;
		postMortemId: number | null;
		note: string;
		answeredBy: number;
	},
	nowSeconds: number,
): boolean {
	return (
		prepare(
			db,
			`UPDATE practice_request SET state = 'answered', answer_case_study = ?, answer_post_mortem_id = ?,
				answer_note = ?, answered_by = ?, answered_at = ?, updated_at = ?
			WHERE id = ? AND state = 'open'`,
		).run(
			input.caseStudy,
			input.postMortemId,
			input.note,
			input.answeredBy,
			nowSeconds,
			nowSeconds,
			input.id,
		).changes > 0
	);
}

/** A published post-mortem's title, or null (drafts and hidden ones cannot answer a request). */
export function findPublishedPostMortemTitle(db: Database, id: number): string | null {
	return (
		(prepare(db, "SELECT title FROM post_mortem WHERE id = ? AND status = 'published'")
			.pluck()
			.get(id) as string | undefined) ?? null
	);
}

/** Published post-mortems for the answer form's select: id and title only. */
export function listPublishedPostMortemTitles(db: Database): { id: number; title: string }[] {
	return prepare(
		db,
		"SELECT id, title FROM post_mortem WHERE status = 'published' ORDER BY title COLLATE NOCASE, id",
	).all() as { id: number; title: string }[];
}

// Searches that found nothing.

/** A search already recorded for this query and country in the last hour is not recorded again. */
export const SEARCH_MISS_DEDUPE_SECONDS = 3600;

/** Records a miss unless the same query from the same country was recorded within the hour. */
export function insertSearchMiss(
	db: Database,
	input: { query: string; lang: string; country: string },
	nowSeconds: number,
): boolean {
	const recent = prepare(
		db,
		`SELECT 1 FROM search_miss WHERE query = ? AND country = ? AND created_at > ? LIMIT 1`,
	).get(input.query, input.country, nowSeconds - SEARCH_MISS_DEDUPE_SECONDS);
	if (recent) return false;
	prepare(db, 'INSERT INTO search_miss (query, lang, country, created_at) VALUES (?, ?, ?, ?)').run(
		input.query,
		input.lang,
		input.country,
		nowSeconds,
	);
	return true;
}

export interface SearchMissGroup {
	query: string;
	count: number;
	/** Countries it came from, with how many times each, most first. */
	countries: { country: string; count: number }[];
	langs: string[];
	lastAt: number;
	/** The request it became, if any. */
	requestId: number | null;
}

/**
 * Misses grouped by query, most searched first: those still to triage ('new'), or those turned into
 * a request ('requested').
 * @example listSearchMissGroups(db, { triage: 'new' })
 */
export function listSearchMissGroups(
	db: Database,
	options: { triage?: 'new' | 'requested'; since?: number; limit?: number } = {},
): SearchMissGroup[] {
	const rows = prepare(
		db,
		`SELECT query, country, group_concat(DISTINCT lang) AS langs, count(*) AS n,
				max(created_at) AS last_at, max(request_id) AS request_id
			FROM search_miss
			WHERE triage = ? AND created_at >= ?
			GROUP BY query, country`,
	).all(options.triage ?? 'new', options.since ?? 0) as {
		query: string;
		country: string;
		langs: string;
		n: number;
		last_at: number;
		request_id: number | null;
	}[];
	const groups = new Map<string, SearchMissGroup>();
	for (const r of rows) {
		let g = groups.get(r.query);
		if (!g) {
			g = { query: r.query, count: 0, countries: [], langs: [], lastAt: 0, requestId: null };
			groups.set(r.query, g);
		}
		g.count += r.n;
		g.countries.push({ country: r.country, count: r.n });
		for (const l of r.langs.split(',')) if (!g.langs.includes(l)) g.langs.push(l);
		g.lastAt = Math.max(g.lastAt, r.last_at);
		g.requestId ??= r.request_id;
	}
	const list = [...groups.values()];
	for (const g of list)
		g.countries.sort((a, b) => b.count - a.count || a.country.localeCompare(b.country));
	list.sort((a, b) => b.count - a.count || b.lastAt - a.lastAt || a.query.localeCompare(b.query));
	return options.limit ? list.slice(0, options.limit) : list;
}

/** Sets the triage of every new miss of a query; returns how many changed. */
export function triageSearchMisses(
	db: Database,
	query: string,
	triage: 'dismissed' | 'requested',
	requestId: number | null,
): number {
	return prepare(
		db,
		"UPDATE search_miss SET triage = ?, request_id = ? WHERE query = ? AND triage = 'new'",
	).run(triage, requestId, query).changes;
}

/** The language of a query still to triage (its most recent miss), or null when none is new. */
export function findNewSearchMissLang(db: Database, query: string): string | null {
	return (
		(prepare(
			db,
			"SELECT lang FROM search_miss WHERE query = ? AND triage = 'new' ORDER BY created_at DESC LIMIT 1",
		)
			.pluck()
			.get(query) as string | undefined) ?? null
	);
}
