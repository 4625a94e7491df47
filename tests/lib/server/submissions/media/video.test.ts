import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COVER_WIDTHS } from '../../../../../src/lib/images';
import {
	createSerialQueue,
	probeVideo,
	transcodeVideo,
} from '../../../../../src/lib/server/submissions/media/video';
import { makeVideo, truncateFile } from './fixtures';

const run = promisify(execFile);

let dir: string;
const file = (name: string) => path.join(dir, name);

beforeAll(async () => {
	dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cd-video-'));
	await Promise.all([
		// A 3 s 1080p H.264 clip with sound: what a laptop's screen recorder or a camera gives.
		makeVideo(file('clip.mp4'), { size: '1920x1080', seconds: 3 }),
		makeVideo(file('clip.webm'), { codec: 'vp9', size: '640x360', seconds: 1 }),
		// An iPhone video: HEVC in a .mov, shot upright (stored landscape, displayed turned), with the
		// place it was shot in its metadata.
		makeVideo(file('landscape.mov'), {
			codec: 'hevc',
			size: '640x360',
			seconds: 1,
			extra: ['-metadata', 'location=+45.7640+004.8357/'],
		}),
		makeVideo(file('index-first.mp4'), {
			seconds: 2,
			extra: ['-movflags', '+faststart'],
		}),
		run('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'sine', '-t', '1', file('tone.m4a')]),
		sharp({ create: { width: 64, height: 64, channels: 3, background: '#08f' } })
			.png()
			.toFile(file('still.png')),
	]);
	await run('ffmpeg', [
		'-v',
		'error',
		'-i',
		file('landscape.mov'),
		'-c',
		'copy',
		'-metadata:s:v:0',
		'rotate=90',
		'-metadata',
		'location=+45.7640+004.8357/',
		file('IMG_0042.MOV'),
	]);
	// Half of each, as a browser that lost its connection would leave them: the first has its index
	// at the end (now gone), the second at the start (now pointing past the end).
	truncateFile(file('clip.mp4'), file('cut.mp4'), 0.5);
	truncateFile(file('index-first.mp4'), file('cut-index-first.mp4'), 0.5);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function ffprobe(target: string) {
	const { stdout } = await run('ffprobe', [
		'-v',
		'error',
		'-print_format',
		'json',
		'-show_format',
		'-show_streams',
		target,
	]);
	return JSON.parse(stdout) as {
		streams: {
			codec_type: string;
			codec_name: string;
			pix_fmt?: string;
			width?: number;
			height?: number;
		}[];
		format: { duration: string; tags?: Record<string, string> };
	};
}

/** Top-level MP4 box types in file order: 'moov' before 'mdat' means playback starts at once. */
function topLevelBoxes(target: string): string[] {
	const bytes = fs.readFileSync(target);
	const types: string[] = [];
	for (let offset = 0; offset + 8 <= bytes.length; offset += bytes.readUInt32BE(offset)) {
		types.push(bytes.toString('latin1', offset + 4, offset + 8));
		if (bytes.readUInt32BE(offset) < 8) break;
	}
	return types;
}

describe('probeVideo', () => {
	it('reads duration, size and codecs, with a phone’s upright video as portrait', async () => {
		expect(await probeVideo(file('clip.mp4'))).toEqual({
			ok: true,
			value: {
				durationSeconds: expect.closeTo(3, 1),
				width: 1920,
				height: 1080,
				videoCodec: 'h264',
				audioCodec: 'aac',
				rotation: 0,
			},
		});
		expect(await probeVideo(file('clip.webm'))).toMatchObject({
			ok: true,
			value: { width: 640, height: 360, videoCodec: 'vp9', audioCodec: 'opus' },
		});
		const phone = await probeVideo(file('IMG_0042.MOV'));
		expect(phone).toMatchObject({
			ok: true,
			value: { width: 360, height: 640, videoCodec: 'hevc' },
		});
		expect(phone.ok && [90, 270]).toContain(phone.ok && phone.value.rotation);
	});

	it('refuses what is not a video: a sound file, a still image, a video over the length', async () => {
		expect(await probeVideo(file('tone.m4a'))).toMatchObject({
			ok: false,
			error: { code: 'no-video-track' },
		});
		expect(await probeVideo(file('still.png'))).toMatchObject({
			ok: false,
			error: { code: 'not-a-video' },
		});
		expect(await probeVideo(file('clip.mp4'), { maxDurationSeconds: 2 })).toEqual({
			ok: false,
			error: { code: 'too-long', durationSeconds: 3, maxSeconds: 2 },
		});
	});
});

describe('transcodeVideo', () => {
	it('turns a 3 s 1080p clip into an H.264 MP4 that starts playing at once, with a poster', async () => {
		const out = file('out-clip');
		const progress: number[] = [];
		const started = performance.now();
		const result = await transcodeVideo(file('clip.mp4'), out, {
			onProgress: (fraction) => progress.push(fraction),
		});
		const seconds = (performance.now() - started) / 1000;
		console.info(`3 s 1080p clip transcoded in ${seconds.toFixed(1)} s (poster included)`);
		if (!result.ok) throw new Error(`${result.error.code}\n${result.log?.join('\n')}`);
		expect(result.value).toMatchObject({
			file: 'video.mp4',
			width: 1920,
			height: 1080,
			hasAudio: true,
			poster: 'poster.jpg',
		});
		expect(result.value.durationSeconds).toBeCloseTo(3, 0);

		const probe = await ffprobe(path.join(out, 'video.mp4'));
		expect(probe.streams.map((s) => [s.codec_type, s.codec_name, s.pix_fmt ?? null])).toEqual([
			['video', 'h264', 'yuv420p'],
			['audio', 'aac', null],
		]);
		const boxes = topLevelBoxes(path.join(out, 'video.mp4'));
		expect(boxes.indexOf('moov')).toBeGreaterThan(-1);
		expect(boxes.indexOf('moov')).toBeLessThan(boxes.indexOf('mdat'));

		expect(progress.length).toBeGreaterThan(0);
		expect(progress).toEqual([...progress].sort((a, b) => a - b));
		expect(progress.at(-1)).toBe(1);

		expect(await sharp(path.join(out, 'poster.jpg')).metadata()).toMatchObject({
			format: 'jpeg',
			width: 1920,
			height: 1080,
		});
		expect(result.value.posterVariants.map((v) => v.file)).toEqual(
			COVER_WIDTHS.map((w) => `poster-${w}.webp`),
		);
		expect(fs.readdirSync(out).sort()).toEqual(
			['poster.jpg', 'video.mp4', ...COVER_WIDTHS.map((w) => `poster-${w}.webp`)].sort(),
		);
	});

	it('plays an iPhone HEVC video upright in H.264, without the place it was shot', async () => {
		const input = await ffprobe(file('IMG_0042.MOV'));
		expect(input.format.tags?.location).toBe('+45.7640+004.8357/');
		const out = file('out-phone');
		const result = await transcodeVideo(file('IMG_0042.MOV'), out);
		expect(result).toMatchObject({ ok: true, value: { width: 360, height: 640 } });
		const probe = await ffprobe(path.join(out, 'video.mp4'));
		expect(probe.streams[0]).toMatchObject({ codec_name: 'h264', width: 360, height: 640 });
		expect(JSON.stringify(probe.format.tags ?? {})).not.toContain('45.7640');
	});

	it('brings a video down to the largest size asked, keeping its shape and even sides', async () => {
		const result = await transcodeVideo(file('clip.webm'), file('out-small'), {
			maxHeight: 240,
			posterWidths: [200],
		});
		// 640×360 at 240 lines is 426.7 wide: rounded to an even 426 for yuv420p.
		expect(result).toMatchObject({ ok: true, value: { width: 426, height: 240 } });
		expect(result.ok && result.value.posterVariants).toEqual([
			{ file: 'poster-200.webp', width: 200, height: 113, bytes: expect.any(Number) },
		]);
	});

	it('says a video cut short was not fully uploaded, and leaves nothing behind', async () => {
		for (const name of ['cut.mp4', 'cut-index-first.mp4']) {
			const out = file(`out-${name}`);
			const result = await transcodeVideo(file(name), out);
			expect(result, name).toMatchObject({ ok: false, error: { code: 'video-incomplete' } });
			// ffmpeg's words stay in the log, never in the error the editor is shown.
			expect(Object.keys(result.ok ? {} : result.error)).toEqual(['code']);
			expect(fs.existsSync(out) ? fs.readdirSync(out) : []).toEqual([]);
		}
	});

	it('stops when cancelled and removes the half-written video', async () => {
		const controller = new AbortController();
		const out = file('out-cancelled');
		const result = await transcodeVideo(file('clip.mp4'), out, {
			signal: controller.signal,
			onProgress: () => controller.abort(),
		});
		expect(result).toMatchObject({ ok: false, error: { code: 'cancelled' } });
		expect(fs.readdirSync(out)).toEqual([]);
	});
});

describe('createSerialQueue', () => {
	it('runs one job at a time in order, and a failed job does not stop the next', async () => {
		const queue = createSerialQueue();
		const events: string[] = [];
		const job = (name: string, ms: number, failWith?: string) => async () => {
			events.push(`start ${name}`);
			await new Promise((resolve) => setTimeout(resolve, ms));
			events.push(`end ${name}`);
			if (failWith) throw new Error(failWith);
			return name;
		};
		const a = queue.run(job('a', 30));
		const b = queue.run(job('b', 5, 'ffmpeg crashed'));
		const c = queue.run(job('c', 1));
		expect(queue.size).toBe(3);
		expect(await a).toBe('a');
		await expect(b).rejects.toThrow('ffmpeg crashed');
		expect(await c).toBe('c');
		expect(events).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
		expect(queue.size).toBe(0);
	});
});
