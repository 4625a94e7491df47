// The web form of a case study: what the author typed (kept as typed, so a re-rendered form and a
// saved draft lose nothing), how it is read from the form, and the checks a submission must pass.
// Errors are short codes (`required`, `tooLong`…) that the page turns into sentences per language.
import { parseKpiNumber } from './kpi';
import { charCount, type FieldErrors } from './forms';
import { CHANNELS, isCountryCode, LANGS, TOPICS } from './taxonomy';

export const SUB_TITLE_MAX = 120;
export const SUB_SUMMARY_MAX = 300;
export const SUB_SHORT_MAX = 200;
/** A text block or callout: long enough for any case study, short enough to review. */
export const SUB_TEXT_MAX = 20_000;
/** The whole body, all blocks together. */
export const SUB_BODY_MAX = 100_000;
export const SUB_MAX_BLOCKS = 40;
export const SUB_MAX_PHOTOS = 12;
export const SUB_MAX_RESULTS = 12;
export const SUB_MAX_CONTACTS = 4;
export const SUB_ALT_MAX = 300;
export const CALLOUT_KINDS = ['tip', 'warning'] as const;
export const BLOCK_TYPES = ['text', 'gallery', 'video', 'results', 'quote', 'callout'] as const;
export type BlockType = (typeof BLOCK_TYPES)[number];

export interface PhotoRef {
	media: string;
	alt: string;
	caption: string;
}
export interface CaptionRef {
	media: string;
	srclang: string;
	label: string;
}
export type Block =
	| { type: 'text'; markdown: string }
	| { type: 'gallery'; photos: PhotoRef[] }
	| { type: 'video'; media: string; title: string; captions: CaptionRef[] }
	| { type: 'results' }
	| { type: 'quote'; text: string; author: string; role: string }
	| { type: 'callout'; kind: string; markdown: string };

/** A KPI row as typed: numbers stay text until validated, so "1 200" or "12,5" come back as typed. */
export interface ResultRow {
	label: string;
	unit: string;
	before: string;
	after: string;
	period: string;
	lowerIsBetter: boolean;
}

export interface SubmissionFields {
	title: string;
	summary: string;
	country: string;
	subsidiary: string;
	lang: string;
	topics: string[];
	/** Comma-separated, as typed. */
	models: string;
	channels: string[];
	/** YYYY-MM-DD. */
	reviewBy: string;
	results: ResultRow[];
	/** Member ids. */
	contacts: number[];
	cover: { media: string; alt: string };
	blocks: Block[];
}

export function emptySubmissionFields(defaults: {
	country: string;
	lang: string;
}): SubmissionFields {
	return {
		title: '',
		summary: '',
		country: defaults.country,
		subsidiary: '',
		lang: defaults.lang,
		topics: [],
		models: '',
		channels: [],
		reviewBy: '',
		results: [],
		contacts: [],
		cover: { media: '', alt: '' },
		blocks: [{ type: 'text', markdown: '' }],
	};
}

/** Parses stored JSON defensively: a field missing from an older draft gets its empty value. */
export function parseStoredFields(json: string): SubmissionFields {
	const raw = JSON.parse(json) as Partial<SubmissionFields>;
	const empty = emptySubmissionFields({ country: '', lang: 'en' });
	return { ...empty, ...raw, cover: { ...empty.cover, ...(raw.cover ?? {}) } };
}

// Kept whole, however long: the form gives back exactly what was typed with its message. The body
// reader bounds the size of what can arrive (receive-upload.ts).
const text = (form: FormData, name: string): string => {
	const value = form.get(name);
	return typeof value === 'string' ? value.replace(/\r\n?/g, '\n') : '';
};
const line = (form: FormData, name: string) => text(form, name).trim();
const list = (form: FormData, name: string) =>
	form
		.getAll(name)
		.filter((v): v is string => typeof v === 'string')
		.slice(0, 50);
const indexes = (form: FormData, prefix: string): number[] => {
	const found = new Set<number>();
	for (const key of form.keys()) {
		const m = key.startsWith(prefix) ? /^(\d+)\./.exec(key.slice(prefix.length)) : null;
		if (m) found.add(Number(m[1]));
	}
	return [...found].sort((a, b) => a - b).slice(0, SUB_MAX_BLOCKS * 2);
};

/** Reads the whole form as typed. Blocks and rows come in the order of their indexes. */
export function readSubmissionForm(form: FormData): SubmissionFields {
	const results: ResultRow[] = indexes(form, 'result.').map((i) => ({
		label: line(form, `result.${i}.label`),
		unit: line(form, `result.${i}.unit`),
		before: line(form, `result.${i}.before`),
		after: line(form, `result.${i}.after`),
		period: line(form, `result.${i}.period`),
		lowerIsBetter: form.get(`result.${i}.lowerIsBetter`) === 'on',
	}));
	const blocks: Block[] = [];
	for (const i of indexes(form, 'block.')) {
		const p = `block.${i}.`;
		switch (form.get(`${p}type`)) {
			case 'text':
				blocks.push({ type: 'text', markdown: text(form, `${p}markdown`) });
				break;
			case 'gallery':
				blocks.push({
					type: 'gallery',
					photos: indexes(form, `${p}photo.`).map((j) => ({
						media: line(form, `${p}photo.${j}.media`),
						alt: line(form, `${p}photo.${j}.alt`),
						caption: line(form, `${p}photo.${j}.caption`),
					})),
				});
				break;
			case 'video':
				blocks.push({
					type: 'video',
					media: line(form, `${p}media`),
					title: line(form, `${p}title`),
					captions: indexes(form, `${p}caption.`).map((j) => ({
						media: line(form, `${p}caption.${j}.media`),
						srclang: line(form, `${p}caption.${j}.srclang`),
						label: line(form, `${p}caption.${j}.label`),
					})),
				});
				break;
			case 'results':
				blocks.push({ type: 'results' });
				break;
			case 'quote':
				blocks.push({
					type: 'quote',
					text: text(form, `${p}text`),
					author: line(form, `${p}author`),
					role: line(form, `${p}role`),
				});
				break;
			case 'callout':
				blocks.push({
					type: 'callout',
					kind: line(form, `${p}kind`),
					markdown: text(form, `${p}markdown`),
				});
				break;
		}
	}
	return {
		title: line(form, 'title'),
		summary: text(form, 'summary').trim(),
		country: line(form, 'country'),
		subsidiary: line(form, 'subsidiary'),
		lang: line(form, 'lang'),
		topics: list(form, 'topics'),
		models: line(form, 'models'),
		channels: list(form, 'channels'),
		reviewBy: line(form, 'reviewBy'),
		results,
		contacts: list(form, 'contacts')
			.map(Number)
			.filter((n) => Number.isSafeInteger(n) && n > 0),
		cover: { media: line(form, 'cover.media'), alt: line(form, 'cover.alt') },
		blocks,
	};
}

/** The models as a list: comma- or semicolon-separated, trimmed, without duplicates. */
export function splitSubmissionModels(value: string): string[] {
	return [
		...new Set(
			value
				.split(/[,;]/)
				.map((m) => m.trim())
				.filter(Boolean),
		),
	];
}

export interface SubmissionCheckContext {
	/** Media ids of this submission that are ready, by kind. */
	media: ReadonlyMap<string, 'image' | 'video' | 'vtt'>;
	/** Ids of active members who can be named as contacts. */
	memberIds: ReadonlySet<number>;
	/** Today, YYYY-MM-DD: the review-by date must be later. */
	today: string;
}

/**
 * Everything a case study needs before it can be submitted or published. Field names match the form
 * (`title`, `result.0.before`, `block.2.photo.1.alt`), so each message sits next to its field.
 */
export function checkSubmission(f: SubmissionFields, ctx: SubmissionCheckContext): FieldErrors {
	const e: FieldErrors = {};
	const need = (name: string, value: string, max: number) => {
		if (!value.trim()) e[name] = 'required';
		else if (charCount(value) > max) e[name] = 'tooLong';
	};
	need('title', f.title, SUB_TITLE_MAX);
	need('summary', f.summary, SUB_SUMMARY_MAX);
	if (!isCountryCode(f.country)) e.country = 'choice';
	need('subsidiary', f.subsidiary, SUB_SHORT_MAX);
	if (!(LANGS as readonly string[]).includes(f.lang)) e.lang = 'choice';
	if (f.topics.length === 0) e.topics = 'required';
	else if (f.topics.some((t) => !(TOPICS as readonly string[]).includes(t))) e.topics = 'choice';
	if (splitSubmissionModels(f.models).some((m) => charCount(m) > 60)) e.models = 'tooLong';
	if (f.channels.length === 0) e.channels = 'required';
	else if (f.channels.some((c) => !(CHANNELS as readonly string[]).includes(c)))
		e.channels = 'choice';
	if (!/^\d{4}-\d{2}-\d{2}$/.test(f.reviewBy) || Number.isNaN(Date.parse(f.reviewBy)))
		e.reviewBy = f.reviewBy ? 'date' : 'required';
	else if (f.reviewBy <= ctx.today) e.reviewBy = 'future';
	if (f.results.length > SUB_MAX_RESULTS) e.results = 'tooMany';
	f.results.forEach((r, i) => {
		need(`result.${i}.label`, r.label, SUB_SHORT_MAX);
		if (!r.unit.trim()) e[`result.${i}.unit`] = 'required';
		else if (charCount(r.unit) > 12) e[`result.${i}.unit`] = 'tooLong';
		for (const key of ['before', 'after'] as const) {
			if (!r[key]) e[`result.${i}.${key}`] = 'required';
			else if (parseKpiNumber(r[key], r.unit) === null) e[`result.${i}.${key}`] = 'number';
		}
		need(`result.${i}.period`, r.period, SUB_SHORT_MAX);
	});
	if (f.contacts.length === 0) e.contacts = 'required';
	else if (f.contacts.length > SUB_MAX_CONTACTS) e.contacts = 'tooMany';
	else if (f.contacts.some((id) => !ctx.memberIds.has(id))) e.contacts = 'choice';
	if (!f.cover.media) e['cover.media'] = 'photoRequired';
	else if (ctx.media.get(f.cover.media) !== 'image') e['cover.media'] = 'mediaMissing';
	need('cover.alt', f.cover.alt, SUB_ALT_MAX);

	if (f.blocks.length > SUB_MAX_BLOCKS) e.blocks = 'tooMany';
	let bodyChars = 0;
	f.blocks.forEach((b, i) => {
		const p = `block.${i}.`;
		switch (b.type) {
			case 'text':
				bodyChars += charCount(b.markdown);
				need(`${p}markdown`, b.markdown, SUB_TEXT_MAX);
				break;
			case 'callout':
				bodyChars += charCount(b.markdown);
				need(`${p}markdown`, b.markdown, SUB_TEXT_MAX);
				if (!(CALLOUT_KINDS as readonly string[]).includes(b.kind)) e[`${p}kind`] = 'choice';
				break;
			case 'quote':
				bodyChars += charCount(b.text);
				need(`${p}text`, b.text, 2000);
				need(`${p}author`, b.author, SUB_SHORT_MAX);
				if (charCount(b.role) > SUB_SHORT_MAX) e[`${p}role`] = 'tooLong';
				break;
			case 'gallery':
				if (b.photos.length === 0) e[`${p}photos`] = 'photoRequired';
				else if (b.photos.length > SUB_MAX_PHOTOS) e[`${p}photos`] = 'tooMany';
				b.photos.forEach((photo, j) => {
					if (ctx.media.get(photo.media) !== 'image') e[`${p}photo.${j}.media`] = 'mediaMissing';
					need(`${p}photo.${j}.alt`, photo.alt, SUB_ALT_MAX);
					if (charCount(photo.caption) > SUB_SHORT_MAX) e[`${p}photo.${j}.caption`] = 'tooLong';
				});
				break;
			case 'video':
				if (!b.media) e[`${p}media`] = 'videoRequired';
				else if (ctx.media.get(b.media) !== 'video') e[`${p}media`] = 'mediaMissing';
				need(`${p}title`, b.title, SUB_SHORT_MAX);
				b.captions.forEach((c, j) => {
					if (ctx.media.get(c.media) !== 'vtt') e[`${p}caption.${j}.media`] = 'mediaMissing';
					if (!/^[a-z]{2,3}(-[A-Z]{2})?$/.test(c.srclang)) e[`${p}caption.${j}.srclang`] = 'choice';
					need(`${p}caption.${j}.label`, c.label, 60);
				});
				break;
			case 'results':
				if (f.results.length === 0) e[`${p}type`] = 'resultsEmpty';
				break;
		}
	});
	if (!f.blocks.some((b) => b.type === 'text' && b.markdown.trim())) e.body = 'required';
	if (bodyChars > SUB_BODY_MAX) e.body = 'tooLong';
	return e;
}

/** A new empty block of a type, as the "Add …" buttons insert it. */
export function createBlock(type: BlockType): Block {
	switch (type) {
		case 'text':
			return { type, markdown: '' };
		case 'gallery':
			return { type, photos: [] };
		case 'video':
			return { type, media: '', title: '', captions: [] };
		case 'results':
			return { type };
		case 'quote':
			return { type, text: '', author: '', role: '' };
		case 'callout':
			return { type, kind: 'tip', markdown: '' };
	}
}

/**
 * Applies a form button that edits the body's structure (`add:gallery`, `up:2`, `down:2`,
 * `remove:2`, `remove-photo:2:0`, `add-result`, `remove-result:1`). Unknown operations change nothing.
 */
export function applyStructureOp(f: SubmissionFields, op: string): SubmissionFields {
	const [name, a, b] = op.split(':');
	const i = Number(a);
	const blocks = [...f.blocks];
	switch (name) {
		case 'add':
			if ((BLOCK_TYPES as readonly string[]).includes(a ?? '') && blocks.length < SUB_MAX_BLOCKS)
				blocks.push(createBlock(a as BlockType));
			return { ...f, blocks };
		case 'up':
			if (i > 0 && i < blocks.length) [blocks[i - 1], blocks[i]] = [blocks[i]!, blocks[i - 1]!];
			return { ...f, blocks };
		case 'down':
			if (i >= 0 && i < blocks.length - 1)
				[blocks[i], blocks[i + 1]] = [blocks[i + 1]!, blocks[i]!];
			return { ...f, blocks };
		case 'remove':
			if (i >= 0 && i < blocks.length) blocks.splice(i, 1);
			return { ...f, blocks };
		case 'remove-photo': {
			const block = blocks[i];
			if (block?.type === 'gallery')
				blocks[i] = { ...block, photos: block.photos.filter((_, j) => j !== Number(b)) };
			return { ...f, blocks };
		}
		case 'remove-caption': {
			const block = blocks[i];
			if (block?.type === 'video')
				blocks[i] = { ...block, captions: block.captions.filter((_, j) => j !== Number(b)) };
			return { ...f, blocks };
		}
		case 'add-result':
			return f.results.length < SUB_MAX_RESULTS
				? {
						...f,
						results: [
							...f.results,
							{ label: '', unit: '', before: '', after: '', period: '', lowerIsBetter: false },
						],
					}
				: f;
		case 'remove-result':
			return { ...f, results: f.results.filter((_, j) => j !== i) };
		default:
			return f;
	}
}

/** Media ids a working copy refers to (cover, photos, videos, captions). */
export function listMediaIds(f: SubmissionFields): string[] {
	const ids = [f.cover.media];
	for (const b of f.blocks) {
		if (b.type === 'gallery') ids.push(...b.photos.map((p) => p.media));
		if (b.type === 'video') ids.push(b.media, ...b.captions.map((c) => c.media));
	}
	return ids.filter(Boolean);
}

/** A URL-safe slug from a title: lowercase ASCII, dashes, at most 60 characters. */
export function slugifyTitle(title: string): string {
	const slug = title
		.normalize('NFKD')
		.replace(/[\u0300-\u036f]/g, '')
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, '-')
		.replace(/^-+|-+$/g, '')
		.slice(0, 60)
		.replace(/-+$/, '');
	return slug || 'case-study';
}

/**
 * Fields far over their limit: such a copy is not stored at all (the form shows it back with the
 * message), so a draft never holds megabytes nobody could submit.
 */
export function findOversizedFields(f: SubmissionFields): FieldErrors {
	const errors: FieldErrors = {};
	const over = (name: string, value: string, max: number) => {
		if (value.length > max * 2) errors[name] = 'tooLong';
	};
	over('title', f.title, SUB_TITLE_MAX);
	over('summary', f.summary, SUB_SUMMARY_MAX);
	over('subsidiary', f.subsidiary, SUB_SHORT_MAX);
	over('models', f.models, SUB_SHORT_MAX * 2);
	over('cover.alt', f.cover.alt, SUB_ALT_MAX);
	f.results.forEach((r, i) => {
		for (const key of ['label', 'unit', 'before', 'after', 'period'] as const)
			over(`result.${i}.${key}`, r[key], SUB_SHORT_MAX);
	});
	f.blocks.forEach((b, i) => {
		const p = `block.${i}.`;
		if (b.type === 'text' || b.type === 'callout') over(`${p}markdown`, b.markdown, SUB_TEXT_MAX);
		if (b.type === 'quote') {
			over(`${p}text`, b.text, 2000);
			over(`${p}author`, b.author, SUB_SHORT_MAX);
			over(`${p}role`, b.role, SUB_SHORT_MAX);
		}
		if (b.type === 'video') over(`${p}title`, b.title, SUB_SHORT_MAX);
		if (b.type === 'gallery')
			b.photos.forEach((photo, j) => {
				over(`${p}photo.${j}.alt`, photo.alt, SUB_ALT_MAX);
				over(`${p}photo.${j}.caption`, photo.caption, SUB_SHORT_MAX);
			});
	});
	return errors;
}
