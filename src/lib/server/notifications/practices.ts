// Titles and links of practices for mails, from both sources without the content layer (the job
// runner runs outside Astro): the build's manifest for git-authored ones, SQLite for web ones.
import type { Database } from 'better-sqlite3';
import { localizePath } from '../../i18n';
import type { Lang } from '../../taxonomy';
import { prepare } from '../db';
import { getPracticeRecords } from '../practices/registry';
import { absoluteUrl } from '../urls';

export interface PracticeInfo {
	slug: string;
	title: string;
	country: string;
	owedFrom: number;
	publishedAt: number;
	reviewBy: string;
	/** Gone from the catalogue or retired: nothing is owed on it any more. */
	inactive: boolean;
}

/**
 * A registered practice with its title; `null` when the register does not know it.
 * @example getPracticeInfo(db, 'alpha-launch')?.title
 */
export function getPracticeInfo(db: Database, slug: string): PracticeInfo | null {
	const row = prepare(
		db,
		`SELECT slug, country, owed_from, published_at, review_by, gone_at, retired_at FROM practice
			WHERE slug = ?`,
	).get(slug) as
		| {
				slug: string;
				country: string;
				owed_from: number;
				published_at: number;
				review_by: string;
				gone_at: number | null;
				retired_at: number | null;
		  }
		| undefined;
	if (!row) return null;
	return {
		slug: row.slug,
		title: getPracticeTitle(db, slug),
		country: row.country,
		owedFrom: row.owed_from,
		publishedAt: row.published_at,
		reviewBy: row.review_by,
		inactive: row.gone_at !== null || row.retired_at !== null,
	};
}

/** The practice's title as readers see it; its slug when neither source has it any more. */
export function getPracticeTitle(db: Database, slug: string): string {
	const git = getPracticeRecords().find((r) => r.slug === slug);
	if (git) return git.title;
	const web = prepare(
		db,
		`SELECT json_extract(v.fields, '$.title') FROM submission s
			JOIN submission_version v ON v.id = s.live_version_id WHERE s.slug = ?`,
	)
		.pluck()
		.get(slug) as string | null | undefined;
	return web || slug;
}

/** The absolute link to a practice's page. */
export function practiceUrl(slug: string, lang: Lang): string {
	return absoluteUrl(localizePath(`/case-studies/${slug}/`, lang));
}
