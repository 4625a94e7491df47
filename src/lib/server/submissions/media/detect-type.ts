import { fileTypeFromFile } from 'file-type';
import fs from 'node:fs/promises';
import sharp from 'sharp';
import { fail, succeed, type MediaResult } from './errors';
import { findHeifTools, type HeifTools } from './heif';
import { MAX_INPUT_PIXELS } from './process-image';

// The type of an upload is read from its bytes only. The file name and the browser's Content-Type
// are the sender's word: a page renamed photo.jpg must never reach sharp, ffmpeg or a reader.
// Captions (.vtt) are plain text with no magic number: `validateVtt` checks them instead.

export type MediaKind = 'image' | 'video';

const ACCEPTED: Readonly<Record<string, MediaKind>> = {
	'image/jpeg': 'image',
	'image/png': 'image',
	'image/webp': 'image',
	'image/heic': 'image',
	'image/heif': 'image',
	'video/mp4': 'video',
	'video/quicktime': 'video',
	'video/webm': 'video',
};

export interface DetectedType {
	kind: MediaKind;
	mime: string;
	/** The extension that goes with the bytes, without the dot: what to name the file, if anything. */
	extension: string;
}

/**
 * The kind of media in a file, from its bytes. `accept` narrows it to what the form field expects:
 * a video sent in the photo field is 'wrong-type'.
 * @example const type = await detectMediaType(file.path, ['image']) // { ok: true, value: { kind: 'image', mime: 'image/png', extension: 'png' } }
 */
export async function detectMediaType(
	filePath: string,
	accept: readonly MediaKind[] = ['image', 'video'],
	options: { heif?: HeifTools | null } = {},
): Promise<MediaResult<DetectedType>> {
	const { size } = await fs.stat(filePath);
	if (size === 0) return fail({ code: 'empty-file' });
	const found = await fileTypeFromFile(filePath);
	const kind = found ? ACCEPTED[found.mime] : undefined;
	if (!found || !kind || !accept.includes(kind)) {
		return fail({ code: 'wrong-type', detected: found?.mime ?? null });
	}
	if (found.mime === 'image/heic' || found.mime === 'image/heif') {
		// iPhone photos are HEVC inside HEIF; sharp's prebuilt libheif has no HEVC decoder (patents).
		// Debian's libheif tools decode them (processImage); without those, only what sharp reads.
		const tools = options.heif === undefined ? await findHeifTools() : options.heif;
		if (!tools && !(await canDecodeHeif(filePath))) return fail({ code: 'unsupported-heic' });
	}
	return succeed({ kind, mime: found.mime, extension: found.ext });
}

/**
 * Whether sharp can decode this HEIF: libheif parses the header of an HEVC image it cannot decode,
 * so pixels are decoded. Any other failure (too big, corrupt) is left for `processImage` to name.
 */
async function canDecodeHeif(filePath: string): Promise<boolean> {
	try {
		await sharp(filePath, { failOn: 'error', limitInputPixels: MAX_INPUT_PIXELS })
			.resize(8, 8)
			.raw()
			.toBuffer();
		return true;
	} catch (error) {
		return !/unsupported|codec|decoder|plugin/i.test(error instanceof Error ? error.message : '');
	}
}
