// Behaviour of src/lib/kpi.ts. Expected strings are what Intl produces on Node 20 (ICU 78): French
// groups thousands with a narrow no-break space (U+202F) and puts a no-break space (U+00A0) before
// € and %, so the strings below spell those characters out instead of hiding them in literals.
import { describe, expect, it } from 'vitest';
import {
	computeKpiChange,
	formatKpiChange,
	formatKpiValue,
	isPercentUnit,
	isPointUnit,
	parseKpiNumber,
} from '../../src/lib/kpi';

const NNBSP = '\u202f';
const NBSP = '\u00a0';

describe('computeKpiChange', () => {
	it('computes an increase', () => {
		expect(computeKpiChange({ before: 120, after: 210, lowerIsBetter: false })).toEqual({
			absolute: 90,
			relative: 75,
			direction: 'up',
			improved: true,
		});
	});

	it('computes a decrease, which is bad when higher is better', () => {
		expect(computeKpiChange({ before: 200, after: 150, lowerIsBetter: false })).toEqual({
			absolute: -50,
			relative: -25,
			direction: 'down',
			improved: false,
		});
	});

	it('treats a decrease as an improvement when lower is better', () => {
		expect(computeKpiChange({ before: 4, after: 1.5, lowerIsBetter: true })).toEqual({
			absolute: -2.5,
			relative: -62.5,
			direction: 'down',
			improved: true,
		});
		expect(computeKpiChange({ before: 1.5, after: 4, lowerIsBetter: true }).improved).toBe(false);
	});

	it('reports no change as flat, neither improved nor worsened', () => {
		expect(computeKpiChange({ before: 10, after: 10, lowerIsBetter: false })).toEqual({
			absolute: 0,
			relative: 0,
			direction: 'flat',
			improved: null,
		});
	});

	it('has no relative change when before is 0', () => {
		const change = computeKpiChange({ before: 0, after: 35, lowerIsBetter: false });
		expect(change.relative).toBeNull();
		expect(change).toMatchObject({ absolute: 35, direction: 'up', improved: true });
	});

	it('measures relative change against |before| when before is negative', () => {
		// A loss of 100 turning into a profit of 50 is a move up of 150 % of the starting size.
		expect(computeKpiChange({ before: -100, after: 50, lowerIsBetter: false })).toMatchObject({
			absolute: 150,
			relative: 150,
			direction: 'up',
		});
	});

	it('removes float noise such as 0.1 + 0.2', () => {
		expect(0.1 + 0.2 - 0.1).not.toBe(0.2); // the noise is real…
		const change = computeKpiChange({ before: 0.1, after: 0.1 + 0.2, lowerIsBetter: false });
		expect(change.absolute).toBe(0.2); // …and rounded away
		expect(change.relative).toBe(200);
		expect(
			computeKpiChange({ before: 0.3, after: 0.1 + 0.2, lowerIsBetter: false }).direction,
		).toBe('flat');
	});

	it('treats a missing lowerIsBetter as higher is better', () => {
		// The schema defaults it, but the function also takes raw input.
		expect(computeKpiChange({ before: 1, after: 2 } as never).improved).toBe(true);
	});
});

describe('formatKpiValue', () => {
	it('formats money in euros the French way', () => {
		expect(formatKpiValue(1250, 'EUR', 'fr')).toBe(`1${NNBSP}250${NBSP}€`);
	});

	it('formats money in euros the English way', () => {
		expect(formatKpiValue(1250, 'EUR', 'en')).toBe('€1,250');
	});

	it('rounds money to whole units', () => {
		expect(formatKpiValue(1250.6, 'EUR', 'en')).toBe('€1,251');
	});

	it('formats plain counts with locale grouping and decimals', () => {
		expect(formatKpiValue(12345.678, 'count', 'en')).toBe('12,345.68');
		expect(formatKpiValue(12345.678, 'count', 'fr')).toBe(`12${NNBSP}345,68`);
	});

	it('appends a free unit after a no-break space', () => {
		expect(formatKpiValue(1.5, 'days', 'fr')).toBe(`1,5${NBSP}days`);
		expect(formatKpiValue(1.5, 'days', 'en')).toBe(`1.5${NBSP}days`);
	});

	it('formats percentages with at most one decimal', () => {
		expect(formatKpiValue(12.54, '%', 'fr')).toBe(`12,5${NBSP}%`);
		expect(isPercentUnit('%')).toBe(true);
		expect(isPercentUnit('pts')).toBe(false);
	});

	// Reported, not fixed here: English writes "12.5%" (what Intl gives with style: 'percent'), but
	// the function always inserts a no-break space. When this starts passing, drop `.fails`.
	it('formats English percentages without a space, as Intl does', () => {
		expect(formatKpiValue(12.5, '%', 'en')).toBe('12.5%');
	});

	// Reported, not fixed here: any three capitals are taken for a currency, and Intl accepts any
	// well-formed code, so a unit such as `NPS` is printed like money ("NPS 42") instead of "42 NPS".
	it('treats only real ISO 4217 codes as money', () => {
		expect(formatKpiValue(42, 'NPS', 'en')).toBe(`42${NBSP}NPS`);
	});
});

describe('formatKpiChange', () => {
	const change = (before: number, after: number, lowerIsBetter = false) =>
		computeKpiChange({ before, after, lowerIsBetter });

	it('shows a relative change in percent, signed', () => {
		expect(formatKpiChange(change(120, 210), 'count', 'en')).toBe(`+75%`);
		expect(formatKpiChange(change(4, 1.5, true), 'days', 'fr')).toBe(`-62,5${NBSP}%`);
	});

	it('shows the change of a percentage KPI in points, not percent of percent', () => {
		expect(formatKpiChange(change(40, 44.5), '%', 'en')).toBe(`+4.5${NBSP}pts`);
		expect(formatKpiChange(change(40, 44.5), '%', 'fr')).toBe(`+4,5${NBSP}pts`);
		expect(formatKpiChange(change(12.5, 10), '%', 'en')).toBe(`-2.5${NBSP}pts`);
	});

	it('shows the signed absolute change when before is 0', () => {
		expect(formatKpiChange(change(0, 35), 'count', 'en')).toBe('+35');
		expect(formatKpiChange(change(0, 1250), 'EUR', 'fr')).toBe(`+1${NNBSP}250${NBSP}€`);
		expect(formatKpiChange(change(0, 1250), 'EUR', 'en')).toBe('+€1,250');
	});

	it('shows no sign when nothing changed', () => {
		expect(formatKpiChange(change(10, 10), 'count', 'en')).toBe(`0%`);
		expect(formatKpiChange(change(40, 40), '%', 'en')).toBe(`0${NBSP}pts`);
	});

	it('does not show float noise in points', () => {
		expect(formatKpiChange(change(0.1, 0.1 + 0.2), '%', 'en')).toBe(`+0.2${NBSP}pts`);
	});

	// Reported, not fixed here: relative and point changes get Intl's ASCII hyphen-minus ("-25 %"),
	// while absolute changes from 0 get U+2212 ("−20"), so one table mixes two minus signs.
	it('uses the same minus sign for every kind of change', () => {
		const relative = formatKpiChange(change(200, 150), 'count', 'en');
		const absolute = formatKpiChange(change(0, -20), 'count', 'en');
		expect(relative[0]).toBe(absolute[0]);
	});

	// Reported, not fixed here: a tiny move rounds to "0 %" while the change is still `up` and
	// `improved`, so a page would show "0 %" next to "improved".
	it('never shows a bare zero for a change that is not flat', () => {
		const tiny = change(1000, 1000.4);
		expect(tiny.direction).toBe('up');
		expect(formatKpiChange(tiny, 'count', 'en')).not.toBe(`0${NBSP}%`);
	});
});

describe('point units', () => {
	const change = (before: number, after: number) =>
		computeKpiChange({ before, after, lowerIsBetter: false });

	it('shows the change of a pts KPI as a difference in points, never a percentage', () => {
		// 41 → 52 pts is +11 points; as a percentage it would have read "+26.8%".
		expect(formatKpiChange(change(41, 52), 'pts', 'en')).toBe(`+11${NBSP}pts`);
		expect(formatKpiChange(change(41, 52), 'pts', 'fr')).toBe(`+11${NBSP}pts`);
		expect(formatKpiChange(change(36, 49.5), 'pts', 'fr')).toBe(`+13,5${NBSP}pts`);
		expect(formatKpiChange(change(52, 41), 'points', 'en')).toBe(`-11${NBSP}pts`);
		expect(formatKpiChange(change(0, 12), 'pp', 'en')).toBe(`+12${NBSP}pts`);
		expect(formatKpiChange(change(41, 52), 'pts', 'en')).not.toContain('%');
	});

	it('knows the spellings of points', () => {
		for (const unit of ['pts', 'PTS', 'pt', 'pp', 'points', 'pts.'])
			expect(isPointUnit(unit)).toBe(true);
		for (const unit of ['%', 'count', 'EUR', 'days']) expect(isPointUnit(unit)).toBe(false);
	});
});

describe('parseKpiNumber, the one KPI number parser', () => {
	it('reads numbers as people type them', () => {
		expect(parseKpiNumber('60')).toBe(60);
		expect(parseKpiNumber('12,5')).toBe(12.5);
		expect(parseKpiNumber('12.5')).toBe(12.5);
		expect(parseKpiNumber('1 234')).toBe(1234);
		expect(parseKpiNumber(`1${NNBSP}234,5`)).toBe(1234.5);
		expect(parseKpiNumber(`1${NBSP}234`)).toBe(1234);
		expect(parseKpiNumber('+11')).toBe(11);
		expect(parseKpiNumber('-3')).toBe(-3);
		expect(parseKpiNumber('\u22123')).toBe(-3); // U+2212, the typographic minus
		expect(parseKpiNumber(' 7 ')).toBe(7);
	});

	it("accepts the field's unit after the number", () => {
		expect(parseKpiNumber('60%', '%')).toBe(60);
		expect(parseKpiNumber('60 %', '%')).toBe(60);
		expect(parseKpiNumber('+11 pts', 'pts')).toBe(11);
		expect(parseKpiNumber('52pp', 'pts')).toBe(52);
		expect(parseKpiNumber('12 days', 'days')).toBe(12);
		expect(parseKpiNumber('1 250 €', 'EUR')).toBe(1250);
	});

	it('refuses what is not a number of the field', () => {
		expect(parseKpiNumber('60%')).toBeNull(); // no unit: % is not this field's
		expect(parseKpiNumber('60%', 'pts')).toBeNull();
		expect(parseKpiNumber('%', '%')).toBeNull();
		expect(parseKpiNumber('ten')).toBeNull();
		expect(parseKpiNumber('1e3')).toBeNull();
		expect(parseKpiNumber('1,250.5')).toBeNull(); // ambiguous
		expect(parseKpiNumber('')).toBeNull();
		expect(parseKpiNumber('--3')).toBeNull();
	});
});
