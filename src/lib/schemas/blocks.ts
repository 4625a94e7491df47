// The body of a web submission: an ordered list of blocks, stored as JSON and rendered on request by
// the same components as MDX case studies. Messages are codes, not sentences: the form maps each
// issue's `path` to a field and the code to a string in the reader's language.
import { z } from 'astro/zod';
import { MAX_BODY_CHARS, checkAuthorMarkdown } from '../markdown';

export const MAX_BLOCKS = 60;
export const MAX_GALLERY_PHOTOS = 12;

/** Issue codes the form translates; zod's own codes (`invalid_type`…) can appear too. */
export type BlockIssueCode =
	| 'required'
	| 'too-long'
	| 'too-complex'
	| 'too-many'
	| 'too-few'
	| 'invalid-lang'
	| 'duplicate-lang';

const required = z.string({ required_error: 'required' }).trim().min(1, 'required');
// Media ids are issued by the upload command; the schema only checks they look like one.
const mediaId = required.max(100, 'too-long');
const markdown = z
	.string({ required_error: 'required' })
	.max(MAX_BODY_CHARS, 'too-long')
	.superRefine((text, ctx) => {
		// Markup so dense the page would take seconds to render (see src/lib/markdown.ts).
		if (text.length <= MAX_BODY_CHARS && checkAuthorMarkdown(text) === 'too-complex') {
			ctx.addIssue({ code: 'custom', message: 'too-complex' });
		}
	});
// Same language codes as <Video> captions (src/components/mdx/Video.astro).
const SRCLANG = /^[a-z]{2,3}(-[A-Z]{2})?$/;

const TextBlockSchema = z
	.object({
		type: z.literal('text'),
		markdown: markdown.refine((s) => s.trim() !== '', 'required'),
	})
	.strict();

const GalleryBlockSchema = z
	.object({
		type: z.literal('gallery'),
		photos: z
			.array(
				z
					.object({
						media: mediaId,
						alt: required.max(300, 'too-long'),
						caption: z.string().trim().max(300, 'too-long').optional(),
					})
					.strict(),
			)
			.min(1, 'too-few')
			.max(MAX_GALLERY_PHOTOS, 'too-many'),
	})
	.strict();

const VideoBlockSchema = z
	.object({
		type: z.literal('video'),
		media: mediaId,
		title: required.max(200, 'too-long'),
		captions: z
			.array(
				z
					.object({
						media: mediaId,
						srclang: z.string({ required_error: 'required' }).regex(SRCLANG, 'invalid-lang'),
						label: required.max(60, 'too-long'),
					})
					.strict(),
			)
			.max(10, 'too-many')
			.default([])
			.superRefine((captions, ctx) => {
				// Two tracks in one language leave the player's menu ambiguous.
				const seen = new Set<string>();
				captions.forEach((c, i) => {
					if (seen.has(c.srclang)) {
						ctx.addIssue({ code: 'custom', path: [i, 'srclang'], message: 'duplicate-lang' });
					}
					seen.add(c.srclang);
				});
			}),
	})
	.strict();

const ResultsBlockSchema = z.object({ type: z.literal('results') }).strict();

const QuoteBlockSchema = z
	.object({
		type: z.literal('quote'),
		text: required.max(2_000, 'too-long'),
		author: required.max(120, 'too-long'),
		role: z.string().trim().max(120, 'too-long').optional(),
	})
	.strict();

// Mirrors <Callout type>: the two kinds its title and colours exist for.
const CalloutBlockSchema = z
	.object({
		type: z.literal('callout'),
		kind: z.enum(['tip', 'warning']),
		markdown: markdown.refine((s) => s.trim() !== '', 'required'),
	})
	.strict();

export const BlockSchema = z.discriminatedUnion('type', [
	TextBlockSchema,
	GalleryBlockSchema,
	VideoBlockSchema,
	ResultsBlockSchema,
	QuoteBlockSchema,
	CalloutBlockSchema,
]);

export const BlocksSchema = z
	.array(BlockSchema)
	.max(MAX_BLOCKS, 'too-many')
	.superRefine((blocks, ctx) => {
		// The limit is on the whole body: it is what a reviewer reads and what a request renders.
		const sizes = blocks.map((b) =>
			b.type === 'text' || b.type === 'callout' ? b.markdown.length : 0,
		);
		// One block over the limit is already reported on that block's field.
		if (sizes.some((n) => n > MAX_BODY_CHARS)) return;
		if (sizes.reduce((a, b) => a + b, 0) > MAX_BODY_CHARS) {
			ctx.addIssue({ code: 'custom', message: 'too-long' });
		}
	});

export type Block = z.output<typeof BlockSchema>;
export type BlockInput = z.input<typeof BlockSchema>;
export type Blocks = z.output<typeof BlocksSchema>;

export interface BlockIssue {
	/** Where in the body, e.g. `[2, 'photos', 0, 'alt']`: block 3, first photo, its alt. */
	path: (string | number)[];
	/** A `BlockIssueCode`, or zod's code when the input has the wrong shape. */
	code: string;
}

/**
 * Parses a submitted body, or lists every problem with its path for the form to place.
 * @example parseBlocks([{ type: 'quote', text: 'Call back', author: '' }])
 * // { ok: false, issues: [{ path: [0, 'author'], code: 'required' }] }
 */
export function parseBlocks(
	input: unknown,
): { ok: true; blocks: Blocks } | { ok: false; issues: BlockIssue[] } {
	const result = BlocksSchema.safeParse(input);
	if (result.success) return { ok: true, blocks: result.data };
	return {
		ok: false,
		issues: result.error.issues.map((issue) => ({
			path: issue.path,
			code: issue.code === 'custom' || isOurMessage(issue.message) ? issue.message : issue.code,
		})),
	};
}

const CODES = new Set<string>([
	'required',
	'too-long',
	'too-complex',
	'too-many',
	'too-few',
	'invalid-lang',
	'duplicate-lang',
] satisfies BlockIssueCode[]);

function isOurMessage(message: string): boolean {
	return CODES.has(message);
}
