// Date order for the search page when the members' index is merged in: Pagefind orders a merged
// search by score, and a sorted index's score is a page's rank in its own index, so the members'
// records come out apart from the public ones. The public results already come in date order among
// themselves (their shards are built for it); the members' dates are known from the map written
// beside their index (cd-dates.json). Merging the two sequences lazily needs the date of a public
// result only when it reaches the head of the merge: showing the first N fetches about N fragments,
// not one per result.

export interface DatedResult {
	id: string;
	data: () => Promise<{ meta: Record<string, string> }>;
}

/** A list of results read a page at a time. */
export interface ResultList<T> {
	/** How many results there are, known before any is loaded. */
	readonly total: number;
	slice(from: number, to: number): Promise<T[]>;
}

/**
 * A list that is already in the order to show.
 * @example await listOf(results).slice(0, 5)
 */
export function listOf<T>(results: T[]): ResultList<T> {
	return { total: results.length, slice: async (from, to) => results.slice(from, to) };
}

/**
 * A meta date as it sorts: post-mortems carry only a month, which sorts as its first day; an undated
 * record sorts last.
 * @example sortDate('2026-03') // '2026-03-01'
 */
export function sortDate(date: string | undefined): string {
	const d = date ?? '';
	return /^\d{4}-\d{2}$/.test(d) ? `${d}-01` : d;
}

// Public dates loaded ahead of the merge's head: fewer round trips one after the other, and at most
// this many fragments fetched that the page does not show yet.
const LOOKAHEAD = 2;

/**
 * Newest first, merged on demand from `lists` (each already newest first; a page in several counts
 * once) and the members' records among them, which `dates` (page id → sort date) names and dates.
 * On equal dates a public result comes first, then members' records in their given order. Every
 * result's data() is loaded once: the list hands out results whose data() answers from memory.
 * @example await mergeByDate([response.results], dates).slice(0, 5)
 */
export function mergeByDate<T extends DatedResult>(
	lists: T[][],
	dates: ReadonlyMap<string, string>,
): ResultList<T> {
	// A page found by two words is kept in the first list that has it: the lists stay newest first.
	const seen = new Set<string>();
	const members: { r: T; date: string }[] = [];
	const publics: T[][] = lists.map((list) =>
		list.flatMap((r) => {
			if (seen.has(r.id)) return [];
			seen.add(r.id);
			const once = remember(r);
			const date = dates.get(r.id);
			if (date === undefined) return [once];
			members.push({ r: once, date });
			return [];
		}),
	);
	// Stable: members of one date keep the order the search gave them.
	members.sort((a, b) => (a.date < b.date ? 1 : a.date > b.date ? -1 : 0));
	const heads = publics.map(() => 0);
	const dateOf = new Map<T, Promise<string>>();
	const publicDate = (r: T) => {
		let d = dateOf.get(r);
		if (!d) {
			d = r.data().then((data) => sortDate(data.meta.date));
			dateOf.set(r, d);
		}
		return d;
	};
	let member = 0;
	const out: T[] = [];
	let pending: Promise<unknown> = Promise.resolve();

	async function next(): Promise<T | null> {
		// The newest head of the public lists; lists already merged in order settle ties.
		let best = -1;
		let bestDate = '';
		for (const [i, list] of publics.entries()) {
			if (heads[i] >= list.length) continue;
			for (const r of list.slice(heads[i] + 1, heads[i] + 1 + LOOKAHEAD)) void publicDate(r);
			const d = await publicDate(list[heads[i]]);
			if (best === -1 || d > bestDate) [best, bestDate] = [i, d];
		}
		if (member < members.length && (best === -1 || members[member].date > bestDate))
			return members[member++].r;
		if (best === -1) return null;
		return publics[best][heads[best]++];
	}

	async function fill(to: number) {
		while (out.length < to) {
			const r = await next();
			if (!r) return;
			out.push(r);
		}
	}

	return {
		total: seen.size,
		slice(from, to) {
			// One merge at a time: "More" clicked while the first page loads waits for it.
			const done = pending.then(() => fill(to)).then(() => out.slice(from, to));
			pending = done.catch(() => {});
			return done;
		},
	};
}

/** The same result, its data() loaded once and kept. */
function remember<T extends DatedResult>(r: T): T {
	let data: ReturnType<T['data']> | null = null;
	return { ...r, data: () => (data ??= r.data() as ReturnType<T['data']>) };
}
