import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectMediaType } from '../../../../../src/lib/server/submissions/media/detect-type';
import {
	findHeifTools,
	probeHeifTools,
} from '../../../../../src/lib/server/submissions/media/heif';
import { makeHeic, makeVideo } from './fixtures';

let dir: string;
const file = (name: string) => path.join(dir, name);

beforeAll(async () => {
	dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cd-detect-'));
	const pixels = { create: { width: 64, height: 48, channels: 3 as const, background: '#c00' } };
	// Each file carries the name a careless or hostile sender would give it.
	await sharp(pixels).png().toFile(file('photo.mp4'));
	await sharp(pixels).jpeg().toFile(file('photo.jpg'));
	await sharp(pixels).webp().toFile(file('photo.webp'));
	fs.writeFileSync(file('page.jpg'), '<!doctype html><title>x</title><script>alert(1)</script>');
	fs.writeFileSync(
		file('drawing.png'),
		'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
	);
	fs.writeFileSync(file('empty.jpg'), '');
	await Promise.all([
		makeVideo(file('clip.jpg'), { codec: 'h264', extra: ['-f', 'mp4'] }),
		makeVideo(file('clip.webm'), { codec: 'vp9', size: '160x120', seconds: 0.5 }),
		makeVideo(file('clip.mov'), { codec: 'hevc', size: '160x120', seconds: 0.5 }),
		makeHeic(file('IMG_0001.HEIC'), file('heic-frame.mp4')),
	]);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('detectMediaType', () => {
	it('goes by the bytes, not the name: a PNG named .mp4 is an image, an MP4 named .jpg a video', async () => {
		expect(await detectMediaType(file('photo.mp4'))).toEqual({
			ok: true,
			value: { kind: 'image', mime: 'image/png', extension: 'png' },
		});
		expect(await detectMediaType(file('clip.jpg'))).toEqual({
			ok: true,
			value: { kind: 'video', mime: 'video/mp4', extension: 'mp4' },
		});
	});

	it('takes the photos and videos phones and browsers make', async () => {
		const mimes = await Promise.all(
			['photo.jpg', 'photo.webp', 'clip.webm', 'clip.mov'].map(async (name) => {
				const result = await detectMediaType(file(name));
				return result.ok ? result.value.mime : result.error.code;
			}),
		);
		expect(mimes).toEqual(['image/jpeg', 'image/webp', 'video/webm', 'video/quicktime']);
	});

	it('refuses a web page or an SVG whatever their name', async () => {
		for (const name of ['page.jpg', 'drawing.png']) {
			expect(await detectMediaType(file(name))).toEqual({
				ok: false,
				error: { code: 'wrong-type', detected: null },
			});
		}
	});

	it('refuses a video in a field that takes photos, and an empty file', async () => {
		expect(await detectMediaType(file('clip.jpg'), ['image'])).toEqual({
			ok: false,
			error: { code: 'wrong-type', detected: 'video/mp4' },
		});
		expect(await detectMediaType(file('empty.jpg'))).toEqual({
			ok: false,
			error: { code: 'empty-file' },
		});
	});

	it('takes an iPhone HEIC when Debian’s libheif tools are here, and says so plainly when not', async () => {
		// The premise: sharp's prebuilt libheif decodes AVIF but not HEVC, so heif-convert is what reads it.
		const decodable = await sharp(file('IMG_0001.HEIC'))
			.raw()
			.toBuffer()
			.then(
				() => true,
				() => false,
			);
		expect(decodable).toBe(false);
		expect(await findHeifTools()).toEqual({ convert: 'heif-convert' });
		expect(await detectMediaType(file('IMG_0001.HEIC'), ['image'])).toEqual({
			ok: true,
			value: { kind: 'image', mime: 'image/heic', extension: 'heic' },
		});
		// A server without libheif-examples: the editor is told to export a JPEG instead.
		expect(await probeHeifTools(path.join(dir, 'no-such-bin'))).toBeNull();
		expect(await detectMediaType(file('IMG_0001.HEIC'), ['image'], { heif: null })).toEqual({
			ok: false,
			error: { code: 'unsupported-heic' },
		});
	});
});
