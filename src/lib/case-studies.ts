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
	return all
		.filter((o) => o.id !== study.id)
		.map((o) => ({
			o,
			topics: o.data.topics.filter((t) => topics.has(t)).length,
			models: o.data.models.filter((m) => models.has(m)).length,
		}))
		.filter((x) => x.topics > 0)
		.sort(
			(a, b) =>
				b.topics - a.topics ||
				b.models - a.models ||
				b.o.data.published.getTime() - a.o.data.published.getTime(),
		)
		.slice(0, limit)
		.map((x) => x.o);
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
