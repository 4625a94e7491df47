// Counting reads of a practice without storing who read what. A read adds one to the count of the
// practice, the reader's country and the ISO week; the member is counted once a day per practice by
// remembering a keyed hash of (member, practice, day) for two days. The key stays in DATA_DIR, so
// the hashes cannot be recomputed from the database alone, and after two days even they are gone.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Database } from 'better-sqlite3';
import { getAnalyticsRetentionMonths } from '../../config';
import { getDataDir, prepare } from '../db';
import { getNowSeconds, SECONDS_PER_DAY } from '../time';

/** The key's file in DATA_DIR, readable by the portal's account only. */
export const READ_KEY_FILE = 'read-count.key';

const keys = new Map<string, Buffer>();

/**
 * The secret of the daily read hashes, created once (32 random bytes, mode 0600). Several worker
 * processes may start together: the first to create the file wins and the others read it.
 */
export function getReadKey(dataDir = getDataDir()): Buffer {
	const known = keys.get(dataDir);
	if (known) return known;
	const file = path.join(dataDir, READ_KEY_FILE);
	let key: Buffer;
	try {
		key = crypto.randomBytes(32);
		fs.writeFileSync(file, key.toString('hex'), { flag: 'wx', mode: 0o600 });
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
		key = Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'hex');
		if (key.length < 32) throw new Error(`${file} is not a read-count key: delete it to make one`);
	}
	keys.set(dataDir, key);
	return key;
}

/**
 * The ISO 8601 week of a unix time, in UTC ('2026-W49'); sorts as text in time order.
 * @example isoWeek(1_767_225_600) // '2026-W01' (Thursday 1 January 2026)
 */
export function isoWeek(seconds: number): string {
	const date = new Date(Math.floor(seconds / SECONDS_PER_DAY) * SECONDS_PER_DAY * 1000);
	const weekday = date.getUTCDay() || 7;
	// The week belongs to the year of its Thursday.
	date.setUTCDate(date.getUTCDate() + 4 - weekday);
	const year = date.getUTCFullYear();
	const week = Math.ceil(((date.getTime() - Date.UTC(year, 0, 1)) / 86_400_000 + 1) / 7);
	return `${year}-W${String(week).padStart(2, '0')}`;
}

/** The day number (days since 1970-01-01, UTC) a read counts on. */
export function readDay(seconds: number): number {
	return Math.floor(seconds / SECONDS_PER_DAY);
}

/**
 * Counts one read of practice `slug` by a member of `country`, unless the same member already read
 * it today (UTC); `true` when counted. Nothing stored names the member.
 * @example recordPracticeRead(db, { userId: 3, country: 'PT', slug: 'alpha-launch' }, now) // true
 */
export function recordPracticeRead(
	db: Database,
	read: { userId: number; country: string | null; slug: string },
	nowSeconds = getNowSeconds(),
	key = getReadKey(),
): boolean {
	const day = readDay(nowSeconds);
	const digest = crypto
		.createHmac('sha256', key)
		.update(`${read.userId}|${read.slug}|${day}`)
		.digest('hex');
	return db
		.transaction(() => {
			const fresh =
				prepare(
					db,
					'INSERT INTO practice_read_seen (digest, day) VALUES (?, ?) ON CONFLICT (digest) DO NOTHING',
				).run(digest, day).changes > 0;
			if (!fresh) return false;
			prepare(
				db,
				`INSERT INTO practice_read (case_study, country, week, reads) VALUES (?, ?, ?, 1)
				ON CONFLICT (case_study, country, week) DO UPDATE SET reads = practice_read.reads + 1`,
			).run(read.slug, read.country ?? '', isoWeek(nowSeconds));
			return true;
		})
		.immediate();
}

/**
 * A page view the read count takes: a signed-in member's GET of a practice readers can see (a
 * prefetch is not a read). `source` restricts it to practices of one kind.
 */
export function countsAsRead(
	db: Database,
	slug: string,
	source: 'git' | 'web',
	headers: { purpose?: string | string[]; secPurpose?: string | string[] },
): boolean {
	const purpose = `${headers.purpose ?? ''} ${headers.secPurpose ?? ''}`;
	if (/prefetch|prerender/i.test(purpose)) return false;
	return (
		prepare(db, 'SELECT 1 FROM practice WHERE slug = ? AND source = ? AND gone_at IS NULL').get(
			slug,
			source,
		) !== undefined
	);
}

/**
 * The practice a prerendered page address shows ('/case-studies/alpha-launch/' or its French
 * twin), or `null` for any other address.
 */
export function practiceSlugOfPath(pathname: string): string | null {
	const m = /^(?:\/fr)?\/case-studies\/([a-z0-9]+(?:-[a-z0-9]+)*)(?:\/(?:index\.html)?)?$/.exec(
		pathname,
	);
	return m ? m[1]! : null;
}

/** Forgets the "already counted" hashes of days before yesterday. */
export function deleteStaleReadSeen(db: Database, nowSeconds = getNowSeconds()): number {
	return prepare(db, 'DELETE FROM practice_read_seen WHERE day < ?').run(readDay(nowSeconds) - 1)
		.changes;
}

/** The first ISO week still kept under a retention of `months` months. */
export function firstKeptWeek(nowSeconds: number, months: number): string {
	const now = new Date(nowSeconds * 1000);
	const cutoff = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - months, now.getUTCDate());
	return isoWeek(Math.floor(cutoff / 1000));
}

/**
 * Deletes the read counts of weeks older than the retention (ANALYTICS_RETENTION_MONTHS).
 * @example deleteOldReadWeeks(db, now, 24) // rows deleted
 */
export function deleteOldReadWeeks(
	db: Database,
	nowSeconds = getNowSeconds(),
	months = getAnalyticsRetentionMonths(),
): number {
	return prepare(db, 'DELETE FROM practice_read WHERE week < ?').run(
		firstKeptWeek(nowSeconds, months),
	).changes;
}
