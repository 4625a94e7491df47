// `node scripts/bench/static-serving.mjs`: how the server should read a release's static files.
// Per request, in process (no HTTP, so the shared machine's noise stays small): sirv's cache (sizes
// and ETags read once, when the handler is made), sirv `dev` (a stat of every candidate on every
// request) and server/static-files.ts (a stat the first time a name is asked for), on a static
// page with br and on an address that falls through to Astro. Then what making sirv's cache costs
// for this site and for 15,000 files (a synthetic tree). Needs a build. Figures: README, "Serving
// builds".
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { build } from 'esbuild';
import sirv from 'sirv';

const root = path.resolve(import.meta.dirname, '../..');
const dir = fs.realpathSync(path.join(root, 'dist', 'client'));
const opts = { etag: true, brotli: true, gzip: true, extensions: ['html'] };

const { outputFiles } = await build({
	entryPoints: [path.join(root, 'server/static-files.ts')],
	bundle: true,
	write: false,
	format: 'esm',
	platform: 'node',
	packages: 'external',
	absWorkingDir: root,
});
const bundled = path.join(root, 'node_modules', '.cache', 'static-files-bench.mjs');
fs.mkdirSync(path.dirname(bundled), { recursive: true });
fs.writeFileSync(bundled, outputFiles[0].text);
const { createStaticHandler } = await import(bundled);

/** One request through `handler` into a response that reads the file and discards it. */
function serveOnce(handler, url) {
	return new Promise((resolve) => {
		const res = new Writable({ write: (_c, _e, cb) => cb() });
		const headers = {};
		res.setHeader = (k, v) => (headers[k.toLowerCase()] = v);
		res.getHeader = (k) => headers[k.toLowerCase()];
		res.writeHead = () => res;
		res.on('finish', resolve);
		handler({ url, method: 'GET', headers: { 'accept-encoding': 'br, gzip' } }, res, resolve);
	});
}

const lazy = createStaticHandler(dir, () => {});
const handlers = {
	'sirv cache': sirv(dir, opts),
	'sirv dev (stat per request)': sirv(dir, { ...opts, dev: true }),
	'static-files.ts (stat once)': (req, res, next) => lazy(req, res, req.url, next),
};
for (const [label, url] of [
	['static page (br)', '/case-studies/kestrel-launch-italy/'],
	['falls through to Astro', '/messages/12/'],
]) {
	const results = {};
	for (let round = 0; round < 5; round++) {
		for (const [name, handler] of Object.entries(handlers)) {
			const n = 5000;
			const started = performance.now();
			for (let i = 0; i < n; i++) await serveOnce(handler, url);
			(results[name] ??= []).push(((performance.now() - started) / n) * 1000);
		}
	}
	for (const [name, values] of Object.entries(results)) {
		const median = [...values].sort((a, b) => a - b)[2];
		console.log(`${label}, ${name}: median ${median.toFixed(1)} µs/request`);
	}
}

let started = performance.now();
sirv(dir, opts);
console.log(`sirv cache over ${dir}: ${(performance.now() - started).toFixed(1)} ms`);
const synthetic = fs.mkdtempSync(path.join(os.tmpdir(), 'cd-static-'));
for (let i = 0; i < 1000; i++) {
	for (const lang of ['', 'fr']) {
		const page = path.join(synthetic, lang, 'case-studies', `study-${i}`);
		fs.mkdirSync(page, { recursive: true });
		for (const f of ['index.html', 'index.html.br', 'index.html.gz'])
			fs.writeFileSync(path.join(page, f), 'x');
	}
	fs.mkdirSync(path.join(synthetic, '_astro'), { recursive: true });
	for (const w of [480, 800, 1200, 1600, 2400])
		fs.writeFileSync(path.join(synthetic, '_astro', `img-${i}-${w}.webp`), 'x');
	fs.mkdirSync(path.join(synthetic, 'pagefind', 'fragment'), { recursive: true });
	for (let k = 0; k < 4; k++)
		fs.writeFileSync(path.join(synthetic, 'pagefind', 'fragment', `f-${i}-${k}.pf_fragment`), 'x');
}
const heapBefore = process.memoryUsage().heapUsed;
const kept = [];
started = performance.now();
for (let i = 0; i < 3; i++) kept.push(sirv(synthetic, opts));
const ms = (performance.now() - started) / 3;
const mib = (process.memoryUsage().heapUsed - heapBefore) / 3 / 1048576;
console.log(
	`sirv cache over 15,000 files: ${ms.toFixed(0)} ms with the event loop stopped, ~${mib.toFixed(1)} MiB heap`,
);
fs.rmSync(synthetic, { recursive: true, force: true });
