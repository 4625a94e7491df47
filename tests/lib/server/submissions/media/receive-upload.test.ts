import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import v8 from 'node:v8';
import vm from 'node:vm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { MediaResult } from '../../../../../src/lib/server/submissions/media/errors';
import {
	receiveUpload,
	type ReceivedUpload,
	type ReceiveUploadOptions,
} from '../../../../../src/lib/server/submissions/media/receive-upload';

// A real HTTP server hands receiveUpload a web Request the way Astro's Node adapter does, and a real
// client streams bodies into it from disk, so the only large buffers in this process are ours.

const MB = 1024 * 1024;
v8.setFlagsFromString('--expose-gc');
const collectGarbage = vm.runInNewContext('gc') as () => void;
const BOUNDARY = '----cd-test-boundary-7MA4YWxkTrZu0gW';

let dir: string;
let uploadDir: string;
let server: http.Server;
let port: number;
let options: Omit<ReceiveUploadOptions, 'dir'>;
let results: Promise<MediaResult<ReceivedUpload>>[];

beforeAll(async () => {
	server = http.createServer((req, res) => {
		const headers = new Headers();
		for (const [name, value] of Object.entries(req.headers)) {
			if (typeof value === 'string') headers.set(name, value);
		}
		const request = new Request(`http://localhost${req.url}`, {
			method: req.method,
			headers,
			body: Readable.toWeb(req) as ReadableStream,
			duplex: 'half',
		} as RequestInit);
		const result = receiveUpload(request, { ...options, dir: uploadDir });
		results.push(result);
		void result.then((r) => {
			res.writeHead(r.ok ? 200 : 400, { 'content-type': 'application/json' });
			res.end(JSON.stringify(r.ok ? { ok: true } : r.error));
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

beforeEach(() => {
	dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cd-upload-'));
	uploadDir = path.join(dir, 'received');
	fs.mkdirSync(uploadDir);
	results = [];
	options = { maxFileBytes: { photo: 25 * MB, video: 100 * MB }, maxFiles: 5, maxFields: 10 };
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

type Part = { name: string; value: string } | { name: string; filename: string; file: string };

function* partHeader(part: Part): Generator<Buffer> {
	const disposition =
		'file' in part
			? `form-data; name="${part.name}"; filename="${part.filename}"\r\nContent-Type: application/octet-stream`
			: `form-data; name="${part.name}"`;
	yield Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: ${disposition}\r\n\r\n`);
}

/** The body of a form, file parts read from disk as they are sent. */
async function* multipartBody(parts: Part[], { close = true } = {}): AsyncGenerator<Buffer> {
	for (const part of parts) {
		yield* partHeader(part);
		if ('file' in part) {
			for await (const chunk of fs.createReadStream(part.file)) yield chunk as Buffer;
		} else {
			yield Buffer.from(part.value);
		}
		yield Buffer.from('\r\n');
	}
	if (close) yield Buffer.from(`--${BOUNDARY}--\r\n`);
}

/** Posts a streamed body; resolves with the status, or `null` when the server cut the connection. */
function post(body: AsyncIterable<Buffer>): Promise<{ status: number; body: string } | null> {
	return new Promise((resolve) => {
		const req = http.request(
			{
				host: '127.0.0.1',
				port,
				method: 'POST',
				path: '/submit',
				// A fresh connection each time: one the server cut in an earlier test is not reused.
				agent: false,
				headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
			},
			(res) => {
				let text = '';
				res.setEncoding('utf8').on('data', (chunk) => (text += chunk));
				res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
				res.on('error', () => resolve(null));
			},
		);
		req.on('error', () => resolve(null));
		pipeline(Readable.from(body), req).catch(() => undefined);
	});
}

function writeRandomFile(file: string, bytes: number): string {
	const hash = createHash('sha256');
	const fd = fs.openSync(file, 'w');
	for (let written = 0; written < bytes; written += MB) {
		const chunk = randomBytes(Math.min(MB, bytes - written));
		hash.update(chunk);
		fs.writeSync(fd, chunk);
	}
	fs.closeSync(fd);
	return hash.digest('hex');
}

async function hashFile(file: string): Promise<string> {
	const hash = createHash('sha256');
	for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
	return hash.digest('hex');
}

describe('receiveUpload', () => {
	it('streams a 60 MB video to disk with the memory of the process staying flat', async () => {
		const source = path.join(dir, 'clip.mov');
		const sourceHash = writeRandomFile(source, 60 * MB);
		const photo = path.join(dir, 'photo.jpg');
		const photoHash = writeRandomFile(photo, 200 * 1024);

		// Garbage is collected as the upload goes, so what RSS shows is what the upload keeps alive, not
		// the 64 KB chunks V8 has not yet got round to freeing.
		// A first, smaller upload pays the one-time costs (libuv's threads and their malloc arenas, JIT):
		// about 35 MB that do not grow with the file. Had it been held in memory, this one would too.
		const warm = path.join(dir, 'warm.bin');
		writeRandomFile(warm, 16 * MB);
		await post(multipartBody([{ name: 'video', filename: 'warm.bin', file: warm }]));
		results = [];
		collectGarbage();
		const baseline = process.memoryUsage().rss;
		let peak = baseline;
		let ticks = 0;
		const sampler = setInterval(() => {
			if (++ticks % 10 === 0) collectGarbage();
			peak = Math.max(peak, process.memoryUsage().rss);
		}, 5);
		const started = performance.now();
		const response = await post(
			multipartBody([
				{ name: 'title', value: 'Test drive at the dealer’s' },
				{ name: 'video', filename: 'IMG_0042.MOV', file: source },
				{ name: 'photo', filename: 'été.jpg', file: photo },
			]),
		);
		clearInterval(sampler);
		const seconds = (performance.now() - started) / 1000;

		expect(response?.status).toBe(200);
		const result = await results[0]!;
		if (!result.ok) throw new Error(`refused: ${JSON.stringify(result.error)}`);
		expect(result.value.fields).toEqual({ title: 'Test drive at the dealer’s' });
		expect(
			result.value.files.map(({ field, size, clientName, truncated }) => ({
				field,
				size,
				clientName,
				truncated,
			})),
		).toEqual([
			{ field: 'video', size: 60 * MB, clientName: 'IMG_0042.MOV', truncated: false },
			{ field: 'photo', size: 200 * 1024, clientName: 'été.jpg', truncated: false },
		]);
		const [video, image] = result.value.files;
		// The client's names never reach the disk: a name of ours, inside the upload directory.
		expect(path.dirname(video!.path)).toBe(uploadDir);
		expect(path.basename(video!.path)).not.toContain('IMG');
		expect(await hashFile(video!.path)).toBe(sourceHash);
		expect(await hashFile(image!.path)).toBe(photoHash);

		const growthMb = (peak - baseline) / MB;
		console.info(
			`60 MB upload: ${seconds.toFixed(2)} s, RSS ${(baseline / MB).toFixed(0)} MB → peak ${(peak / MB).toFixed(0)} MB (+${growthMb.toFixed(1)} MB)`,
		);
		// The whole file held in memory would be +60 MB at least; a few chunks in flight are under 1 MB.
		expect(growthMb).toBeLessThan(12);
	});

	it('refuses a file over its field’s limit and leaves no partial file behind', async () => {
		options.maxFileBytes = { photo: 1 * MB, video: 100 * MB };
		const big = path.join(dir, 'big.jpg');
		writeRandomFile(big, 8 * MB);
		await post(
			multipartBody([
				{ name: 'title', value: 'Showroom' },
				{ name: 'photo', filename: 'big.jpg', file: big },
			]),
		);
		const result = await results[0]!;
		expect(result).toEqual({
			ok: false,
			error: { code: 'too-large', field: 'photo', limit: 1 * MB, name: 'big.jpg' },
		});
		expect(fs.readdirSync(uploadDir)).toEqual([]);
	});

	it('drops the files already received when a later one is over its limit', async () => {
		options.maxFileBytes = { photo: 1 * MB, vtt: 64 * 1024 };
		const small = path.join(dir, 'small.jpg');
		writeRandomFile(small, 300 * 1024);
		const captions = path.join(dir, 'captions.vtt');
		writeRandomFile(captions, 200 * 1024);
		await post(
			multipartBody([
				{ name: 'photo', filename: 'small.jpg', file: small },
				{ name: 'vtt', filename: 'captions.vtt', file: captions },
			]),
		);
		expect(await results[0]!).toEqual({
			ok: false,
			error: { code: 'too-large', field: 'vtt', limit: 64 * 1024, name: 'captions.vtt' },
		});
		expect(fs.readdirSync(uploadDir)).toEqual([]);
	});

	it('says the upload was cut short when the client goes away mid-file', async () => {
		const source = path.join(dir, 'clip.mov');
		writeRandomFile(source, 4 * MB);
		async function* halfThenHangUp(): AsyncGenerator<Buffer> {
			let sent = 0;
			for await (const chunk of multipartBody([
				{ name: 'video', filename: 'clip.mov', file: source },
			])) {
				yield chunk;
				sent += chunk.length;
				if (sent > 2 * MB) {
					// Give the server time to write what it has, then drop the connection.
					await new Promise((resolve) => setTimeout(resolve, 100));
					throw new Error('the editor closed the tab');
				}
			}
		}
		expect(await post(halfThenHangUp())).toBeNull();
		expect(await results[0]!).toEqual({ ok: false, error: { code: 'truncated' } });
		expect(fs.readdirSync(uploadDir)).toEqual([]);
	});

	it('says the upload was cut short when the form ends without its closing boundary', async () => {
		const photo = path.join(dir, 'photo.jpg');
		writeRandomFile(photo, 100 * 1024);
		const response = await post(
			multipartBody([{ name: 'photo', filename: 'photo.jpg', file: photo }], { close: false }),
		);
		expect(response?.status).toBe(400);
		expect(await results[0]!).toEqual({ ok: false, error: { code: 'truncated' } });
		expect(fs.readdirSync(uploadDir)).toEqual([]);
	});

	it('refuses a file in a field the form does not have, and more files than allowed', async () => {
		const photo = path.join(dir, 'photo.jpg');
		writeRandomFile(photo, 10 * 1024);
		await post(multipartBody([{ name: 'avatar', filename: 'a.jpg', file: photo }]));
		expect(await results[0]!).toEqual({
			ok: false,
			error: { code: 'unexpected-file', field: 'avatar' },
		});

		options.maxFiles = 2;
		await post(
			multipartBody([1, 2, 3].map((n) => ({ name: 'photo', filename: `${n}.jpg`, file: photo }))),
		);
		expect(await results[1]!).toEqual({ ok: false, error: { code: 'too-many-files', limit: 2 } });
		expect(fs.readdirSync(uploadDir)).toEqual([]);
	});

	it('refuses a text field over its size and more fields than the form has', async () => {
		options.maxFieldBytes = 1024;
		await post(multipartBody([{ name: 'summary', value: 'x'.repeat(5000) }]));
		expect(await results[0]!).toEqual({
			ok: false,
			error: { code: 'field-too-large', field: 'summary', limit: 1024 },
		});
		options.maxFields = 3;
		await post(multipartBody([1, 2, 3, 4, 5].map((n) => ({ name: `f${n}`, value: 'x' }))));
		expect(await results[1]!).toEqual({ ok: false, error: { code: 'too-many-fields', limit: 3 } });
	});

	it('keeps every value of a repeated field, in form order (checkboxes, multiple selects)', async () => {
		await post(
			multipartBody([
				{ name: 'topics', value: 'fleet-business' },
				{ name: 'title', value: 'Fleet desk' },
				{ name: 'topics', value: 'after-sales' },
			]),
		);
		const result = await results[0]!;
		if (!result.ok) throw new Error(JSON.stringify(result.error));
		expect(result.value.entries).toEqual([
			['topics', 'fleet-business'],
			['title', 'Fleet desk'],
			['topics', 'after-sales'],
		]);
	});

	it('refuses a body that is not a multipart form', async () => {
		const result = await receiveUpload(
			new Request('http://localhost/submit', {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: '{"title":"x"}',
			}),
			{ ...options, dir: uploadDir },
		);
		expect(result).toEqual({ ok: false, error: { code: 'not-multipart' } });
	});
});
