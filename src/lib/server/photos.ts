import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';

// Members' profile photos. An upload is never stored as sent: sharp decodes it and writes a new WebP,
// so what we serve is pixels only (no EXIF, GPS, ICC comments or smuggled payloads). Files live in
// DATA_DIR/photos under a name that is new for every upload, so they can be cached for ever.

/** Largest upload accepted, before re-encoding: 5 MB. */
export const PHOTO_MAX_BYTES = 5 * 1024 * 1024;
/** Width and height of the stored photo at most. */
export const PHOTO_SIZE_PX = 512;
/** `<userId>-<16 hex>.webp`: the only names ever written, so the only names ever served. */
export const PHOTO_NAME_PATTERN = /^\d+-[0-9a-f]{16}\.webp$/;

const ACCEPTED_FORMATS: ReadonlySet<string> = new Set(['jpeg', 'png', 'webp']);
// A 5 MB PNG can still declare a huge canvas; refuse decompression bombs before decoding them.
const MAX_INPUT_PIXELS = 40_000_000;

/**
 * The upload re-encoded as a WebP of at most 512×512 (EXIF orientation applied, metadata dropped);
 * `null` when sharp cannot read it or it is not a JPEG, PNG or WebP.
 * @example const webp = await processProfilePhoto(new Uint8Array(await file.arrayBuffer()))
 */
export async function processProfilePhoto(bytes: Uint8Array): Promise<Buffer | null> {
	if (bytes.byteLength === 0 || bytes.byteLength > PHOTO_MAX_BYTES) return null;
	try {
		const image = sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS });
		const { format } = await image.metadata();
		if (!format || !ACCEPTED_FORMATS.has(format)) return null;
		// sharp writes no metadata unless asked (withMetadata/keepExif), so EXIF and GPS go here.
		return await image
			.rotate()
			.resize(PHOTO_SIZE_PX, PHOTO_SIZE_PX, { fit: 'cover', withoutEnlargement: true })
			.webp({ quality: 80 })
			.toBuffer();
	} catch {
		// Truncated, corrupt or not an image at all: the member is told to pick another file.
		return null;
	}
}

/**
 * Writes a processed photo to `<dataDir>/photos/` under a fresh name and returns that name.
 * @example user.photo = await saveProfilePhoto(getDataDir(), user.id, webp) // '12-9f86d081884c7d65.webp'
 */
export async function saveProfilePhoto(
	dataDir: string,
	userId: number,
	webp: Buffer,
): Promise<string> {
	if (!Number.isSafeInteger(userId) || userId < 0) throw new Error(`Bad user id \`${userId}\``);
	const dir = path.join(dataDir, 'photos');
	await fs.mkdir(dir, { recursive: true });
	const name = `${userId}-${randomBytes(8).toString('hex')}.webp`;
	// Written aside then renamed, so a crash never leaves a half file under a name the page links to.
	const temp = path.join(dir, `.${name}.tmp`);
	await fs.writeFile(temp, webp, { flag: 'wx' });
	await fs.rename(temp, path.join(dir, name));
	return name;
}

/**
 * Deletes a stored photo; a name that is not ours or a file already gone is not an error.
 * @example await deleteProfilePhoto(getDataDir(), previous.photo)
 */
export async function deleteProfilePhoto(
	dataDir: string,
	name: string | null | undefined,
): Promise<void> {
	const file = getProfilePhotoPath(dataDir, name);
	if (!file) return;
	await fs.rm(file, { force: true });
}

/**
 * The path of a stored photo, or `null` when the name does not match `PHOTO_NAME_PATTERN` (so no
 * `../` or other file of the data dir can ever be reached through it).
 * @example getProfilePhotoPath('/srv/data', '12-9f86d081884c7d65.webp') // '/srv/data/photos/12-9f86d081884c7d65.webp'
 */
export function getProfilePhotoPath(
	dataDir: string,
	name: string | null | undefined,
): string | null {
	if (!name || !PHOTO_NAME_PATTERN.test(name)) return null;
	return path.join(dataDir, 'photos', name);
}
