// The diffusion page's model and the region map: every country of the taxonomy has a region, countries
// group by region (names sorted in the reader's language), a region narrows the columns, cells say
// answered / owed / overdue / not asked, pages of practices; and it stays fast at the network's scale.
import { describe, expect, it } from 'vitest';
import { buildDiffusionView } from '../../src/lib/diffusion-view';
import {
	getRegion,
	groupCountriesByRegion,
	listCountriesWithoutRegion,
} from '../../src/lib/regions';
import { COUNTRY_CODES } from '../../src/lib/taxonomy';
import { ANSWER_STATUSES } from '../../src/lib/adoption';

const DAY = 86_400;
const NOW = 1_767_225_600;
const names: Record<string, string> = {
	DE: 'Allemagne',
	ES: 'Espagne',
	IT: 'Italie',
	PT: 'Portugal',
	FR: 'France',
	US: 'États-Unis',
};

describe('regions', () => {
	it('places every country code of the taxonomy in a region', () => {
		expect(listCountriesWithoutRegion()).toEqual([]);
		expect(COUNTRY_CODES.every((c) => getRegion(c) !== null)).toBe(true);
		expect(getRegion('PT')).toBe('southern-europe');
		expect(getRegion('DE')).toBe('western-europe');
		expect(getRegion('XX')).toBeNull();
	});

	it('groups countries by region in reading order, sorted by name inside', () => {
		expect(
			groupCountriesByRegion(['US', 'PT', 'DE', 'IT', 'ES', 'FR'], (c) => names[c] ?? c, 'fr'),
		).toEqual([
			{ region: 'western-europe', countries: ['DE', 'FR'] },
			{ region: 'southern-europe', countries: ['ES', 'IT', 'PT'] },
			{ region: 'northern-america', countries: ['US'] },
		]);
	});
});

describe('buildDiffusionView', () => {
	const practices = [
		{ slug: 'alpha', title: 'Alpha', lang: 'en', country: 'IT' },
		{ slug: 'beta', title: 'Beta', lang: 'en', country: 'PT' },
		{ slug: 'gamma', title: 'Gamma', lang: 'en', country: 'FR' },
	];
	const base = {
		practices,
		answers: [
			{ caseStudy: 'alpha', country: 'PT', status: 'adapted' as const },
			{ caseStudy: 'beta', country: 'US', status: 'rejected' as const },
			{ caseStudy: 'gone', country: 'PT', status: 'adopted' as const },
		],
		network: ['DE', 'FR', 'IT', 'PT', 'US'],
		owedFrom: new Map([
			['alpha', NOW - 40 * DAY],
			['beta', NOW - 5 * DAY],
		]),
		nowSeconds: NOW,
		dueSeconds: 30 * DAY,
		region: null,
		page: 1,
		pageSize: 50,
		countryName: (c: string) => names[c] ?? c,
		locale: 'fr',
	};

	it('says for each cell: the answer, owed, overdue (past 30 days) or not asked', () => {
		const view = buildDiffusionView(base);
		expect(view.columns).toEqual(['DE', 'FR', 'IT', 'PT', 'US']);
		const cells = Object.fromEntries(
			view.rows.map((r) => [
				r.practice.slug,
				Object.fromEntries(view.columns.map((c, i) => [c, r.cells[i]])),
			]),
		);
		expect(cells.alpha).toEqual({
			DE: 'overdue',
			FR: 'overdue',
			IT: 'none',
			PT: 'adapted',
			US: 'overdue',
		});
		expect(cells.beta).toEqual({ DE: 'owed', FR: 'owed', IT: 'owed', PT: 'none', US: 'rejected' });
		// Not in the register (not visible): nothing is owed on it.
		expect(cells.gamma).toEqual({ DE: 'none', FR: 'none', IT: 'none', PT: 'none', US: 'none' });
		// An answer on a practice readers cannot see is not counted.
		expect(view.answerCount).toBe(2);
	});

	it('narrows the columns to one region and pages the practices', () => {
		const view = buildDiffusionView({ ...base, region: 'southern-europe', pageSize: 2, page: 2 });
		expect(view.regions).toEqual([{ region: 'southern-europe', countries: ['IT', 'PT'] }]);
		expect(view.availableRegions).toEqual([
			'western-europe',
			'southern-europe',
			'northern-america',
		]);
		expect(view.pages).toBe(2);
		expect(view.rows.map((r) => r.practice.slug)).toEqual(['gamma']);
	});

	it('stays fast at 100 countries × 1000 practices × 20 answers each', () => {
		const codes = COUNTRY_CODES.slice(0, 100);
		const many = Array.from({ length: 1000 }, (_, i) => ({
			slug: `p-${i}`,
			title: `Practice ${i}`,
			lang: 'en',
			country: codes[i % 100]!,
		}));
		const answers = many.flatMap((p, i) =>
			Array.from({ length: 20 }, (_, j) => ({
				caseStudy: p.slug,
				country: codes[(i + j + 1) % 100]!,
				status: ANSWER_STATUSES[(i + j) % ANSWER_STATUSES.length]!,
			})),
		);
		const start = performance.now();
		const view = buildDiffusionView({
			...base,
			practices: many,
			answers,
			network: codes,
			owedFrom: new Map(many.map((p) => [p.slug, NOW - 10 * DAY])),
			countryName: (c) => c,
		});
		const ms = performance.now() - start;
		expect(view.columns).toHaveLength(100);
		expect(view.rows).toHaveLength(50);
		expect(view.answerCount).toBe(20_000);
		expect(ms).toBeLessThan(200);
	});
});
