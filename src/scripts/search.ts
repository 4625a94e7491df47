// Search page client: Pagefind's JS API with our own filter UI, so filters work without a query
// (a null term browses by filter) and the state lives in the URL (shareable, back button works).
// Members also search the post-mortems: a second Pagefind index served at /members-search/ to
// signed-in members only is merged in when it answers (absent, or 401 when signed out under public
// access: the public index alone is searched). A synthetic `kind` filter tells practices from
// post-mortems. Known limit: relevance scores of two merged indexes are not comparable
// (Pagefind issue #796), so relevance order across practices and post-mortems is approximate.

interface PagefindResultData {
	url: string;
	excerpt: string;
	meta: Record<string, string>;
}
interface PagefindResult {
	id: string;
	data: () => Promise<PagefindResultData>;
}
interface PagefindApi {
	options: (o: Record<string, unknown>) => Promise<void>;
	init: () => Promise<void>;
	destroy?: () => Promise<void>;
	mergeIndex: (url: string, o?: Record<string, unknown>) => Promise<void>;
	filters: () => Promise<Record<string, Record<string, number>>>;
	search: (
		term: string | null,
		o: { filters?: Record<string, { any: string[] }>; sort?: Record<string, 'asc' | 'desc'> },
	) => Promise<{
		results: PagefindResult[];
		filters: Record<string, Record<string, number>>;
		totalFilters?: Record<string, Record<string, number>>;
	}>;
}

const GROUPS = ['kind', 'country', 'topic', 'model', 'channel', 'lang'] as const;
// The first screen loads few result fragments: each is a request, and most readers look at the top.
const FIRST_PAGE = 5;
const PAGE = 10;
const MEMBERS_INDEX = '/members-search/';
// Every record of the public index is a practice; the members' index tags its own records.
const PUBLIC_OPTIONS = { excerptLength: 24, mergeFilter: { kind: 'practice' } };

class CdSearch extends HTMLElement {
	private pagefind: PagefindApi | null = null;
	private merged = false;
	private results: PagefindResult[] = [];
	private shown = 0;
	private uiLang = this.dataset.lang ?? 'en';
	private labels = JSON.parse(this.dataset.labels ?? '{}');
	private strings = JSON.parse(this.dataset.strings ?? '{}');
	private form = this.querySelector<HTMLFormElement>('[data-cd-search-form]')!;
	private status = this.querySelector<HTMLElement>('[data-cd-status]')!;
	private list = this.querySelector<HTMLOListElement>('[data-cd-results]')!;
	private more = this.querySelector<HTMLButtonElement>('[data-cd-more]')!;
	private filterBox = this.querySelector<HTMLElement>('[data-cd-filters]')!;
	private regionNames = new Intl.DisplayNames([this.uiLang], { type: 'region' });

	async connectedCallback() {
		const params = new URLSearchParams(location.search);
		const q = this.form.elements.namedItem('q') as HTMLInputElement;
		const sort = this.form.elements.namedItem('sort') as HTMLSelectElement;
		q.value = params.get('q') ?? '';
		sort.value = params.get('sort') === 'date' ? 'date' : '';
		try {
			const url = '/pagefind/pagefind.js';
			this.pagefind = (await import(/* @vite-ignore */ url)) as PagefindApi;
			await this.pagefind.options(PUBLIC_OPTIONS);
			await this.pagefind.init();
			await this.mergeMembersIndex();
		} catch {
			this.status.textContent = this.strings.error;
			return;
		}
		this.form.addEventListener('submit', (e) => {
			e.preventDefault();
			this.run(true);
		});
		this.form.addEventListener('change', (e) => {
			if ((e.target as HTMLElement).matches('input[type=checkbox], select')) this.run(true);
		});
		let timer: number | undefined;
		q.addEventListener('input', () => {
			clearTimeout(timer);
			timer = window.setTimeout(() => this.run(true), 200);
		});
		this.more.addEventListener('click', () => this.showMore());
		window.addEventListener('popstate', () => location.reload());
		// With a query or filters in the URL, search at once and load the filter lists after the first
		// results are on screen; otherwise load the lists and wait: no result fragment is fetched.
		if (q.value || GROUPS.some((g) => params.has(g))) {
			await this.run(false, params);
			await this.loadFilters(params);
		} else {
			await this.loadFilters(params);
			this.status.textContent = this.strings.ready;
		}
		if (!q.value) q.focus();
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
			await pagefind.mergeIndex(MEMBERS_INDEX);
			this.merged = true;
		} catch {
			// A half-merged index would fail every search: start over with the public index alone.
			if (pagefind.destroy) {
				await pagefind.destroy();
				await pagefind.options(PUBLIC_OPTIONS);
				await pagefind.init();
			}
		}
	}

	private filtersLoaded = false;

	/** Renders the filter lists; Pagefind counts filter values in answers only once they are loaded. */
	private async loadFilters(params: URLSearchParams) {
		try {
			this.renderFilters(await this.pagefind!.filters(), params);
			this.filtersLoaded = true;
			if (this.results.length || GROUPS.some((g) => params.has(g)))
				await this.run(false, null, true);
		} catch {
			// The lists are a convenience: the search itself already works.
		}
	}

	private label(group: string, value: string): string {
		if (group === 'country') return this.regionNames.of(value) ?? value;
		return this.labels[group]?.[value] ?? value;
	}

	private renderFilters(all: Record<string, Record<string, number>>, params: URLSearchParams) {
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
				box.name = group;
				box.value = value;
				box.checked = selected.includes(value);
				const text = document.createElement('span');
				text.textContent = this.label(group, value);
				const count = document.createElement('span');
				count.className = 'cd-muted';
				count.dataset.count = `${group}:${value}`;
				label.append(box, text, count);
				fieldset.append(label);
			}
			this.filterBox.append(fieldset);
		}
	}

	/**
	 * Searches with the form's state (or `initial`, before the filter boxes exist). `countsOnly`
	 * refreshes the filter counts without touching the results on screen.
	 */
	private async run(pushUrl: boolean, initial: URLSearchParams | null = null, countsOnly = false) {
		if (!this.pagefind) return;
		const data = initial && !this.filtersLoaded ? initial : new FormData(this.form);
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
		// A null term lists everything that matches the filters: browsing without a query.
		const response = await this.pagefind.search(term || null, {
			filters,
			sort: sort || !term ? { date: 'desc' } : undefined,
		});
		for (const el of this.filterBox.querySelectorAll<HTMLElement>('[data-count]')) {
			const [g, v] = el.dataset.count!.split(':');
			el.textContent = `(${response.filters?.[g]?.[v] ?? 0})`;
		}
		if (countsOnly) return;
		this.results = response.results;
		// Merged results come back ordered by score, whatever the sort: put them in date order here.
		if (this.merged && (sort || !term)) this.results = await this.sortByDate(this.results);
		this.list.replaceChildren();
		this.shown = 0;
		this.pageSize = FIRST_PAGE;
		const n = this.results.length;
		this.status.textContent =
			n === 0
				? this.strings.none
				: (new Intl.PluralRules(this.uiLang).select(n) === 'one'
						? this.strings.one
						: this.strings.other
					).replace('{count}', new Intl.NumberFormat(this.uiLang).format(n));
		await this.showMore();
	}

	private async sortByDate(results: PagefindResult[]): Promise<PagefindResult[]> {
		const loaded = await Promise.all(results.map(async (r) => ({ r, data: await r.data() })));
		const key = (d: PagefindResultData) => {
			const date = d.meta.date ?? '';
			return /^\d{4}-\d{2}$/.test(date) ? `${date}-01` : date;
		};
		loaded.sort((a, b) => (key(a.data) < key(b.data) ? 1 : key(a.data) > key(b.data) ? -1 : 0));
		return loaded.map(({ r, data }) => ({ id: r.id, data: async () => data }));
	}

	private pageSize = FIRST_PAGE;

	private async showMore() {
		const slice = this.results.slice(this.shown, this.shown + this.pageSize);
		this.pageSize = PAGE;
		this.shown += slice.length;
		const items = await Promise.all(slice.map((r) => r.data()));
		for (const item of items) this.list.append(this.renderHit(item));
		this.more.hidden = this.shown >= this.results.length;
	}

	private renderHit(item: PagefindResultData): HTMLLIElement {
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
		li.append(h, meta, excerpt);
		return li;
	}
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
