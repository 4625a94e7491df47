// The digest's time: the member's weekday at 07:00 on their own clock (summer time included), and the
// ISO week that keys it.
import { describe, expect, it } from 'vitest';
import { isoWeek, nextDigestTime } from '../../../../src/lib/server/notifications/calendar';

const at = (iso: string) => Date.parse(iso) / 1000;

describe('nextDigestTime', () => {
	it('is the next chosen weekday at 07:00 in the member’s time zone', () => {
		// Wednesday 1 July 2026; Paris is UTC+2 in summer.
		expect(nextDigestTime(1, 'Europe/Paris', at('2026-07-01T12:00:00Z'))).toEqual({
			at: at('2026-07-06T05:00:00Z'),
			week: '2026-W28',
		});
		// Same day, before 07:00 local: today; after: next week.
		expect(nextDigestTime(3, 'Europe/Paris', at('2026-07-01T04:59:00Z')).at).toBe(
			at('2026-07-01T05:00:00Z'),
		);
		expect(nextDigestTime(3, 'Europe/Paris', at('2026-07-01T05:00:00Z')).at).toBe(
			at('2026-07-08T05:00:00Z'),
		);
		// No time zone set: UTC. Sunday of ISO week 53 of 2026.
		expect(nextDigestTime(7, '', at('2027-01-01T00:00:00Z'))).toEqual({
			at: at('2027-01-03T07:00:00Z'),
			week: '2026-W53',
		});
		// A zone on the other side of the date line.
		expect(nextDigestTime(1, 'Pacific/Auckland', at('2026-01-04T17:00:00Z')).at).toBe(
			at('2026-01-04T18:00:00Z'),
		);
	});

	it('names ISO weeks across year ends', () => {
		expect(isoWeek({ year: 2026, month: 1, day: 1 })).toBe('2026-W01');
		expect(isoWeek({ year: 2024, month: 12, day: 30 })).toBe('2025-W01');
		expect(isoWeek({ year: 2021, month: 1, day: 3 })).toBe('2020-W53');
	});
});
