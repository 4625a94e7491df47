// Every published case study, git-authored and web-submitted, for pages rendered on request. The web
// part is read from SQLite and kept until what is live changes (a cheap fingerprint query per call),
// so a publication shows up in listings, facets and feeds on the next request, with no build.
import type { Database } from 'better-sqlite3';
import { getCaseStudies, type CaseStudy } from '../../content';
import { getUserById } from '../user';
import { getLiveFingerprint, listLiveSubmissions, listMedia } from './store';
import { isWebStudy, toMediaViews, toWebStudy, type WebStudy } from './web-study';

let cache: { fingerprint: string; all: CaseStudy[]; web: Map<string, WebStudy> } | null = null;

function loadWebStudies(db: Database): Map<string, WebStudy> {
	const live = listLiveSubmissions(db);
	const groupOf = (s: { id: number; translationOf: number | null }) => s.translationOf ?? s.id;
	const studies = new Map<string, WebStudy>();
	for (const s of live) {
		const contacts = s.fields.contacts.flatMap((id) => {
			const u = getUserById(db, id);
			return u?.active
				? [{ userId: u.id, name: u.name, title: u.title, country: u.country, personId: u.personId }]
				: [];
		});
		const translations = live
			.filter((o) => o.id !== s.id && groupOf(o) === groupOf(s) && o.fields.lang !== s.fields.lang)
			.map((o) => ({ lang: o.fields.lang, slug: o.slug }));
		const study = toWebStudy({
			submissionId: s.id,
			slug: s.slug,
			versionId: s.versionId,
			version: s.versionNumber,
			fields: s.fields,
			firstPublishedAt: s.firstPublishedAt,
			media: toMediaViews(listMedia(db, s.id)),
			contacts,
			translations,
		});
		if (study) studies.set(study.id, study);
	}
	return studies;
}

async function load(db: Database) {
	const fingerprint = getLiveFingerprint(db);
	if (cache?.fingerprint === fingerprint) return cache;
	const git = await getCaseStudies();
	const web = loadWebStudies(db);
	const all = [...git, ...web.values()].sort(
		(a, b) => b.data.published.getTime() - a.data.published.getTime() || a.id.localeCompare(b.id),
	);
	cache = { fingerprint, all, web };
	return cache;
}

/** Published case studies from both sources, newest first. */
export async function getAllCaseStudies(db: Database): Promise<CaseStudy[]> {
	return (await load(db)).all;
}

/** A published web case study by slug, or null. */
export async function getWebStudy(db: Database, slug: string): Promise<WebStudy | null> {
	return (await load(db)).web.get(slug) ?? null;
}

/** A published case study of either source by slug, or null. */
export async function findCaseStudy(db: Database, slug: string): Promise<CaseStudy | null> {
	return (await load(db)).all.find((s) => s.id === slug) ?? null;
}

/** Slugs of the git-authored studies: a web submission never takes one. */
export async function getGitStudySlugs(): Promise<Set<string>> {
	return new Set((await getCaseStudies()).map((s) => s.id));
}

export { isWebStudy };
