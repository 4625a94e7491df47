// Entry ids double as URL slugs, so two files that would publish at the same URL must stop the build.

/**
 * The slug of a content file: its folder name for `<slug>/index.mdx`, else its base name, lower-cased.
 * @example slugFromPath('it/crossover-launch/index.mdx') // 'crossover-launch'
 */
export function slugFromPath(entry: string): string {
	const parts = entry.replace(/\\/g, '/').split('/');
	const file = parts.at(-1) ?? '';
	const base = file.replace(/\.(mdx?|ya?ml|json)$/i, '');
	const raw = base === 'index' && parts.length > 1 ? parts.at(-2)! : base;
	return raw
		.toLowerCase()
		.normalize('NFKD')
		.replace(/[\u0300-\u036f]/g, '')
		.replace(/[^a-z0-9]+/g, '-')
		.replace(/^-|-$/g, '');
}

/**
 * A `generateId` for Astro's glob loader that throws when two files map to the same slug.
 * The error names both files, the collection and how to fix it.
 */
export function createSlugGenerator(collection: string) {
	const seen = new Map<string, string>();
	return ({ entry }: { entry: string }): string => {
		const slug = slugFromPath(entry);
		if (!slug)
			throw new Error(`[${collection}] ${entry}: cannot derive a URL slug from this file name`);
		const first = seen.get(slug);
		if (first !== undefined && first !== entry) {
			throw new Error(
				`[${collection}] duplicate slug \`${slug}\`: ${first} and ${entry} would publish at the same URL. Rename one of them.`,
			);
		}
		seen.set(slug, entry);
		return slug;
	};
}
