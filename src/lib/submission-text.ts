// The HTML of a web submission's text and callout blocks, in one place: the page body
// (SubmissionBody.astro) renders through it on request, and publishing stores what it returns, so
// stored HTML and a fresh render cannot drift apart. No Astro imports: the server calls it too.
import { useTranslations } from './i18n';
import { renderAuthorMarkdown } from './markdown';
import { BlockSchema } from './schemas/blocks';
import type { Lang } from './taxonomy';

/** Block id → HTML of that text or callout block, for a page in one language. */
export type RenderedTexts = Record<string, string>;

/** The HTML of one text or callout block (`blockId` is `b-1`, `b-2`…), in the page's language. */
export function renderSubmissionText(markdown: string, blockId: string, lang: Lang): string {
	const t = useTranslations(lang);
	return renderAuthorMarkdown(markdown, {
		idPrefix: `${blockId}-`,
		footnoteLabel: t('components.submission.footnotes'),
		footnoteBackLabel: t('components.submission.footnoteBack'),
	}).html;
}

/** The labels rendered text carries: stored HTML made with other labels is rendered again. */
export function getSubmissionTextLabels(lang: Lang): string[] {
	const t = useTranslations(lang);
	return [t('components.submission.footnotes'), t('components.submission.footnoteBack')];
}

/**
 * Every text and callout block of a body that the page would render as text (a block the schema
 * refuses shows as a notice instead), by block id, for the given page languages.
 */
export function renderSubmissionTexts(
	blocks: readonly unknown[],
	langs: readonly Lang[],
): Record<string, RenderedTexts> {
	const out: Record<string, RenderedTexts> = Object.fromEntries(langs.map((l) => [l, {}]));
	blocks.forEach((input, i) => {
		const parsed = BlockSchema.safeParse(input);
		if (!parsed.success) return;
		const block = parsed.data;
		if (block.type !== 'text' && block.type !== 'callout') return;
		const id = `b-${i + 1}`;
		let previous: string | null = null;
		for (const lang of langs) {
			// Only footnotes carry the language's labels: a text without `[^` renders the same in every
			// language, so the parser runs once for it (a long body costs seconds).
			out[lang]![id] =
				previous !== null && !block.markdown.includes('[^')
					? previous
					: renderSubmissionText(block.markdown, id, lang);
			previous = out[lang]![id]!;
		}
	});
	return out;
}
