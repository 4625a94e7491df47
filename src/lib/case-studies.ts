// Rules on published case studies that do not need Astro: what is visible, related practices, groupings.

/** The fields these rules read. */
export interface StudyLike {
	id: string;
	data: {
		draft: boolean;
		published: Date;
		topics: readonly string[];
		models: readonly string[];
		country: string;
		title: string;
	};
}

/** Published and not draft, newest first. `now` lets a study scheduled for a future date stay hidden until then. */
export function selectPublished<T extends StudyLike>(
	entries: readonly T[],
	now: Date = new Date(),
): T[] {
	return entries
		.filter((e) => !e.data.draft && e.data.published.getTime() <= now.getTime())
		.sort(
			(a, b) => b.data.published.getTime() - a.data.published.getTime() || a.id.localeCompare(b.id),
		);
}

interface RelatedIndex {
	topicBits: Map<string, number>;
	modelBits: Map<string, number>;
	topics: Int32Array;
	models: Int32Array;
	times: Float64Array;
}

// Per list of studies: each study's topics and models as bit masks. Comparing two studies is then
// two ANDs and two bit counts; with Sets it was most of prerendering at 10,000 studies (a pass over
// every study for each study page: 10⁸ comparisons).
const relatedIndexes = new WeakMap<readonly StudyLike[], RelatedIndex | null>();

function getRelatedIndex(all: readonly StudyLike[]): RelatedIndex | null {
	if (relatedIndexes.has(all)) return relatedIndexes.get(all)!;
	const topicBits = new Map<string, number>();
	const modelBits = new Map<string, number>();
	let repeated = false;
	const maskOf = (values: readonly string[], bits: Map<string, number>) => {
		let mask = 0;
		for (const v of values) {
			if (!bits.has(v)) bits.set(v, bits.size);
			const bit = 1 << bits.get(v)!;
			// A value listed twice counts twice with Sets, once in a mask.
			if (mask & bit) repeated = true;
			mask |= bit;
		}
		return mask;
	};
	const topics = new Int32Array(all.length);
	const models = new Int32Array(all.length);
	const times = new Float64Array(all.length);
	all.forEach((o, i) => {
		topics[i] = maskOf(o.data.topics, topicBits);
		models[i] = maskOf(o.data.models, modelBits);
		times[i] = o.data.published.getTime();
	});
	// More values than bits in a mask: the caller compares with Sets instead.
	const index =
		!repeated && topicBits.size <= 31 && modelBits.size <= 31
			? { topicBits, modelBits, topics, models, times }
			: null;
	relatedIndexes.set(all, index);
	return index;
}

function countBits(n: number): number {
	n -= (n >>> 1) & 0x55555555;
	n = (n & 0x33333333) + ((n >>> 2) & 0x33333333);
	return (((n + (n >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/**
 * Practices related to `study`: most shared topics first, then shared models, then newest; never itself.
 * Studies sharing nothing are not related.
 */
export function findRelated<T extends StudyLike>(study: T, all: readonly T[], limit = 3): T[] {
	if (limit <= 0) return [];
	const index = getRelatedIndex(all);
	const topicSet = new Set(study.data.topics);
	const modelSet = new Set(study.data.models);
	let topicMask = 0;
	let modelMask = 0;
	if (index) {
		// Values no other study has cannot be shared: they get no bit.
		for (const t of topicSet) if (index.topicBits.has(t)) topicMask |= 1 << index.topicBits.get(t)!;
		for (const m of modelSet) if (index.modelBits.has(m)) modelMask |= 1 << index.modelBits.get(m)!;
	}
	// One pass keeping the best `limit`, not a sort of every other study. Equal candidates keep
	// their order in `all`, as the stable sort did.
	const best: { i: number; topics: number; models: number; time: number }[] = [];
	const compare = (a: (typeof best)[number], b: (typeof best)[number]) =>
		a.topics - b.topics || a.models - b.models || a.time - b.time;
	for (let i = 0; i < all.length; i++) {
		const o = all[i];
		let sharedTopics = 0;
		let sharedModels = 0;
		if (index) {
			sharedTopics = countBits(index.topics[i] & topicMask);
			if (sharedTopics === 0 || o.id === study.id) continue;
			sharedModels = countBits(index.models[i] & modelMask);
		} else {
			if (o.id === study.id) continue;
			for (const t of o.data.topics) if (topicSet.has(t)) sharedTopics++;
			if (sharedTopics === 0) continue;
			for (const m of o.data.models) if (modelSet.has(m)) sharedModels++;
		}
		const candidate = {
			i,
			topics: sharedTopics,
			models: sharedModels,
			time: index ? index.times[i] : o.data.published.getTime(),
		};
		if (best.length === limit && compare(candidate, best[limit - 1]) <= 0) continue;
		let at = best.length;
		while (at > 0 && compare(candidate, best[at - 1]) > 0) at--;
		best.splice(at, 0, candidate);
		if (best.length > limit) best.pop();
	}
	return best.map((x) => all[x.i]);
}

/** Groups entries by a key, keeping the input order inside each group. */
export function groupBy<T>(
	items: readonly T[],
	key: (item: T) => string | readonly string[],
): Map<string, T[]> {
	const groups = new Map<string, T[]>();
	for (const item of items) {
		const k = key(item);
		for (const one of typeof k === 'string' ? [k] : k) {
			const list = groups.get(one);
			if (list) list.push(item);
			else groups.set(one, [item]);
		}
	}
	return groups;
}
