import { describe, expect, it } from 'vitest';
import {
	applyFacets,
	countFacets,
	isEmptySelection,
	parseFacetQuery,
	serializeFacetQuery,
	toggleFacet,
	type FacetableStudy,
} from '../../src/lib/facets';

const study = (id: string, over: Partial<FacetableStudy>): FacetableStudy => ({
	id,
	title: id,
	country: 'IT',
	topics: ['launch-events'],
	models: ['Kestrel'],
	channels: ['event'],
	lang: 'en',
	published: new Date('2025-01-01'),
	...over,
});

const studies = [
	study('a', { title: 'Zeta launch', country: 'IT', published: new Date('2025-05-01') }),
	study('b', {
		title: 'Alpha rally',
		country: 'FR',
		topics: ['owner-community'],
		lang: 'fr',
		published: new Date('2024-01-01'),
	}),
	study('c', {
		title: 'Éclair CRM',
		country: 'PT',
		topics: ['crm-follow-up', 'launch-events'],
		channels: ['phone'],
		published: new Date('2025-09-01'),
	}),
	study('d', {
		title: 'beta fleet',
		country: 'IT',
		topics: ['fleet-business'],
		models: ['Volta'],
		published: new Date('2023-03-01'),
	}),
];

describe('facets', () => {
	it('reads a selection from the query string, ignoring unknown groups and duplicates', () => {
		const s = parseFacetQuery(
			new URLSearchParams('country=IT&country=IT&country=FR&foo=bar&sort=title'),
		);
		expect(s.country).toEqual(['IT', 'FR']);
		expect(s.sort).toBe('title');
		expect(parseFacetQuery(new URLSearchParams('sort=evil')).sort).toBe('date');
	});

	it('ORs values within a group and ANDs groups together', () => {
		const sel = parseFacetQuery(new URLSearchParams('country=IT&country=PT&topic=launch-events'));
		expect(applyFacets(studies, sel, 'en').map((s) => s.id)).toEqual(['c', 'a']);
	});

	it('shows everything, newest first, without a selection', () => {
		const sel = parseFacetQuery(new URLSearchParams(''));
		expect(isEmptySelection(sel)).toBe(true);
		expect(applyFacets(studies, sel, 'en').map((s) => s.id)).toEqual(['c', 'a', 'b', 'd']);
	});

	it('sorts by title with the UI language collation (accents and case ignored)', () => {
		const sel = parseFacetQuery(new URLSearchParams('sort=title'));
		expect(applyFacets(studies, sel, 'fr').map((s) => s.title)).toEqual([
			'Alpha rally',
			'beta fleet',
			'Éclair CRM',
			'Zeta launch',
		]);
	});

	it('counts each value as the number of results ticking it would give (disjunctive counts)', () => {
		const sel = parseFacetQuery(new URLSearchParams('country=IT'));
		const counts = countFacets(studies, sel);
		// Country counts ignore the country selection itself: every country stays reachable.
		expect(counts.country).toEqual([
			{ value: 'IT', count: 2, selected: true },
			{ value: 'FR', count: 1, selected: false },
			{ value: 'PT', count: 1, selected: false },
		]);
		// Topic counts respect the country selection.
		expect(counts.topic).toEqual([
			{ value: 'fleet-business', count: 1, selected: false },
			{ value: 'launch-events', count: 1, selected: false },
		]);
	});

	it('keeps a selected value with no result so it can be unticked', () => {
		const sel = parseFacetQuery(new URLSearchParams('country=DE'));
		expect(applyFacets(studies, sel, 'en')).toEqual([]);
		expect(countFacets(studies, sel).country[0]).toEqual({ value: 'DE', count: 0, selected: true });
	});

	it('toggles a value and serialises to one stable URL per selection', () => {
		let sel = parseFacetQuery(new URLSearchParams('topic=used-cars&country=IT'));
		sel = toggleFacet(sel, 'country', 'FR');
		expect(serializeFacetQuery(sel)).toBe('?country=FR&country=IT&topic=used-cars');
		sel = toggleFacet(toggleFacet(sel, 'country', 'FR'), 'country', 'IT');
		expect(serializeFacetQuery({ ...sel, sort: 'title' })).toBe('?topic=used-cars&sort=title');
	});

	it('drops values no page could label (a stale bookmark or a forged link), keeping free-text models', () => {
		const sel = parseFacetQuery(
			new URLSearchParams(
				'topic=zzz&topic=used-cars&channel=zzz&lang=xx&country=ZZ&country=it&model=Kestrel',
			),
		);
		expect(sel.topic).toEqual(['used-cars']);
		expect(sel.channel).toEqual([]);
		expect(sel.lang).toEqual([]);
		expect(sel.country).toEqual([]);
		expect(sel.model).toEqual(['Kestrel']);
	});
});
