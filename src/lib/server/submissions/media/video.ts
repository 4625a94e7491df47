import { getMediaToolPaths } from '../../../config';
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { COVER_WIDTHS } from '../../../images';
import { fail, succeed, type MediaError, type MediaResult } from './errors';
import { processImage, type ImageVariant } from './process-image';

// Phone videos arrive as HEVC .mov, VP9 .webm, 4K H.264… Readers get one format every browser
// plays: H.264 + AAC in an MP4 whose index comes first (playback starts before the download ends),
// at most 1080p, with the container's metadata (GPS position of the phone) left behind.
// ffmpeg's own output goes to logs only: an editor is told a reason in plain words, as a code.

/** Debian's, installed by .ci/run; overridable for machines that keep it elsewhere. */
export const { ffmpeg: FFMPEG_PATH, ffprobe: FFPROBE_PATH } = getMediaToolPaths();
/** Ten minutes: a case study's clip, not a recorded meeting. */
export const MAX_VIDEO_SECONDS = 600;
/** The short side of the published video at most: 1080p, landscape or portrait. */
export const MAX_VIDEO_HEIGHT = 1080;

const LOG_LINES = 20;

export interface VideoInfo {
	durationSeconds: number;
	/** As displayed, rotation applied: a portrait phone video is taller than wide. */
	width: number;
	height: number;
	videoCodec: string;
	/** `null` for a silent video. */
	audioCodec: string | null;
	/** Degrees the player turns the coded picture (0, 90, 180, 270). */
	rotation: number;
}

/** A failed result carries ffmpeg's last lines for the server log; never shown to the editor. */
export type VideoResult<T> = MediaResult<T> & { log?: string[] };

/**
 * What ffprobe finds in a file, or why it is not a video we take.
 * @example const info = await probeVideo(file.path, { maxDurationSeconds: 600 })
 */
export async function probeVideo(
	filePath: string,
	options: { maxDurationSeconds?: number } = {},
): Promise<VideoResult<VideoInfo>> {
	const run = await runTool(FFPROBE_PATH, [
		'-v',
		'error',
		'-print_format',
		'json',
		'-show_format',
		'-show_streams',
		filePath,
	]);
	const log = lastLines(run.stderr);
	if (run.code !== 0)
		return { ...fail(classifyFailure(run.stderr) ?? { code: 'not-a-video' }), log };
	const probe = JSON.parse(run.stdout) as FfprobeOutput;
	const streams = probe.streams ?? [];
	// A cover image embedded in an audio file is a "video" stream too: attached pictures do not count.
	const video = streams.find(
		(s) => s.codec_type === 'video' && !s.disposition?.attached_pic && s.width && s.height,
	);
	const audio = streams.find((s) => s.codec_type === 'audio');
	// ffprobe also opens still images (image2, png_pipe…) as one-frame "videos".
	const still = /image2|_pipe$/.test(probe.format?.format_name ?? '');
	if (still || !video) {
		// An audio file has streams but no picture: the editor can be told exactly that.
		const code = !still && streams.length > 0 ? 'no-video-track' : 'not-a-video';
		return { ...fail({ code }), log };
	}
	const durationSeconds = Number(probe.format?.duration ?? video.duration);
	if (!Number.isFinite(durationSeconds) || durationSeconds <= 0) {
		return { ...fail({ code: 'not-a-video' }), log };
	}
	const maxSeconds = options.maxDurationSeconds ?? MAX_VIDEO_SECONDS;
	if (durationSeconds > maxSeconds) {
		return fail({ code: 'too-long', durationSeconds: Math.round(durationSeconds), maxSeconds });
	}
	const rotation = readRotation(video);
	const sideways = rotation === 90 || rotation === 270;
	return succeed({
		durationSeconds,
		width: sideways ? video.height! : video.width!,
		height: sideways ? video.width! : video.height!,
		videoCodec: video.codec_name ?? 'unknown',
		audioCodec: audio?.codec_name ?? null,
		rotation,
	});
}

export interface TranscodeOptions {
	/** Called with 0…1 as ffmpeg reports progress (about twice a second), and 1 at the end. */
	onProgress?: (fraction: number) => void;
	/** Aborting kills ffmpeg and gives 'cancelled'; the partial output is removed. */
	signal?: AbortSignal;
	/** Short side at most, in pixels; MAX_VIDEO_HEIGHT unless told. */
	maxHeight?: number;
	maxDurationSeconds?: number;
	/** Widths of the WebP poster variants; COVER_WIDTHS unless told. */
	posterWidths?: readonly number[];
}

export interface TranscodedVideo {
	/** `video.mp4` in `outDir`. */
	file: string;
	width: number;
	height: number;
	durationSeconds: number;
	bytes: number;
	hasAudio: boolean;
	/** `poster.jpg` in `outDir`: the frame the WebP variants are made from. */
	poster: string;
	posterVariants: ImageVariant[];
}

/**
 * Transcodes a video to `outDir/video.mp4` (H.264 + AAC, faststart, ≤ 1080p, even size) with a poster
 * frame `poster.jpg` and its WebP variants `poster-<width>.webp`. Run through a serial queue: one
 * ffmpeg at a time uses every core already.
 * @example const result = await queue.run(() => transcodeVideo(file.path, dir, { onProgress: (f) => job.progress = f }))
 */
export async function transcodeVideo(
	inputPath: string,
	outDir: string,
	options: TranscodeOptions = {},
): Promise<VideoResult<TranscodedVideo>> {
	if (options.signal?.aborted) return fail({ code: 'cancelled' });
	const probe = await probeVideo(inputPath, { maxDurationSeconds: options.maxDurationSeconds });
	if (!probe.ok) return probe;
	const info = probe.value;
	const { width, height } = fitVideo(
		info.width,
		info.height,
		options.maxHeight ?? MAX_VIDEO_HEIGHT,
	);

	await fs.mkdir(outDir, { recursive: true });
	const output = path.join(outDir, 'video.mp4');
	const partial = path.join(outDir, 'video.mp4.partial');
	const hasAudio = info.audioCodec !== null;
	const args = [
		'-nostdin',
		'-hide_banner',
		'-v',
		'warning',
		'-nostats',
		'-progress',
		'pipe:1',
		'-y',
		'-i',
		inputPath,
		'-map',
		'0:v:0',
		...(hasAudio ? ['-map', '0:a:0', '-c:a', 'aac', '-b:a', '128k', '-ac', '2'] : []),
		// Phones write where and on which device the video was shot: none of it is published.
		'-map_metadata',
		'-1',
		'-map_chapters',
		'-1',
		// ffmpeg has already turned the picture upright (autorotate), so the size is the displayed one.
		'-vf',
		`scale=${width}:${height},setsar=1`,
		'-c:v',
		'libx264',
		'-preset',
		'veryfast',
		'-crf',
		'23',
		'-pix_fmt',
		'yuv420p',
		'-movflags',
		'+faststart',
		'-f',
		'mp4',
		partial,
	];
	const durationUs = info.durationSeconds * 1_000_000;
	let lastFraction = 0;
	const run = await runTool(FFMPEG_PATH, args, {
		signal: options.signal,
		onStdoutLine(line) {
			// `-progress` writes key=value blocks; out_time_us is the position reached in the output.
			const match = /^out_time_us=(\d+)$/.exec(line);
			if (match && options.onProgress) {
				const fraction = Math.min(1, Number(match[1]) / durationUs);
				if (fraction > lastFraction) {
					lastFraction = fraction;
					options.onProgress(fraction);
				}
			}
		},
	});
	const log = lastLines(run.stderr);
	const cleanUp = () => fs.rm(partial, { force: true });
	if (run.aborted) {
		await cleanUp();
		return { ...fail({ code: 'cancelled' }), log };
	}
	if (run.code !== 0) {
		await cleanUp();
		return { ...fail(classifyFailure(run.stderr) ?? { code: 'transcode-failed' }), log };
	}
	// ffmpeg can succeed on a file cut short after its index: it encodes what is there and warns.
	// A damaged packet mid-file is only a warning too, and what was encoded is kept.
	const result = await probeVideo(partial, { maxDurationSeconds: Infinity });
	const short = !result.ok || result.value.durationSeconds < info.durationSeconds * 0.9 - 0.5;
	if (looksIncomplete(run.stderr) || short) {
		await cleanUp();
		return { ...fail({ code: 'video-incomplete' }), log };
	}
	await fs.rename(partial, output);

	const poster = path.join(outDir, 'poster.jpg');
	// A frame a little in: the very first one is often black or a fade-in.
	const at = Math.min(1, result.value.durationSeconds / 3);
	const grab = await runTool(
		FFMPEG_PATH,
		[
			'-nostdin',
			'-hide_banner',
			'-v',
			'error',
			'-y',
			'-ss',
			at.toFixed(3),
			'-i',
			output,
			'-frames:v',
			'1',
			'-q:v',
			'2',
			poster,
		],
		{ signal: options.signal },
	);
	if (grab.code !== 0 || grab.aborted) {
		await Promise.all([fs.rm(output, { force: true }), fs.rm(poster, { force: true })]);
		if (grab.aborted) return fail({ code: 'cancelled' });
		return { ...fail({ code: 'transcode-failed' }), log: lastLines(grab.stderr) };
	}
	const images = await processImage(poster, outDir, 'poster', options.posterWidths ?? COVER_WIDTHS);
	if (!images.ok) throw new Error(`Our own poster frame was refused: ${images.error.code}`);
	options.onProgress?.(1);
	const { size } = await fs.stat(output);
	return succeed({
		file: 'video.mp4',
		width: result.value.width,
		height: result.value.height,
		durationSeconds: result.value.durationSeconds,
		bytes: size,
		hasAudio,
		poster: 'poster.jpg',
		posterVariants: images.value.variants,
	});
}

/**
 * The output size: the short side brought down to `maxShortSide` if larger, aspect kept, both sides
 * even (yuv420p halves the colour planes, so x264 refuses odd sizes).
 */
export function fitVideo(
	width: number,
	height: number,
	maxShortSide: number,
): { width: number; height: number } {
	const scale = Math.min(1, maxShortSide / Math.min(width, height));
	const even = (n: number) => Math.max(2, Math.round(n / 2) * 2);
	return { width: even(width * scale), height: even(height * scale) };
}

export interface SerialQueue {
	/** Runs `job` once every job queued before it has settled; a failing job does not stop the next. */
	run<T>(job: () => Promise<T>): Promise<T>;
	/** Jobs queued or running. */
	readonly size: number;
}

/**
 * A queue that runs one job at a time, in order, in this process.
 * @example const transcodes = createSerialQueue(); await transcodes.run(() => transcodeVideo(input, dir))
 */
export function createSerialQueue(): SerialQueue {
	let tail: Promise<unknown> = Promise.resolve();
	let size = 0;
	return {
		run<T>(job: () => Promise<T>): Promise<T> {
			size++;
			const result = tail.then(job).finally(() => size--);
			tail = result.catch(() => undefined);
			return result;
		},
		get size() {
			return size;
		},
	};
}

// Known endings in ffmpeg's words, turned into what the editor can act on.
function classifyFailure(stderr: string): MediaError | null {
	if (looksIncomplete(stderr)) return { code: 'video-incomplete' };
	if (/Invalid data found when processing input|could not find codec parameters/i.test(stderr)) {
		return { code: 'not-a-video' };
	}
	return null;
}

// An mp4 without its index or with samples past its end; a webm that stops mid-cluster.
function looksIncomplete(stderr: string): boolean {
	return /moov atom not found|partial file|ended prematurely|ends prematurely/i.test(stderr);
}

function readRotation(stream: FfprobeStream): number {
	const matrix = stream.side_data_list?.find((d) => typeof d.rotation === 'number');
	const degrees = matrix?.rotation ?? Number(stream.tags?.rotate ?? 0);
	// ffprobe gives the display matrix's angle counter-clockwise (-90 for a phone held upright).
	return ((-Math.round(degrees) % 360) + 360) % 360 || 0;
}

function lastLines(text: string): string[] {
	return text.trimEnd().split('\n').filter(Boolean).slice(-LOG_LINES);
}

interface ToolRun {
	code: number | null;
	stdout: string;
	stderr: string;
	aborted: boolean;
}

function runTool(
	command: string,
	args: string[],
	options: { signal?: AbortSignal; onStdoutLine?: (line: string) => void } = {},
): Promise<ToolRun> {
	return new Promise((resolve, reject) => {
		const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
		let stdout = '';
		let stderr = '';
		let pending = '';
		let aborted = false;
		const onAbort = () => {
			aborted = true;
			child.kill('SIGKILL');
		};
		options.signal?.addEventListener('abort', onAbort, { once: true });
		child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
			if (!options.onStdoutLine) {
				stdout += chunk;
				return;
			}
			pending += chunk;
			const lines = pending.split('\n');
			pending = lines.pop() ?? '';
			for (const line of lines) options.onStdoutLine(line.trim());
		});
		child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
			// Only the end matters for the log; keep it bounded whatever ffmpeg prints.
			stderr = (stderr + chunk).slice(-16_384);
		});
		// A missing ffmpeg is a broken server, not a bad file: it throws.
		child.on('error', (error) => {
			options.signal?.removeEventListener('abort', onAbort);
			reject(error);
		});
		child.on('close', (code) => {
			options.signal?.removeEventListener('abort', onAbort);
			resolve({ code, stdout, stderr, aborted });
		});
	});
}

interface FfprobeStream {
	codec_type?: string;
	codec_name?: string;
	width?: number;
	height?: number;
	duration?: string;
	disposition?: { attached_pic?: number };
	tags?: { rotate?: string };
	side_data_list?: { rotation?: number }[];
}

interface FfprobeOutput {
	streams?: FfprobeStream[];
	format?: { duration?: string; format_name?: string };
}
