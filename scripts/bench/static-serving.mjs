// `node scripts/bench/static-serving.mjs`: how the server should read a release's static files.
// sirv's cache (sizes and ETags read once, when the handler is made) against a stat per request
// (`dev: true`), on the built site's dist/client: a static page with br, and a request that falls
// through to Astro; then what making a cached handler costs for 15,000 files (a synthetic tree).
// Needs a build. Figures are in the README (Serving builds).
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import sirv from 'sirv';

const root = path.resolve(import.meta.dirname, '../..');
const dir = fs.realpathSync(path.join(root, 'dist', 'client'));
const opts = { etag: true, brotli: true, gzip: true, extensions: ['html'] };
const PAGE = '/case-studies/kestrel-launch-italy/';

async function measure(handler, pathname) {
	const server = http.createServer((req, res) =>
		handler(req, res, () => {
			res.statusCode = 404;
			res.end();
		}),
	);
	await new Promise((r) => server.listen(0, '127.0.0.1', r));
	const url = `http://127.0.0.1:${server.address().port}${pathname}`;
	const headers = { 'accept-encoding': 'br, gzip' };
	await autocannon({ url, duration: 1, connections: 10, headers });
	const result = await autocannon({ url, duration: 5, connections: 10, headers });
	server.close();
	return Math.round(result.requests.average);
}

const handlers = { cached: sirv(dir, opts), 'stat per request': sirv(dir, { ...opts, dev: true }) };
const rows = {};
for (let round = 0; round < 3; round++) {
	for (const [name, handler] of Object.entries(handlers)) {
		(rows[`${name}, static page (br)`] ??= []).push(await measure(handler, PAGE));
		(rows[`${name}, falls through to Astro`] ??= []).push(await measure(handler, '/messages/12/'));
	}
}
for (const [name, values] of Object.entries(rows)) {
	const median = [...values].sort((a, b) => a - b)[1];
	console.log(`${name}: ${values.join(', ')} req/s (median ${median})`);
}

let started = performance.now();
sirv(dir, opts);
console.log(`cached handler over ${dir}: ${(performance.now() - started).toFixed(1)} ms`);
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
	`cached handler over 15,000 files: ${ms.toFixed(0)} ms with the event loop stopped, ~${mib.toFixed(1)} MiB heap`,
);
fs.rmSync(synthetic, { recursive: true, force: true });
