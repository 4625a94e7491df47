import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseSynonyms, synonymsFor } from '../../src/lib/search-synonyms';

const FILE = 'content/search/synonyms.txt';

describe('search synonyms', () => {
	it('reads the maintained list: SUV and crossover, trade-in and reprise, dealer and concessionnaire', () => {
		const groups = parseSynonyms(fs.readFileSync(FILE, 'utf8'), FILE);
		const groupOf = (term: string) => groups.find((g) => g.includes(term)) ?? [];
		expect(groupOf('SUV')).toContain('crossover');
		expect(groupOf('trade-in')).toContain('reprise');
		expect(groupOf('dealer')).toContain('concessionnaire');
		expect(groupOf('test drive')).toContain('essai');
	});

	it('gives a page the terms it lacks from each group it uses, ignoring case, accents and plurals', () => {
		const groups = parseSynonyms(
			'SUV, crossover, 4x4\ntrade-in, reprise\ntest drive, essai\nélectrique, EV\n',
			'x.txt',
		);
		expect(synonymsFor('Launching the Kestrel Crossover in Italy', groups)).toEqual(['SUV', '4x4']);
		expect(synonymsFor('Three new crossovers', groups)).toEqual(['SUV', '4x4']);
		expect(synonymsFor('La REPRISE du véhicule', groups)).toEqual(['trade-in']);
		expect(synonymsFor('Test drives booked online', groups)).toEqual(['essai']);
		expect(synonymsFor('Une gamme electrique', groups)).toEqual(['EV']);
		// Whole words only: "crossover" is not in "crossovered", "EV" is not in "every".
		expect(synonymsFor('every crossovered road', groups)).toEqual([]);
		expect(synonymsFor('A drive to the test centre', groups)).toEqual([]);
	});

	it('stops on a bad entry with the file and line', () => {
		const bad = (text: string) => () => parseSynonyms(text, 'content/search/synonyms.txt');
		expect(bad('# groups\nSUV, crossover\n\ndealer\n')).toThrow(
			'content/search/synonyms.txt:4: a group needs at least two terms separated by commas, e.g. "SUV, crossover" (in "dealer")',
		);
		expect(bad('SUV, crossover\ndealer, concession,\n')).toThrow(
			'content/search/synonyms.txt:2: empty term: separate the terms with single commas, with no comma at the end (in "dealer, concession,")',
		);
		expect(bad('SUV, crossover\n4x4, Crossover\n')).toThrow(
			'content/search/synonyms.txt:2: `Crossover` is already in the group on line 1: merge the two lines (in "4x4, Crossover")',
		);
		expect(bad('SUV, <b>crossover</b>\n')).toThrow(
			'content/search/synonyms.txt:1: `<b>crossover</b>` is not a term: use letters, digits, spaces, hyphens and apostrophes only',
		);
		expect(bad('événement, evenement\n')).toThrow(
			'content/search/synonyms.txt:1: `evenement` appears twice in this group',
		);
	});
});
