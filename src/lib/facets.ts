// Faceted browsing that works without JavaScript: the selection lives in the query string, each
// facet value is a link or checkbox that toggles it, values OR within a group and groups AND together.
import { CHANNELS, isCountryCode, isTopic, LANGS, type Lang } from './taxonomy';

/** The fields a case study exposes to facets and sorting. */
export interface FacetableStudy {
	id: string;
	title: string;
	country: string;
	topics: readonly string[];
	models: readonly string[];
	channels: readonly string[];
	lang: Lang;
	published: Date;
}

export const FACET_GROUPS = ['country', 'topic', 'model', 'channel', 'lang'] as const;
export type FacetGroup = (typeof FACET_GROUPS)[number];
export const SORTS = ['date', 'title'] as const;
export type Sort = (typeof SORTS)[number];

export type FacetSelection = Record<FacetGroup, string[]> & { sort: Sort };

function valuesOf(study: FacetableStudy, group: FacetGroup): readonly string[] {
	switch (group) {
		case 'country':
			return [study.country];
		case 'topic':
			return study.topics;
		case 'model':
			return study.models;
		case 'channel':
			return study.channels;
		case 'lang':
			return [study.lang];
	}
}

// Groups with a closed list of values: anything else in a URL (a stale bookmark, a typo, an attack)
// is dropped, so no page ever asks for a label that does not exist. Models are free text, shown raw.
const KNOWN_VALUE: Partial<Record<FacetGroup, (value: string) => boolean>> = {
	country: isCountryCode,
	topic: isTopic,
	channel: (v) => (CHANNELS as readonly string[]).includes(v),
	lang: (v) => (LANGS as readonly string[]).includes(v),
};

/**
 * Reads a selection from a query string; unknown groups and unknown values of closed groups are
 * ignored, values de-duplicated, sort defaults to date.
 * @example parseFacetQuery(new URLSearchParams('country=IT&topic=zzz')).topic // []
 */
export function parseFacetQuery(params: URLSearchParams): FacetSelection {
	const selection = { sort: 'date' } as FacetSelection;
	for (const group of FACET_GROUPS) {
		const known = KNOWN_VALUE[group] ?? (() => true);
		const values = params
			.getAll(group)
			.map((v) => v.trim())
			.filter((v) => v.length > 0 && v.length <= 80 && known(v));
		selection[group] = [...new Set(values)];
	}
	const sort = params.get('sort');
	selection.sort = sort === 'title' ? 'title' : 'date';
	return selection;
}

/** The query string of a selection, in a stable order so equal selections share one URL. */
export function serializeFacetQuery(selection: FacetSelection): string {
	const params = new URLSearchParams();
	for (const group of FACET_GROUPS) {
		for (const value of [...selection[group]].sort()) params.append(group, value);
	}
	if (selection.sort !== 'date') params.set('sort', selection.sort);
	const s = params.toString();
	return s ? `?${s}` : '';
}

/** The selection with `value` added to or removed from `group`. */
export function toggleFacet(
	selection: FacetSelection,
	group: FacetGroup,
	value: string,
): FacetSelection {
	const current = selection[group];
	const next = current.includes(value) ? current.filter((v) => v !== value) : [...current, value];
	return { ...selection, [group]: next };
}

/** True when the study matches every group of the selection, ignoring `except`. */
function matches(study: FacetableStudy, selection: FacetSelection, except?: FacetGroup): boolean {
	for (const group of FACET_GROUPS) {
		if (group === except) continue;
		const wanted = selection[group];
		if (wanted.length === 0) continue;
		const have = valuesOf(study, group);
		if (!wanted.some((w) => have.includes(w))) return false;
	}
	return true;
}

/** Studies that match the selection, sorted by it (newest first, or title in the UI language's collation). */
export function applyFacets<T extends FacetableStudy>(
	studies: readonly T[],
	selection: FacetSelection,
	lang: Lang,
): T[] {
	const result = studies.filter((s) => matches(s, selection));
	return sortStudies(result, selection.sort, lang);
}

/** Sorts a copy: by date (newest first, then title) or by title. */
export function sortStudies<T extends FacetableStudy>(
	studies: readonly T[],
	sort: Sort,
	lang: Lang,
): T[] {
	const collator = new Intl.Collator(lang, { sensitivity: 'base', numeric: true });
	return [...studies].sort((a, b) =>
		sort === 'title'
			? collator.compare(a.title, b.title)
			: b.published.getTime() - a.published.getTime() || collator.compare(a.title, b.title),
	);
}

export interface FacetCount {
	value: string;
	count: number;
	selected: boolean;
}

/**
 * Counts per value as a user expects from an OR facet: how many studies the list would show if this
 * value were ticked too, given the other groups' selection (disjunctive faceting).
 * Selected values always appear, even at 0, so they can be unticked.
 */
export function countFacets(
	studies: readonly FacetableStudy[],
	selection: FacetSelection,
): Record<FacetGroup, FacetCount[]> {
	const out = {} as Record<FacetGroup, FacetCount[]>;
	for (const group of FACET_GROUPS) {
		const counts = new Map<string, number>();
		for (const study of studies) {
			if (!matches(study, selection, group)) continue;
			for (const v of new Set(valuesOf(study, group))) counts.set(v, (counts.get(v) ?? 0) + 1);
		}
		for (const v of selection[group]) if (!counts.has(v)) counts.set(v, 0);
		out[group] = [...counts.entries()]
			.map(([value, count]) => ({ value, count, selected: selection[group].includes(value) }))
			// Ticked values first, so a long, scrolling group never hides what is selected.
			.sort(
				(a, b) =>
					Number(b.selected) - Number(a.selected) ||
					b.count - a.count ||
					a.value.localeCompare(b.value),
			);
	}
	return out;
}

/** True when nothing is selected. */
export function isEmptySelection(selection: FacetSelection): boolean {
	return FACET_GROUPS.every((g) => selection[g].length === 0);
}

/**
 * How many studies have each value, per group, in the shape Pagefind's `filters()` answers
 * (`{ country: { IT: 3 } }`): the search page draws its lists from it before any search, instead of
 * fetching every filter chunk of the index.
 */
export function countFacetValues(
	studies: readonly FacetableStudy[],
): Record<FacetGroup, Record<string, number>> {
	const counts = countFacets(studies, parseFacetQuery(new URLSearchParams()));
	const out = {} as Record<FacetGroup, Record<string, number>>;
	for (const group of FACET_GROUPS)
		out[group] = Object.fromEntries(counts[group].map(({ value, count }) => [value, count]));
	return out;
}
