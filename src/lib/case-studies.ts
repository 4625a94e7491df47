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

/**
 * Practices related to `study`: most shared topics first, then shared models, then newest; never itself.
 * Studies sharing nothing are not related.
 */
export function findRelated<T extends StudyLike>(study: T, all: readonly T[], limit = 3): T[] {
	const topics = new Set(study.data.topics);
	const models = new Set(study.data.models);
	// One pass keeping the best `limit` instead of sorting every other study: this runs once per
	// study page, and the sort made prerendering 10,000 studies cost minutes. Equal candidates keep
	// their order in `all`, as the stable sort did.
	const best: { o: T; topics: number; models: number; time: number }[] = [];
	const isBetter = (a: (typeof best)[number], b: (typeof best)[number]) =>
		a.topics - b.topics || a.models - b.models || a.time - b.time;
	if (limit <= 0) return [];
	for (const o of all) {
		if (o.id === study.id) continue;
		let sharedTopics = 0;
		for (const t of o.data.topics) if (topics.has(t)) sharedTopics++;
		if (sharedTopics === 0) continue;
		let sharedModels = 0;
		for (const m of o.data.models) if (models.has(m)) sharedModels++;
		const candidate = {
			o,
			topics: sharedTopics,
			models: sharedModels,
			time: o.data.published.getTime(),
		};
		if (best.length === limit && isBetter(candidate, best[limit - 1]) <= 0) continue;
		let i = best.length;
		while (i > 0 && isBetter(candidate, best[i - 1]) > 0) i--;
		best.splice(i, 0, candidate);
		if (best.length > limit) best.pop();
	}
	return best.map((x) => x.o);
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
