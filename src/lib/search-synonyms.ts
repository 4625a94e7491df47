// Search synonyms. Pagefind has none, so they are applied when the index is built: a page that says
// "crossover" is indexed with "SUV" and "4x4" too (content/search/synonyms.txt, one group a line).
// Pure functions, shared by the case-study index and the members' index.

/** Groups of equivalent terms, each term as written in the file. */
export type SynonymGroups = string[][];

/** A mistake in the synonyms file; the message names the file and the line. */
export class SynonymsError extends Error {
	override name = 'SynonymsError';
}

/**
 * Lower case, no accents, single spaces: the form terms are compared in.
 * @example normalizeTerm('  Véhicule  Électrique ') // 'vehicule electrique'
 */
export function normalizeTerm(text: string): string {
	return text
		.normalize('NFKD')
		.replace(/[\u0300-\u036f]/g, '')
		.toLowerCase()
		.replace(/[’‘]/g, "'")
		.replace(/\s+/g, ' ')
		.trim();
}

const TERM = /^[\p{L}\p{N}][\p{L}\p{N}' -]*$/u;

/**
 * Reads a synonyms file: one group of two or more comma-separated terms a line, `#` comments.
 * Throws a SynonymsError naming `file` and the line for a group of one, an empty or odd term, or a
 * term already in another group.
 * @example parseSynonyms('SUV, crossover\n', 'synonyms.txt') // [['SUV', 'crossover']]
 */
export function parseSynonyms(text: string, file: string): SynonymGroups {
	const groups: SynonymGroups = [];
	const lineOf = new Map<string, number>();
	text.split(/\r?\n/).forEach((raw, i) => {
		const line = i + 1;
		const content = raw.trim();
		if (content === '' || content.startsWith('#')) return;
		const fail = (message: string): never => {
			throw new SynonymsError(`${file}:${line}: ${message} (in "${content}")`);
		};
		const terms = content.split(',').map((t) => t.trim().replace(/\s+/g, ' '));
		if (terms.some((t) => t === ''))
			fail('empty term: separate the terms with single commas, with no comma at the end');
		if (terms.length < 2)
			fail('a group needs at least two terms separated by commas, e.g. "SUV, crossover"');
		const seen = new Set<string>();
		for (const term of terms) {
			if (!TERM.test(term))
				fail(
					`\`${term}\` is not a term: use letters, digits, spaces, hyphens and apostrophes only`,
				);
			const key = normalizeTerm(term);
			if (seen.has(key)) fail(`\`${term}\` appears twice in this group`);
			const other = lineOf.get(key);
			if (other !== undefined)
				fail(`\`${term}\` is already in the group on line ${other}: merge the two lines`);
			seen.add(key);
			lineOf.set(key, line);
		}
		groups.push(terms);
	});
	return groups;
}

function escapeRegExp(text: string): string {
	return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const patternCache = new WeakMap<string[], RegExp[]>();

// A term matches as whole words, its last word also with a plural ending (dealers, réseaux).
function patternsOf(group: string[]): RegExp[] {
	let patterns = patternCache.get(group);
	if (!patterns) {
		patterns = group.map(
			(term) =>
				new RegExp(
					`(?<![\\p{L}\\p{N}])${escapeRegExp(normalizeTerm(term)).replace(/[ -]/g, '[ -]')}(?:s|es|x)?(?![\\p{L}\\p{N}])`,
					'u',
				),
		);
		patternCache.set(group, patterns);
	}
	return patterns;
}

/**
 * The synonyms a text lacks: for each group with a term in `text`, the group's other terms.
 * Matching ignores case and accents.
 * @example synonymsFor('The new crossover', [['SUV', 'crossover', '4x4']]) // ['SUV', '4x4']
 */
export function synonymsFor(text: string, groups: SynonymGroups): string[] {
	const haystack = normalizeTerm(text);
	const added: string[] = [];
	for (const group of groups) {
		const found = patternsOf(group).map((p) => p.test(haystack));
		if (!found.some(Boolean)) continue;
		group.forEach((term, i) => {
			if (!found[i]) added.push(term);
		});
	}
	return added;
}
