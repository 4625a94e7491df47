// The content schemas, as plain zod built from what Astro provides (its `image()` helper and the
// `reference('people')` of the contacts), so tests can parse entries directly and check each
// message without a build. src/content.config.ts wires them into the collections.
import { z } from 'astro/zod';
import { KpiSchema } from './kpi';
import { CHANNELS, COUNTRY_CODES, LANGS, TOPICS } from '../taxonomy';

const countryMessage = (code: unknown) =>
	`unknown country code \`${String(code)}\`: use an ISO 3166-1 alpha-2 code in capitals, e.g. IT, FR, PT`;

export const countrySchema = z.string().superRefine((c, ctx) => {
	if (!(COUNTRY_CODES as readonly string[]).includes(c))
		ctx.addIssue({ code: 'custom', message: countryMessage(c) });
});

/** What Astro hands the schema: an image field, and a contact field pointing at `people`. */
export interface SchemaParts {
	image: () => z.ZodTypeAny;
	contact: z.ZodTypeAny;
}

/** A case study's frontmatter. */
export function createCaseStudySchema({ image, contact }: SchemaParts) {
	return z
		.object({
			/** Headline of the practice. */
			title: z.string().trim().min(1).max(120),
			/** One or two sentences shown in lists and search results (≤ 300 characters). */
			summary: z.string().trim().min(1).max(300, 'the summary must be 300 characters or fewer'),
			/** Country of the subsidiary that ran it: ISO 3166-1 alpha-2, e.g. `IT`. */
			country: countrySchema,
			/** Name of the subsidiary or dealer group, e.g. `Italy – national sales company`. */
			subsidiary: z.string().trim().min(1),
			/** Language the case study is written in. */
			lang: z.enum(LANGS, {
				errorMap: () => ({ message: `lang must be one of: ${LANGS.join(', ')}` }),
			}),
			/** Date of publication on the portal. */
			published: z.coerce.date(),
			/** Date by which an editor checks the practice is still current. */
			reviewBy: z.coerce.date(),
			/** One or more topics from the controlled list in src/lib/taxonomy.ts. */
			topics: z
				.array(
					z.string().superRefine((t, ctx) => {
						if (!(TOPICS as readonly string[]).includes(t))
							ctx.addIssue({
								code: 'custom',
								message: `unknown topic \`${t}\`: use one of ${TOPICS.join(', ')}`,
							});
					}),
				)
				.min(1, 'give at least one topic'),
			/** Car models concerned (free list), e.g. `[Kadjar]`. */
			models: z.array(z.string().trim().min(1)).default([]),
			/** Channels where the practice meets the customer. */
			channels: z
				.array(
					z.enum(CHANNELS, {
						errorMap: () => ({ message: `unknown channel: use one of ${CHANNELS.join(', ')}` }),
					}),
				)
				.min(1, 'give at least one channel'),
			/** Cover photo, at least as wide as the largest responsive width, with its alt text. */
			cover: z.object({
				// Its width is checked in src/lib/content.ts: image metadata is not known at parse time.
				src: image(),
				alt: z
					.string({ required_error: 'the cover image needs alt text' })
					.trim()
					.min(1, 'the cover image needs alt text that describes it'),
			}),
			/** Measured results; the change is computed, never typed. */
			results: z.array(KpiSchema).default([]),
			/** People to contact about this practice: ids of entries in content/people. */
			contacts: z.array(contact).min(1, 'name at least one contact from content/people'),
			/** Hidden from every listing, feed and search when true. */
			draft: z.boolean().default(false),
			/** Set to false to keep the page out of the search index. */
			search: z.boolean().default(true),
		})
		.strict()
		.refine((d) => d.reviewBy >= d.published, {
			message: 'reviewBy must be on or after published',
			path: ['reviewBy'],
		});
}

/** A person's frontmatter. */
export function createPersonSchema({ image }: Pick<SchemaParts, 'image'>) {
	return z
		.object({
			/** Full name. */
			name: z.string().trim().min(1),
			/** Job title, e.g. `Sales director`. */
			title: z.string().trim().min(1),
			/** Country they work in: ISO 3166-1 alpha-2. */
			country: countrySchema,
			/** Languages they can be written to in (BCP 47 codes, e.g. `it`, `en`). */
			languages: z
				.array(
					z.string().regex(/^[a-z]{2,3}(-[A-Z]{2})?$/, 'use a language code such as en, fr or it'),
				)
				.min(1),
			/** Work email; links the person to their member account. */
			email: z.string().email(),
			/** Portrait, with alt text. */
			photo: z
				.object({
					src: image(),
					alt: z.string().trim().min(1, 'the portrait needs alt text'),
				})
				.optional(),
			/** Two or three sentences (≤ 400 characters). */
			bio: z.string().trim().min(1).max(400),
		})
		.strict();
}
