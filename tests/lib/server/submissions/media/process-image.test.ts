import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { COVER_WIDTHS, GALLERY_WIDTHS } from '../../../../../src/lib/images';
import {
	MAX_INPUT_PIXELS,
	processImage,
} from '../../../../../src/lib/server/submissions/media/process-image';
import { readHeifImages } from '../../../../../src/lib/server/submissions/media/heif';
import { makeHeicBomb, makePhoneHeic, truncateFile } from './fixtures';

let dir: string;
let out: string;
const file = (name: string) => path.join(dir, name);
beforeEach(() => {
	dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cd-image-'));
	out = path.join(dir, 'out');
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const red = { r: 220, g: 20, b: 20 };
const blue = { r: 20, g: 20, b: 220 };

/** Left half red, right half blue, so which way up an output is can be read from its pixels. */
function twoColours(width: number, height: number) {
	const half = Math.floor(width / 2);
	return sharp({ create: { width, height, channels: 3, background: red } }).composite([
		{
			input: { create: { width: width - half, height, channels: 3, background: blue } },
			left: half,
			top: 0,
		},
	]);
}

async function pixelAt(image: string, x: number, y: number) {
	const { data, info } = await sharp(image).raw().toBuffer({ resolveWithObject: true });
	const i = (y * info.width + x) * info.channels;
	return { r: data[i]!, g: data[i + 1]!, b: data[i + 2]! };
}

/** A variant as served: WebP, with no EXIF, no XMP and no trace of the input's metadata. */
async function expectCleanWebp(written: string): Promise<string> {
	const meta = await sharp(written).metadata();
	expect(meta.format).toBe('webp');
	expect(meta.exif).toBeUndefined();
	expect(meta.xmp).toBeUndefined();
	expect(fs.readFileSync(written).toString('latin1')).not.toContain('secret-exif-marker');
	return written;
}

describe('processImage', () => {
	it('publishes WebP variants at each cover width with the GPS position and all EXIF gone', async () => {
		const input = file('showroom.png');
		await sharp(await twoColours(2400, 1600).png().toBuffer())
			.withExif({
				IFD0: { Copyright: 'secret-exif-marker' },
				IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '38/1 42/1 0/1' },
			})
			.png()
			.toFile(input);
		// The input really carries what must go, or the test would prove nothing.
		expect((await sharp(input).metadata()).exif?.toString('latin1')).toContain(
			'secret-exif-marker',
		);

		const result = await processImage(input, out, 'cover', COVER_WIDTHS, { minWidth: 1200 });
		expect(result).toEqual({
			ok: true,
			value: {
				width: 2400,
				height: 1600,
				variants: [
					{ file: 'cover-480.webp', width: 480, height: 320, bytes: expect.any(Number) },
					{ file: 'cover-800.webp', width: 800, height: 533, bytes: expect.any(Number) },
					{ file: 'cover-1200.webp', width: 1200, height: 800, bytes: expect.any(Number) },
				],
			},
		});
		for (const variant of result.ok ? result.value.variants : []) {
			const written = await expectCleanWebp(path.join(out, variant.file));
			expect(fs.statSync(written).size).toBe(variant.bytes);
		}
	});

	it('turns a photo taken with the phone on its side upright', async () => {
		const input = file('portrait.jpg');
		// Stored landscape, red left; orientation 6 says "turn 90° clockwise to view": red on top.
		await twoColours(1600, 1200).jpeg().withMetadata({ orientation: 6 }).toFile(input);
		const result = await processImage(input, out, 'photo', GALLERY_WIDTHS);
		if (!result.ok) throw new Error(result.error.code);
		expect(result.value).toMatchObject({ width: 1200, height: 1600 });
		const largest = path.join(out, 'photo-1200.webp');
		expect(await sharp(largest).metadata()).toMatchObject({ width: 1200, height: 1600 });
		expect(await pixelAt(largest, 600, 100)).toMatchObject({
			r: expect.toSatisfy((r: number) => r > 180),
		});
		expect(await pixelAt(largest, 600, 1500)).toMatchObject({
			b: expect.toSatisfy((b: number) => b > 180),
		});
	});

	it('never enlarges: a width the source lacks becomes the source’s own width', async () => {
		const input = file('small.png');
		await twoColours(1000, 500).png().toFile(input);
		const result = await processImage(input, out, 'gallery', GALLERY_WIDTHS);
		expect(result.ok && result.value.variants.map((v) => [v.file, v.width, v.height])).toEqual([
			['gallery-360.webp', 360, 180],
			['gallery-720.webp', 720, 360],
			['gallery-1000.webp', 1000, 500],
		]);
	});

	it('refuses a photo narrower than the page needs', async () => {
		const input = file('thumb.png');
		await twoColours(800, 600).png().toFile(input);
		expect(await processImage(input, out, 'cover', COVER_WIDTHS, { minWidth: 1200 })).toEqual({
			ok: false,
			error: { code: 'too-small', width: 800, minWidth: 1200 },
		});
		expect(fs.existsSync(out)).toBe(false);
	});

	it('refuses a 20000×20000 pixel bomb without decoding it', async () => {
		// A small PNG whose header claims 400 megapixels (1.2 GB decoded): sharp must not try.
		const png = await sharp({ create: { width: 16, height: 16, channels: 3, background: red } })
			.png()
			.toBuffer();
		png.writeUInt32BE(20_000, 16);
		png.writeUInt32BE(20_000, 20);
		png.writeUInt32BE(zlib.crc32(png.subarray(12, 29)), 29);
		const input = file('bomb.png');
		fs.writeFileSync(input, png);
		expect(await sharp(input, { limitInputPixels: false }).metadata()).toMatchObject({
			width: 20_000,
			height: 20_000,
		});

		const before = process.memoryUsage().rss;
		expect(await processImage(input, out, 'cover', COVER_WIDTHS)).toEqual({
			ok: false,
			error: { code: 'pixel-bomb', limit: MAX_INPUT_PIXELS },
		});
		expect(process.memoryUsage().rss - before).toBeLessThan(50 * 1024 * 1024);
	});

	it('says a JPEG cut short is unreadable and leaves no variant behind', async () => {
		const whole = await sharp({
			create: {
				width: 1600,
				height: 1200,
				channels: 3,
				background: '#000',
				// Noise, so the JPEG is large and cutting it loses most of the picture.
				noise: { type: 'gaussian', mean: 128, sigma: 40 },
			},
		})
			.jpeg()
			.toBuffer();
		const input = file('cut.jpg');
		fs.writeFileSync(input, whole.subarray(0, Math.floor(whole.length * 0.6)));
		expect(await processImage(input, out, 'cover', COVER_WIDTHS)).toEqual({
			ok: false,
			error: { code: 'unreadable' },
		});
		expect(fs.readdirSync(out)).toEqual([]);

		fs.writeFileSync(file('noise.png'), 'not an image at all');
		expect(await processImage(file('noise.png'), out, 'cover', COVER_WIDTHS)).toEqual({
			ok: false,
			error: { code: 'unreadable' },
		});
	});
});

describe('processImage with an iPhone HEIC (decoded by Debian’s heif-convert)', () => {
	/** What is in the upload's directory besides the files the test put there. */
	const leftovers = (...inputs: string[]) =>
		fs.readdirSync(dir).filter((name) => name !== 'out' && !inputs.includes(name));

	it('publishes upright WebP variants of a portrait HEIC with its GPS position and EXIF gone', async () => {
		const input = await makePhoneHeic(file('IMG_0042.HEIC'), {
			width: 2000,
			height: 1500,
			orientation: 6,
		});
		// The input really carries what must go, and sharp alone cannot read it.
		expect(fs.readFileSync(input).toString('latin1')).toContain('secret-exif-marker');
		await expect(sharp(input).raw().toBuffer()).rejects.toThrow();

		const result = await processImage(input, out, 'photo', GALLERY_WIDTHS, { minWidth: 360 });
		expect(result).toEqual({
			ok: true,
			value: {
				width: 1500,
				height: 2000,
				variants: [
					{ file: 'photo-360.webp', width: 360, height: 480, bytes: expect.any(Number) },
					{ file: 'photo-720.webp', width: 720, height: 960, bytes: expect.any(Number) },
					{ file: 'photo-1200.webp', width: 1200, height: 1600, bytes: expect.any(Number) },
				],
			},
		});
		for (const variant of result.ok ? result.value.variants : []) {
			await expectCleanWebp(path.join(out, variant.file));
		}
		// Turned once (the container's irot), not twice (irot, then the EXIF tag repeating it).
		const largest = path.join(out, 'photo-1200.webp');
		expect(await pixelAt(largest, 600, 100)).toMatchObject({
			r: expect.toSatisfy((r: number) => r > 180),
		});
		expect(await pixelAt(largest, 600, 1500)).toMatchObject({
			b: expect.toSatisfy((b: number) => b > 180),
		});
		// The decoded PNG was removed from the upload's directory.
		expect(leftovers('IMG_0042.HEIC')).toEqual([]);
	});

	it('refuses a HEIC declaring 20000×20000 from its container, without decoding it', async () => {
		const input = await makeHeicBomb(file('bomb.heic'), 20_000, 20_000);
		expect(await readHeifImages(input)).toEqual([{ width: 20_000, height: 20_000, primary: true }]);
		const started = Date.now();
		expect(await processImage(input, out, 'cover', COVER_WIDTHS)).toEqual({
			ok: false,
			error: { code: 'pixel-bomb', limit: MAX_INPUT_PIXELS },
		});
		expect(Date.now() - started).toBeLessThan(1000);
		expect(leftovers('bomb.heic')).toEqual([]);
	});

	it('says a HEIC cut short or with broken picture data is unreadable, and leaves no file behind', async () => {
		const whole = await makePhoneHeic(file('whole.heic'), { width: 1600, height: 1200 });
		const cut = truncateFile(whole, file('cut.heic'), 0.6);
		expect(await processImage(cut, out, 'cover', COVER_WIDTHS)).toEqual({
			ok: false,
			error: { code: 'unreadable' },
		});
		// The container is whole but the first bytes of the HEVC stream are garbage: heif-convert
		// starts, fails, and its work directory goes with it.
		const bytes = fs.readFileSync(whole);
		const mdat = bytes.indexOf('mdat', 0, 'latin1');
		bytes.fill(0xff, mdat + 4, mdat + 44);
		fs.writeFileSync(file('broken.heic'), bytes);
		expect(await readHeifImages(file('broken.heic'))).toEqual([
			{ width: 1600, height: 1200, primary: true },
		]);
		expect(await processImage(file('broken.heic'), out, 'cover', COVER_WIDTHS)).toEqual({
			ok: false,
			error: { code: 'unreadable' },
		});
		expect(fs.existsSync(out) ? fs.readdirSync(out) : []).toEqual([]);
		expect(leftovers('whole.heic', 'cut.heic', 'broken.heic')).toEqual([]);
	});
});
