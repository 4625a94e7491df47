// A published web submission seen as a case study: the same shape as a git-authored entry, so
// listings, facets, feeds, cards and the case-study layout treat both alike. Only `web` is extra:
// images already made by sharp at upload, the structured body, and the contacts as members.
import type { CaseStudy } from '../../content';
import type { Kpi } from '../../schemas/kpi';
import { parseKpiNumber } from '../../kpi';
import { splitSubmissionModels, type Block, type SubmissionFields } from '../../submission-form';
import type { SubmissionMedia } from './store';

import type { MediaView, ReadyImage } from '../../ready-image';

export type { MediaView, ReadyImage };

export interface WebContact {
	userId: number;
	name: string;
	title: string | null;
	country: string | null;
	personId: string | null;
}

export interface WebStudyExtra {
	submissionId: number;
	/** Row id of the live version (its stored render is keyed on it). */
	versionId: number;
	version: number;
	cover: ReadyImage;
	blocks: Block[];
	media: Record<string, MediaView>;
	contacts: WebContact[];
	/** Slug of the same case study in another language, when published. */
	translations: { lang: string; slug: string }[];
}

export type WebStudy = CaseStudy & { web: WebStudyExtra };

export const MEDIA_URL_PREFIX = '/submission-media/';

interface ImageMeta {
	dir: string;
	width: number;
	height: number;
	variants: { file: string; width: number; height: number }[];
}

/** The ReadyImage of processed image variants (largest as `src`). */
export function toReadyImage(meta: ImageMeta, maxWidth = Infinity): ReadyImage | null {
	const variants = [...(meta.variants ?? [])]
		.filter((v) => v.width <= maxWidth)
		.sort((a, b) => a.width - b.width);
	const largest = variants.at(-1);
	if (!largest) return null;
	const url = (file: string) => `${MEDIA_URL_PREFIX}${meta.dir}/${file}`;
	return {
		src: url(largest.file),
		srcset: variants.map((v) => `${url(v.file)} ${v.width}w`).join(', '),
		width: largest.width,
		height: largest.height,
	};
}

/** What a page can show of each ready media item, by media id. */
export function toMediaViews(rows: readonly SubmissionMedia[]): Record<string, MediaView> {
	const views: Record<string, MediaView> = {};
	for (const m of rows) {
		if (m.state !== 'ready') continue;
		const meta = m.meta as Record<string, unknown>;
		const dir = String(meta.dir ?? '');
		if (m.kind === 'image') {
			const image = toReadyImage(meta as unknown as ImageMeta);
			if (image) views[m.id] = { image };
		} else if (m.kind === 'video') {
			const poster = meta.poster
				? toReadyImage({ ...(meta.poster as ImageMeta), dir } as ImageMeta)
				: null;
			views[m.id] = {
				video: {
					mp4: `${MEDIA_URL_PREFIX}${dir}/${String(meta.file ?? 'video.mp4')}`,
					...(poster ? { poster } : {}),
				},
			};
		} else if (m.kind === 'vtt') {
			views[m.id] = { vtt: `${MEDIA_URL_PREFIX}${dir}/${String(meta.file ?? 'captions.vtt')}` };
		}
	}
	return views;
}

/** KPI rows as typed → the numbers the Results table computes with (invalid rows are dropped). */
export function toKpis(fields: SubmissionFields): Kpi[] {
	return fields.results.flatMap((r) => {
		const before = parseKpiNumber(r.before, r.unit);
		const after = parseKpiNumber(r.after, r.unit);
		if (before === null || after === null || !r.label) return [];
		return [
			{
				label: r.label,
				unit: r.unit,
				before,
				after,
				period: r.period,
				lowerIsBetter: r.lowerIsBetter,
			},
		];
	});
}

/**
 * Builds the case-study view of a live version. Null when its cover is not available (a deleted
 * media file): a card without its image would break the grid, and publishing checks for it anyway.
 */
export function toWebStudy(input: {
	submissionId: number;
	slug: string;
	versionId: number;
	version: number;
	fields: SubmissionFields;
	firstPublishedAt: number;
	media: Record<string, MediaView>;
	contacts: WebContact[];
	translations: { lang: string; slug: string }[];
}): WebStudy | null {
	const f = input.fields;
	const cover = input.media[f.cover.media]?.image;
	if (!cover) return null;
	const data = {
		title: f.title,
		summary: f.summary,
		country: f.country,
		subsidiary: f.subsidiary,
		lang: f.lang as 'en' | 'fr',
		published: new Date(input.firstPublishedAt * 1000),
		reviewBy: new Date(`${f.reviewBy}T00:00:00Z`),
		topics: f.topics,
		models: splitSubmissionModels(f.models),
		channels: f.channels,
		cover: {
			src: { src: cover.src, width: cover.width, height: cover.height, format: 'webp' },
			alt: f.cover.alt,
		},
		results: toKpis(f),
		contacts: input.contacts
			.filter((c) => c.personId)
			.map((c) => ({ collection: 'people', id: c.personId })),
		draft: false,
		search: true,
	};
	return {
		id: input.slug,
		collection: 'case-studies',
		body: '',
		data,
		web: {
			submissionId: input.submissionId,
			versionId: input.versionId,
			version: input.version,
			cover,
			blocks: f.blocks,
			media: input.media,
			contacts: input.contacts,
			translations: input.translations,
		},
	} as unknown as WebStudy;
}

/** True for a case study that came from the web form. */
export function isWebStudy(study: CaseStudy): study is WebStudy {
	return 'web' in study && !!(study as Partial<WebStudy>).web;
}
