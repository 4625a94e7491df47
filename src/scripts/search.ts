// Search page client: Pagefind's JS API with our own filter UI, so filters work without a query
// (a null term browses by filter) and the state lives in the URL (shareable, back button works).
// Members also search the post-mortems: a second Pagefind index served at /members-search/ to
// signed-in members only is merged in when it answers (absent, or 401 when signed out under public
// access: the public index alone is searched). A synthetic `kind` filter tells practices from
// post-mortems. Known limit: relevance scores of two merged indexes are not comparable
// (Pagefind issue #796), so relevance order across practices and post-mortems is approximate.
// Pagefind finds only pages with every word: when none has them all, the page searches each word
// and shows the pages with the most of them, with a note; a word found nowhere gets a "did you
// mean" from the index's vocabulary (built with the index, src/integrations/pagefind.ts).
// Past a few thousand studies the public index comes in shards (one Pagefind process could not
// write it in the build's memory): /pagefind/cd-shards.json lists the ones to merge into the primary.
// They are built so that merged results keep their date order and comparable relevance scores.
// The members' records do not keep it: their index's date map (cd-dates.json, beside it) dates them
// without a fragment each, and the list in date order is merged on demand (src/lib/date-merge.ts).
import {
	correctQuery,
	isKnownWord,
	marksMatchWord,
	queryWords,
	rankPartialMatches,
} from '../lib/search-query';
import { listOf, mergeByDate, sortDate, type ResultList } from '../lib/date-merge';

interface PagefindResultData {
	url: string;
	excerpt: string;
	meta: Record<string, string>;
	filters?: Record<string, string[]>;
}
interface PagefindResult {
	id: string;
	score?: number;
	data: () => Promise<PagefindResultData>;
	/** Words of the query this page lacks (partial matches only). */
	missing?: string[];
}
type PagefindFilters = Record<string, { any: string[] }>;
/** Per filter group, the pages of each value: `{ country: { IT: 3 } }`. */
type FilterCounts = Record<string, Record<string, number>>;
interface PagefindResponse {
	results: PagefindResult[];
	filters: FilterCounts;
	totalFilters?: FilterCounts;
}
interface PagefindApi {
	options: (o: Record<string, unknown>) => Promise<void>;
	init: () => Promise<void>;
	destroy?: () => Promise<void>;
	mergeIndex: (url: string, o?: Record<string, unknown>) => Promise<void>;
	filters: () => Promise<FilterCounts>;
	search: (
		term: string | null,
		o: { filters?: PagefindFilters; sort?: Record<string, 'asc' | 'desc'> },
	) => Promise<PagefindResponse>;
}

const GROUPS = ['kind', 'country', 'topic', 'model', 'channel', 'lang'] as const;
// The first screen loads few result fragments: each is a request, and most readers look at the top.
const FIRST_PAGE = 5;
const PAGE = 10;
const MEMBERS_INDEX = '/members-search/';
const MEMBERS_DATES = `${MEMBERS_INDEX}cd-dates.json`;
// Every record of the public index is a practice; the members' index tags its own records.
const PUBLIC_OPTIONS = { excerptLength: 24, mergeFilter: { kind: 'practice' } };
const VOCABULARY = '/pagefind/cd-vocabulary.json';
const SHARDS = '/pagefind/cd-shards.json';
// The options of a shard: options() reaches only the primary index.
const SHARD_OPTIONS = { mergeFilter: PUBLIC_OPTIONS.mergeFilter };
// Partial matches: the groups of pages searched again with their own words, for excerpts marking them.
const REFETCHED_GROUPS = 4;
// Up to this many partial matches, filter counts come from the results themselves (a fragment each).
const COUNTED_PARTIAL = 30;
// Filters on wide screens are a sidebar, always open; on small ones they wait to be asked for.
const WIDE = '(min-width: 60rem)';
// A query that found nothing is reported once typing has settled, so editors see what members looked
// for in vain; half-typed words are never sent.
const MISS_SETTLE_MS = 1500;
const MISS_MIN_CHARS = 3;
const MISS_ENDPOINT = '/api/search-miss';

class CdSearch extends HTMLElement {
	private pagefind: PagefindApi | null = null;
	/** The public index's other shards, merged into the primary in this order. */
	private shards: string[] = [];
	/** The members' index is merged: its results come ordered by score, whatever the sort. */
	private merged = false;
	/** The members' page ids and dates, when their date map matches the merged index; else null. */
	private memberDates: Map<string, string> | null = null;
	private results: ResultList<PagefindResult> = listOf([]);
	private shown = 0;
	private uiLang = this.dataset.lang ?? 'en';
	private labels = JSON.parse(this.dataset.labels ?? '{}');
	private strings = JSON.parse(this.dataset.strings ?? '{}');
	private form = this.querySelector<HTMLFormElement>('[data-cd-search-form]')!;
	private status = this.querySelector<HTMLElement>('[data-cd-status]')!;
	private list = this.querySelector<HTMLOListElement>('[data-cd-results]')!;
	private more = this.querySelector<HTMLButtonElement>('[data-cd-more]')!;
	private filterBox = this.querySelector<HTMLElement>('[data-cd-filters]')!;
	private filterPanel = this.querySelector<HTMLDetailsElement>('[data-cd-filter-panel]')!;
	private filterSummary = this.querySelector<HTMLElement>('[data-cd-filter-summary]')!;
	private note = this.querySelector<HTMLElement>('[data-cd-note]')!;
	private suggest = this.querySelector<HTMLElement>('[data-cd-suggest]')!;
	private query = this.querySelector<HTMLInputElement>('#cd-search-q')!;
	private vocabulary: Promise<string[]> | null = null;
	/** Filter groups whose zero-count values the reader asked to see. */
	private expanded = new Set<string>();
	private regionNames = new Intl.DisplayNames([this.uiLang], { type: 'region' });
	private missTimer: number | undefined;
	private reportedMisses = new Set<string>();

	async connectedCallback() {
		const params = new URLSearchParams(location.search);
		const q = this.form.elements.namedItem('q') as HTMLInputElement;
		const sort = this.form.elements.namedItem('sort') as HTMLSelectElement;
		q.value = params.get('q') ?? '';
		sort.value = params.get('sort') === 'date' ? 'date' : '';
		try {
			const url = '/pagefind/pagefind.js';
			// The shard list loads beside pagefind.js, not after it.
			const shards = loadShardList();
			// Read below; until then a failure must not count as unhandled.
			shards.catch(() => {});
			this.pagefind = (await import(/* @vite-ignore */ url)) as PagefindApi;
			this.shards = await shards;
			await this.openPublicIndex();
			await this.mergeMembersIndex();
		} catch {
			this.status.textContent = this.strings.error;
			return;
		}
		this.form.addEventListener('submit', (e) => {
			e.preventDefault();
			this.run(true);
		});
		// The filter boxes sit outside the form element (form="…"): their changes bubble here.
		this.addEventListener('change', (e) => {
			if ((e.target as HTMLElement).matches('input[type=checkbox], select')) this.run(true);
		});
		const wide = window.matchMedia(WIDE);
		// A sidebar that cannot close: its summary is a heading there, out of the tab order.
		const layout = () => {
			this.filterPanel.open = wide.matches;
			this.filterSummary.tabIndex = wide.matches ? -1 : 0;
		};
		layout();
		wide.addEventListener('change', layout);
		this.filterBox.addEventListener('click', (e) => {
			const toggle = (e.target as HTMLElement).closest<HTMLButtonElement>('[data-cd-toggle]');
			if (!toggle) return;
			const group = toggle.dataset.cdToggle!;
			if (this.expanded.has(group)) this.expanded.delete(group);
			else this.expanded.add(group);
			this.hideEmptyValues();
		});
		this.suggest.addEventListener('click', (e) => {
			const link = (e.target as HTMLElement).closest<HTMLAnchorElement>('a');
			if (!link) return;
			e.preventDefault();
			q.value = new URL(link.href).searchParams.get('q') ?? '';
			this.run(true);
			q.focus();
		});
		this.addEventListener('keydown', (e) => this.onKey(e));
		let timer: number | undefined;
		q.addEventListener('input', () => {
			clearTimeout(timer);
			timer = window.setTimeout(() => this.run(true), 200);
		});
		this.more.addEventListener('click', () => this.showMore());
		window.addEventListener('popstate', () => location.reload());
		// With a query or filters in the URL, search at once and load the filter lists after the first
		// results are on screen. Otherwise draw the lists as the build counted them and wait: no result
		// fragment and no filter chunk is fetched; Pagefind's own lists come after the first search.
		if (q.value || GROUPS.some((g) => params.has(g))) {
			await this.run(false, params);
			await this.loadFilters(params);
		} else {
			const built = readFilterCounts(this.dataset.facets);
			if (built) {
				this.renderFilters(built, params);
				this.showCounts(built);
				this.countsFromBuild = true;
			} else await this.loadFilters(params);
			this.status.textContent = this.strings.ready;
		}
		if (!q.value) q.focus();
	}

	/**
	 * The primary index with its shards merged. A shard that fails would leave an instance that
	 * fails every search: the whole index starts over once, then the failure stands.
	 */
	private async openPublicIndex() {
		const pagefind = this.pagefind!;
		for (let attempt = 1; ; attempt++) {
			try {
				await pagefind.options(PUBLIC_OPTIONS);
				await pagefind.init();
				// Called in order at once: Pagefind keeps instances in call order, and that order settles
				// ties of a merged date sort.
				await Promise.all(this.shards.map((url) => pagefind.mergeIndex(url, SHARD_OPTIONS)));
				return;
			} catch (error) {
				if (!pagefind.destroy || attempt === 2) throw error;
				await pagefind.destroy();
			}
		}
	}

	/** Adds the post-mortems when the members' index is there for this visitor; else changes nothing. */
	private async mergeMembersIndex() {
		const pagefind = this.pagefind!;
		try {
			const probe = await fetch(`${MEMBERS_INDEX}pagefind-entry.json`, {
				credentials: 'same-origin',
				cache: 'no-store',
			});
			if (!probe.ok) return;
			const dates = loadDateMap(await probe.json());
			// Read below; until then a failure must not count as unhandled.
			dates.catch(() => {});
			await pagefind.mergeIndex(MEMBERS_INDEX);
			this.merged = true;
			// Without the map, date order loads every result (correct, slower).
			this.memberDates = await dates.catch(() => null);
		} catch {
			// A half-merged index would fail every search: start over with the public index alone.
			if (pagefind.destroy) {
				await pagefind.destroy();
				await this.openPublicIndex();
			}
		}
	}

	/** Pagefind's filter lists are loaded and drawn: the counts in its answers are complete. */
	private filtersLoaded = false;
	/** Pagefind's filter lists, loading or loaded; loaded once. */
	private pagefindFilters: Promise<void> | null = null;
	/**
	 * The lists show the build's counts (every public page): a search before Pagefind's lists are
	 * loaded counts only the groups whose chunk it loaded, so those counts wait for the lists.
	 */
	private countsFromBuild = false;

	/** Renders Pagefind's filter lists, once: it counts filter values in answers only once loaded. */
	private loadFilters(params: URLSearchParams): Promise<void> {
		this.pagefindFilters ??= this.fetchFilters(params);
		return this.pagefindFilters;
	}

	private async fetchFilters(params: URLSearchParams) {
		try {
			const all = await this.pagefind!.filters();
			const fromBuild = this.countsFromBuild;
			// Lists drawn from the build's counts may have been ticked since: keep what is ticked now.
			const selected = fromBuild ? this.selectedFilters() : params;
			this.renderFilters(all, selected);
			this.filtersLoaded = true;
			this.countsFromBuild = false;
			if (fromBuild || this.results.total || GROUPS.some((g) => selected.has(g)))
				await this.run(false, null, true);
		} catch {
			// The lists are a convenience: the search itself already works.
		} finally {
			this.countsFromBuild = false;
		}
	}

	/** The ticked filter values, as query parameters. */
	private selectedFilters(): URLSearchParams {
		const selected = new URLSearchParams();
		for (const box of this.filterBox.querySelectorAll<HTMLInputElement>('input:checked'))
			selected.append(box.name, box.value);
		return selected;
	}

	private label(group: string, value: string): string {
		if (group === 'country') return this.regionNames.of(value) ?? value;
		return this.labels[group]?.[value] ?? value;
	}

	private renderFilters(all: FilterCounts, params: URLSearchParams) {
		// Redrawn lists keep the counts on screen until the next answer replaces them.
		const shown = new Map(
			Array.from(this.filterBox.querySelectorAll<HTMLElement>('[data-count]'), (el) => [
				el.dataset.count!,
				el.dataset.n,
			]),
		);
		this.filterBox.replaceChildren();
		for (const group of GROUPS) {
			const values = Object.keys(all[group] ?? {}).sort((a, b) =>
				this.label(group, a).localeCompare(this.label(group, b), this.uiLang),
			);
			// A type filter with only practices in it (no post-mortem index) would choose nothing.
			if (values.length === 0 || (group === 'kind' && values.length < 2)) continue;
			const fieldset = document.createElement('fieldset');
			fieldset.className = 'cd-search__group';
			const legend = document.createElement('legend');
			legend.textContent = this.labels.facet[group];
			fieldset.append(legend);
			const selected = params.getAll(group);
			for (const value of values) {
				const label = document.createElement('label');
				const box = document.createElement('input');
				box.type = 'checkbox';
				box.setAttribute('form', this.form.id);
				box.name = group;
				box.value = value;
				box.checked = selected.includes(value);
				const text = document.createElement('span');
				text.textContent = this.label(group, value);
				const count = document.createElement('span');
				count.className = 'cd-muted';
				count.dataset.count = `${group}:${value}`;
				const n = shown.get(count.dataset.count);
				if (n !== undefined) {
					count.dataset.n = n;
					count.textContent = `(${n})`;
				}
				label.append(box, text, count);
				fieldset.append(label);
			}
			const toggle = document.createElement('button');
			toggle.type = 'button';
			toggle.className = 'cd-search__toggle';
			toggle.dataset.cdToggle = group;
			toggle.hidden = true;
			fieldset.append(toggle);
			this.filterBox.append(fieldset);
		}
		this.updateFilterSummary();
	}

	/** Shows each value's count (0 when `counts` lacks it) and hides the empty ones. */
	private showCounts(counts: FilterCounts | null) {
		for (const el of this.filterBox.querySelectorAll<HTMLElement>('[data-count]')) {
			const [g, v] = el.dataset.count!.split(':');
			const n = counts?.[g]?.[v] ?? 0;
			el.dataset.n = String(n);
			el.textContent = `(${n})`;
		}
		this.hideEmptyValues();
	}

	/** "Filters (2)": how many values are chosen, seen even while the panel is closed. */
	private updateFilterSummary() {
		const n = this.querySelectorAll('input[type=checkbox][form]:checked').length;
		this.filterSummary.textContent = n
			? this.strings.filtersActive.replace('{count}', new Intl.NumberFormat(this.uiLang).format(n))
			: this.strings.filters;
	}

	/** Values no result has (count 0) wait behind "More (n)", unless chosen or asked for. */
	private hideEmptyValues() {
		for (const fieldset of this.filterBox.querySelectorAll<HTMLElement>('.cd-search__group')) {
			const toggle = fieldset.querySelector<HTMLButtonElement>('[data-cd-toggle]')!;
			const group = toggle.dataset.cdToggle!;
			let empty = 0;
			for (const label of fieldset.querySelectorAll('label')) {
				const box = label.querySelector('input')!;
				const zero = label.querySelector<HTMLElement>('[data-count]')!.dataset.n === '0';
				const hide = zero && !box.checked;
				if (hide) empty++;
				label.hidden = hide && !this.expanded.has(group);
			}
			toggle.hidden = empty === 0;
			toggle.textContent = this.expanded.has(group)
				? this.strings.filtersFewer
				: this.strings.filtersMore.replace(
						'{count}',
						new Intl.NumberFormat(this.uiLang).format(empty),
					);
			toggle.setAttribute('aria-expanded', String(this.expanded.has(group)));
		}
	}

	/** Arrow keys: from the box to the first result, then result to result, and back up to the box. */
	private onKey(e: KeyboardEvent) {
		if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
		if (e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return;
		const links = Array.from(this.list.querySelectorAll<HTMLAnchorElement>('.cd-search__hit h2 a'));
		if (links.length === 0) return;
		const target = e.target as HTMLElement;
		let next: HTMLElement | null = null;
		if (target === this.query) {
			if (e.key === 'ArrowDown') next = links[0];
		} else {
			const i = links.indexOf(target as HTMLAnchorElement);
			if (i === -1) return;
			next = e.key === 'ArrowDown' ? (links[i + 1] ?? null) : i === 0 ? this.query : links[i - 1];
		}
		if (!next) return;
		e.preventDefault();
		next.focus();
		if (next !== this.query) next.closest('li')?.scrollIntoView({ block: 'nearest' });
	}

	/** The words of the index, for "did you mean"; loaded the first time a word is found nowhere. */
	private async loadVocabulary(): Promise<string[]> {
		this.vocabulary ??= fetch(VOCABULARY, { credentials: 'same-origin' })
			.then((r) => (r.ok ? r.json() : { words: [] }))
			.then((d: { words?: unknown }) =>
				Array.isArray(d.words) ? d.words.filter((w): w is string => typeof w === 'string') : [],
			)
			.catch(() => []);
		return this.vocabulary;
	}

	/** Query words the index does not have (Pagefind would quietly search a prefix of them instead). */
	private async unknownWords(words: string[], filters: PagefindFilters): Promise<string[]> {
		const vocabulary = await this.loadVocabulary();
		const unknown: string[] = [];
		for (const word of words) {
			if (isKnownWord(word, vocabulary)) continue;
			// Not a public word: the members' index may have it, as the highlighted words tell.
			const first = (await this.pagefind!.search(word, { filters })).results[0];
			const marks = first ? markedWords((await first.data()).excerpt) : [];
			if (!marksMatchWord(word, marks)) unknown.push(word);
		}
		return unknown;
	}

	/**
	 * When no page has every word: one search per known word, pages with the most of them first, each
	 * with the words it lacks; and the filter counts of the best group.
	 */
	private async partialSearch(
		words: string[],
		unknown: string[],
		filters: PagefindFilters,
		byDate: boolean,
	): Promise<{
		results: PagefindResult[];
		counts: PagefindResponse['filters'] | null;
		/** With `byDate`: the results again, one list a word, each newest first. */
		dateLists: PagefindResult[][] | null;
	}> {
		const pagefind = this.pagefind!;
		const known = words.filter((w) => !unknown.includes(w));
		const answers = await Promise.all(
			known.map(async (word) => ({ word, answer: await pagefind.search(word, { filters }) })),
		);
		// Each word's pages in date order too (ids only, no fragment): scores rank the groups, dates
		// order what is shown.
		const dated = byDate
			? await Promise.all(
					known.map((word) => pagefind.search(word, { filters, sort: { date: 'desc' } })),
				)
			: null;
		const byId = new Map<string, PagefindResult>();
		for (const { answer } of answers) for (const r of answer.results) byId.set(r.id, r);
		const groups = rankPartialMatches(
			answers.map(({ word, answer }) => ({
				word,
				hits: answer.results.map((r) => ({ id: r.id, score: r.score ?? 0 })),
			})),
		);
		let counts: PagefindResponse['filters'] | null = null;
		const results: PagefindResult[] = [];
		for (const [i, group] of groups.entries()) {
			// Searching the group's own words again gives excerpts that mark all of them.
			const again =
				i < REFETCHED_GROUPS && group.words.length > 1
					? await pagefind.search(group.words.join(' '), { filters })
					: null;
			if (i === 0)
				counts = again?.filters ?? answers.find((a) => a.word === group.words[0])!.answer.filters;
			const fresh = new Map(again?.results.map((r) => [r.id, r]));
			const missing = words.filter((w) => !group.words.includes(w));
			for (const id of group.ids) results.push({ ...(fresh.get(id) ?? byId.get(id)!), missing });
		}
		// Pagefind counts pages with every word; these results are a union: count them, when few.
		if (results.length <= COUNTED_PARTIAL) counts = await countFilters(results);
		const prepared = new Map(results.map((r) => [r.id, r]));
		const dateLists =
			dated?.map((answer) => answer.results.flatMap((r) => prepared.get(r.id) ?? [])) ?? null;
		return { results, counts, dateLists };
	}

	/** A "did you mean" for the words the index does not have: the closest words it has. */
	private async suggestion(term: string, unknown: string[]) {
		if (unknown.length === 0) return null;
		return correctQuery(term, unknown, await this.loadVocabulary());
	}

	private showSuggestion(corrected: string | null) {
		this.suggest.replaceChildren();
		this.suggest.hidden = corrected === null;
		if (corrected === null) return;
		const [before, after = ''] = String(this.strings.didYouMean).split('{query}');
		const link = document.createElement('a');
		link.href = `?q=${encodeURIComponent(corrected)}`;
		link.textContent = corrected;
		this.suggest.append(before, link, after);
	}

	/** The language switch of the header keeps the query and filters (the page itself is static). */
	private updateLanguageLink(params: URLSearchParams) {
		const link = document.querySelector<HTMLAnchorElement>('[data-cd-lang-switch]');
		if (!link) return;
		const url = new URL(link.href);
		url.search = params.size ? `?${params}` : '';
		link.href = url.pathname + url.search;
	}

	/**
	 * Searches with the form's state (or `initial`, before the filter boxes exist). `countsOnly`
	 * refreshes the filter counts without touching the results on screen.
	 */
	private async run(pushUrl: boolean, initial: URLSearchParams | null = null, countsOnly = false) {
		if (!this.pagefind) return;
		const data = initial && !this.filtersLoaded ? initial : new FormData(this.form);
		// Asked before Pagefind's lists are loaded, its answer counts only some groups.
		const complete = !this.countsFromBuild;
		const term = String(data.get('q') ?? '').trim();
		const sort = data.get('sort') === 'date' ? 'date' : '';
		const filters: Record<string, { any: string[] }> = {};
		for (const group of GROUPS) {
			const values = data.getAll(group).map(String);
			if (values.length) filters[group] = { any: values };
		}
		const params = new URLSearchParams();
		if (term) params.set('q', term);
		for (const [g, f] of Object.entries(filters)) for (const v of f.any) params.append(g, v);
		if (sort) params.set('sort', sort);
		if (pushUrl)
			history.replaceState(null, '', `${location.pathname}${params.size ? `?${params}` : ''}`);
		this.updateLanguageLink(params);
		this.updateFilterSummary();
		// A null term lists everything that matches the filters: browsing without a query.
		const response = await this.pagefind.search(term || null, {
			filters,
			sort: sort || !term ? { date: 'desc' } : undefined,
		});
		let results = response.results;
		// Sorted by date: the results as lists each newest first, to merge (partial matches: one a word).
		let dateLists: PagefindResult[][] | null = null;
		let counts = response.filters;
		let partial = false;
		let corrected: string | null = null;
		const words = [...new Set(queryWords(term))];
		if (words.length) {
			// When the best result highlights every word, every word is in the index: no need for the
			// vocabulary (62 KB at 1000 studies), which stays for queries that may hold a typo.
			const firstMarks = results[0] ? markedWords((await results[0].data()).excerpt) : [];
			const unknown = words.every((w) => marksMatchWord(w, firstMarks))
				? []
				: await this.unknownWords(words, filters);
			if (unknown.length === words.length) {
				// Pagefind answered with stand-in prefixes ("Alpah" finds "a"): no page has the word.
				results = [];
				counts = {};
			} else if (unknown.length || (results.length === 0 && words.length > 1)) {
				const fallback = await this.partialSearch(words, unknown, filters, !!sort && !countsOnly);
				partial = fallback.results.length > 0;
				results = fallback.results;
				if (fallback.counts) counts = fallback.counts;
				if (partial) dateLists = fallback.dateLists;
			}
			if (!countsOnly) corrected = await this.suggestion(term, unknown);
		}
		// A newer search started while this one waited: its answer wins.
		if (term !== String(new FormData(this.form).get('q') ?? '').trim() && !initial) return;
		if (complete && !this.countsFromBuild) this.showCounts(counts);
		if (countsOnly) return;
		window.clearTimeout(this.missTimer);
		// With filters, "nothing" may only mean the filters exclude it: only bare queries count.
		if (results.length === 0 && Object.keys(filters).length === 0)
			this.missTimer = window.setTimeout(() => this.reportMiss(term), MISS_SETTLE_MS);
		// Results merged with the members' index come back ordered by score, whatever the sort: put
		// them in date order here. The public shards need not: their scores keep date order.
		if (this.merged && !partial && (sort || !term)) dateLists = [results];
		this.results = dateLists ? await this.inDateOrder(dateLists) : listOf(results);
		this.list.replaceChildren();
		this.shown = 0;
		this.pageSize = FIRST_PAGE;
		this.note.hidden = !partial;
		this.showSuggestion(corrected);
		const n = this.results.total;
		this.status.textContent =
			n === 0
				? this.strings.none
				: (new Intl.PluralRules(this.uiLang).select(n) === 'one'
						? this.strings.one
						: this.strings.other
					).replace('{count}', new Intl.NumberFormat(this.uiLang).format(n));
		await this.showMore();
		// The first results are on screen: now the filter lists, whose counts then follow the search.
		if (!this.pagefindFilters) await this.loadFilters(params);
	}

	/** Tells the portal a settled query found nothing; signed-out visitors get a 401, ignored. */
	private reportMiss(term: string) {
		const current = String(new FormData(this.form).get('q') ?? '').trim();
		if (current !== term || [...term].length < MISS_MIN_CHARS || this.results.total > 0) return;
		const key = term.toLowerCase();
		if (this.reportedMisses.has(key)) return;
		this.reportedMisses.add(key);
		void fetch(MISS_ENDPOINT, {
			method: 'POST',
			credentials: 'same-origin',
			keepalive: true,
			// A form body: the server takes no other kind of POST (CSRF defence).
			body: new URLSearchParams({ query: term, lang: this.uiLang }),
		}).catch(() => {});
	}

	/**
	 * Lists each newest first but for the members' records, as one list newest first. With the
	 * members' date map the merge is lazy (a fragment per result shown, about); without it every
	 * result is loaded and sorted.
	 */
	private async inDateOrder(lists: PagefindResult[][]): Promise<ResultList<PagefindResult>> {
		if (!this.merged) return mergeByDate(lists, new Map());
		if (this.memberDates) return mergeByDate(lists, this.memberDates);
		return listOf(await this.sortByDate([...new Map(lists.flat().map((r) => [r.id, r])).values()]));
	}

	private async sortByDate(results: PagefindResult[]): Promise<PagefindResult[]> {
		const loaded = await Promise.all(results.map(async (r) => ({ r, data: await r.data() })));
		const key = (d: PagefindResultData) => sortDate(d.meta.date);
		loaded.sort((a, b) => (key(a.data) < key(b.data) ? 1 : key(a.data) > key(b.data) ? -1 : 0));
		return loaded.map(({ r, data }) => ({ ...r, data: async () => data }));
	}

	private pageSize = FIRST_PAGE;

	private async showMore() {
		const results = this.results;
		const slice = await results.slice(this.shown, this.shown + this.pageSize);
		// A newer search replaced the list while this page was merged.
		if (results !== this.results) return;
		this.pageSize = PAGE;
		this.shown += slice.length;
		const items = await Promise.all(slice.map(async (r) => ({ r, data: await r.data() })));
		if (results !== this.results) return;
		for (const { r, data } of items) this.list.append(this.renderHit(data, r.missing));
		this.more.hidden = this.shown >= results.total;
	}

	private renderHit(item: PagefindResultData, missing: string[] = []): HTMLLIElement {
		const li = document.createElement('li');
		li.className = 'cd-search__hit';
		const h = document.createElement('h2');
		const a = document.createElement('a');
		// Both indexes hold English-UI URLs (/case-studies/x/, /post-mortems/12/); French readers stay
		// in the French UI.
		const url = item.url.startsWith('/') ? item.url : `/${item.url}`;
		a.href = this.uiLang === 'en' ? url : `/${this.uiLang}${url}`;
		a.textContent = item.meta.title ?? item.url;
		h.append(a);
		const meta = document.createElement('p');
		meta.className = 'cd-muted';
		const kind = item.meta.kind === 'post-mortem' ? 'post-mortem' : 'practice';
		const tag = document.createElement('span');
		tag.className = 'cd-tag';
		tag.dataset.kind = kind;
		tag.textContent = this.label('kind', kind);
		// Post-mortems carry only a month ('YYYY-MM'): that is all readers ever learn of their date.
		const month = /^\d{4}-\d{2}$/.test(item.meta.date ?? '');
		const date = item.meta.date
			? new Date(`${item.meta.date}${month ? '-01' : ''}T00:00:00Z`)
			: null;
		const locale = this.uiLang === 'en' ? 'en-GB' : this.uiLang;
		const dateText =
			date && !Number.isNaN(date.getTime())
				? new Intl.DateTimeFormat(
						locale,
						month
							? { year: 'numeric', month: 'long', timeZone: 'UTC' }
							: { dateStyle: 'medium', timeZone: 'UTC' },
					).format(date)
				: '';
		const rest = [item.meta.country ? this.label('country', item.meta.country) : '', dateText]
			.filter(Boolean)
			.join(' · ');
		meta.append(tag, rest ? ` ${rest}` : '');
		const excerpt = document.createElement('p');
		appendExcerpt(excerpt, item.excerpt);
		// A practice written in the other language keeps its language for screen readers and
		// hyphenation (post-mortems carry no language of their own).
		const textLang = kind === 'practice' ? item.filters?.lang?.[0] : undefined;
		if (textLang && textLang !== this.uiLang) {
			a.lang = textLang;
			excerpt.lang = textLang;
		}
		li.append(h, meta, excerpt);
		if (missing.length) {
			// As search engines do: the words this page lacks, struck through.
			const lacks = document.createElement('p');
			lacks.className = 'cd-search__missing cd-muted';
			const [before, after = ''] = String(this.strings.missing).split('{words}');
			lacks.append(before);
			missing.forEach((word, i) => {
				const s = document.createElement('s');
				s.textContent = word;
				lacks.append(...(i ? [', ', s] : [s]));
			});
			lacks.append(after);
			li.append(lacks);
		}
		return li;
	}
}

/**
 * The URLs of the public index's other shards, from /pagefind/cd-shards.json; none when the build
 * has none (a build from before shards has no such file). Throws when the list cannot be read.
 */
async function loadShardList(): Promise<string[]> {
	const res = await fetch(SHARDS, { credentials: 'same-origin' });
	if (res.status === 404) return [];
	if (!res.ok) throw new Error(`${res.status} fetching ${SHARDS}`);
	const data = (await res.json()) as { shards?: unknown };
	if (!Array.isArray(data.shards) || !data.shards.every((u) => typeof u === 'string'))
		throw new Error(`${SHARDS} lists no shards`);
	return data.shards;
}

/**
 * The members' page ids and dates from their index's date map, when it belongs to the index whose
 * entry file is `entry` (a rebuild may swap the index between the two requests). Throws otherwise.
 */
async function loadDateMap(entry: unknown): Promise<Map<string, string>> {
	const languages = (entry as { languages?: Record<string, { hash?: string }> })?.languages ?? {};
	const index = Object.values(languages)
		.map((l) => l.hash ?? '')
		.join(' ');
	const res = await fetch(MEMBERS_DATES, { credentials: 'same-origin' });
	if (!res.ok) throw new Error(`${res.status} fetching ${MEMBERS_DATES}`);
	const map = (await res.json()) as { index?: unknown; dates?: unknown };
	if (map.index !== index || typeof map.dates !== 'object' || map.dates === null)
		throw new Error(`${MEMBERS_DATES} is not of the merged index`);
	return new Map(
		Object.entries(map.dates).filter((e): e is [string, string] => typeof e[1] === 'string'),
	);
}

/**
 * The build's filter counts of the public index (Search.astro), in the shape of Pagefind's
 * `filters()`; null when missing or not of that shape.
 */
function readFilterCounts(json: string | undefined): FilterCounts | null {
	if (!json) return null;
	try {
		const data = JSON.parse(json) as unknown;
		if (typeof data !== 'object' || data === null || Array.isArray(data)) return null;
		const groups = Object.values(data);
		const valid = (values: unknown) =>
			typeof values === 'object' &&
			values !== null &&
			Object.values(values).every((n) => Number.isInteger(n) && n >= 0);
		return groups.length > 0 && groups.every(valid) ? (data as FilterCounts) : null;
	} catch {
		return null;
	}
}

/** Filter counts of some results, from their own filter values. */
async function countFilters(results: PagefindResult[]) {
	const counts: Record<string, Record<string, number>> = {};
	for (const data of await Promise.all(results.map((r) => r.data()))) {
		// The merge filter of the public index is not among a result's own filters.
		const filters = { kind: [data.meta.kind === 'post-mortem' ? 'post-mortem' : 'practice'] };
		for (const [group, values] of Object.entries({ ...filters, ...data.filters })) {
			counts[group] ??= {};
			for (const v of values) counts[group][v] = (counts[group][v] ?? 0) + 1;
		}
	}
	return counts;
}

/** The highlighted words of a Pagefind excerpt. */
function markedWords(html: string): string[] {
	const doc = new DOMParser().parseFromString(`<body>${html}</body>`, 'text/html');
	return Array.from(doc.querySelectorAll('mark'), (m) => m.textContent ?? '');
}

/**
 * Puts a Pagefind excerpt in `target` keeping only its <mark> highlights. Pagefind escapes the text it
 * indexes (custom records of what members typed included); parsing in an inert document and copying
 * text and marks only keeps typed HTML from ever becoming markup, whatever an index holds.
 */
function appendExcerpt(target: HTMLElement, html: string) {
	const doc = new DOMParser().parseFromString(`<body>${html}</body>`, 'text/html');
	for (const node of Array.from(doc.body.childNodes)) {
		if (node.nodeName === 'MARK') {
			const mark = document.createElement('mark');
			mark.textContent = node.textContent;
			target.append(mark);
		} else target.append(document.createTextNode(node.textContent ?? ''));
	}
}

customElements.define('cd-search', CdSearch);
