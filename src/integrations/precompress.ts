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
 * compressed static files without compressing per request. Returns how many files it compressed.
 */
export async function precompressDirectory(dir: string): Promise<number> {
	let count = 0;
	const queue: string[] = [dir];
	const jobs: Promise<void>[] = [];
	while (queue.length) {
		const current = queue.pop()!;
		for (const entry of await fs.readdir(current, { withFileTypes: true })) {
			const full = path.join(current, entry.name);
			if (entry.isDirectory()) queue.push(full);
			else if (COMPRESSIBLE.test(entry.name)) {
				jobs.push(
					(async () => {
						const data = await fs.readFile(full);
						if (data.length < 1024) return;
						const [br, gz] = await Promise.all([
							brotli(data, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 9 } }),
							gzip(data, { level: 9 }),
						]);
						await Promise.all([fs.writeFile(`${full}.br`, br), fs.writeFile(`${full}.gz`, gz)]);
						count++;
					})(),
				);
			}
		}
	}
	await Promise.all(jobs);
	return count;
}
