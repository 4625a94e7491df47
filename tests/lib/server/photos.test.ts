import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
	deleteProfilePhoto,
	getProfilePhotoPath,
	PHOTO_MAX_BYTES,
	PHOTO_NAME_PATTERN,
	processProfilePhoto,
	saveProfilePhoto,
} from '../../../src/lib/server/photos';

let dir: string;
beforeEach(() => {
	dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cd-photos-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const red = { r: 220, g: 20, b: 20 };
const blue = { r: 20, g: 20, b: 220 };

/**
 * A 1024×512 JPEG, red on the left and blue on the right, tagged "rotate 90° clockwise" (orientation
 * 6) and carrying EXIF a member would not want published (a marker string and a GPS position).
 */
async function makeCameraJpeg(): Promise<Buffer> {
	const half = (colour: typeof red) =>
		sharp({ create: { width: 512, height: 512, channels: 3, background: colour } })
			.png()
			.toBuffer();
	return sharp({ create: { width: 1024, height: 512, channels: 3, background: red } })
		.composite([
			{ input: await half(red), left: 0, top: 0 },
			{ input: await half(blue), left: 512, top: 0 },
		])
		.jpeg({ quality: 90 })
		.withMetadata({
			orientation: 6,
			exif: {
				IFD0: { Copyright: 'secret-exif-marker', Artist: 'Anna Verdi' },
				IFD3: {
					GPSLatitudeRef: 'N',
					GPSLatitude: '45/1 27/1 0/1',
					GPSLongitudeRef: 'E',
					GPSLongitude: '9/1 11/1 0/1',
				},
			},
		})
		.toBuffer();
}

async function pixelAt(image: Buffer, x: number, y: number) {
	const { data, info } = await sharp(image)
		.removeAlpha()
		.raw()
		.toBuffer({ resolveWithObject: true });
	const i = (y * info.width + x) * info.channels;
	return { r: data[i], g: data[i + 1], b: data[i + 2] };
}

describe('processProfilePhoto', () => {
	it('turns a camera JPEG into an upright WebP of at most 512 px with no EXIF left', async () => {
		const input = await makeCameraJpeg();
		// The input really carries what must go: the test would prove nothing otherwise.
		const inputMeta = await sharp(input).metadata();
		expect(inputMeta.orientation).toBe(6);
		expect(inputMeta.exif?.toString('latin1')).toContain('secret-exif-marker');

		const output = await processProfilePhoto(new Uint8Array(input));
		expect(output).not.toBeNull();
		const meta = await sharp(output!).metadata();
		expect(meta.format).toBe('webp');
		expect(meta.exif).toBeUndefined();
		expect(meta.orientation).toBeUndefined();
		expect(meta.width).toBeLessThanOrEqual(512);
		expect(meta.height).toBeLessThanOrEqual(512);
		expect(output!.toString('latin1')).not.toContain('secret-exif-marker');

		// Orientation applied: red (stored left) is now on top, blue at the bottom.
		const top = await pixelAt(output!, 256, 40);
		const bottom = await pixelAt(output!, 256, 470);
		expect(top.r).toBeGreaterThan(150);
		expect(top.b).toBeLessThan(100);
		expect(bottom.b).toBeGreaterThan(150);
		expect(bottom.r).toBeLessThan(100);
	});

	it('keeps PNG and WebP uploads, without enlarging a small one', async () => {
		const png = await sharp({ create: { width: 200, height: 120, channels: 4, background: blue } })
			.png()
			.toBuffer();
		const fromPng = await processProfilePhoto(new Uint8Array(png));
		expect(await sharp(fromPng!).metadata()).toMatchObject({
			format: 'webp',
			width: 200,
			height: 120,
		});

		const webp = await sharp({ create: { width: 900, height: 600, channels: 3, background: red } })
			.webp()
			.toBuffer();
		const fromWebp = await processProfilePhoto(new Uint8Array(webp));
		expect(await sharp(fromWebp!).metadata()).toMatchObject({
			format: 'webp',
			width: 512,
			height: 512,
		});
	});

	it('refuses what is not a JPEG, PNG or WebP image', async () => {
		const text = new TextEncoder().encode('name,title\nAnna,Sales coach\n');
		expect(await processProfilePhoto(text)).toBeNull();
		expect(await processProfilePhoto(new Uint8Array())).toBeNull();
		const gif = await sharp({ create: { width: 10, height: 10, channels: 3, background: red } })
			.gif()
			.toBuffer();
		expect(await processProfilePhoto(new Uint8Array(gif))).toBeNull();
		const jpeg = await makeCameraJpeg();
		expect(await processProfilePhoto(new Uint8Array(jpeg.subarray(0, 200)))).toBeNull();
		expect(await processProfilePhoto(new Uint8Array(PHOTO_MAX_BYTES + 1))).toBeNull();
	});
});

describe('saveProfilePhoto and deleteProfilePhoto', () => {
	it('stores each upload under a new unguessable name and deletes it again', async () => {
		const webp = (await processProfilePhoto(new Uint8Array(await makeCameraJpeg())))!;
		const first = await saveProfilePhoto(dir, 12, webp);
		const second = await saveProfilePhoto(dir, 12, webp);
		expect(first).toMatch(PHOTO_NAME_PATTERN);
		expect(first).toMatch(/^12-/);
		expect(second).not.toBe(first);
		expect(fs.readFileSync(path.join(dir, 'photos', first))).toEqual(webp);
		expect(fs.readdirSync(path.join(dir, 'photos')).sort()).toEqual([first, second].sort());

		await deleteProfilePhoto(dir, first);
		await deleteProfilePhoto(dir, first);
		expect(fs.readdirSync(path.join(dir, 'photos'))).toEqual([second]);
	});

	it('never reaches a file outside the photos folder', async () => {
		fs.writeFileSync(path.join(dir, 'portal.db'), 'data');
		await deleteProfilePhoto(dir, '../portal.db');
		expect(fs.existsSync(path.join(dir, 'portal.db'))).toBe(true);
		expect(getProfilePhotoPath(dir, '../portal.db')).toBeNull();
		expect(getProfilePhotoPath(dir, '12-0123456789abcdef.webp.png')).toBeNull();
		expect(getProfilePhotoPath(dir, '12-0123456789abcdef.webp')).toBe(
			path.join(dir, 'photos', '12-0123456789abcdef.webp'),
		);
	});
});
