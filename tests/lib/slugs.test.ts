import { describe, expect, it } from 'vitest';
import { createSlugGenerator, slugFromPath } from '../../src/lib/slugs';

describe('slugs', () => {
	it('uses the folder name for index files and strips accents', () => {
		expect(slugFromPath('it/crossover-launch/index.mdx')).toBe('crossover-launch');
		expect(slugFromPath('Rallye Propriétaires.mdx')).toBe('rallye-proprietaires');
	});

	it('stops on two files that would publish at the same URL, naming both', () => {
		const gen = createSlugGenerator('case-studies');
		expect(gen({ entry: 'it/launch/index.mdx' })).toBe('launch');
		expect(gen({ entry: 'it/launch/index.mdx' })).toBe('launch');
		expect(() => gen({ entry: 'fr/launch.mdx' })).toThrow(
			'[case-studies] duplicate slug `launch`: it/launch/index.mdx and fr/launch.mdx would publish at the same URL. Rename one of them.',
		);
	});
});
