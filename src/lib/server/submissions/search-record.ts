// The Pagefind record of a published web case study, for the members' index (members-search.ts):
// the published version's text, filters and date, as the build indexes a git-authored study.
import type * as pagefind from 'pagefind';
import { splitSubmissionModels, type SubmissionFields } from '../../submission-form';
import { synonymsFor, type SynonymGroups } from '../../search-synonyms';

/** Markdown as plain words: the index wants text, not `**` and `[]()`. */
export function stripMarkdown(markdown: string): string {
	return markdown
		.replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
		.replace(/<[^>]*>/g, ' ')
		.replace(/[*_`~#>|]+/g, ' ')
		.replace(/[ \t]+/g, ' ')
		.trim();
}

export function toWebStudyRecord(
	study: { slug: string; fields: SubmissionFields; firstPublishedAt: number },
	synonyms: SynonymGroups = [],
): pagefind.CustomRecord {
	const f = study.fields;
	const models = splitSubmissionModels(f.models);
	const body = f.blocks.flatMap((b) => {
		switch (b.type) {
			case 'text':
			case 'callout':
				return [stripMarkdown(b.markdown)];
			case 'quote':
				return [b.text, b.author, b.role];
			case 'gallery':
				return b.photos.map((p) => p.caption);
			case 'video':
				return [b.title];
			default:
				return [];
		}
	});
	const text = [
		f.title,
		f.summary,
		f.subsidiary,
		...models,
		...f.results.map((r) => `${r.label} ${r.period}`),
		...body,
	]
		.map((t) => t.trim())
		.filter(Boolean)
		.join('\n\n');
	const extra = synonymsFor(text, synonyms);
	const date = new Date(study.firstPublishedAt * 1000).toISOString().slice(0, 10);
	return {
		url: `/case-studies/${study.slug}/`,
		content: extra.length ? `${text}\n\n${extra.join(', ')}` : text,
		language: 'en',
		meta: { title: f.title, kind: 'practice', country: f.country, date },
		filters: {
			kind: ['practice'],
			country: [f.country],
			topic: f.topics,
			model: models,
			channel: f.channels,
			lang: [f.lang],
		},
		sort: { date },
	};
}
