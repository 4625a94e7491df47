// The diffusion page's model, built once per request from plain data (no database, no Astro): which
// country columns show (grouped by region, narrowed to one region), which page of practices, and
// each cell's state — the country's answer, or owed / overdue / not asked. Kept out of the page so
// the 100 countries × 1000 practices case is measured and tested without a server.
import { buildDiffusionMatrix, type AnswerStatus } from './adoption';
import { getRegion, groupCountriesByRegion, type Region } from './regions';

export type CellState = AnswerStatus | 'owed' | 'overdue' | 'none';

export interface DiffusionPractice {
	slug: string;
	title: string;
	lang: string;
	country: string;
}

export interface DiffusionView {
	regions: { region: Region; countries: string[] }[];
	/** Country codes in column order (region by region). */
	columns: string[];
	/** Regions that have at least one column before filtering, for the filter's options. */
	availableRegions: Region[];
	rows: { practice: DiffusionPractice; cells: CellState[]; answered: number; owed: number }[];
	page: number;
	pages: number;
	totalPractices: number;
	answerCount: number;
}

/**
 * Builds the page. `owedFrom` gives, per visible practice of the register, its country and the time
 * answers are owed from; a country of `network` owes an answer on every practice of another
 * country, overdue `dueDays` after. One pass over the answers, one over the shown cells.
 */
export function buildDiffusionView(input: {
	practices: readonly DiffusionPractice[];
	answers: readonly { caseStudy: string; country: string; status: AnswerStatus }[];
	network: readonly string[];
	owedFrom: ReadonlyMap<string, number>;
	nowSeconds: number;
	dueSeconds: number;
	region: Region | null;
	page: number;
	pageSize: number;
	countryName: (code: string) => string;
	locale: string;
}): DiffusionView {
	const known = new Set(input.practices.map((p) => p.slug));
	const answers = input.answers.filter((a) => known.has(a.caseStudy));
	const matrix = buildDiffusionMatrix(answers, input.network);
	const names = new Map(matrix.countries.map((c) => [c, input.countryName(c)]));
	const allGroups = groupCountriesByRegion(
		matrix.countries,
		(c) => names.get(c) ?? c,
		input.locale,
	);
	const regions = input.region ? allGroups.filter((g) => g.region === input.region) : allGroups;
	const columns = regions.flatMap((g) => g.countries);
	const networkSet = new Set(input.network);
	const pages = Math.max(1, Math.ceil(input.practices.length / input.pageSize));
	const page = Math.min(Math.max(1, input.page), pages);
	const slice = input.practices.slice((page - 1) * input.pageSize, page * input.pageSize);
	const rows = slice.map((practice) => {
		const row = matrix.cells.get(practice.slug);
		const owedFrom = input.owedFrom.get(practice.slug);
		const overdue = owedFrom !== undefined && owedFrom + input.dueSeconds < input.nowSeconds;
		let answered = 0;
		let owed = 0;
		const cells = columns.map((country): CellState => {
			const status = row?.get(country);
			if (status) {
				answered++;
				return status;
			}
			if (owedFrom === undefined || country === practice.country || !networkSet.has(country))
				return 'none';
			owed++;
			return overdue ? 'overdue' : 'owed';
		});
		return { practice, cells, answered, owed };
	});
	return {
		regions,
		columns,
		availableRegions: allGroups.map((g) => g.region),
		rows,
		page,
		pages,
		totalPractices: input.practices.length,
		answerCount: answers.length,
	};
}

/** The region a member's "my region" means, or `null` when their country has none. */
export function getMemberRegion(country: string | null | undefined): Region | null {
	return getRegion(country);
}
