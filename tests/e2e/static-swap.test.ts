// A new build published under a running server is served at once, whole and fresh: the same page
// with a new length, its br and gzip bodies, an old ETag, and requests in flight during the swap.
// The first test writes the new release through the build's own publish step
// (scripts/publish-release.mjs) from a copy of the fixture build with one page changed and
// recompressed as the build does, so it controls the moment of the swap; the last one runs the
// real build (scripts/build.mjs) of an edited content tree under the running server.
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
	createReleaseDir,
	publishRelease,
	readCurrentReleaseId,
} from '../../scripts/publish-release.mjs';
import { precompressDirectory } from '../../src/integrations/precompress';
import { FIXTURE_DIST, startServer, type RunningServer } from './harness';

const PAGE = '/case-studies/alpha-launch/';
const MARKER = '<p id="swap-marker">Published while the server was running.</p>';

interface RawResponse {
	status: number;
	headers: http.IncomingHttpHeaders;
	body: Buffer;
}

/** A GET through node:http, so the body arrives as sent (fetch would decode and hide lengths). */
function get(url: string, headers: Record<string, string> = {}): Promise<RawResponse> {
	return new Promise((resolve, reject) => {
		const req = http.get(url, { headers, agent: false }, (res) => {
			const chunks: Buffer[] = [];
			res.on('data', (c: Buffer) => chunks.push(c));
			res.on('end', () =>
				resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
			);
			res.on('error', reject);
		});
		req.on('error', reject);
	});
}

function decode(res: RawResponse): Buffer {
	const encoding = res.headers['content-encoding'];
	if (encoding === 'br') return zlib.brotliDecompressSync(res.body);
	if (encoding === 'gzip') return zlib.gunzipSync(res.body);
	return res.body;
}

/** A copy of the built release `from` as a new, not yet published release of `distDir`. */
async function copyRelease(distDir: string, from: string): Promise<string> {
	const dir = await createReleaseDir(distDir);
	for (const name of ['client', 'server']) {
		fs.cpSync(path.join(from, name), path.join(dir, name), { recursive: true });
	}
	return dir;
}

describe('a build published under a running server', () => {
	let distDir: string;
	let server: RunningServer;
	let firstRelease: string;

	beforeAll(async () => {
		// A dist of this test's own (inside the project, so portal.mjs resolves node_modules):
		// other test files serve the shared fixture build meanwhile.
		fs.mkdirSync(path.resolve('.test-builds'), { recursive: true });
		distDir = fs.mkdtempSync(path.resolve('.test-builds', 'swap-'));
		for (const name of ['portal.mjs', 'portal.mjs.map']) {
			fs.copyFileSync(path.join(FIXTURE_DIST, name), path.join(distDir, name));
		}
		firstRelease = await copyRelease(distDir, fs.realpathSync(path.join(FIXTURE_DIST, 'current')));
		await publishRelease(distDir, firstRelease);
		server = await startServer({ PORTAL_ACCESS: 'public' }, { distDir });
	});

	afterAll(async () => {
		await server?.stop();
		if (distDir) fs.rmSync(distDir, { recursive: true, force: true });
	});

	it('serves the new page whole, compressed bodies that decode, and no stale 304', async () => {
		const oldHtml = fs.readFileSync(path.join(firstRelease, 'client', PAGE, 'index.html'));
		const before = await get(server.url + PAGE);
		expect(before.status).toBe(200);
		expect(before.body.equals(oldHtml)).toBe(true);
		const oldEtag = String(before.headers.etag);

		// The next build: same site, this page longer by the marker, its br/gz written anew.
		const next = await copyRelease(distDir, firstRelease);
		const pageDir = path.join(next, 'client', PAGE);
		const newHtml = Buffer.from(oldHtml.toString('utf8').replace('</main>', `${MARKER}</main>`));
		expect(newHtml.length).toBeGreaterThan(oldHtml.length);
		fs.writeFileSync(path.join(pageDir, 'index.html'), newHtml);
		await precompressDirectory(pageDir);

		// Readers in a loop across the swap, each asking for one of the three encodings.
		const seen = { old: 0, new: 0 };
		const problems: string[] = [];
		let running = true;
		const encodings = ['identity', 'br', 'gzip'];
		const reader = async (n: number) => {
			for (let i = n; running; i++) {
				try {
					const res = await get(server.url + PAGE, { 'Accept-Encoding': encodings[i % 3]! });
					const length = Number(res.headers['content-length']);
					const html = decode(res);
					if (res.status !== 200) problems.push(`status ${res.status}`);
					else if (length !== res.body.length)
						problems.push(`${length} announced, ${res.body.length} sent`);
					else if (html.equals(oldHtml)) seen.old++;
					else if (html.equals(newHtml)) seen.new++;
					else problems.push(`a body that is neither build (${html.length} bytes)`);
				} catch (error) {
					problems.push(String(error));
				}
			}
		};
		const readers = Array.from({ length: 8 }, (_, n) => reader(n));
		await new Promise((r) => setTimeout(r, 300));

		const published = performance.now();
		await publishRelease(distDir, next);
		let swapMs = Infinity;
		while (performance.now() - published < 5000) {
			const res = await get(server.url + PAGE);
			if (res.body.equals(newHtml)) {
				swapMs = performance.now() - published;
				break;
			}
		}
		await new Promise((r) => setTimeout(r, 300));
		running = false;
		await Promise.all(readers);
		console.log(
			`swap seen ${Math.round(swapMs)} ms after publishing; readers: ${seen.old} old, ${seen.new} new`,
		);
		expect(problems).toEqual([]);
		expect(swapMs).toBeLessThan(2000);
		expect(seen.old).toBeGreaterThan(0);
		expect(seen.new).toBeGreaterThan(0);

		const plain = await get(server.url + PAGE, { 'Accept-Encoding': 'identity' });
		expect(plain.status).toBe(200);
		expect(Number(plain.headers['content-length'])).toBe(
			fs.statSync(path.join(pageDir, 'index.html')).size,
		);
		expect(plain.body.equals(newHtml)).toBe(true);
		for (const [encoding, file] of [
			['br', 'index.html.br'],
			['gzip', 'index.html.gz'],
		] as const) {
			const res = await get(server.url + PAGE, { 'Accept-Encoding': encoding });
			expect(res.headers['content-encoding']).toBe(encoding);
			expect(Number(res.headers['content-length'])).toBe(
				fs.statSync(path.join(pageDir, file)).size,
			);
			expect(decode(res).equals(newHtml)).toBe(true);
		}
		const revalidated = await get(server.url + PAGE, { 'If-None-Match': oldEtag });
		expect(revalidated.status).toBe(200);
		expect(revalidated.headers.etag).not.toBe(oldEtag);
		expect(revalidated.body.equals(newHtml)).toBe(true);

		// Pages rendered on request come from the new release's server build too.
		const login = await get(`${server.url}/login/`);
		expect(login.status).toBe(200);
		expect(server.output()).toContain(`Serving release ${path.basename(next)}`);
	});

	it('keeps the replaced release for requests still under way and removes older ones', async () => {
		const served = await readCurrentReleaseId(distDir);
		const third = await copyRelease(distDir, path.join(distDir, 'releases', served!));
		// As if built with other server code: served all the same, with a word about restarting.
		expect(await publishRelease(distDir, third, { serverBundle: 'f'.repeat(64) })).toBe(served);
		expect(fs.readdirSync(path.join(distDir, 'releases')).sort()).toEqual(
			[served, path.basename(third)].sort(),
		);
		// The paths written for a flat dist/ still lead to the served release.
		expect(fs.realpathSync(path.join(distDir, 'client'))).toBe(path.join(third, 'client'));
		const deadline = Date.now() + 5000;
		// The warning follows the swap's log line (on stderr, which may arrive later).
		while (!server.output().includes(`Release ${path.basename(third)} was built with other`)) {
			if (Date.now() > deadline)
				throw new Error(`no swap to the third release:\n${server.output()}`);
			await new Promise((r) => setTimeout(r, 50));
		}
		expect((await get(server.url + PAGE)).status).toBe(200);
		expect(server.output()).toContain(`Serving release ${path.basename(third)}`);
	});

	it('keeps serving the release it has when a new one cannot be loaded', async () => {
		const served = fs.realpathSync(path.join(distDir, 'current'));
		const broken = await copyRelease(distDir, served);
		fs.writeFileSync(
			path.join(broken, 'server', 'entry.mjs'),
			"throw new Error('a server build that cannot start');\n",
		);
		fs.writeFileSync(path.join(broken, 'client', PAGE, 'index.html'), 'not this one');
		await publishRelease(distDir, broken);
		const deadline = Date.now() + 5000;
		while (!server.output().includes(`Release ${path.basename(broken)} could not be loaded`)) {
			if (Date.now() > deadline) throw new Error(`no failed load logged:\n${server.output()}`);
			await new Promise((r) => setTimeout(r, 50));
		}
		const page = await get(server.url + PAGE);
		expect(page.status).toBe(200);
		expect(page.body.equals(fs.readFileSync(path.join(served, 'client', PAGE, 'index.html')))).toBe(
			true,
		);
		expect((await get(`${server.url}/login/`)).status).toBe(200);
	});

	it('swaps in a real rebuild of edited content, with no error or short body meanwhile', async () => {
		// The page as served: the release `current` points at could not be loaded (test above).
		const oldHtml = (await get(server.url + PAGE)).body;
		const contentDir = path.join(distDir, 'content');
		fs.cpSync(path.resolve('tests/e2e/fixtures/site'), contentDir, { recursive: true });
		const study = fs
			.readdirSync(path.join(contentDir, 'case-studies', 'alpha-launch'))
			.find((f) => /\.mdx?$/.test(f))!;
		fs.appendFileSync(
			path.join(contentDir, 'case-studies', 'alpha-launch', study),
			'\n\nA sentence written after the first build, published without a restart.\n',
		);
		// Optimised images of the fixture build, so this build only renders.
		const cacheDir = path.join(distDir, 'astro-cache');
		const fixtureAssets = `${FIXTURE_DIST}-cache/assets`;
		if (fs.existsSync(fixtureAssets))
			fs.cpSync(fixtureAssets, path.join(cacheDir, 'assets'), { recursive: true });

		// Readers check every body against its own Content-Length and keep its hash: afterwards each
		// must be the old page or the new one, whole.
		const bodies = new Map<string, number>();
		const problems: string[] = [];
		let running = true;
		const encodings = ['identity', 'br', 'gzip'];
		const reader = async (n: number) => {
			for (let i = n; running; i++) {
				try {
					const res = await get(server.url + PAGE, { 'Accept-Encoding': encodings[i % 3]! });
					if (res.status !== 200) problems.push(`status ${res.status}`);
					else if (Number(res.headers['content-length']) !== res.body.length)
						problems.push(`${res.headers['content-length']} announced, ${res.body.length} sent`);
					else {
						const hash = crypto.createHash('sha256').update(decode(res)).digest('hex');
						bodies.set(hash, (bodies.get(hash) ?? 0) + 1);
					}
				} catch (error) {
					problems.push(String(error));
				}
				// Leave the build most of the two cores.
				await new Promise((r) => setTimeout(r, 20));
			}
		};
		const readers = Array.from({ length: 4 }, (_, n) => reader(n));
		const build = spawn(process.execPath, ['scripts/build.mjs'], {
			env: {
				...process.env,
				CONTENT_DIR: contentDir,
				ASTRO_OUT_DIR: distDir,
				ASTRO_CACHE_DIR: cacheDir,
				ASTRO_TELEMETRY_DISABLED: '1',
			},
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		let buildLog = '';
		build.stdout.on('data', (d) => (buildLog += d));
		build.stderr.on('data', (d) => (buildLog += d));
		const code = await new Promise<number | null>((r) => build.once('exit', r));
		expect(code, buildLog).toBe(0);
		const release = await readCurrentReleaseId(distDir);
		const deadline = Date.now() + 5000;
		while (!server.output().includes(`Serving release ${release}`)) {
			if (Date.now() > deadline) throw new Error(`no swap to ${release}:\n${server.output()}`);
			await new Promise((r) => setTimeout(r, 50));
		}
		await new Promise((r) => setTimeout(r, 300));
		running = false;
		await Promise.all(readers);

		const pageFile = path.join(distDir, 'releases', release!, 'client', PAGE, 'index.html');
		const newHtml = fs.readFileSync(pageFile);
		expect(newHtml.toString()).toContain('published without a restart');
		const sha = (b: Buffer) => crypto.createHash('sha256').update(b).digest('hex');
		expect(problems).toEqual([]);
		expect([...bodies.keys()].sort()).toEqual([sha(oldHtml), sha(newHtml)].sort());
		for (const encoding of ['identity', 'br', 'gzip']) {
			const res = await get(server.url + PAGE, { 'Accept-Encoding': encoding });
			expect(Number(res.headers['content-length'])).toBe(res.body.length);
			expect(decode(res).equals(newHtml)).toBe(true);
		}
	}, 180_000);
});
