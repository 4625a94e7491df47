// The post-mortem form without a database: reading each step as typed, what blocks each step, the
// blameless name check and the KPI gap.
import { parseKpiNumber } from '../../src/lib/kpi';
import { describe, expect, it } from 'vitest';
import {
	computeGap,
	findNamedPeople,
	isIsoDate,
	parseStep,
	readStepFields,
	splitModels,
	validateStep,
} from '../../src/lib/post-mortem-form';

const ctx = { practices: ['alpha-launch'], memberIds: [1, 2] };

function form(pairs: [string, string][]): FormData {
	const f = new FormData();
	for (const [k, v] of pairs) f.append(k, v);
	return f;
}

describe('reading steps', () => {
	it('keeps text as typed and drops rows left empty', () => {
		const values = readStepFields(
			2,
			form([
				['results.label', ' Leads '],
				['results.unit', ''],
				['results.planned', 'ten'],
				['results.actual', '3'],
				['results.label', ''],
				['results.unit', ''],
				['results.planned', ''],
				['results.actual', ''],
				['timeline.when', 'March'],
				['timeline.what', 'Launch\r\nday'],
			]),
		);
		expect(values.results).toEqual([{ label: 'Leads', unit: '', planned: 'ten', actual: '3' }]);
		expect(values.timeline).toEqual([{ when: 'March', what: 'Launch\nday' }]);
	});

	it('ignores an action row with only its default status', () => {
		const values = readStepFields(
			5,
			form([
				['actions.text', ''],
				['actions.owner', ''],
				['actions.due', ''],
				['actions.status', 'open'],
			]),
		);
		expect(values.actions).toEqual([]);
	});

	it('reads models as a list and the country in upper case', () => {
		const values = readStepFields(
			1,
			form([
				['models', 'Kadjar, clio,,Kadjar'],
				['country', 'it'],
				['topics', 'training'],
				['topics', 'financing'],
			]),
		);
		expect(values.models).toEqual(['Kadjar', 'clio']);
		expect(values.country).toBe('IT');
		expect(values.topics).toEqual(['training', 'financing']);
		expect(splitModels('  ')).toEqual([]);
	});

	it('falls back to step 1 for anything that is not a step', () => {
		expect(parseStep('4')).toBe(4);
		expect(parseStep('7')).toBe(1);
		expect(parseStep('1e0x')).toBe(1);
		expect(parseStep(null)).toBe(1);
	});
});

describe('validating steps', () => {
	it('requires the basics and checks choices', () => {
		expect(
			validateStep(
				1,
				{
					title: '',
					tried: 'x',
					period: '2024',
					country: 'ZZ',
					channel: 'radio',
					topics: ['nope'],
					practice: 'other',
					models: [],
				},
				ctx,
			),
		).toEqual({
			title: 'required',
			country: 'country',
			channel: 'choice',
			topics: 'choice',
			practice: 'choice',
		});
		expect(
			validateStep(
				1,
				{
					title: 'T',
					tried: 'x',
					period: '2024',
					country: 'IT',
					channel: 'showroom',
					topics: ['training'],
					practice: 'alpha-launch',
					models: [],
				},
				ctx,
			),
		).toEqual({});
	});

	it('wants numbers for planned and actual, keyed by row', () => {
		expect(
			validateStep(
				2,
				{
					results: [{ label: 'Leads', unit: '', planned: 'ten', actual: '' }],
					timeline: [{ when: '', what: 'x' }],
				},
				ctx,
			),
		).toEqual({
			'results-0-planned': 'number',
			'results-0-actual': 'required',
			'timeline-0-when': 'required',
		});
	});

	it('needs factors, and a note with "other"', () => {
		expect(
			validateStep(3, { signal: 's', signalWhen: 'w', factors: [], factorsNote: '' }, ctx),
		).toEqual({ factors: 'required' });
		expect(
			validateStep(3, { signal: 's', signalWhen: 'w', factors: ['other'], factorsNote: '' }, ctx),
		).toEqual({ factorsNote: 'required' });
	});

	it('checks action owners, dates and statuses', () => {
		expect(
			validateStep(
				5,
				{ actions: [{ text: 'Do', owner: '3', due: '2025-02-30', status: 'later' }] },
				ctx,
			),
		).toEqual({
			'actions-0-owner': 'choice',
			'actions-0-due': 'date',
			'actions-0-status': 'choice',
		});
		expect(
			validateStep(
				5,
				{ actions: [{ text: 'Do', owner: '2', due: '2025-02-28', status: 'done' }] },
				ctx,
			),
		).toEqual({});
	});

	it('needs a disclosure among the three', () => {
		expect(validateStep(6, { disclosure: 'everyone' }, ctx)).toEqual({ disclosure: 'required' });
		expect(validateStep(6, { disclosure: 'country' }, ctx)).toEqual({});
	});
});

describe('helpers', () => {
	it('parses KPI numbers as people type them', () => {
		expect(parseKpiNumber('1 200')).toBe(1200);
		expect(parseKpiNumber('12,5')).toBe(12.5);
		expect(parseKpiNumber('-3')).toBe(-3);
		expect(parseKpiNumber('ten')).toBeNull();
		expect(parseKpiNumber('1e3')).toBeNull();
		expect(computeGap({ label: '', unit: '', planned: '40', actual: '12' })).toBe(-28);
		expect(computeGap({ label: '', unit: '', planned: '0.1', actual: '0.3' })).toBe(0.2);
		expect(computeGap({ label: '', unit: '', planned: '?', actual: '12' })).toBeNull();
	});

	it('accepts the row\'s unit after a number: "60%" where the unit is %', () => {
		expect(parseKpiNumber('60%', '%')).toBe(60);
		expect(parseKpiNumber('60 %', '%')).toBe(60);
		expect(parseKpiNumber('3 PTS', 'pts')).toBe(3);
		expect(parseKpiNumber('60%')).toBeNull();
		expect(parseKpiNumber('60€', '%')).toBeNull();
		const row = { label: 'Show rate', unit: '%', planned: '60%', actual: '45 %' };
		expect(validateStep(2, { results: [row], timeline: [] }, ctx)).toEqual({});
		expect(computeGap(row)).toBe(-15);
	});

	it('accepts real calendar dates only', () => {
		expect(isIsoDate('2024-02-29')).toBe(true);
		expect(isIsoDate('2025-02-29')).toBe(false);
		expect(isIsoDate('29/02/2024')).toBe(false);
	});

	it('finds people named in texts, by full name or a first name of four letters or more', () => {
		expect(
			findNamedPeople(['Marco forgot the brochures'], ['Marco Rossi', 'Ana Lima', 'Bruno Costa']),
		).toEqual(['Marco Rossi']);
		expect(findNamedPeople(['ana lima was right'], ['Ana Lima'])).toEqual(['Ana Lima']);
		// "Ana" alone is too common a string to warn about; "Marcos" is another word.
		expect(findNamedPeople(['Banana and Marcos'], ['Ana Lima', 'Marco Rossi'])).toEqual([]);
	});
});
