import { describe, expect, it } from 'vitest';
import {
	getImpactScope,
	isoWeekOf,
	isoWeekStart,
	replyWithin,
	serializeTableCsv,
	workingSecondsBetween,
} from '../../src/lib/impact';
import { renderBarChart, renderColumnChart } from '../../src/lib/charts';

const at = (iso: string) => Date.parse(iso) / 1000;
const H = 3600;

describe('working days', () => {
	it('skips Saturday and Sunday', () => {
		// Friday 12:00 → Monday 12:00: 12 hours of Friday and 12 of Monday.
		expect(workingSecondsBetween(at('2026-03-06T12:00:00Z'), at('2026-03-09T12:00:00Z'))).toBe(
			24 * H,
		);
		// A message sent on Saturday starts counting on Monday.
		expect(workingSecondsBetween(at('2026-03-07T10:00:00Z'), at('2026-03-09T10:00:00Z'))).toBe(
			10 * H,
		);
	});

	it('answers within 5 working days across a weekend, or not; pending while in time', () => {
		const friday = at('2026-03-06T10:00:00Z');
		expect(replyWithin(friday, at('2026-03-13T09:59:00Z'), friday + 30 * 86400)).toBe('yes');
		expect(replyWithin(friday, at('2026-03-13T10:01:00Z'), friday + 30 * 86400)).toBe('no');
		expect(replyWithin(friday, null, at('2026-03-12T10:00:00Z'))).toBe('pending');
		expect(replyWithin(friday, null, at('2026-03-14T10:00:00Z'))).toBe('no');
	});
});

describe('ISO weeks', () => {
	it('names weeks as ISO 8601 does, across a year end', () => {
		expect(isoWeekOf(at('2026-11-26T12:00:00Z'))).toBe('2026-W48');
		expect(isoWeekOf(at('2026-01-01T00:00:00Z'))).toBe('2026-W01');
		expect(isoWeekOf(at('2027-01-01T00:00:00Z'))).toBe('2026-W53');
		expect(isoWeekStart('2026-W48')).toBe(at('2026-11-23T00:00:00Z'));
		expect(isoWeekStart('2026-W01')).toBe(at('2025-12-29T00:00:00Z'));
		expect(isoWeekStart('2025-W53')).toBeNull();
		expect(isoWeekStart('nonsense')).toBeNull();
	});
});

describe('scope', () => {
	it('shows admins and HQ editors every country, others their own', () => {
		expect(getImpactScope({ role: 'admin', hq: false, country: 'IT' }, 3)).toEqual({
			country: null,
			network: true,
		});
		expect(getImpactScope({ role: 'member', hq: true, country: 'FR' }, 3)).toEqual({
			country: null,
			network: true,
		});
		expect(getImpactScope({ role: 'editor', hq: false, country: 'PT' }, 4)).toEqual({
			country: 'PT',
			network: false,
		});
		expect(getImpactScope({ role: 'member', hq: false, country: null }, 9)).toEqual({
			country: '',
			network: true,
		});
	});
});

describe('CSV', () => {
	it('writes RFC 4180 with CRLF, quoting and neutralised formulas; Excel with BOM and semicolons', () => {
		const table = {
			columns: [
				{ key: 'query', label: 'Recherche' },
				{ key: 'share', label: 'Part' },
			],
			rows: [
				['suv, rural', 12.5],
				['=HYPERLINK("x")', null],
			],
		};
		expect(serializeTableCsv(table)).toBe(
			'query,share\r\n"suv, rural",12.5\r\n"\'=HYPERLINK(""x"")",\r\n',
		);
		expect(serializeTableCsv(table, { format: 'excel', decimal: ',' })).toBe(
			'\uFEFFRecherche;Part\r\nsuv, rural;12,5\r\n"\'=HYPERLINK(""x"")";\r\n',
		);
	});
});

describe('charts', () => {
	it('draws labelled, accessible, scalable SVG with escaped text', () => {
		const svg = renderBarChart({
			id: 'c1',
			title: 'Searches',
			desc: 'Top searches',
			data: [
				{ label: '<script>alert(1)</script>', value: 3, display: '3' },
				{ label: 'Network', value: 1, display: '1 of 2', emphasis: true },
			],
		});
		expect(svg).toContain('role="img"');
		expect(svg).toContain('aria-labelledby="c1-title c1-desc"');
		expect(svg).toContain('width="100%"');
		expect(svg).toMatch(/viewBox="0 0 640 \d+"/);
		expect(svg).toContain('<title id="c1-title">Searches</title>');
		expect(svg).not.toContain('<script>');
		expect(svg).toContain('&lt;script&gt;');
		expect(svg).toContain('url(#c1-hatch)');
		expect(svg).toContain('>1 of 2<');
		const columns = renderColumnChart({
			id: 'c2',
			title: 'Failures',
			desc: 'Per month',
			data: [
				{ label: 'Jan 26', value: 0.2, display: '20 %' },
				{ label: 'Feb 26', value: 0.5, display: '50 %' },
			],
			max: 1,
		});
		expect(columns).toContain('>20 %<');
		expect(columns).toContain('<polyline');
	});
});
