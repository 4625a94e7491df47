import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { expect, it } from 'vitest';
import { precompressDirectory } from '../../src/integrations/precompress';

it('writes brotli and gzip copies of text files, skips small and binary ones, and reuses its cache', async () => {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cd-pre-'));
	const cache = path.join(dir, '.cache');
	const html = '<p>' + 'Owner rally near Vannes. '.repeat(200) + '</p>';
	fs.mkdirSync(path.join(dir, 'site', 'a'), { recursive: true });
	fs.writeFileSync(path.join(dir, 'site', 'a', 'index.html'), html);
	fs.writeFileSync(path.join(dir, 'site', 'tiny.css'), 'a{}');
	fs.writeFileSync(path.join(dir, 'site', 'photo.jpg'), Buffer.alloc(5000));
	expect(await precompressDirectory(path.join(dir, 'site'), cache)).toEqual({
		compressed: 1,
		cached: 0,
	});
	const br = fs.readFileSync(path.join(dir, 'site', 'a', 'index.html.br'));
	expect(zlib.brotliDecompressSync(br).toString()).toBe(html);
	expect(
		zlib.gunzipSync(fs.readFileSync(path.join(dir, 'site', 'a', 'index.html.gz'))).toString(),
	).toBe(html);
	expect(br.length).toBeLessThan(html.length / 10);
	expect(fs.existsSync(path.join(dir, 'site', 'tiny.css.br'))).toBe(false);
	expect(fs.existsSync(path.join(dir, 'site', 'photo.jpg.br'))).toBe(false);
	// A rebuild with the same content takes the copies from the cache.
	fs.rmSync(path.join(dir, 'site', 'a', 'index.html.br'));
	expect(await precompressDirectory(path.join(dir, 'site'), cache)).toEqual({
		compressed: 0,
		cached: 1,
	});
	expect(
		zlib
			.brotliDecompressSync(fs.readFileSync(path.join(dir, 'site', 'a', 'index.html.br')))
			.toString(),
	).toBe(html);
});
