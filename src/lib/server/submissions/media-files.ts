// Serving uploaded media from DATA_DIR/submission-media/<dir>/<file>. Only names of the form the
// pipeline writes are looked up, so nothing else under DATA_DIR is reachable; video answers byte
// ranges, which Safari on iPad and iPhone requires before it plays anything.
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';

export const MEDIA_DIR = 'submission-media';
const DIR_NAME = /^[a-f0-9]{32}$/;
const FILE_NAME = /^[a-z0-9][a-z0-9._-]{0,80}\.(webp|jpg|mp4|vtt)$/;
const TYPES: Record<string, string> = {
	webp: 'image/webp',
	jpg: 'image/jpeg',
	mp4: 'video/mp4',
	vtt: 'text/vtt; charset=utf-8',
};

/** The file for a media URL's two segments, or null for anything we never write. */
export function resolveMediaFile(dataDir: string, dir: string, file: string): string | null {
	if (!DIR_NAME.test(dir) || !FILE_NAME.test(file) || file.includes('..')) return null;
	return path.join(dataDir, MEDIA_DIR, dir, file);
}

/** The directory a new media item is written to. */
export function mediaDirectory(dataDir: string, dir: string): string {
	if (!DIR_NAME.test(dir)) throw new Error(`Bad media directory name ${dir}`);
	return path.join(dataDir, MEDIA_DIR, dir);
}

/** A full or ranged answer for a media file; 404 when it does not exist. */
export async function serveMediaFile(request: Request, file: string): Promise<Response> {
	const stat = await fs.promises.stat(file).catch(() => null);
	if (!stat?.isFile()) return new Response('Not found', { status: 404 });
	const ext = file.slice(file.lastIndexOf('.') + 1);
	const headers: Record<string, string> = {
		'Content-Type': TYPES[ext] ?? 'application/octet-stream',
		'Accept-Ranges': 'bytes',
		// A media directory is never rewritten: a new upload gets a new directory.
		'Cache-Control': 'private, max-age=31536000, immutable',
		'X-Content-Type-Options': 'nosniff',
		ETag: `"${stat.size.toString(36)}-${Math.floor(stat.mtimeMs).toString(36)}"`,
	};
	const range = parseRange(request.headers.get('range'), stat.size);
	if (range === 'unsatisfiable') {
		return new Response(null, {
			status: 416,
			headers: { ...headers, 'Content-Range': `bytes */${stat.size}` },
		});
	}
	const [start, end] = range ?? [0, stat.size - 1];
	const length = stat.size === 0 ? 0 : end - start + 1;
	headers['Content-Length'] = String(length);
	if (range) headers['Content-Range'] = `bytes ${start}-${end}/${stat.size}`;
	const body =
		request.method === 'HEAD' || length === 0
			? null
			: (Readable.toWeb(fs.createReadStream(file, { start, end })) as ReadableStream);
	return new Response(body, { status: range ? 206 : 200, headers });
}

/** One `bytes=a-b`, `bytes=a-` or `bytes=-n` range; null means the whole file. */
export function parseRange(
	header: string | null,
	size: number,
): [number, number] | 'unsatisfiable' | null {
	const m = header ? /^bytes=(\d*)-(\d*)$/.exec(header.trim()) : null;
	if (!m || (!m[1] && !m[2])) return null;
	let start: number;
	let end: number;
	if (!m[1]) {
		const suffix = Number(m[2]);
		if (suffix === 0) return 'unsatisfiable';
		start = Math.max(0, size - suffix);
		end = size - 1;
	} else {
		start = Number(m[1]);
		end = m[2] ? Math.min(Number(m[2]), size - 1) : size - 1;
	}
	if (start >= size || start > end) return 'unsatisfiable';
	return [start, end];
}
