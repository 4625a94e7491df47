// First-search latency and bytes in Debian's Chromium against the built server on loopback.
// Bytes are counted through the Chrome DevTools Protocol (Network.loadingFinished →
// encodedDataLength: bytes on the wire, headers included), with auto-attach to workers so requests
// made by a web worker count too; Playwright's own request events serve as a cross-check.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

async function freePort() {
	return new Promise((resolve, reject) => {
		const srv = net.createServer();
		srv.unref();
		srv.on('error', reject);
		srv.listen(0, '127.0.0.1', () => {
			const { port } = srv.address();
			srv.close(() => resolve(port));
		});
	});
}

/** Starts `<distDir>/portal.mjs` like tests/e2e/harness.ts does; resolves when /healthz answers. */
export async function startServer(distDir) {
	const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cd-bench-'));
	const port = await freePort();
	let log = '';
	const child = spawn(process.execPath, [path.join(distDir, 'portal.mjs')], {
		env: {
			...process.env,
			HOST: '127.0.0.1',
			PORT: String(port),
			DATA_DIR: dataDir,
			PORTAL_ACCESS: 'public',
		},
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	child.stdout.on('data', (d) => (log += d));
	child.stderr.on('data', (d) => (log += d));
	const url = `http://127.0.0.1:${port}`;
	const stop = async () => {
		if (child.exitCode === null && child.signalCode === null) {
			const exited = new Promise((r) => child.once('exit', r));
			child.kill('SIGTERM');
			const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
			await exited;
			clearTimeout(timer);
		}
		fs.rmSync(dataDir, { recursive: true, force: true });
	};
	const deadline = Date.now() + 30_000;
	for (;;) {
		if (child.exitCode !== null) {
			await stop();
			throw new Error(`server exited early:\n${log}`);
		}
		try {
			const res = await fetch(`${url}/healthz`);
			if (res.ok) break;
		} catch {
			// not listening yet
		}
		if (Date.now() > deadline) {
			await stop();
			throw new Error(`server did not start:\n${log}`);
		}
		await new Promise((r) => setTimeout(r, 100));
	}
	return { url, stop, output: () => log };
}

export function launchBrowser() {
	return chromium.launch({
		executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
		args: [
			'--headless',
			'--no-sandbox',
			'--disable-gpu',
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-sync',
			'--no-first-run',
		],
	});
}

/**
 * Records every finished request of `page` (and of its workers, via flattened auto-attach) with
 * its encoded size. Returns { requests, since(mark) } where a mark is an index into requests.
 */
async function recordNetwork(page) {
	const cdp = await page.context().newCDPSession(page);
	const requests = [];
	const pending = new Map();
	const attach = async (session) => {
		session.on('Network.requestWillBeSent', (e) =>
			pending.set(e.requestId, { url: e.request.url, started: performance.now() }),
		);
		session.on('Network.responseReceived', (e) => {
			const p = pending.get(e.requestId);
			if (p) {
				p.status = e.response.status;
				p.encoding =
					e.response.headers['content-encoding'] ?? e.response.headers['Content-Encoding'] ?? '';
				p.fromCache = e.response.fromDiskCache || e.response.fromServiceWorker;
			}
		});
		session.on('Network.loadingFinished', (e) => {
			const p = pending.get(e.requestId);
			if (!p) return;
			pending.delete(e.requestId);
			requests.push({ ...p, bytes: e.encodedDataLength, finished: performance.now() });
		});
		session.on('Network.loadingFailed', (e) => pending.delete(e.requestId));
		await session.send('Network.enable');
		await session.send('Network.setCacheDisabled', { cacheDisabled: false });
	};
	await attach(cdp);
	// Workers: with flatten, Playwright routes each attached target as its own session; it already
	// auto-attaches to workers itself, so also collect through its request events as a cross-check.
	await cdp
		.send('Target.setAutoAttach', {
			autoAttach: true,
			waitForDebuggerOnStart: false,
			flatten: true,
		})
		.catch(() => {});
	// Playwright attaches to the page's workers over CDP itself and takes request sizes from the same
	// Network.loadingFinished/encodedDataLength data: this is the count that includes the worker.
	const pw = [];
	page.context().on('requestfinished', (req) => {
		pw.push({
			url: req.url(),
			t: performance.now(),
			sizes: req.sizes().then(
				(s) => s.responseBodySize + s.responseHeadersSize,
				() => 0,
			),
			encoding: req.response().then(
				(r) => r?.headers()['content-encoding'] ?? '',
				() => '',
			),
		});
	});
	const settle = async (list) =>
		Promise.all(
			list.map(async (r) => ({
				url: r.url,
				t: r.t,
				bytes: await r.sizes,
				encoding: await r.encoding,
			})),
		);
	const quiet = async (ms = 400, max = 8_000) => {
		const end = Date.now() + max;
		let last = requests.length + pw.length;
		let since = Date.now();
		while (Date.now() < end) {
			await new Promise((r) => setTimeout(r, 50));
			const now = requests.length + pw.length;
			if (now !== last) {
				last = now;
				since = Date.now();
			} else if (Date.now() - since >= ms) return;
		}
	};
	return { requests, pw, quiet, settle };
}

const sum = (list) => list.reduce((a, r) => a + r.bytes, 0);
const isPagefind = (r) => new URL(r.url).pathname.startsWith('/pagefind/');

/** Submits `query` in the search form; resolves when a hit not on screen before appears. */
async function timedQuery(page, query, { typed = false } = {}) {
	return page.evaluate(
		({ query, typed }) =>
			new Promise((resolve) => {
				const list = document.querySelector('[data-cd-results]');
				const input = document.querySelector('#cd-search-q');
				const status = document.querySelector('[data-cd-status]');
				const old = new Set(list.children);
				const timeout = setTimeout(() => {
					obs.disconnect();
					resolve({ ms: null, status: status.textContent });
				}, 15_000);
				const t0 = performance.now();
				const obs = new MutationObserver(() => {
					const hit = [...list.querySelectorAll('.cd-search__hit')].find((h) => !old.has(h));
					if (!hit) return;
					obs.disconnect();
					clearTimeout(timeout);
					resolve({
						ms: performance.now() - t0,
						status: status.textContent,
						first: hit.querySelector('a')?.textContent ?? '',
						marks: hit.querySelectorAll('mark').length,
					});
				});
				obs.observe(list, { childList: true });
				input.value = query;
				if (typed) input.dispatchEvent(new Event('input', { bubbles: true }));
				else input.form.requestSubmit();
			}),
		{ query, typed },
	);
}

/**
 * Runs the search measurements against `distDir`. Queries: `first` (first query once the page's
 * search UI is ready), the same again (repeat), `fresh` (a word not searched yet), and `typed`
 * (through the input event, so it includes search.ts's 200 ms debounce). Then a cold landing on
 * /search/?q=<first> in a fresh browser context (page load + Pagefind load + query).
 * Bytes: `bytes` counts every request of the page and its workers (Playwright's CDP-based sizes);
 * `cdpPageBytes` is what the page target's own Network domain reports (misses worker requests).
 */
export async function benchSearch(
	distDir,
	{ first = 'showroom', fresh = 'financement', typed = 'warranty', log = console.log } = {},
) {
	let server;
	let browser;
	const files = (list) =>
		list.map((r) => ({ path: new URL(r.url).pathname, bytes: r.bytes, encoding: r.encoding }));
	const pf = (list) => list.filter(isPagefind);
	try {
		server = await startServer(distDir);
		browser = await launchBrowser();
		const out = {};

		// 1. Search UI ready (Pagefind loaded, the filter lists rendered; an empty search page fetches
		//    no results), then queries.
		{
			const context = await browser.newContext();
			const page = await context.newPage();
			const net = await recordNetwork(page);
			const t0 = performance.now();
			await page.goto(`${server.url}/search/`);
			await page.waitForSelector('[data-cd-filters] fieldset', { timeout: 30_000 });
			const readyMs = Math.round(performance.now() - t0);
			await net.quiet();
			const cdpMark0 = net.requests.length;
			const pwMark0 = net.pw.length;
			const ready = await net.settle(net.pw.slice(0, pwMark0));
			out.ready = {
				ms: readyMs,
				requests: ready.length,
				bytes: sum(ready),
				cdpPageBytes: sum(net.requests.slice(0, cdpMark0)),
				pagefindRequests: pf(ready).length,
				pagefindBytes: sum(pf(ready)),
				files: files(pf(ready)),
			};
			log(
				`[search] /search/ ready (filters rendered): ${readyMs} ms, ${ready.length} requests, ${(out.ready.bytes / 1024).toFixed(1)} KB (${out.ready.pagefindRequests} Pagefind requests, ${(out.ready.pagefindBytes / 1024).toFixed(1)} KB)`,
			);
			const measure = async (name, query, opts) => {
				const cdpMark = net.requests.length;
				const pwMark = net.pw.length;
				const r = await timedQuery(page, query, opts);
				await net.quiet();
				const reqs = await net.settle(net.pw.slice(pwMark));
				out[name] = {
					query,
					ms: r.ms === null ? null : Math.round(r.ms),
					status: r.status,
					firstHit: r.first,
					requests: reqs.length,
					bytes: sum(reqs),
					cdpPageBytes: sum(net.requests.slice(cdpMark)),
					files: files(reqs),
				};
				log(
					`[search] ${name} "${query}": ${out[name].ms} ms, ${reqs.length} requests, ${(out[name].bytes / 1024).toFixed(1)} KB — ${r.status}`,
				);
			};
			await measure('first', first);
			await measure('repeat', first);
			await measure('fresh', fresh);
			await measure('typed', typed, { typed: true });
			// Everything Pagefind sent from page load to the first query's results.
			out.firstTotal = {
				pagefindRequests:
					out.ready.pagefindRequests +
					pf(out.first.files.map((f) => ({ url: server.url + f.path, ...f }))).length,
				pagefindBytes:
					out.ready.pagefindBytes +
					sum(out.first.files.filter((f) => f.path.startsWith('/pagefind/'))),
			};
			await context.close();
		}

		// 2. Cold landing with the query in the URL: everything from navigation to the first hit.
		{
			const context = await browser.newContext();
			const page = await context.newPage();
			const net = await recordNetwork(page);
			await page.goto(`${server.url}/search/?q=${encodeURIComponent(first)}`, {
				waitUntil: 'commit',
			});
			const hit = await page.waitForFunction(
				() => {
					const h = document.querySelector('.cd-search__hit');
					return h && h.querySelector('mark') ? performance.now() : null;
				},
				null,
				{ timeout: 30_000, polling: 'raf' },
			);
			const ms = await hit.jsonValue();
			await net.quiet();
			const reqs = await net.settle(net.pw.slice());
			out.cold = {
				query: first,
				ms: Math.round(ms),
				requests: reqs.length,
				bytes: sum(reqs),
				cdpPageBytes: sum(net.requests),
				pagefindRequests: pf(reqs).length,
				pagefindBytes: sum(pf(reqs)),
				files: files(reqs),
			};
			log(
				`[search] cold landing /search/?q=${first}: first hit ${out.cold.ms} ms after navigation start, ${reqs.length} requests (${out.cold.pagefindRequests} Pagefind), ${(out.cold.bytes / 1024).toFixed(1)} KB (${(out.cold.pagefindBytes / 1024).toFixed(1)} KB Pagefind; the page target's own CDP Network domain saw ${(out.cold.cdpPageBytes / 1024).toFixed(1)} KB)`,
			);
			await context.close();
		}
		return out;
	} finally {
		await browser?.close().catch(() => {});
		await server?.stop().catch(() => {});
	}
}
