// Author-facing props are typed by hand in MDX, where TypeScript never looks: each component parses
// its props here so a mistake stops the build with the component, the prop and the fix in one line.
import { AstroError } from 'astro/errors';
import { z } from 'astro/zod';

/**
 * Parses a component's props, or throws an AstroError naming the component and every bad prop.
 * @example parseProps('Callout', CalloutPropsSchema, Astro.props)
 */
export function parseProps<S extends z.ZodTypeAny>(
	component: string,
	schema: S,
	props: unknown,
	hint = `See docs/components.md for the props of <${component}>.`,
): z.output<S> {
	const result = schema.safeParse(withoutScopeAttributes(props), { errorMap: authorErrorMap });
	if (result.success) return result.data;
	const problems = result.error.issues.map((issue) =>
		issue.path.length ? `${formatPath(issue.path)}: ${issue.message}` : issue.message,
	);
	throw new AstroError(`${component}: invalid props — ${problems.join('; ')}`, hint);
}

/** Zod's defaults ("Invalid input", "Required") say nothing to an author; these say what to write. */
const authorErrorMap: z.ZodErrorMap = (issue, ctx) => {
	if (issue.code === 'invalid_type') {
		return {
			message:
				issue.received === 'undefined'
					? `missing: this prop is required (${issue.expected})`
					: `expected ${issue.expected}, got ${issue.received}`,
		};
	}
	if (issue.code === 'invalid_union') {
		// e.g. a KPI `period` that may be text or a year: report the branches' expected types at once.
		const branches = issue.unionErrors.flatMap((e) => e.issues.slice(0, 1));
		if (branches.every((b) => b.code === 'invalid_type')) {
			const expected = branches
				.map((b) => (b.code === 'invalid_type' ? b.expected : ''))
				.join(' or ');
			const missing = branches.every(
				(b) => b.code === 'invalid_type' && b.received === 'undefined',
			);
			return {
				message: missing ? `missing: this prop is required (${expected})` : `expected ${expected}`,
			};
		}
	}
	if (issue.code === 'unrecognized_keys') {
		return { message: `unknown prop(s) ${issue.keys.map((k) => `\`${k}\``).join(', ')}` };
	}
	return { message: ctx.defaultError };
};

// Astro passes `data-astro-cid-*` to components used inside a parent with scoped styles.
function withoutScopeAttributes(props: unknown): unknown {
	if (typeof props !== 'object' || props === null) return props;
	return Object.fromEntries(
		Object.entries(props).filter(([k]) => !k.startsWith('data-astro-cid-')),
	);
}

/** `photos[2].alt` rather than `photos.2.alt`, so the index reads as an index. */
function formatPath(path: (string | number)[]): string {
	const text = path
		.map((part, i) => (typeof part === 'number' ? `[${part}]` : i === 0 ? part : `.${part}`))
		.join('');
	return `\`${text}\``;
}

// A same-site path or an http(s) URL; `//host` and `javascript:` are not.
const SAFE_URL = /^(\/(?!\/)|https?:\/\/)\S*(\s+\d+w)?$/;

/**
 * An image imported in MDX (`import photo from './photo.jpg'`), as astro:assets gives it.
 * A path string is refused: it would skip optimisation and the width/height that prevent layout shift.
 */
export const ImportedImageSchema = z.custom<ImageMetadata>(
	(value) =>
		typeof value === 'object' &&
		value !== null &&
		typeof (value as ImageMetadata).src === 'string' &&
		typeof (value as ImageMetadata).width === 'number' &&
		typeof (value as ImageMetadata).height === 'number' &&
		// A ReadyImage has these three too; its srcset sends it to ReadyImageSchema's URL checks.
		!('srcset' in value),
	{
		message:
			"must be an imported image (`import photo1 from './event-1.jpg';` at the top of the MDX file), not a path string",
	},
);

/**
 * An image already processed to WebP variants (web submissions, src/lib/ready-image.ts). Refused
 * when any URL is not a same-site path or http(s): the stored JSON is not trusted blindly.
 */
export const ReadyImageSchema = z
	.object({
		src: z.string().regex(SAFE_URL, 'must be a site path or an http(s) URL'),
		srcset: z
			.string()
			.refine(
				(s) => s.split(',').every((part) => SAFE_URL.test(part.trim())),
				'must list site paths or http(s) URLs with their widths',
			),
		width: z.number().int().positive(),
		height: z.number().int().positive(),
	})
	.strict();

/** An image imported in MDX or a ready one; the message is the one MDX authors see. */
export const ImageSourceSchema = z.union([ImportedImageSchema, ReadyImageSchema], {
	errorMap: () => ({
		message:
			"must be an imported image (`import photo1 from './event-1.jpg';` at the top of the MDX file), not a path string",
	}),
});
