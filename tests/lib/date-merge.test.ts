import { describe, expect, it } from 'vitest';
import { mergeByDate, sortDate, type DatedResult } from '../../src/lib/date-merge';

/** Results as Pagefind hands them out, counting how many times each one's data is loaded. */
function results(dated: [id: string, date: string][], loads: Map<string, number>): DatedResult[] {
	return dated.map(([id, date]) => ({
		id,
		data: async () => {
			loads.set(id, (loads.get(id) ?? 0) + 1);
			const meta: Record<string, string> = date ? { date } : {};
			return { meta };
		},
	}));
}

describe('mergeByDate', () => {
	it('puts the members’ records at their dates among public results, loading few public ones', async () => {
		const loads = new Map<string, number>();
		// Public results newest first, members' records in score order (not by date).
		const publics: [string, string][] = Array.from({ length: 50 }, (_, i) => [
			`p${i}`,
			`2025-${String(12 - Math.floor(i / 5)).padStart(2, '0')}-${String(28 - (i % 5)).padStart(2, '0')}`,
		]);
		const members: [string, string][] = [
			['m-old', '2019-01'],
			['m-new', '2026-01'],
			['m-mid', '2025-11'],
		];
		const mixed = [...publics.slice(0, 3), ...members, ...publics.slice(3)];
		const dates = new Map(members.map(([id, d]) => [id, sortDate(d)]));
		const list = mergeByDate([results(mixed, loads)], dates);
		expect(list.total).toBe(53);
		const first = await list.slice(0, 5);
		expect(first.map((r) => r.id)).toEqual(['m-new', 'p0', 'p1', 'p2', 'p3']);
		// The dates of the public results shown, and a couple read ahead.
		expect([...loads.keys()].filter((id) => id.startsWith('p')).length).toBeLessThanOrEqual(7);
		const all = (await list.slice(0, 100)).map((r) => r.id);
		expect(all.indexOf('m-mid')).toBe(all.indexOf('p9') + 1);
		expect(all.at(-1)).toBe('m-old');
		// Data handed out again is not loaded again.
		for (const r of await list.slice(0, 100)) await r.data();
		expect(Math.max(...loads.values())).toBe(1);
	});

	it('merges several lists each newest first, a page found twice coming once', async () => {
		const loads = new Map<string, number>();
		const a = results(
			[
				['x', '2025-05-01'],
				['y', '2024-01-01'],
			],
			loads,
		);
		const b = results(
			[
				['z', '2025-01-01'],
				['y', '2024-01-01'],
				['w', '2023-01-01'],
			],
			loads,
		);
		const list = mergeByDate([a, b], new Map());
		expect(list.total).toBe(4);
		expect((await list.slice(0, 10)).map((r) => r.id)).toEqual(['x', 'z', 'y', 'w']);
	});

	it('keeps public results first on equal dates, and undated records last', async () => {
		const loads = new Map<string, number>();
		const list = mergeByDate(
			[
				results(
					[
						['p', '2025-03-01'],
						['m2', ''],
						['m1', '2025-03'],
						['q', ''],
					],
					loads,
				),
			],
			new Map([
				['m1', '2025-03-01'],
				['m2', ''],
			]),
		);
		expect((await list.slice(0, 10)).map((r) => r.id)).toEqual(['p', 'm1', 'q', 'm2']);
	});
});
