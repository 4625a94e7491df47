// The case-study form's POST: read as it streams (busboy, files straight to disk), then each file
// typed from its bytes and turned into what pages serve: photos re-encoded by sharp now, videos
// queued for the transcoder, captions checked. Nothing here writes to the database: the save command
// records the media with the working copy, in one transaction.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { FieldErrors } from '../../forms';
import { COVER_WIDTHS, GALLERY_WIDTHS, minSourceWidth } from '../../images';
import { SUB_MAX_BLOCKS, SUB_MAX_PHOTOS, type SubmissionFields } from '../../submission-form';
import { useTranslations, type UiKey } from '../../i18n';
import type { CommandContext } from '../context';
import type { NewMedia } from './commands';
import { mediaDirectory } from './media-files';
import { validateVtt } from './media/captions';
import { detectMediaType } from './media/detect-type';
import type { MediaError } from './media/errors';
import { processImage } from './media/process-image';
import {
	receiveUpload,
	TEXT_BYTES_MAX,
	UPLOAD_LIMITS,
	type ReceivedFile,
} from './media/receive-upload';
import { readFormWithLimit } from '../account/form';
import { getDataDir } from '../db';

/** File inputs of the form and what each takes. */
const FILE_LIMITS: Record<string, number> = { 'cover.file': UPLOAD_LIMITS.image };
for (let i = 0; i < SUB_MAX_BLOCKS; i++) {
	FILE_LIMITS[`block.${i}.files`] = UPLOAD_LIMITS.image;
	FILE_LIMITS[`block.${i}.video`] = UPLOAD_LIMITS.video;
	FILE_LIMITS[`block.${i}.vtt`] = UPLOAD_LIMITS.vtt;
}

export type SubmissionPost =
	| { ok: true; form: FormData; files: ReceivedFile[]; cleanup: () => Promise<void> }
	| { ok: false; code: string; name?: string; limit?: string };

/** Reads the POST body: multipart streamed to a temp directory, or a plain urlencoded form. */
export async function readSubmissionPost(
	request: Request,
	dataDir: string,
	lang: 'en' | 'fr' = 'en',
): Promise<SubmissionPost> {
	const type = (request.headers.get('content-type') ?? '').toLowerCase();
	if (!type.startsWith('multipart/form-data')) {
		try {
			// Review notes and comments: a few KB. The cap keeps a hostile body out of memory.
			const form = await readFormWithLimit(request, TEXT_BYTES_MAX);
			if (!form)
				return { ok: false, code: 'too-large', name: '', limit: formatBytes(TEXT_BYTES_MAX, lang) };
			return { ok: true, form, files: [], cleanup: async () => {} };
		} catch {
			return { ok: false, code: 'truncated' };
		}
	}
	// Under DATA_DIR, so moving a finished file into its media directory is a rename, not a copy.
	const base = path.join(dataDir, 'tmp');
	await fs.promises.mkdir(base, { recursive: true });
	const dir = await fs.promises.mkdtemp(path.join(base, 'upload-'));
	const cleanup = () => fs.promises.rm(dir, { recursive: true, force: true });
	const received = await receiveUpload(request, {
		dir,
		maxFileBytes: FILE_LIMITS,
		maxFiles: 40,
		maxFields: 2000,
		// 1 MB of text pasted into one field is read whole, so the form can give it back with its
		// message; receiveUpload caps all text fields together (TEXT_BYTES_MAX) all the same.
		maxFieldBytes: 2 * 1024 * 1024,
	});
	if (!received.ok) {
		await cleanup();
		const e = received.error;
		if (e.code === 'too-large')
			return {
				ok: false,
				code: 'too-large',
				name: e.name || e.field,
				limit: formatBytes(e.limit, lang),
			};
		if (e.code === 'too-many-files' || e.code === 'too-many-fields')
			return { ok: false, code: 'too-many' };
		if (e.code === 'field-too-large')
			return { ok: false, code: 'too-large', name: e.field, limit: formatBytes(e.limit, lang) };
		return { ok: false, code: 'truncated' };
	}
	const form = new FormData();
	for (const [name, value] of received.value.entries) form.append(name, value);
	return { ok: true, form, files: received.value.files, cleanup };
}

export function formatBytes(bytes: number, lang: 'en' | 'fr' = 'en'): string {
	const [mb, kb] = lang === 'fr' ? ['Mo', 'Ko'] : ['MB', 'KB'];
	return bytes >= 1024 * 1024
		? `${Math.round(bytes / 1024 / 1024)} ${mb}`
		: `${Math.round(bytes / 1024)} ${kb}`;
}

const newMediaId = () => crypto.randomBytes(16).toString('hex');

/** The sentence for a refused file, in the member's language. */
function describe(ctx: CommandContext, name: string, error: MediaError): string {
	const t = useTranslations(ctx.lang);
	switch (error.code) {
		case 'too-large':
			return t('sub.upload.too-large', { name, limit: formatBytes(error.limit, ctx.lang) });
		case 'pixel-bomb':
		case 'unreadable':
		case 'unsupported-heic':
		case 'not-a-video':
		case 'too-long':
		case 'truncated':
			return t(`sub.upload.${error.code}` as UiKey, { name });
		case 'too-small':
			return t('sub.upload.too-small', { name, min: error.minWidth });
		case 'no-video-track':
			return t('sub.upload.not-a-video', { name });
		case 'video-incomplete':
			return t('sub.upload.truncated');
		case 'invalid-captions':
			return t('sub.upload.bad-vtt', {
				name,
				detail: t(`sub.vtt.${error.problem}` as UiKey, { line: error.line }),
			});
		default:
			return t('sub.upload.wrong-type', { name });
	}
}

/**
 * Turns the received files into media of this submission and places them in the working copy (the
 * cover, a gallery's photos, a video block's file or captions). A refused file leaves the rest of
 * the form saved and says why next to its field.
 */
export async function processUploads(
	ctx: CommandContext,
	input: { submissionId: number; fields: SubmissionFields; files: ReceivedFile[]; form: FormData },
): Promise<{ fields: SubmissionFields; media: NewMedia[]; errors: FieldErrors }> {
	const fields: SubmissionFields = structuredClone(input.fields);
	const media: NewMedia[] = [];
	const errors: FieldErrors = {};
	const dataDir = getDataDir();
	for (const file of input.files) {
		const name = file.clientName || file.field;
		const blockMatch = /^block\.(\d+)\.(files|video|vtt)$/.exec(file.field);
		const block = blockMatch ? fields.blocks[Number(blockMatch[1])] : undefined;
		const errorField =
			file.field === 'cover.file'
				? 'cover.media'
				: blockMatch
					? `block.${blockMatch[1]}.${blockMatch[2] === 'files' ? 'photos' : 'media'}`
					: file.field;
		const refuse = (error: MediaError) => {
			errors[errorField] = `sub.raw:${describe(ctx, name, error)}`;
		};
		if (file.field === 'cover.file' || blockMatch?.[2] === 'files') {
			if (blockMatch && (block?.type !== 'gallery' || block.photos.length >= SUB_MAX_PHOTOS))
				continue;
			const type = await detectMediaType(file.path, ['image']);
			if (!type.ok) {
				refuse(type.error);
				continue;
			}
			const id = newMediaId();
			const dir = mediaDirectory(dataDir, id);
			await fs.promises.mkdir(dir, { recursive: true });
			const isCover = file.field === 'cover.file';
			const widths = isCover ? COVER_WIDTHS : GALLERY_WIDTHS;
			const image = await processImage(file.path, dir, 'image', widths, {
				minWidth: isCover ? minSourceWidth(COVER_WIDTHS) : 360,
			});
			if (!image.ok) {
				await fs.promises.rm(dir, { recursive: true, force: true });
				refuse(image.error);
				continue;
			}
			media.push({
				id,
				kind: 'image',
				state: 'ready',
				originalName: name,
				meta: {
					dir: id,
					width: image.value.width,
					height: image.value.height,
					variants: image.value.variants.map((v) => ({
						file: v.file,
						width: v.width,
						height: v.height,
					})),
				},
			});
			if (isCover) fields.cover.media = id;
			else if (block?.type === 'gallery') block.photos.push({ media: id, alt: '', caption: '' });
		} else if (blockMatch?.[2] === 'video' && block?.type === 'video') {
			const type = await detectMediaType(file.path, ['video']);
			if (!type.ok) {
				refuse(type.error);
				continue;
			}
			const id = newMediaId();
			const dir = mediaDirectory(dataDir, id);
			await fs.promises.mkdir(dir, { recursive: true });
			// The original waits next to where its web version will be; the transcoder removes it.
			await fs.promises.rename(file.path, path.join(dir, `original.${type.value.extension}`));
			media.push({
				id,
				kind: 'video',
				state: 'queued',
				originalName: name,
				meta: { dir: id, original: `original.${type.value.extension}` },
			});
			block.media = id;
		} else if (blockMatch?.[2] === 'vtt' && block?.type === 'video') {
			const checked = validateVtt(await fs.promises.readFile(file.path));
			if (!checked.ok) {
				refuse(checked.error);
				continue;
			}
			const srclang = String(input.form.get(`block.${blockMatch[1]}.vttlang`) ?? 'en');
			const id = newMediaId();
			const dir = mediaDirectory(dataDir, id);
			await fs.promises.mkdir(dir, { recursive: true });
			await fs.promises.writeFile(path.join(dir, 'captions.vtt'), checked.value.text);
			media.push({
				id,
				kind: 'vtt',
				state: 'ready',
				originalName: name,
				meta: { dir: id, file: 'captions.vtt', cues: checked.value.cues },
			});
			const t = useTranslations(ctx.lang);
			block.captions = [
				...block.captions.filter((c) => c.srclang !== srclang),
				{ media: id, srclang, label: t(`lang.${srclang}` as UiKey) || srclang },
			];
		}
	}
	return { fields, media, errors };
}

/** Removes the files of uploads whose save did not go through (nothing in the database points at them). */
export async function discardUploads(media: readonly NewMedia[]): Promise<void> {
	const dataDir = getDataDir();
	await Promise.all(
		media.map((m) =>
			fs.promises.rm(mediaDirectory(dataDir, m.id), { recursive: true, force: true }),
		),
	);
}
