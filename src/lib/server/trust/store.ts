// What the trust badge of a practice says, and who may vouch for it: read straight from the practice
// register (verification, review date, retirement), the countries' answers and the post-mortems that
// name it. The badge, the "Practices to review" list and the commands all read it from here.
import type { Database } from 'better-sqlite3';
import { prepare } from '../db';
import { listPracticeOwners } from '../practices/owed';
import { getPracticeRecords } from '../practices/registry';
import { SECONDS_PER_DAY } from '../time';
import type { User } from '../user';

/** A practice is listed for review this many days before its review date. */
export const REVIEW_SOON_DAYS = 30;

/** The country answers a badge tallies, in the order it shows them. */
export const ANSWER_STATUSES = [
	'adopted',
	'adapted',
	'trying',
	'on-hold',
	'rejected',
	'not-relevant',
] as const;
export type AnswerStatus = (typeof ANSWER_STATUSES)[number];

type Actor = Pick<User, 'id' | 'role' | 'hq' | 'active'> & Partial<Pick<User, 'personId'>>;

/** 'YYYY-MM-DD' of a unix time, in UTC (review dates are calendar days, like the authors' dates). */
export function toDay(seconds: number): string {
	return new Date(seconds * 1000).toISOString().slice(0, 10);
}

/** Unix seconds at 00:00 UTC of a 'YYYY-MM-DD' day. */
export function dayToSeconds(day: string): number {
	return Math.floor(Date.parse(`${day}T00:00:00Z`) / 1000);
}

/**
 * The same calendar day a year later ('2028-02-29' has none: the 28th).
 * @example addYear('2026-12-02') // '2027-12-02'
 */
export function addYear(day: string): string {
	const [y, m, d] = day.split('-').map(Number) as [number, number, number];
	const last = new Date(Date.UTC(y + 1, m, 0)).getUTCDate();
	return `${y + 1}-${String(m).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
}

/** Admins and HQ editors vouch for every practice, whoever wrote it. */
export function isTrustEditor(user: Actor | null): boolean {
	return (
		!!user && user.active && (user.role === 'admin' || (user.role === 'editor' && user.hq === true))
	);
}

/**
 * Whether `user` may say a practice is still valid, retire it, and see its reading figures: an admin,
 * an HQ editor, or one of its owners (its contacts; for a web study also its author).
 */
export function canManagePractice(db: Database, user: Actor | null, slug: string): boolean {
	if (!user?.active) return false;
	if (isTrustEditor(user)) return true;
	return listPracticeOwners(db, slug).includes(user.id);
}

/** A practice's row in the register, as the trust features read it. */
export interface PracticeTrust {
	slug: string;
	country: string;
	reviewBy: string;
	verifiedAt: number | null;
	verifiedByName: string | null;
	retiredAt: number | null;
	retiredByName: string | null;
	retiredReason: string;
	gone: boolean;
}

interface TrustRow {
	slug: string;
	country: string;
	review_by: string;
	verified_at: number | null;
	verified_by_name: string | null;
	retired_at: number | null;
	retired_by_name: string | null;
	retired_reason: string;
	gone_at: number | null;
}

const TRUST_SELECT = `SELECT practice.slug, practice.country, practice.review_by, practice.verified_at,
		member_name(verifier.name, verifier.erased_at) AS verified_by_name, practice.retired_at, member_name(retirer.name, retirer.erased_at) AS retired_by_name,
		practice.retired_reason, practice.gone_at
	FROM practice
	LEFT JOIN user AS verifier ON verifier.id = practice.verified_by
	LEFT JOIN user AS retirer ON retirer.id = practice.retired_by`;

function toTrust(row: TrustRow): PracticeTrust {
	return {
		slug: row.slug,
		country: row.country,
		reviewBy: row.review_by,
		verifiedAt: row.verified_at,
		verifiedByName: row.verified_by_name,
		retiredAt: row.retired_at,
		retiredByName: row.retired_by_name,
		retiredReason: row.retired_reason,
		gone: row.gone_at !== null,
	};
}

/** The register's row of a practice; `null` when the portal never listed it. */
export function getPracticeTrust(db: Database, slug: string): PracticeTrust | null {
	const row = prepare(db, `${TRUST_SELECT} WHERE practice.slug = ?`).get(slug) as
		| TrustRow
		| undefined;
	return row ? toTrust(row) : null;
}

/** Past its review date (on the day itself it is still valid). */
export function isExpired(p: Pick<PracticeTrust, 'reviewBy'>, nowSeconds: number): boolean {
	return p.reviewBy !== '' && p.reviewBy < toDay(nowSeconds);
}

/** Expired, or expiring within REVIEW_SOON_DAYS. */
export function isDueForReview(p: Pick<PracticeTrust, 'reviewBy'>, nowSeconds: number): boolean {
	return p.reviewBy !== '' && p.reviewBy <= toDay(nowSeconds + REVIEW_SOON_DAYS * SECONDS_PER_DAY);
}

/** Everything the badge shows. */
export interface TrustBadgeData extends PracticeTrust {
	expired: boolean;
	/** Country answers by status (statuses without answers left out). */
	tally: { status: AnswerStatus; count: number }[];
	answers: number;
	postMortems: number;
	/** The viewer may confirm, retire and see the figures. */
	canManage: boolean;
}

/**
 * The badge of a practice for `viewer`; `null` when the practice is not in the register.
 * @example getTrustBadge(db, 'alpha-launch', user, now)?.expired
 */
export function getTrustBadge(
	db: Database,
	slug: string,
	viewer: Actor | null,
	nowSeconds: number,
): TrustBadgeData | null {
	const trust = getPracticeTrust(db, slug);
	if (!trust) return null;
	const counts = new Map(
		(
			prepare(
				db,
				`SELECT country_answer.status, COUNT(*) AS n FROM country_answer
					WHERE country_answer.case_study = ? GROUP BY country_answer.status`,
			).all(slug) as { status: AnswerStatus; n: number }[]
		).map((r) => [r.status, r.n]),
	);
	const tally = ANSWER_STATUSES.filter((s) => counts.has(s)).map((status) => ({
		status,
		count: counts.get(status)!,
	}));
	const postMortems = prepare(
		db,
		`SELECT COUNT(*) FROM post_mortem WHERE post_mortem.practice = ? AND post_mortem.status = 'published'`,
	)
		.pluck()
		.get(slug) as number;
	return {
		...trust,
		expired: isExpired(trust, nowSeconds),
		tally,
		answers: tally.reduce((sum, s) => sum + s.count, 0),
		postMortems,
		canManage: canManagePractice(db, viewer, slug),
	};
}

/**
 * The practices `user` owns, the other way round from listPracticeOwners (the same rule: a contact
 * of a git practice, the author or a contact of a web one), in two queries whatever their number.
 */
export function listOwnedPracticeSlugs(db: Database, user: Actor): Set<string> {
	const owned = new Set<string>();
	if (user.personId)
		for (const r of getPracticeRecords()) if (r.contacts.includes(user.personId)) owned.add(r.slug);
	const web = prepare(
		db,
		`SELECT s.slug FROM submission s JOIN submission_version v ON v.id = s.live_version_id
			WHERE s.author_id = ?
				OR EXISTS (SELECT 1 FROM json_each(v.fields, '$.contacts') AS c WHERE c.value = ?)`,
	)
		.pluck()
		.all(user.id, user.id) as string[];
	for (const slug of web) owned.add(slug);
	return owned;
}

/**
 * The practices `user` should review: for admins and HQ editors every visible, unretired practice
 * past its review date or within REVIEW_SOON_DAYS of it; for other members those of them they own.
 * Oldest review date first.
 * @example listPracticesToReview(db, admin, now).map((p) => p.slug)
 */
export function listPracticesToReview(
	db: Database,
	user: Actor | null,
	nowSeconds: number,
): (PracticeTrust & { expired: boolean })[] {
	if (!user?.active) return [];
	const soon = toDay(nowSeconds + REVIEW_SOON_DAYS * SECONDS_PER_DAY);
	const rows = prepare(
		db,
		`${TRUST_SELECT}
			WHERE practice.gone_at IS NULL AND practice.retired_at IS NULL
				AND practice.review_by != '' AND practice.review_by <= ?
			ORDER BY practice.review_by, practice.slug`,
	).all(soon) as TrustRow[];
	const owned = isTrustEditor(user) ? null : listOwnedPracticeSlugs(db, user);
	return rows
		.filter((r) => !owned || owned.has(r.slug))
		.map((r) => {
			const p = toTrust(r);
			return { ...p, expired: isExpired(p, nowSeconds) };
		});
}

/**
 * Whether the member has anything to review (the menu shows the link only then); stops at the first.
 * @example hasPracticesToReview(db, user, now) // true
 */
export function hasPracticesToReview(
	db: Database,
	user: Actor | null,
	nowSeconds: number,
): boolean {
	if (!user?.active) return false;
	const slugs = prepare(
		db,
		`SELECT practice.slug FROM practice
			WHERE practice.gone_at IS NULL AND practice.retired_at IS NULL
				AND practice.review_by != '' AND practice.review_by <= ?`,
	)
		.pluck()
		.all(toDay(nowSeconds + REVIEW_SOON_DAYS * SECONDS_PER_DAY)) as string[];
	if (isTrustEditor(user)) return slugs.length > 0;
	if (slugs.length === 0) return false;
	const owned = listOwnedPracticeSlugs(db, user);
	return slugs.some((slug) => owned.has(slug));
}
