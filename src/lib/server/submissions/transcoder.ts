// The one video transcoder of a server: queued videos wait in SQLite (submission_media, state
// 'queued'), so a video uploaded through any worker, or left half-done by a restart, is converted
// exactly once, one at a time (ffmpeg already uses every core); with several instances on one
// database, each video is claimed by one of their transcoders. Progress is written to the row about
// twice a second, which the form polls; a failure is stored as a code the form explains.
import fs from 'node:fs';
import path from 'node:path';
import type { Database } from 'better-sqlite3';
import { getDatabase, getDataDir } from '../db';
import { getNowSeconds } from '../time';
import { mediaDirectory } from './media-files';
import { claimVideo, listPendingVideos, updateMedia, type SubmissionMedia } from './store';
import { transcodeVideo } from './media/video';

const stateKey = Symbol.for('coaching-dealer.transcoder');
interface TranscoderState {
	running: Promise<void> | null;
	again: boolean;
}
function getState(): TranscoderState {
	const store = globalThis as typeof globalThis & { [stateKey]?: TranscoderState };
	store[stateKey] ??= { running: null, again: false };
	return store[stateKey];
}

/** Starts working through queued videos unless already at it. Never throws. */
export function kickTranscoder(options: { db?: Database; dataDir?: string } = {}): void {
	const state = getState();
	if (state.running) {
		state.again = true;
		return;
	}
	state.again = false;
	state.running = drain(options.db ?? getDatabase(), options.dataDir ?? getDataDir())
		.catch((error: unknown) => console.error('[transcoder] stopped', error))
		.finally(() => {
			state.running = null;
			if (state.again) kickTranscoder(options);
		});
}

/** Resolves once no transcode is running (tests, clean shutdown). */
export async function whenTranscoderIdle(): Promise<void> {
	while (getState().running) await getState().running;
}

// A video another transcoder is converting (another instance on the same database) stays its own
// until its row stops moving this long; then it is taken over, as after a restart.
const STALE_SECONDS = 120;

async function drain(db: Database, dataDir: string): Promise<void> {
	for (;;) {
		const pending = listPendingVideos(db);
		const next = pending.find((media) => claimVideo(db, media.id, getNowSeconds(), STALE_SECONDS));
		if (!next) {
			// Only others' videos left: look again once theirs would count as abandoned.
			if (pending.length > 0) setTimeout(() => kickTranscoder(), STALE_SECONDS * 1000).unref();
			return;
		}
		await transcodeOne(db, dataDir, next);
	}
}

async function transcodeOne(db: Database, dataDir: string, media: SubmissionMedia) {
	const dir = mediaDirectory(dataDir, String(media.meta.dir));
	const original = path.join(dir, String(media.meta.original ?? ''));
	let last = 0;
	const started = performance.now();
	const result = await transcodeVideo(original, dir, {
		onProgress(fraction) {
			const now = performance.now();
			if (now - last < 500 && fraction < 1) return;
			last = now;
			updateMedia(db, media.id, { progress: Math.min(0.99, fraction) }, getNowSeconds());
		},
	}).catch((error: unknown) => {
		console.error(`[transcoder] ${media.id} failed`, error);
		return { ok: false as const, error: { code: 'transcode-failed' as const } };
	});
	if (!result.ok) {
		if ('log' in result && Array.isArray(result.log))
			console.error(`[transcoder] ${media.id}: ${result.error.code}\n${result.log.join('\n')}`);
		updateMedia(db, media.id, { state: 'failed', error: result.error.code }, getNowSeconds());
		await fs.promises.rm(original, { force: true });
		return;
	}
	const v = result.value;
	updateMedia(
		db,
		media.id,
		{
			state: 'ready',
			progress: 1,
			error: null,
			meta: {
				dir: media.meta.dir,
				file: path.basename(v.file),
				width: v.width,
				height: v.height,
				durationSeconds: v.durationSeconds,
				bytes: v.bytes,
				poster: {
					width: v.posterVariants.at(-1)?.width ?? v.width,
					height: v.posterVariants.at(-1)?.height ?? v.height,
					variants: v.posterVariants.map((p) => ({
						file: p.file,
						width: p.width,
						height: p.height,
					})),
				},
			},
		},
		getNowSeconds(),
	);
	// The phone's original is not served: only the web version is kept.
	await fs.promises.rm(original, { force: true });
	console.log(
		`[transcoder] ${media.id}: ${Math.round(v.durationSeconds)} s of video in ${Math.round(performance.now() - started)} ms`,
	);
}
