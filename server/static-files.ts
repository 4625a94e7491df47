// Static files of one release, answered as sirv answers them (same candidates, headers, ETags,
// ranges, precompressed br/gz) but with its cache filled lazily: sirv either walks every file
// synchronously when made (a stall of ~20 ms per 1,000 files at each swap) or, in `dev` mode, stats
// every candidate on every request (~31 µs more for each request that falls through to Astro). A
// release never changes, so what one stat found stays true for as long as the handler lives.
import fs from 'node:fs';
import type http from 'node:http';
import path from 'node:path';
import { lookup as lookupType } from 'mrmime';

interface StaticFile {
	abs: string;
	size: number;
	headers: Record<string, string | number>;
}

type Next = () => void;
export type StaticHandler = (
	req: http.IncomingMessage,
	res: http.ServerResponse,
	pathname: string,
	next: Next,
) => void;

// Bounds the cache against a flood of made-up addresses; most of what it holds is small.
const MAX_CACHED = 50_000;

// sirv's order: the page's .br, .gz, then itself; for each, `x.html` and `x/index.html` forms.
const EXTENSIONS = ['html'];
const BR = [...EXTENSIONS.map((x) => `${x}.br`), 'br'];
const GZ = [...EXTENSIONS.map((x) => `${x}.gz`), 'gz'];

/** The names a request may be answered from, best first (sirv's `toAssume`). */
function candidatesFor(pathname: string, acceptEncoding: string): string[] {
	const extensions: string[] = [];
	if (/(br|brotli)/i.test(acceptEncoding)) extensions.push(...BR);
	if (acceptEncoding.includes('gzip')) extensions.push(...GZ);
	extensions.push('', ...EXTENSIONS);
	const uri = pathname.endsWith('/') ? pathname.slice(0, -1) : pathname;
	const names: string[] = [];
	for (const extension of extensions) {
		const suffix = extension ? `.${extension}` : '';
		if (uri) names.push(uri + suffix);
		names.push(`${uri}/index${suffix}`);
	}
	return names;
}

function headersFor(name: string, stats: fs.Stats): Record<string, string | number> {
	const encoding = name.endsWith('.br') ? 'br' : name.endsWith('.gz') ? 'gzip' : null;
	let type = lookupType(encoding ? name.slice(0, -3) : name) ?? '';
	if (type === 'text/html') type += ';charset=utf-8';
	const headers: Record<string, string | number> = {
		'Content-Length': stats.size,
		'Content-Type': type,
		'Last-Modified': stats.mtime.toUTCString(),
		ETag: `W/"${stats.size}-${stats.mtime.getTime()}"`,
	};
	if (encoding) headers['Content-Encoding'] = encoding;
	return headers;
}

/**
 * Serves the files of `dir`, a directory that never changes while the handler lives. Dot files
 * (but `.well-known`) and anything outside `dir` are never served; what no file answers goes to
 * `next`. `setHeaders` adds headers of the caller's (Cache-Control) before a file is sent.
 */
export function createStaticHandler(
	dir: string,
	setHeaders: (res: http.ServerResponse, pathname: string) => void,
): StaticHandler {
	const root = path.resolve(dir) + path.sep;
	const cache = new Map<string, StaticFile | null>();
	const find = (name: string): StaticFile | null => {
		const known = cache.get(name);
		if (known !== undefined) return known;
		let file: StaticFile | null = null;
		const abs = path.join(root, name);
		const hidden = name.split('/').some((s) => s.startsWith('.') && s !== '.well-known');
		if (abs.startsWith(root) && !hidden) {
			try {
				const stats = fs.statSync(abs);
				if (stats.isFile()) file = { abs, size: stats.size, headers: headersFor(name, stats) };
			} catch {
				file = null;
			}
		}
		if (cache.size >= MAX_CACHED) cache.clear();
		cache.set(name, file);
		return file;
	};

	return (req, res, pathname, next) => {
		let file: StaticFile | null = null;
		for (const name of candidatesFor(pathname, String(req.headers['accept-encoding'] ?? ''))) {
			file = find(name);
			if (file) break;
		}
		if (!file) return next();
		if (req.headers['if-none-match'] === file.headers.ETag) {
			res.writeHead(304);
			return res.end();
		}
		res.setHeader('Vary', 'Accept-Encoding');
		setHeaders(res, pathname);
		sendFile(req, res, file);
	};
}

/** sirv's `send`: the caller's headers win; a Range is answered 206, or 416 past the end. */
function sendFile(req: http.IncomingMessage, res: http.ServerResponse, file: StaticFile) {
	const headers = { ...file.headers };
	for (const key of Object.keys(headers)) {
		const set = res.getHeader(key);
		if (set) headers[key] = set as string | number;
	}
	let status = 200;
	const range: { start?: number; end?: number } = {};
	if (req.headers.range) {
		status = 206;
		const [x, y] = req.headers.range.replace('bytes=', '').split('-');
		let end = (range.end = parseInt(y!, 10) || file.size - 1);
		const start = (range.start = parseInt(x!, 10) || 0);
		if (end >= file.size) end = file.size - 1;
		if (start >= file.size) {
			res.setHeader('Content-Range', `bytes */${file.size}`);
			res.statusCode = 416;
			return res.end();
		}
		headers['Content-Range'] = `bytes ${start}-${end}/${file.size}`;
		headers['Content-Length'] = end - start + 1;
		headers['Accept-Ranges'] = 'bytes';
	}
	res.writeHead(status, headers);
	const stream = fs.createReadStream(file.abs, range);
	// A file that cannot be read now (a release removed under a very long request) ends the
	// response short rather than throwing where nothing catches it.
	stream.on('error', () => res.destroy());
	stream.pipe(res);
}
