// Behaviour of src/lib/adoption.ts: the applied form's checks, tallies, the most-applied ranking,
// the diffusion matrix and the CSV export (RFC 4180 quoting, BOM, formula-injection guard).
import { parseKpiNumber } from '../../src/lib/kpi';
import { describe, expect, it } from 'vitest';
import {
	DIFFUSION_CSV_HEADER,
	buildDiffusionMatrix,
	checkAdoptionForm,
	countAdoptionStatuses,
	formatCsvField,
	getAdoptionFormValues,
	getDiffusionCsvFileName,
	listTallyEntries,
	rankMostApplied,
	serializeDiffusionCsv,
	checkAnswerForm,
	getAnswerFormValues,
	type AdoptionFormValues,
	type AdoptionMark,
	type AdoptionStatus,
	type AnswerStatus,
	type CountryAnswerMark,
} from '../../src/lib/adoption';

const blank: AdoptionFormValues = getAdoptionFormValues(null);
const anyCountry = { needsCountry: false, isCountry: () => true };

function mark(
	caseStudy: string,
	country: string,
	status: AdoptionStatus,
	extra: Partial<AdoptionMark> = {},
): AdoptionMark {
	return {
		caseStudy,
		country,
		status,
		period: '',
		change: '',
		note: '',
		kpi: null,
		updatedAt: 1_767_225_600,
		...extra,
	};
}

describe('checkAdoptionForm', () => {
	it('needs a status', () => {
		expect(checkAdoptionForm(blank, anyCountry).errors).toEqual({ status: 'status-missing' });
	});

	it('needs what was changed for adapted, and why for rejected', () => {
		expect(checkAdoptionForm({ ...blank, status: 'adapted' }, anyCountry).errors).toEqual({
			change: 'change-missing',
		});
		expect(
			checkAdoptionForm({ ...blank, status: 'rejected', change: 'not here' }, anyCountry).errors,
		).toEqual({
			why: 'why-missing',
		});
	});

	it('stores the reason of a rejection in the change column', () => {
		const { input } = checkAdoptionForm(
			{ ...blank, status: 'rejected', why: 'No budget', change: 'ignored' },
			anyCountry,
		);
		expect(input?.change).toBe('No budget');
	});

	it('asks for a valid country only when the profile has none', () => {
		const options = { needsCountry: true, isCountry: (c: string) => c === 'IT' };
		expect(
			checkAdoptionForm({ ...blank, status: 'adopted', country: 'XX' }, options).errors,
		).toEqual({
			country: 'country-missing',
		});
		expect(
			checkAdoptionForm({ ...blank, status: 'adopted', country: 'IT' }, options).input?.country,
		).toBe('IT');
		expect(
			checkAdoptionForm({ ...blank, status: 'adopted', country: 'XX' }, anyCountry).input?.country,
		).toBeNull();
	});

	it('takes a KPI only when complete, with numbers as people type them', () => {
		const partial = checkAdoptionForm({ ...blank, status: 'adopted', kpiBefore: '12' }, anyCountry);
		expect(partial.errors).toEqual({
			kpiLabel: 'kpi-label-missing',
			kpiAfter: 'kpi-number-missing',
		});
		const wrong = checkAdoptionForm(
			{ ...blank, status: 'adopted', kpiLabel: 'Leads', kpiBefore: 'ten', kpiAfter: '1' },
			anyCountry,
		);
		expect(wrong.errors).toEqual({ kpiBefore: 'kpi-number-invalid' });
		const ok = checkAdoptionForm(
			{
				...blank,
				status: 'adopted',
				kpiLabel: 'Leads',
				kpiUnit: '%',
				kpiBefore: '1 250,5',
				kpiAfter: '-3',
			},
			anyCountry,
		);
		expect(ok.input?.kpi).toEqual({ label: 'Leads', unit: '%', before: 1250.5, after: -3 });
	});

	it('refuses text past the limits', () => {
		expect(
			checkAdoptionForm({ ...blank, status: 'adopted', note: 'x'.repeat(2001) }, anyCountry).errors,
		).toEqual({
			note: 'too-long',
		});
	});
});

describe('parseKpiNumber', () => {
	it('reads both decimal separators and refuses the rest', () => {
		expect(parseKpiNumber('12,5')).toBe(12.5);
		expect(parseKpiNumber('-0.25')).toBe(-0.25);
		expect(parseKpiNumber('1,250.5')).toBeNull();
		expect(parseKpiNumber('12%')).toBeNull();
	});

	it('accepts the KPI unit after the number, and only that unit', () => {
		expect(parseKpiNumber('60%', '%')).toBe(60);
		expect(parseKpiNumber('12,5 pts', 'pts')).toBe(12.5);
		expect(parseKpiNumber('60%', 'pts')).toBeNull();
	});

	it('takes "60%" as 60 in the form when the unit is %', () => {
		const { input, errors } = checkAdoptionForm(
			{
				...blank,
				status: 'adopted',
				kpiLabel: 'Show rate',
				kpiUnit: '%',
				kpiBefore: '45%',
				kpiAfter: '60 %',
			},
			anyCountry,
		);
		expect(errors).toEqual({});
		expect(input?.kpi).toMatchObject({ unit: '%', before: 45, after: 60 });
	});
});

describe('getAdoptionFormValues', () => {
	it('puts a saved rejection reason back in the why field', () => {
		const values = getAdoptionFormValues(mark('a', 'IT', 'rejected', { change: 'Too costly' }));
		expect(values).toMatchObject({ status: 'rejected', why: 'Too costly', change: '' });
	});
});

describe('tallies', () => {
	it('counts marks per status and lists only the statuses given, in order', () => {
		const tally = countAdoptionStatuses([
			mark('a', 'IT', 'rejected'),
			mark('a', 'PT', 'adopted'),
			mark('a', 'FR', 'adopted'),
		]);
		expect(tally).toEqual({ trying: 0, adopted: 2, adapted: 0, rejected: 1, 'on-hold': 0 });
		expect(listTallyEntries(tally)).toEqual([
			{ status: 'adopted', count: 2 },
			{ status: 'rejected', count: 1 },
		]);
	});

	it('ranks the most applied practices by adopted + adapted, then countries', () => {
		const ranked = rankMostApplied([
			mark('a', 'IT', 'adopted'),
			mark('a', 'IT', 'adapted'),
			mark('b', 'IT', 'adopted'),
			mark('b', 'PT', 'adapted'),
			mark('c', 'FR', 'adopted'),
			mark('d', 'FR', 'rejected'),
			mark('d', 'IT', 'trying'),
		]);
		expect(ranked.map((p) => [p.caseStudy, p.applied, p.countries])).toEqual([
			['b', 2, 2],
			['a', 2, 1],
			['c', 1, 1],
		]);
		expect(
			rankMostApplied([mark('a', 'IT', 'adopted'), mark('b', 'IT', 'adopted')], 1),
		).toHaveLength(1);
	});

	it('builds practices × countries cells with each country’s one answer, network countries included', () => {
		const matrix = buildDiffusionMatrix(
			[
				mark('a', 'PT', 'adopted'),
				mark('a', 'IT', 'adapted'),
				{ caseStudy: 'b', country: 'FR', status: 'not-relevant' as const },
			],
			['DE', 'IT'],
		);
		expect(matrix.countries).toEqual(['DE', 'FR', 'IT', 'PT']);
		expect(matrix.cells.get('a')?.get('IT')).toBe('adapted');
		expect(matrix.cells.get('b')?.get('FR')).toBe('not-relevant');
		expect(matrix.cells.get('a')?.get('FR')).toBeUndefined();
	});
});

describe('CSV', () => {
	it('quotes commas, quotes and line breaks (RFC 4180)', () => {
		expect(formatCsvField('plain')).toBe('plain');
		expect(formatCsvField('a, b')).toBe('"a, b"');
		expect(formatCsvField('say "hi"')).toBe('"say ""hi"""');
		expect(formatCsvField('two\nlines')).toBe('"two\nlines"');
		expect(formatCsvField(null)).toBe('');
	});

	it('defuses text a spreadsheet would run as a formula, but keeps negative numbers', () => {
		expect(formatCsvField('=HYPERLINK("http://evil.example","x")')).toBe(
			'"\'=HYPERLINK(""http://evil.example"",""x"")"',
		);
		expect(formatCsvField('+1')).toBe("'+1");
		expect(formatCsvField('-2+3')).toBe("'-2+3");
		expect(formatCsvField('@SUM(A1)')).toBe("'@SUM(A1)");
		expect(formatCsvField(-5)).toBe('-5');
	});

	const answer = (
		caseStudy: string,
		country: string,
		status: AnswerStatus,
		extra: Partial<CountryAnswerMark> = {},
	): CountryAnswerMark => ({
		caseStudy,
		country,
		status,
		period: '',
		change: '',
		reason: '',
		note: '',
		kpi: null,
		answeredByName: null,
		origin: 'focal-point',
		createdAt: 1_767_225_600,
		updatedAt: 1_767_225_600,
		...extra,
	});
	const csvMarks = [
		answer('b', 'PT', 'rejected', {
			reason: '=cmd',
			note: 'Too "costly"; sadly, too',
			origin: 'migrated',
			updatedAt: 1_767_225_600,
		}),
		answer('a', 'IT', 'adapted', {
			change: 'Smaller',
			period: 'Q1 2026',
			kpi: { label: 'Leads', unit: '%', before: 10.5, after: -2 },
			answeredByName: 'Giulia Conti',
			updatedAt: 1_772_323_200,
		}),
	];
	const csvTitles = new Map([
		['a', 'Alpha, the launch'],
		['b', 'Beta'],
	]);

	it('writes RFC 4180 for tools: commas, no BOM, one CRLF row per country answer, reasons, who answered and origin in their own columns', () => {
		const csv = serializeDiffusionCsv(csvMarks, csvTitles, { format: 'rfc4180' });
		expect(csv.startsWith('\ufeff')).toBe(false);
		expect(csv.split('\r\n')).toEqual([
			'case_study,case_study_title,country,status,period,change,reason,note,kpi_label,kpi_unit,kpi_before,kpi_after,updated_at,answered_by,origin',
			'a,"Alpha, the launch",IT,adapted,Q1 2026,Smaller,,,Leads,%,10.5,-2,2026-03-01,Giulia Conti,focal-point',
			'b,Beta,PT,rejected,,,\'=cmd,"Too ""costly""; sadly, too",,,,,2026-01-01,,migrated',
			'',
		]);
	});

	it('writes for European Excel: BOM, semicolons, titles and statuses in French, decimal commas', () => {
		const csv = serializeDiffusionCsv(csvMarks, csvTitles, {
			format: 'excel',
			decimal: ',',
			headers: Object.fromEntries(
				DIFFUSION_CSV_HEADER.map((c) => [c, c === 'reason' ? 'Raison' : c.toUpperCase()]),
			) as never,
			statusLabel: (s) => (s === 'rejected' ? 'Rejetée' : 'Adaptée'),
		});
		expect(csv.startsWith('\ufeff')).toBe(true);
		expect(csv.slice(1).split('\r\n')).toEqual([
			'CASE_STUDY;CASE_STUDY_TITLE;COUNTRY;STATUS;PERIOD;CHANGE;Raison;NOTE;KPI_LABEL;KPI_UNIT;KPI_BEFORE;KPI_AFTER;UPDATED_AT;ANSWERED_BY;ORIGIN',
			'a;Alpha, the launch;IT;Adaptée;Q1 2026;Smaller;;;Leads;%;10,5;-2;2026-03-01;Giulia Conti;focal-point',
			'b;Beta;PT;Rejetée;;;\'=cmd;"Too ""costly""; sadly, too";;;;;2026-01-01;;migrated',
			'',
		]);
	});

	it('names the file after the day', () => {
		expect(getDiffusionCsvFileName(new Date('2026-03-01T12:00:00Z'))).toBe(
			'coaching-dealer-diffusion-2026-03-01.csv',
		);
	});
});

describe('checkAnswerForm (a country’s answer)', () => {
	const blankAnswer = getAnswerFormValues(null);

	it('needs a status; what changed and the measured result for adapted; why for rejected and not relevant', () => {
		expect(checkAnswerForm(blankAnswer).errors).toEqual({ status: 'status-missing' });
		expect(checkAnswerForm({ ...blankAnswer, status: 'adapted' }).errors).toEqual({
			change: 'change-missing',
			kpiLabel: 'kpi-required',
		});
		expect(checkAnswerForm({ ...blankAnswer, status: 'adopted' }).errors).toEqual({
			kpiLabel: 'kpi-required',
		});
		expect(checkAnswerForm({ ...blankAnswer, status: 'trying' }).errors).toEqual({});
		expect(checkAnswerForm({ ...blankAnswer, status: 'rejected' }).errors).toEqual({
			reason: 'reason-missing',
		});
		expect(checkAnswerForm({ ...blankAnswer, status: 'not-relevant' }).errors).toEqual({
			reason: 'reason-missing',
		});
	});

	it('keeps a complete KPI for adopted and adapted, and ignores it for other answers', () => {
		const kpi = { kpiLabel: 'Leads', kpiUnit: '%', kpiBefore: '10,5', kpiAfter: '12 %' };
		expect(checkAnswerForm({ ...blankAnswer, status: 'adopted', ...kpi }).input?.kpi).toEqual({
			label: 'Leads',
			unit: '%',
			before: 10.5,
			after: 12,
		});
		expect(
			checkAnswerForm({ ...blankAnswer, status: 'on-hold', ...kpi, kpiAfter: 'x' }).input?.kpi,
		).toBeNull();
		expect(
			checkAnswerForm({ ...blankAnswer, status: 'adopted', kpiLabel: 'Leads', kpiBefore: 'ten' })
				.errors,
		).toEqual({ kpiBefore: 'kpi-number-invalid', kpiAfter: 'kpi-number-missing' });
	});

	it('stores only the text that fits the status', () => {
		const { input } = checkAnswerForm({
			...blankAnswer,
			status: 'rejected',
			change: 'left over',
			reason: 'Too costly',
		});
		expect(input).toMatchObject({ status: 'rejected', change: '', reason: 'Too costly' });
	});

	it('prefills the form from a saved answer', () => {
		expect(
			getAnswerFormValues({
				status: 'adapted',
				period: 'Q1',
				change: 'Smaller',
				reason: '',
				note: '',
				kpi: { label: 'Leads', unit: '', before: 1, after: 2 },
			}),
		).toMatchObject({ status: 'adapted', change: 'Smaller', kpiBefore: '1', kpiAfter: '2' });
	});
});
