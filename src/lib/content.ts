// The one place pages get content from: memoised (getCollection is slow when called per page),
// drafts filtered, sorted, and checked across entries (a contact must exist in people).
import fs from 'node:fs/promises';
import path from 'node:path';
import { getCollection, type CollectionEntry } from 'astro:content';
import { AstroError } from 'astro/errors';
import { selectPublished } from './case-studies';
import type { FacetableStudy } from './facets';
import { COVER_WIDTHS, PORTRAIT_WIDTHS, minSourceWidth } from './images';

export type CaseStudy = CollectionEntry<'case-studies'>;
export type Person = CollectionEntry<'people'>;

let cache: Promise<{ studies: CaseStudy[]; people: Person[] }> | undefined;

async function load() {
	const [allStudies, people] = await Promise.all([
		getCollection('case-studies'),
		getCollection('people'),
	]);
	checkContacts(allStudies, people);
	checkImageSizes(allStudies, people);
	const studies = selectPublished(allStudies);
	people.sort((a, b) => a.data.name.localeCompare(b.data.name));
	return { studies, people };
}

function checkContacts(studies: CaseStudy[], people: Person[]) {
	const ids = new Set(people.map((p) => p.id));
	for (const study of studies) {
		study.data.contacts.forEach((ref, i) => {
			if (!ids.has(ref.id)) {
				throw new AstroError(
					`${study.filePath ?? study.id}: contacts[${i}]: \`${ref.id}\` is not in the people collection`,
					`Add content/people/${ref.id}.mdx or use the id of an existing person (the file name without .mdx).`,
				);
			}
		});
	}
}

function checkImageSizes(studies: CaseStudy[], people: Person[]) {
	const check = (file: string, field: string, width: number, min: number) => {
		if (width < min) {
			throw new AstroError(
				`${file}: ${field}: the image is ${width}px wide, smaller than the ${min}px that pages use`,
				`Use an original at least ${min}px wide; smaller ones would be upscaled and blurry.`,
			);
		}
	};
	for (const s of studies)
		check(s.filePath ?? s.id, 'cover.src', s.data.cover.src.width, minSourceWidth(COVER_WIDTHS));
	for (const p of people) {
		if (p.data.photo)
			check(
				p.filePath ?? p.id,
				'photo.src',
				p.data.photo.src.width,
				minSourceWidth(PORTRAIT_WIDTHS),
			);
	}
}

function getContent() {
	// In dev, content changes between requests: only memoise in builds and on the server.
	if (import.meta.env.DEV) return load();
	cache ??= load();
	return cache;
}

/** Published case studies, newest first. */
export async function getCaseStudies(): Promise<CaseStudy[]> {
	return (await getContent()).studies;
}

/** Every person, by name. */
export async function getPeople(): Promise<Person[]> {
	return (await getContent()).people;
}

/** A person by id, or null. */
export async function getPerson(id: string): Promise<Person | null> {
	return (await getPeople()).find((p) => p.id === id) ?? null;
}

/** Case studies where `personId` is a contact. */
export async function getStudiesOfPerson(personId: string): Promise<CaseStudy[]> {
	return (await getCaseStudies()).filter((s) => s.data.contacts.some((c) => c.id === personId));
}

/** The facet view of a case study. */
export function toFacetable(study: CaseStudy): FacetableStudy & { study: CaseStudy } {
	return {
		id: study.id,
		title: study.data.title,
		country: study.data.country,
		topics: study.data.topics,
		models: study.data.models,
		channels: study.data.channels,
		lang: study.data.lang,
		published: study.data.published,
		study,
	};
}

/**
 * The HTML of a case study written in plain Markdown, rendered at content sync by
 * src/lib/markdown-mdx-loader.ts; null for a study that uses MDX (render it with `render()`).
 */
export async function readRenderedBody(study: CaseStudy): Promise<string | null> {
	const entry = study as CaseStudy & { deferredRender?: boolean; digest?: string };
	if (entry.deferredRender || !entry.digest) return null;
	const file = path.join(__RENDERED_MARKDOWN_DIR__, study.collection, `${entry.digest}.html`);
	try {
		return await fs.readFile(file, 'utf8');
	} catch {
		throw new AstroError(
			`${study.filePath ?? study.id}: its rendered body ${file} is missing`,
			'Build again: the next content sync renders it. Another build sharing the cache dir may have removed it.',
		);
	}
}
