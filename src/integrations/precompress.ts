import crypto from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import zlib from 'node:zlib';

const brotli = promisify(zlib.brotliCompress);
const gzip = promisify(zlib.gzip);

// Text types worth compressing; Pagefind's fragments and wasm are gzip inside already.
const COMPRESSIBLE = /\.(html|css|js|mjs|json|xml|svg|txt|vtt|webmanifest)$/i;

/**
 * Writes `.br` and `.gz` next to every compressible file of `dir` (≥ 1 KiB), so the server sends
 * compressed static files without compressing per request. With `cacheDir`, compressed copies are
 * kept by content hash and reused: a rebuild recompresses only the files that changed.
 * Returns how many files it compressed and how many came from the cache.
 */
export async function precompressDirectory(
	dir: string,
	cacheDir?: string,
): Promise<{ compressed: number; cached: number }> {
	const counts = { compressed: 0, cached: 0 };
	if (cacheDir) await fs.mkdir(cacheDir, { recursive: true });
	const files: string[] = [];
	const queue: string[] = [dir];
	while (queue.length) {
		const current = queue.pop()!;
		for (const entry of await fs.readdir(current, { withFileTypes: true })) {
			const full = path.join(current, entry.name);
			if (entry.isDirectory()) queue.push(full);
			else if (COMPRESSIBLE.test(entry.name)) files.push(full);
		}
	}
	// A bounded pool: thousands of files at once would only queue in libuv and hold every buffer.
	let next = 0;
	const worker = async () => {
		while (next < files.length) {
			const file = files[next++];
			const data = await fs.readFile(file);
			if (data.length < 1024) continue;
			const key = cacheDir
				? path.join(cacheDir, crypto.createHash('sha256').update(data).digest('hex'))
				: null;
			if (key) {
				try {
					await Promise.all([
						fs.copyFile(`${key}.br`, `${file}.br`),
						fs.copyFile(`${key}.gz`, `${file}.gz`),
					]);
					counts.cached++;
					continue;
				} catch {
					// Not cached yet.
				}
			}
			const [br, gz] = await Promise.all([
				brotli(data, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 9 } }),
				gzip(data, { level: 9 }),
			]);
			await Promise.all([fs.writeFile(`${file}.br`, br), fs.writeFile(`${file}.gz`, gz)]);
			if (key) await Promise.all([fs.writeFile(`${key}.br`, br), fs.writeFile(`${key}.gz`, gz)]);
			counts.compressed++;
		}
	};
	await Promise.all(Array.from({ length: 8 }, worker));
	return counts;
}
