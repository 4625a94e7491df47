import busboy from 'busboy';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeWebReadableStream } from 'node:stream/web';
import { MAX_VTT_BYTES } from './captions';
import { fail, succeed, type MediaError, type MediaResult } from './errors';

// A case study's photos and phone videos can weigh hundreds of megabytes: the body is streamed part
// by part to files on disk, so memory stays flat whatever the upload's size, and a part over its
// limit stops the whole upload at once instead of being read to the end.

/** Typical limits per form field; the form passes its own to `receiveUpload`. */
export const UPLOAD_LIMITS = {
	image: 25 * 1024 * 1024,
	video: 500 * 1024 * 1024,
	vtt: MAX_VTT_BYTES,
} as const;

export interface ReceiveUploadOptions {
	/** Existing directory the files are written to; the caller removes it when done. */
	dir: string;
	/** Largest size in bytes per file field name. A file in a field not listed here is refused. */
	maxFileBytes: Readonly<Record<string, number>>;
	maxFiles: number;
	maxFields: number;
	/** Largest text field in bytes; 64 KB unless told. */
	maxFieldBytes?: number;
}

export interface ReceivedFile {
	field: string;
	/** Where the bytes are: a name of ours, never derived from the client's file name. */
	path: string;
	size: number;
	/** The name the browser sent, for display only; may be empty. */
	clientName: string;
	/** Always false in a successful result: a file over its limit fails the upload instead. */
	truncated: boolean;
}

export interface ReceivedUpload {
	/** Text fields; when a name repeats, the last value wins. */
	fields: Record<string, string>;
	/** In the order of the form. Files sent with no content (an empty file input) are left out. */
	files: ReceivedFile[];
	/** Every text field in form order, repeats included (checkboxes, multiple selects). */
	entries: [string, string][];
}

class FileTooLarge extends Error {}
class UploadStopped extends Error {}

/** All text fields of one upload together: a bound on memory whatever the number of fields. */
export const TEXT_BYTES_MAX = 4 * 1024 * 1024;

/**
 * Streams a multipart/form-data request into files in `options.dir`. User errors (a file over its
 * limit, a body cut short) come back as a failed result with no file of this upload left on disk.
 * @example const upload = await receiveUpload(request, { dir, maxFileBytes: { photo: UPLOAD_LIMITS.image }, maxFiles: 10, maxFields: 20 })
 */
export async function receiveUpload(
	request: Request,
	options: ReceiveUploadOptions,
): Promise<MediaResult<ReceivedUpload>> {
	const contentType = request.headers.get('content-type') ?? '';
	if (!request.body || !/^multipart\/form-data\s*;/i.test(contentType)) {
		return fail({ code: 'not-multipart' });
	}
	const maxFieldBytes = options.maxFieldBytes ?? 64 * 1024;
	const largestFile = Math.max(0, ...Object.values(options.maxFileBytes));
	let parser: busboy.Busboy;
	try {
		parser = busboy({
			headers: { 'content-type': contentType },
			// Browsers send file names as raw UTF-8; busboy's default (latin1) would garble "été.jpg".
			defParamCharset: 'utf8',
			limits: {
				files: options.maxFiles,
				fields: options.maxFields,
				fieldSize: maxFieldBytes,
				// Our own per-field counter stops first; this only bounds what busboy could ever emit.
				fileSize: largestFile + 1,
			},
		});
	} catch {
		// busboy throws on a missing or malformed boundary: a client error, not ours.
		return fail({ code: 'not-multipart' });
	}

	const source = Readable.fromWeb(request.body as unknown as NodeWebReadableStream);
	const fields: Record<string, string> = {};
	const files: ReceivedFile[] = [];
	const entries: [string, string][] = [];
	let textBytes = 0;
	const writes: Promise<void>[] = [];
	// The middle stream of each file still being written: destroying it with an error settles that
	// pipeline at once. (Destroying busboy's part stream instead can leave a pipeline hanging for ever
	// when the part has ended but its last bytes are not yet consumed: no error, and no 'end' either.)
	const active = new Set<Transform>();
	const created: string[] = [];

	return new Promise((resolve, reject) => {
		let settled = false;

		async function removeCreated() {
			await Promise.all(created.map((file) => fs.promises.rm(file, { force: true })));
		}

		// Stops reading the body (the client's remaining bytes are never read), waits for the open
		// files to close, then deletes every file of this upload.
		function stop(outcome: { error: MediaError } | { bug: unknown }) {
			if (settled) return;
			settled = true;
			source.unpipe(parser);
			source.destroy();
			for (const counter of active) counter.destroy(new UploadStopped());
			void Promise.allSettled(writes)
				.then(removeCreated)
				.then(
					() => ('error' in outcome ? resolve(fail(outcome.error)) : reject(outcome.bug)),
					reject,
				);
		}

		parser.on('file', (field, stream, info) => {
			if (settled) {
				stream.resume();
				return;
			}
			const limit = options.maxFileBytes[field];
			if (limit === undefined) {
				stream.resume();
				stop({ error: { code: 'unexpected-file', field } });
				return;
			}
			const file: ReceivedFile = {
				field,
				path: path.join(options.dir, `upload-${randomBytes(8).toString('hex')}`),
				size: 0,
				clientName: info.filename ?? '',
				truncated: false,
			};
			created.push(file.path);
			const counter = new Transform({
				transform(chunk: Buffer, _encoding, callback) {
					file.size += chunk.length;
					if (file.size > limit) callback(new FileTooLarge());
					else callback(null, chunk);
				},
			});
			active.add(counter);
			// pipeline carries backpressure from the disk back to busboy, and from busboy to the socket.
			const write = pipeline(
				stream,
				counter,
				fs.createWriteStream(file.path, { flags: 'wx' }),
			).then(
				() => {
					active.delete(counter);
					// An empty file input still sends a part with no name and no bytes.
					if (file.size === 0 && file.clientName === '') return;
					files.push(file);
				},
				(error: unknown) => {
					active.delete(counter);
					if (error instanceof FileTooLarge) {
						file.truncated = true;
						stop({ error: { code: 'too-large', field, limit, name: file.clientName } });
					} else if (isFileSystemError(error)) {
						stop({ bug: error });
					} else {
						// busboy ends a part with an error when the body stops in the middle of it.
						stop({ error: { code: 'truncated' } });
					}
				},
			);
			writes.push(write);
		});

		parser.on('field', (name, value, info) => {
			if (settled) return;
			if (info.valueTruncated) {
				stop({ error: { code: 'field-too-large', field: name, limit: maxFieldBytes } });
				return;
			}
			textBytes += Buffer.byteLength(value);
			if (textBytes > TEXT_BYTES_MAX) {
				stop({ error: { code: 'field-too-large', field: name, limit: TEXT_BYTES_MAX } });
				return;
			}
			fields[name] = value;
			entries.push([name, value]);
		});
		parser.on('filesLimit', () =>
			stop({ error: { code: 'too-many-files', limit: options.maxFiles } }),
		);
		parser.on('fieldsLimit', () =>
			stop({ error: { code: 'too-many-fields', limit: options.maxFields } }),
		);
		// Malformed multipart or a body that ends before the closing boundary.
		parser.on('error', () => stop({ error: { code: 'truncated' } }));
		// The client went away: the web stream errors and so does its Node side.
		source.on('error', () => stop({ error: { code: 'truncated' } }));

		parser.on('close', () => {
			void Promise.allSettled(writes).then(() => {
				if (settled) return;
				settled = true;
				// Files in form order: busboy reports them in order and they are pushed as they finish.
				files.sort((a, b) => created.indexOf(a.path) - created.indexOf(b.path));
				resolve(succeed({ fields, files, entries }));
			});
		});

		source.pipe(parser);
	});
}

function isFileSystemError(error: unknown): boolean {
	return error instanceof Error && typeof (error as NodeJS.ErrnoException).syscall === 'string';
}
