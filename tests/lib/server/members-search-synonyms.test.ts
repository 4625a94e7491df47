import { expect, it } from 'vitest';
import { toRecord, type IndexablePostMortem } from '../../../src/lib/server/members-search';

const postMortem: IndexablePostMortem = {
	id: 7,
	title: 'A crossover reveal that drew the wrong audience',
	tried: 'An evening event with a DJ at every dealer.',
	country: null,
	models: [],
	channel: null,
	topics: [],
	period: 'Spring 2026',
	practice: null,
	results: [],
	timeline: [],
	signal: '',
	factors: [],
	factors_note: '',
	went_well: '',
	went_wrong: '',
	lucky: '',
	fail_again: '',
	differently: '',
	published_month: '2026-05',
};

it('indexes a post-mortem with the synonyms of the terms it uses, like the case studies', () => {
	const groups = [
		['SUV', 'crossover'],
		['dealer', 'concessionnaire'],
		['trade-in', 'reprise'],
	];
	const { content } = toRecord(postMortem, groups);
	expect(content.endsWith('\n\nSUV, concessionnaire')).toBe(true);
	expect(content).not.toContain('reprise');
	expect(toRecord(postMortem).content).not.toContain('SUV');
});
