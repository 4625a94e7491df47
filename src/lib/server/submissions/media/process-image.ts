import { fileTypeFromFile } from 'file-type';
import fs from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { fail, succeed, type MediaResult } from './errors';
import { decodeHeif, findHeifTools, readHeifImages, type HeifTools } from './heif';

// A submitted photo is never published as sent: sharp decodes it and writes new WebP files, so what
// readers get is pixels only. No withMetadata/keepExif: EXIF (GPS position, camera serial, author)
// and XMP stay behind, and the orientation tag is applied to the pixels first.

/** Largest canvas decoded (50 MP, a bit over a 48 MP phone photo); a bigger one is a pixel bomb. */
export const MAX_INPUT_PIXELS = 50_000_000;

export interface ImageVariant {
	/** File name inside `outDir`: `${baseName}-${width}.webp`. */
	file: string;
	width: number;
	height: number;
	bytes: number;
}

export interface ProcessedImage {
	/** The source's size once upright. */
	width: number;
	height: number;
	/** Narrowest first. */
	variants: ImageVariant[];
}

export interface ProcessImageOptions {
	/** Refuse a source narrower than this once upright ('too-small'). */
	minWidth?: number;
	/** WebP quality; 80 unless told. */
	quality?: number;
	/** The libheif tools that decode HEIC; `findHeifTools()` unless told (null: sharp only). */
	heif?: HeifTools | null;
}

/**
 * Writes upright, metadata-free WebP variants of an image at each of `widths` (COVER_WIDTHS,
 * GALLERY_WIDTHS…). A width larger than the source is replaced by the source's own width: nothing is
 * upscaled.
 * @example const image = await processImage(file.path, dir, 'cover', COVER_WIDTHS, { minWidth: 1200 })
 */
export async function processImage(
	inputPath: string,
	outDir: string,
	baseName: string,
	widths: readonly number[],
	options: ProcessImageOptions = {},
): Promise<MediaResult<ProcessedImage>> {
	if (widths.length === 0) throw new Error('processImage needs at least one width');
	if (!/^[a-z0-9][a-z0-9-]*$/i.test(baseName)) throw new Error(`Bad base name \`${baseName}\``);

	const type = await fileTypeFromFile(inputPath).catch(() => undefined);
	if (type?.mime === 'image/heic' || type?.mime === 'image/heif') {
		const tools = options.heif === undefined ? await findHeifTools() : options.heif;
		if (tools) return processHeif(tools, inputPath, outDir, baseName, widths, options);
	}
	return encodeVariants(inputPath, outDir, baseName, widths, options, true);
}

/**
 * A HEIC's declared size is checked before anything is decoded, then heif-convert writes a lossless
 * PNG next to the upload (its temp directory) for sharp. The PNG is removed whatever happens.
 */
async function processHeif(
	tools: HeifTools,
	inputPath: string,
	outDir: string,
	baseName: string,
	widths: readonly number[],
	options: ProcessImageOptions,
): Promise<MediaResult<ProcessedImage>> {
	const images = await readHeifImages(inputPath);
	if (!images) return fail({ code: 'unreadable' });
	// heif-convert decodes every top-level image, so all of them count against the limit.
	const pixels = images.reduce((sum, image) => sum + image.width * image.height, 0);
	if (pixels > MAX_INPUT_PIXELS) return fail({ code: 'pixel-bomb', limit: MAX_INPUT_PIXELS });
	const workDir = await fs.mkdtemp(path.join(path.dirname(inputPath), 'heif-'));
	try {
		const decoded = await decodeHeif(tools, inputPath, images, workDir);
		if (!decoded) return fail({ code: 'unreadable' });
		// libheif has applied the container's rotation (irot/imir); the EXIF orientation copied into
		// the PNG repeats it (iPhones write both), so applying it again would turn the photo twice.
		return await encodeVariants(decoded, outDir, baseName, widths, options, false);
	} finally {
		await fs.rm(workDir, { recursive: true, force: true });
	}
}

async function encodeVariants(
	inputPath: string,
	outDir: string,
	baseName: string,
	widths: readonly number[],
	options: ProcessImageOptions,
	orient: boolean,
): Promise<MediaResult<ProcessedImage>> {
	let metadata: sharp.Metadata;
	try {
		// The header only: a pixel bomb is measured here, before a single pixel is decoded.
		metadata = await sharp(inputPath, { limitInputPixels: false }).metadata();
	} catch {
		return fail({ code: 'unreadable' });
	}
	const upright = orient ? metadata.autoOrient : undefined;
	const sourceWidth = upright?.width ?? metadata.width;
	const sourceHeight = upright?.height ?? metadata.height;
	if (!sourceWidth || !sourceHeight) return fail({ code: 'unreadable' });
	if (sourceWidth * sourceHeight > MAX_INPUT_PIXELS) {
		return fail({ code: 'pixel-bomb', limit: MAX_INPUT_PIXELS });
	}
	if (options.minWidth !== undefined && sourceWidth < options.minWidth) {
		return fail({ code: 'too-small', width: sourceWidth, minWidth: options.minWidth });
	}

	const targets = [...new Set(widths.map((width) => Math.min(width, sourceWidth)))].sort(
		(a, b) => a - b,
	);
	await fs.mkdir(outDir, { recursive: true });
	const decoder = sharp(inputPath, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' });
	const source = orient ? decoder.rotate() : decoder;
	const variants: ImageVariant[] = [];
	try {
		for (const width of targets) {
			const file = `${baseName}-${width}.webp`;
			const info = await source
				.clone()
				.resize({ width, withoutEnlargement: true })
				.webp({ quality: options.quality ?? 80 })
				.toFile(path.join(outDir, file));
			variants.push({ file, width: info.width, height: info.height, bytes: info.size });
		}
	} catch (error) {
		await Promise.all(variants.map((v) => fs.rm(path.join(outDir, v.file), { force: true })));
		const message = error instanceof Error ? error.message : String(error);
		if (/pixel limit/i.test(message)) return fail({ code: 'pixel-bomb', limit: MAX_INPUT_PIXELS });
		// A write that fails is our disk, not the sender's file.
		if (/unable to open .* for writing|ENOSPC|EACCES/i.test(message)) throw error;
		// Truncated or corrupt data surfaces while decoding, with failOn 'error'.
		return fail({ code: 'unreadable' });
	}
	return succeed({ width: sourceWidth, height: sourceHeight, variants });
}
