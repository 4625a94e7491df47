// What the search page does when Pagefind finds nothing: partial matches ranked by how many of the
// words they contain, and "did you mean" from the index's own vocabulary. Pure functions, used by
// src/scripts/search.ts in the browser and by the index build (vocabulary).

/**
 * The words of a query, as typed (case kept), without punctuation.
 * @example queryWords('compact SUV, launch') // ['compact', 'SUV', 'launch']
 */
export function queryWords(query: string): string[] {
	return query.match(/[\p{L}\p{N}]+(?:['’-][\p{L}\p{N}]+)*/gu) ?? [];
}

/** Lower case without accents: the form words are compared in. */
export function foldWord(word: string): string {
	return word
		.normalize('NFKD')
		.replace(/[\u0300-\u036f]/g, '')
		.toLowerCase();
}

/**
 * Damerau-Levenshtein distance (optimal string alignment: insertions, deletions, substitutions and
 * swaps of two neighbouring letters each cost 1). Stops early and returns `max + 1` once the
 * distance is sure to exceed `max`.
 * @example editDistance('kestral', 'kestrel') // 1
 */
export function editDistance(a: string, b: string, max = Infinity): number {
	if (Math.abs(a.length - b.length) > max) return max + 1;
	let prev2: number[] = [];
	let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
	for (let i = 1; i <= a.length; i++) {
		const row = [i];
		let best = i;
		for (let j = 1; j <= b.length; j++) {
			const cost = a[i - 1] === b[j - 1] ? 0 : 1;
			let d = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + cost);
			if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
				d = Math.min(d, prev2[j - 2] + 1);
			row.push(d);
			if (d < best) best = d;
		}
		if (best > max) return max + 1;
		prev2 = prev;
		prev = row;
	}
	return prev[b.length];
}

/** How many edits a word of this length may need to still count as a typo of another. */
function allowedEdits(length: number): number {
	return length <= 3 ? 0 : length <= 7 ? 1 : 2;
}

/**
 * The vocabulary word closest to `word` (at most 1 edit for words of 4-7 letters, 2 beyond, so
 * that "compact" is not taken for "company"), or
 * null. `vocabulary` is ordered most frequent first, which breaks ties. The answer keeps the
 * capital of a capitalised word.
 * @example suggestWord('Kestral', ['launch', 'kestrel']) // 'Kestrel'
 */
export function suggestWord(word: string, vocabulary: readonly string[]): string | null {
	const folded = foldWord(word);
	const max = allowedEdits(folded.length);
	if (max === 0) return null;
	let best: string | null = null;
	let bestDistance = max + 1;
	for (const candidate of vocabulary) {
		const d = editDistance(folded, foldWord(candidate), bestDistance - 1);
		if (d === 0) return null;
		if (d < bestDistance) {
			best = candidate;
			bestDistance = d;
		}
	}
	if (best === null) return null;
	return /^\p{Lu}/u.test(word) ? best[0].toUpperCase() + best.slice(1) : best;
}

/**
 * The query with each word of `unknown` replaced by its closest vocabulary word, or null when none
 * has one.
 * @example correctQuery('Kestral launch', ['Kestral'], ['kestrel']) // 'Kestrel launch'
 */
export function correctQuery(
	query: string,
	unknown: readonly string[],
	vocabulary: readonly string[],
): string | null {
	let changed = false;
	const words = queryWords(query).map((w) => {
		if (!unknown.includes(w)) return w;
		const better = suggestWord(w, vocabulary);
		if (better === null) return w;
		changed = true;
		return better;
	});
	return changed ? words.join(' ') : null;
}

/** One search answer for one word of the query: the pages that contain it, with their scores. */
export interface WordHits {
	word: string;
	hits: { id: string; score: number }[];
}

/** Pages that contain the same words of the query, best first within the group. */
export interface PartialGroup {
	words: string[];
	ids: string[];
}

/**
 * Ranks the pages found by one search per word: pages with more of the words first, then by their
 * summed score. Pages are grouped by the exact set of words they contain, so each group can be
 * searched again with those words to get excerpts that mark them all.
 * @example rankPartialMatches([{ word: 'suv', hits: [{ id: 'a', score: 1 }] }, { word: 'launch', hits: [{ id: 'a', score: 1 }, { id: 'b', score: 3 }] }])
 * // [{ words: ['suv', 'launch'], ids: ['a'] }, { words: ['launch'], ids: ['b'] }]
 */
export function rankPartialMatches(perWord: readonly WordHits[]): PartialGroup[] {
	const pages = new Map<string, { words: string[]; score: number }>();
	for (const { word, hits } of perWord) {
		for (const hit of hits) {
			const page = pages.get(hit.id) ?? { words: [], score: 0 };
			if (!page.words.includes(word)) page.words.push(word);
			page.score += hit.score;
			pages.set(hit.id, page);
		}
	}
	const order = perWord.map((w) => w.word);
	const groups = new Map<string, PartialGroup & { best: number }>();
	const ranked = [...pages.entries()].sort(
		(a, b) => b[1].words.length - a[1].words.length || b[1].score - a[1].score,
	);
	for (const [id, page] of ranked) {
		const words = [...page.words].sort((x, y) => order.indexOf(x) - order.indexOf(y));
		const key = words.join('\u0000');
		const group = groups.get(key) ?? { words, ids: [], best: page.score };
		group.ids.push(id);
		groups.set(key, group);
	}
	return [...groups.values()]
		.sort((a, b) => b.words.length - a.words.length || b.best - a.best)
		.map(({ words, ids }) => ({ words, ids }));
}

/**
 * The vocabulary of some texts for "did you mean": distinct lower-case words of 4 letters or more,
 * without digits, most frequent first (then alphabetical).
 * @example buildVocabulary(['Kestrel launch', 'the Kestrel']) // ['kestrel', 'launch']
 */
export function buildVocabulary(texts: Iterable<string>): string[] {
	const counts = new Map<string, number>();
	for (const text of texts) {
		for (const word of text.toLowerCase().match(/\p{L}+(?:['’-]\p{L}+)*/gu) ?? []) {
			if (word.length < 4 || word.length > 30) continue;
			counts.set(word, (counts.get(word) ?? 0) + 1);
		}
	}
	return [...counts.entries()]
		.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
		.map(([w]) => w);
}

/**
 * Whether the index knows `word`, as Pagefind matches it: a vocabulary word starts with it, or it is
 * a vocabulary word with an ending of up to 3 letters (stemming: "launches" is "launch"). Words of
 * fewer than 4 letters count as known: the vocabulary leaves them out.
 * @example isKnownWord('launches', ['launch']) // true
 */
export function isKnownWord(word: string, vocabulary: readonly string[]): boolean {
	const w = foldWord(word);
	if (w.length < 4) return true;
	return vocabulary.some((v) => {
		const f = foldWord(v);
		return f.startsWith(w) || (w.startsWith(f) && w.length - f.length <= 3);
	});
}

/**
 * Whether highlighted words of a result are `word` rather than a stand-in. When a word is not in
 * the index, Pagefind searches for its longest indexed prefix instead ("Alpah" finds "a").
 * @example marksMatchWord('Alpah', ['A']) // false
 */
export function marksMatchWord(word: string, marks: readonly string[]): boolean {
	const w = foldWord(word);
	const needed = Math.min(w.length, Math.max(4, w.length - 3));
	return marks.some((m) => {
		const f = foldWord(m);
		let i = 0;
		while (i < f.length && i < w.length && f[i] === w[i]) i++;
		return i >= needed;
	});
}
