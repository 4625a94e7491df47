import { describe, expect, it } from 'vitest';
import {
	buildVocabulary,
	correctQuery,
	editDistance,
	isKnownWord,
	marksMatchWord,
	queryWords,
	rankPartialMatches,
	suggestWord,
} from '../../src/lib/search-query';

describe('did you mean', () => {
	const vocabulary = buildVocabulary([
		'Launching the Kestrel crossover in Italy',
		'Kestrel orders after the launch',
		'Contact the company about the valuation of a trade-in',
	]);

	it('builds the vocabulary from the index text, frequent words first, short words left out', () => {
		expect(vocabulary.slice(0, 2)).toEqual(['kestrel', 'about']);
		expect(vocabulary).toContain('trade-in');
		expect(vocabulary).not.toContain('the');
	});

	it('counts swaps of neighbouring letters as one edit (Damerau-Levenshtein)', () => {
		expect(editDistance('kestral', 'kestrel')).toBe(1);
		expect(editDistance('alpah', 'alpha')).toBe(1);
		expect(editDistance('crosover', 'crossover')).toBe(1);
		expect(editDistance('compact', 'company')).toBe(2);
		expect(editDistance('abc', 'xyz', 1)).toBe(2);
	});

	it('corrects "Kestral" to "Kestrel", keeping the capital and the other words', () => {
		expect(suggestWord('Kestral', vocabulary)).toBe('Kestrel');
		expect(suggestWord('valuaton', vocabulary)).toBe('valuation');
		expect(correctQuery('Kestral  launch', ['Kestral'], vocabulary)).toBe('Kestrel launch');
	});

	it('suggests nothing for a known word, a far word, or a short one', () => {
		expect(suggestWord('kestrel', vocabulary)).toBeNull();
		// Two edits are too many for a word of 7 letters: "compact" is not "company".
		expect(suggestWord('compact', vocabulary)).toBeNull();
		expect(suggestWord('teh', vocabulary)).toBeNull();
		expect(correctQuery('compact launch', ['compact'], vocabulary)).toBeNull();
	});

	it('knows the index words, their prefixes and their endings; not a stand-in prefix', () => {
		expect(isKnownWord('Kestr', vocabulary)).toBe(true);
		expect(isKnownWord('launches', vocabulary)).toBe(true);
		expect(isKnownWord('compact', vocabulary)).toBe(false);
		expect(isKnownWord('SUV', vocabulary)).toBe(true);
		// Pagefind answers "Alpah" with pages that have "a": that is no match.
		expect(marksMatchWord('Alpah', ['A', 'a'])).toBe(false);
		expect(marksMatchWord('launches', ['launched'])).toBe(true);
		expect(marksMatchWord('rebranding', ['Rebranding'])).toBe(true);
	});
});

describe('closest matches', () => {
	it('splits a query into words, keeping hyphenated and accented ones', () => {
		expect(queryWords('compact SUV, trade-in  véhicule')).toEqual([
			'compact',
			'SUV',
			'trade-in',
			'véhicule',
		]);
	});

	it('ranks pages by how many words they have, then by score, grouped by the words they share', () => {
		const groups = rankPartialMatches([
			{ word: 'compact', hits: [] },
			{
				word: 'SUV',
				hits: [
					{ id: 'kestrel', score: 2 },
					{ id: 'fleet', score: 1 },
				],
			},
			{
				word: 'launch',
				hits: [
					{ id: 'rally', score: 9 },
					{ id: 'kestrel', score: 3 },
					{ id: 'volta', score: 4 },
				],
			},
		]);
		expect(groups).toEqual([
			{ words: ['SUV', 'launch'], ids: ['kestrel'] },
			{ words: ['launch'], ids: ['rally', 'volta'] },
			{ words: ['SUV'], ids: ['fleet'] },
		]);
	});
});
