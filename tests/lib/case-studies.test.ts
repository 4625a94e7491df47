import { describe, expect, it } from 'vitest';
import { findRelated, groupBy, selectPublished, type StudyLike } from '../../src/lib/case-studies';

const s = (
	id: string,
	topics: string[],
	published = '2025-01-01',
	extra: Partial<StudyLike['data']> = {},
): StudyLike => ({
	id,
	data: {
		draft: false,
		published: new Date(published),
		topics,
		models: [],
		country: 'IT',
		title: id,
		...extra,
	},
});

describe('case studies', () => {
	it('hides drafts and studies scheduled for later, newest first', () => {
		const all = [
			s('old', [], '2024-01-01'),
			s('draft', [], '2025-01-01', { draft: true }),
			s('new', [], '2025-06-01'),
			s('future', [], '2030-01-01'),
		];
		expect(selectPublished(all, new Date('2026-01-01')).map((x) => x.id)).toEqual(['new', 'old']);
	});

	it('relates practices by shared topics, then models, never itself, never unrelated ones', () => {
		const me = s('me', ['a', 'b'], '2025-01-01', { models: ['K'] });
		const all = [
			me,
			s('one-topic', ['a'], '2025-05-01'),
			s('two-topics', ['a', 'b'], '2020-01-01'),
			s('one-topic-same-model', ['b'], '2021-01-01', { models: ['K'] }),
			s('nothing', ['z'], '2025-12-01'),
		];
		expect(findRelated(me, all).map((x) => x.id)).toEqual([
			'two-topics',
			'one-topic-same-model',
			'one-topic',
		]);
	});

	it('groups by one or several keys', () => {
		const g = groupBy([s('x', ['a', 'b']), s('y', ['b'])], (e) => e.data.topics);
		expect([...g.entries()].map(([k, v]) => [k, v.map((e) => e.id)])).toEqual([
			['a', ['x']],
			['b', ['x', 'y']],
		]);
	});
});
