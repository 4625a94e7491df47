// The register of practices readers can see, from both sources, in SQLite: the adoption loop (answers
// owed, reminders, review dates, the dashboard) needs dates and owners in SQL, not in a build.
// Git-authored practices are synced from the build's manifest (`data/practices.json`) at start and
// when a release goes live; web ones are registered inside their publish/unpublish transaction.
import fs from 'node:fs';
import path from 'node:path';
import type { Database } from 'better-sqlite3';
import { getClientDir } from '../../config';
import { prepare } from '../db';
import { enqueueJob } from '../jobs/queue';
import { SECONDS_PER_DAY } from '../time';

/** Answers are due this many days after a practice starts being owed them. */
export const ANSWER_DUE_DAYS = 30;
/** Focal points whose country has not answered are reminded this many days after publication. */
export const REMINDER_DAYS = [7, 21] as const;

/** A git-authored practice as the build lists it. */
export interface PracticeRecord {
	slug: string;
	title: string;
	lang: string;
	country: string;
	/** 'YYYY-MM-DD' */
	published: string;
	/** 'YYYY-MM-DD' */
	reviewBy: string;
	/** Ids of people (content/people) named as contacts. */
	contacts: string[];
}

let cached: PracticeRecord[] | null = null;

/** The practices of the running build; [] without one. */
export function getPracticeRecords(clientDir = getClientDir()): PracticeRecord[] {
	if (cached) return cached;
	if (!clientDir) return [];
	cached = readPracticeRecords(clientDir);
	return cached;
}

/** The practices of the build in `clientDir`, read now (a new release may list others); [] if none. */
export function readPracticeRecords(clientDir: string): PracticeRecord[] {
	try {
		return JSON.parse(
			fs.readFileSync(path.join(clientDir, 'data', 'practices.json'), 'utf8'),
		) as PracticeRecord[];
	} catch {
		return [];
	}
}

function dayToSeconds(day: string): number {
	return Math.floor(Date.parse(`${day}T00:00:00Z`) / 1000);
}

/** Jobs a practice needs from the day it is owed answers: reminders, and its review date. */
function queuePracticeJobs(
	db: Database,
	p: { slug: string; owedFrom: number; reviewBy: string },
	nowSeconds: number,
): void {
	for (const day of REMINDER_DAYS)
		enqueueJob(
			db,
			{
				kind: 'answer-reminder',
				key: `answer-reminder:${p.slug}:${p.owedFrom}:${day}`,
				runAt: p.owedFrom + day * SECONDS_PER_DAY,
				payload: { caseStudy: p.slug, day },
			},
			nowSeconds,
		);
	// A date already past when first seen (an old practice, a first start on existing content) is
	// not mailed about: it is listed as expired on the review page; one passed while the server was
	// down was queued before, and runs.
	if (p.reviewBy && dayToSeconds(p.reviewBy) > nowSeconds)
		enqueueJob(
			db,
			{
				kind: 'practice-review-due',
				key: `practice-review-due:${p.slug}:${p.reviewBy}`,
				runAt: dayToSeconds(p.reviewBy),
				payload: { caseStudy: p.slug, reviewBy: p.reviewBy },
			},
			nowSeconds,
		);
}

/**
 * Registers a practice that readers can now see (new, or back after it was gone), or updates it;
 * queues its reminders and review-date job. Call it inside the transaction that makes it visible.
 * A practice older than the loop is owed answers from the day the portal first saw it.
 */
export function registerPractice(
	db: Database,
	p: {
		slug: string;
		country: string;
		source: 'git' | 'web';
		publishedAt: number;
		reviewBy: string;
	},
	nowSeconds: number,
): void {
	const existing = prepare(
		db,
		'SELECT owed_from, gone_at, review_by FROM practice WHERE slug = ?',
	).get(p.slug) as { owed_from: number; gone_at: number | null; review_by: string } | undefined;
	if (!existing) {
		const owedFrom = Math.max(p.publishedAt, nowSeconds);
		prepare(
			db,
			`INSERT INTO practice (slug, country, source, published_at, first_seen_at, owed_from, review_by)
				VALUES (?, ?, ?, ?, ?, ?, ?)`,
		).run(p.slug, p.country, p.source, p.publishedAt, nowSeconds, owedFrom, p.reviewBy);
		queuePracticeJobs(db, { slug: p.slug, owedFrom, reviewBy: p.reviewBy }, nowSeconds);
		return;
	}
	// A later "still valid" may have pushed the review date past the author's: keep the later one.
	const reviewBy = p.reviewBy > existing.review_by ? p.reviewBy : existing.review_by;
	prepare(
		db,
		`UPDATE practice SET country = ?, source = ?, published_at = ?, review_by = ?, gone_at = NULL
			WHERE slug = ?`,
	).run(p.country, p.source, p.publishedAt, reviewBy, p.slug);
	queuePracticeJobs(db, { slug: p.slug, owedFrom: existing.owed_from, reviewBy }, nowSeconds);
}

/** Readers can no longer see the practice: nothing is owed while it is gone; its rows stay. */
export function markPracticeGone(db: Database, slug: string, nowSeconds: number): void {
	prepare(db, 'UPDATE practice SET gone_at = ? WHERE slug = ? AND gone_at IS NULL').run(
		nowSeconds,
		slug,
	);
}

/**
 * Brings the git-authored part of the register in line with a build: registers every practice it
 * lists and marks gone those it no longer lists. One transaction.
 * @example syncGitPractices(db, getPracticeRecords(), getNowSeconds())
 */
export function syncGitPractices(
	db: Database,
	records: readonly PracticeRecord[],
	nowSeconds: number,
): void {
	if (records.length === 0) return; // no build (a test, a broken manifest): never mark all gone
	db.transaction(() => {
		const listed = new Set<string>();
		for (const r of records) {
			listed.add(r.slug);
			registerPractice(
				db,
				{
					slug: r.slug,
					country: r.country,
					source: 'git',
					publishedAt: dayToSeconds(r.published),
					reviewBy: r.reviewBy,
				},
				nowSeconds,
			);
		}
		const known = prepare(db, "SELECT slug FROM practice WHERE source = 'git' AND gone_at IS NULL")
			.pluck()
			.all() as string[];
		for (const slug of known) if (!listed.has(slug)) markPracticeGone(db, slug, nowSeconds);
	}).immediate();
}
