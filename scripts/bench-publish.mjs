#!/usr/bin/env node
// `npm run bench:publish`: publishing web case studies on a running server, and their media.
//
//   npm run bench:publish -- --n 200,1000     # web studies already published before the one timed
//   npm run bench:publish -- --n 200 --dist .bench/n10000/dist --skip-upload
//                             # on another build (a bench site of 10,000 git-authored studies)
//
// For each N: a fresh DATA_DIR gets N published web case studies (written to SQLite, sharing one real
// cover), the real server starts on it (node dist/portal.mjs, the demo build), then an editor's case
// study is submitted, approved and published over HTTP, and the bench times "Publish" → the page
// answers, → Spain's page lists it, → a search in Chromium finds it; meanwhile it samples the
// server's RSS every 100 ms and keeps requesting the home page to see that it keeps answering.
// Then, once: a 300 MB upload (a real 60 s 1080p H.264 clip followed by padding) through the form,
// with the server's RSS sampled during it, and the time the transcoder takes on that clip.
// Needs a build (`npm run build`) and Debian's ffmpeg and chromium. Writes .bench/publish-result.json.
// On a build without the demo people (a bench site), the three accounts it signs in with are
// created in SQLite with the demo password, and another member's case study stands in for the
// demo's Italian launch as the page read meanwhile.
import { execFileSync, spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import sharp from 'sharp';
import { chromium } from 'playwright-core';

const root = path.resolve(import.meta.dirname, '..');
const { values } = parseArgs({
	options: {
		n: { type: 'string', default: '200,1000' },
		'upload-mb': { type: 'string', default: '300' },
		dist: { type: 'string', default: 'dist' },
		'skip-upload': { type: 'boolean', default: false },
	},
});
const distDir = path.resolve(root, values.dist);
const sizes = values.n.split(',').map(Number);
const uploadMb = Number(values['upload-mb']);
const PASSWORD = 'kestrel-rally-lisbon-2026';
const EDITOR = 'javier.ortega@es.brand.example';
const HQ = 'elodie.garnier@hq.brand.example';
const READER = 'ines.carvalho@pt.brand.example';
const MiB = 2 ** 20;
if (!fs.existsSync(path.join(distDir, 'portal.mjs'))) {
	console.error(`No build in ${values.dist}/: run \`npm run build\` first.`);
	process.exit(1);
}

const freePort = () =>
	new Promise((resolve) => {
		const s = net.createServer().listen(0, '127.0.0.1', () => {
			const { port } = s.address();
			s.close(() => resolve(port));
		});
	});
const rssOf = (pid) => {
	try {
		return (
			Number(/^VmRSS:\s+(\d+)/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) * 1024
		);
	} catch {
		return 0;
	}
};

async function startServer(dataDir) {
	const port = await freePort();
	const child = spawn(process.execPath, [path.join(distDir, 'portal.mjs')], {
		env: { ...process.env, DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', DEMO: 'true' },
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let log = '';
	child.stdout.on('data', (d) => (log += d));
	child.stderr.on('data', (d) => (log += d));
	const url = `http://127.0.0.1:${port}`;
	for (let i = 0; i < 300; i++) {
		if (/indexed \d+ post-mortems/.test(log)) break;
		await new Promise((r) => setTimeout(r, 100));
	}
	return {
		url,
		child,
		log: () => log,
		stop: () => new Promise((r) => (child.once('exit', r), child.kill('SIGTERM'))),
	};
}

async function signIn(url, email) {
	const res = await fetch(`${url}/login/`, {
		method: 'POST',
		headers: { Origin: url },
		body: new URLSearchParams({ email, password: PASSWORD }),
		redirect: 'manual',
	});
	return `cd_session=${/cd_session=([^;]+)/.exec(res.headers.get('set-cookie'))[1]}`;
}

const post = (url, cookie, pathname, body) =>
	fetch(url + pathname, {
		method: 'POST',
		headers: { Origin: url, Cookie: cookie },
		body,
		redirect: 'manual',
	});

/** The editor in Spain, the HQ editor and the reader in Portugal, when the content has no demo people. */
async function ensureAccounts(db) {
	const { hash } = await import('@node-rs/argon2');
	const passwordHash = await hash(PASSWORD);
	const now = Math.floor(Date.now() / 1000);
	const insert = db.prepare(
		`INSERT OR IGNORE INTO user (email, name, title, country, languages, phone, show_phone, bio, photo, role, hq, password_hash, person_id, active, created_at, updated_at)
		VALUES (?, ?, 'Bench', ?, '["en"]', NULL, 0, NULL, NULL, ?, ?, ?, NULL, 1, ?, ?)`,
	);
	insert.run(EDITOR, 'Javier Ortega', 'ES', 'editor', 0, passwordHash, now, now);
	insert.run(HQ, 'Élodie Garnier', 'FR', 'editor', 1, passwordHash, now, now);
	insert.run(READER, 'Inês Carvalho', 'PT', 'member', 0, passwordHash, now, now);
}

/** N published web studies straight into SQLite, all sharing one real cover directory. */
async function seed(dataDir, n, coverDir) {
	const db = new Database(path.join(dataDir, 'portal.db'));
	await ensureAccounts(db);
	const author = db.prepare('SELECT id FROM user WHERE email = ?').pluck().get(EDITOR);
	const words =
		'lead showroom dealer launch fleet owner rally test drive finance used car trade-in coaching'.split(
			' ',
		);
	const insert = db.transaction(() => {
		for (let i = 0; i < n; i++) {
			const fields = {
				title: `Synthetic web practice ${i}: ${words[i % words.length]} ${words[(i * 7) % words.length]}`,
				summary: `A generated case study number ${i} about ${words[(i * 3) % words.length]}.`,
				country: ['ES', 'IT', 'FR', 'DE', 'PT'][i % 5],
				subsidiary: 'Bench subsidiary',
				lang: i % 5 === 0 ? 'fr' : 'en',
				topics: [['fleet-business', 'launch-events', 'crm-follow-up'][i % 3]],
				models: 'Kestrel',
				channels: ['showroom'],
				reviewBy: '2030-01-01',
				results: [
					{
						label: 'Orders',
						unit: 'count',
						before: '100',
						after: String(100 + i),
						period: '2025',
						lowerIsBetter: false,
					},
				],
				contacts: [author],
				cover: { media: crypto.randomBytes(16).toString('hex'), alt: 'Bench cover' },
				blocks: [
					{
						type: 'text',
						markdown: Array.from(
							{ length: 12 },
							(_, k) => `Paragraph ${k} of study ${i}: ${words.join(' ')}.`,
						).join('\n\n'),
					},
				],
			};
			const now = 1_767_225_600 + i;
			const id = Number(
				db
					.prepare(
						`INSERT INTO submission (slug, author_id, country, lang, state, fields, created_at, updated_at) VALUES (?, ?, ?, ?, 'published', ?, ?, ?)`,
					)
					.run(
						`bench-web-${i}`,
						author,
						fields.country,
						fields.lang,
						JSON.stringify(fields),
						now,
						now,
					).lastInsertRowid,
			);
			db.prepare(
				`INSERT INTO submission_media (id, submission_id, kind, state, progress, meta, original_name, created_at, updated_at) VALUES (?, ?, 'image', 'ready', 1, ?, 'cover.jpg', ?, ?)`,
			).run(fields.cover.media, id, JSON.stringify(coverDir.meta), now, now);
			const v = db
				.prepare(
					'INSERT INTO submission_version (submission_id, number, fields, published_at) VALUES (?, 1, ?, ?)',
				)
				.run(id, JSON.stringify(fields), now).lastInsertRowid;
			db.prepare('UPDATE submission SET live_version_id = ? WHERE id = ?').run(v, id);
		}
	});
	insert();
	db.close();
}

/** The demo's Italian launch, or the first git-authored study of the build's listing. */
async function pickOtherPage(url) {
	const demo = '/case-studies/kestrel-launch-italy/';
	const client = path.join(distDir, 'client');
	if (fs.existsSync(path.join(client, demo, 'index.html'))) return demo;
	const slug = fs.readdirSync(path.join(client, 'case-studies')).sort()[0];
	void url;
	return `/case-studies/${slug}/`;
}

async function makeCover(dataDir) {
	const dir = crypto.randomBytes(16).toString('hex');
	const out = path.join(dataDir, 'submission-media', dir);
	fs.mkdirSync(out, { recursive: true });
	const variants = [];
	for (const width of [480, 800, 1200]) {
		const info = await sharp({
			create: {
				width: 1600,
				height: 1000,
				channels: 3,
				noise: { type: 'gaussian', mean: 120, sigma: 50 },
			},
		})
			.resize(width)
			.webp()
			.toFile(path.join(out, `image-${width}.webp`));
		variants.push({ file: `image-${width}.webp`, width, height: info.height });
	}
	return { meta: { dir, width: 1600, height: 1000, variants } };
}

async function benchPublish(n, browser) {
	const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `cd-bench-pub-${n}-`));
	// First start creates the database and the demo accounts; then the studies go in while it is down.
	let server = await startServer(dataDir);
	await server.stop();
	const cover = await makeCover(dataDir);
	await seed(dataDir, n, cover);
	const startedAt = performance.now();
	server = await startServer(dataDir);
	const startIndexMs = Number(
		/indexed \d+ post-mortems and (\d+) web case studies in (\d+) ms/.exec(server.log())?.[2] ??
			NaN,
	);
	const { url } = server;
	const editor = await signIn(url, EDITOR);
	const hq = await signIn(url, HQ);
	const otherPage = await pickOtherPage(url);
	const word = `benchword${n}x${crypto.randomBytes(3).toString('hex')}`;
	let res = await post(url, editor, '/submissions/', new URLSearchParams());
	const workspace = res.headers.get('location');
	const form = new FormData();
	const fields = {
		editor: '1',
		revision: '1',
		action: 'submit',
		title: `The ${word} practice`,
		summary: 'Timed publication.',
		country: 'ES',
		subsidiary: 'Spain',
		lang: 'en',
		topics: 'fleet-business',
		channels: 'phone',
		reviewBy: '2031-01-01',
		contacts: '11',
		'cover.alt': 'Cover',
		'block.0.type': 'text',
		'block.0.markdown': `Text with ${word}.`,
	};
	const db = new Database(path.join(dataDir, 'portal.db'), { readonly: true });
	fields.contacts = String(db.prepare('SELECT id FROM user WHERE email = ?').pluck().get(EDITOR));
	db.close();
	for (const [k, v] of Object.entries(fields)) form.append(k, v);
	const coverBytes = await sharp({
		create: { width: 1400, height: 900, channels: 3, background: '#346' },
	})
		.jpeg()
		.toBuffer();
	form.append('cover.file', new Blob([coverBytes], { type: 'image/jpeg' }), 'cover.jpg');
	res = await post(url, editor, workspace, form);
	if (!res.headers.get('location')?.includes('submitted=1'))
		throw new Error(`submit failed: ${res.status}`);
	res = await post(url, hq, workspace, new URLSearchParams({ action: 'approve', note: '' }));

	const page = await (await browser.newContext()).newPage();
	await page.goto(`${url}/login/`);
	await page.getByLabel('Email').fill(READER);
	await page.locator('#cd-password').fill(PASSWORD);
	await Promise.all([
		page.waitForNavigation(),
		page.getByRole('button', { name: 'Sign in' }).click(),
	]);
	const reader = await signIn(url, READER);

	const baseline = rssOf(server.child.pid);
	let peak = baseline;
	const sampler = setInterval(() => (peak = Math.max(peak, rssOf(server.child.pid))), 100);
	let other = { requests: 0, errors: 0, maxMs: 0, slow: [] };
	let running = true;
	let t0 = performance.now();
	const others = (async () => {
		while (running) {
			const t = performance.now();
			const r = await fetch(url + otherPage, {
				headers: { Cookie: reader },
			}).catch(() => null);
			other.requests++;
			if (!r?.ok) other.errors++;
			await r?.arrayBuffer();
			const ms = performance.now() - t;
			other.maxMs = Math.max(other.maxMs, ms);
			if (ms > 1000) other.slow.push({ atMs: Math.round(t - t0), ms: Math.round(ms) });
		}
	})();
	t0 = performance.now();
	res = await post(url, hq, workspace, new URLSearchParams({ action: 'publish' }));
	const publishMs = performance.now() - t0;
	const slug = /^\/case-studies\/([^/]+)\//;
	let pageMs = null;
	let countryMs = null;
	let searchMs = null;
	const wsPage = await (await fetch(url + workspace, { headers: { Cookie: hq } })).text();
	const live = /href="(\/case-studies\/[^"]+\/)"[^>]*>See it as readers do/.exec(wsPage)?.[1];
	while (
		performance.now() - t0 < 60_000 &&
		(pageMs === null || countryMs === null || searchMs === null)
	) {
		if (pageMs === null && live && (await fetch(url + live, { headers: { Cookie: reader } })).ok)
			pageMs = performance.now() - t0;
		if (
			countryMs === null &&
			(
				await (await fetch(`${url}/countries/es/`, { headers: { Cookie: reader } })).text()
			).includes(word)
		)
			countryMs = performance.now() - t0;
		if (searchMs === null) {
			await page.goto(`${url}/search/?q=${word}`);
			const hit = await page
				.locator('.cd-search__hit a', { hasText: word })
				.first()
				.waitFor({ timeout: 1500 })
				.then(
					() => true,
					() => false,
				);
			if (hit) searchMs = performance.now() - t0;
		}
	}
	running = false;
	await others;
	clearInterval(sampler);
	await page.context().close();
	const rebuild = [
		...server.log().matchAll(/indexed \d+ post-mortems and (\d+) web case studies in (\d+) ms/g),
	].at(-1);
	await server.stop();
	fs.rmSync(dataDir, { recursive: true, force: true });
	void slug;
	return {
		n,
		serverStartMs: Math.round(performance.now() - startedAt),
		startIndexMs,
		publishRequestMs: Math.round(publishMs),
		pageMs: pageMs && Math.round(pageMs),
		countryPageMs: countryMs && Math.round(countryMs),
		searchMs: searchMs && Math.round(searchMs),
		indexRebuildMs: rebuild ? Number(rebuild[2]) : null,
		rssBaselineMiB: Math.round(baseline / MiB),
		rssPeakMiB: Math.round(peak / MiB),
		rssRiseMiB: Math.round((peak - baseline) / MiB),
		otherRequests: other.requests,
		otherErrors: other.errors,
		otherMaxMs: Math.round(other.maxMs),
		otherSlow: other.slow,
	};
}

async function benchUpload() {
	const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cd-bench-upload-'));
	const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cd-bench-video-'));
	const clip = path.join(work, 'clip.mp4');
	execFileSync('ffmpeg', [
		'-v',
		'error',
		'-f',
		'lavfi',
		'-i',
		'testsrc2=size=1920x1080:rate=30',
		'-f',
		'lavfi',
		'-i',
		'sine=frequency=300',
		'-t',
		'60',
		'-c:v',
		'libx264',
		'-preset',
		'ultrafast',
		'-pix_fmt',
		'yuv420p',
		'-c:a',
		'aac',
		'-shortest',
		clip,
	]);
	const clipBytes = fs.statSync(clip).size;
	// Padded to the size of a long phone video: the upload path only sees bytes.
	const padded = path.join(work, 'phone.mp4');
	fs.copyFileSync(clip, padded);
	const pad = Math.max(0, uploadMb * MiB - clipBytes);
	const fd = fs.openSync(padded, 'a');
	const chunk = crypto.randomBytes(MiB);
	for (let left = pad; left > 0; left -= MiB) fs.writeSync(fd, chunk, 0, Math.min(MiB, left));
	fs.closeSync(fd);
	const size = fs.statSync(padded).size;

	const server = await startServer(dataDir);
	const { url } = server;
	const editor = await signIn(url, EDITOR);
	let res = await post(url, editor, '/submissions/', new URLSearchParams());
	const workspace = res.headers.get('location');
	const boundary = `----bench${crypto.randomBytes(8).toString('hex')}`;
	const field = (name, value) =>
		`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
	const head = Buffer.from(
		field('editor', '1') +
			field('revision', '1') +
			field('action', 'save') +
			field('block.0.type', 'video') +
			field('block.0.title', 'Bench clip') +
			`--${boundary}\r\nContent-Disposition: form-data; name="block.0.video"; filename="phone.mp4"\r\nContent-Type: video/mp4\r\n\r\n`,
	);
	const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
	const baseline = rssOf(server.child.pid);
	let peak = baseline;
	const sampler = setInterval(() => (peak = Math.max(peak, rssOf(server.child.pid))), 100);
	const t0 = performance.now();
	const status = await new Promise((resolve, reject) => {
		const u = new URL(workspace, url);
		const req = http.request({
			host: u.hostname,
			port: u.port,
			path: u.pathname,
			method: 'POST',
			headers: {
				Origin: url,
				Cookie: editor,
				'Content-Type': `multipart/form-data; boundary=${boundary}`,
				'Content-Length': String(head.length + size + tail.length),
			},
		});
		req.on('response', (r) => (r.resume(), resolve(r.statusCode)));
		req.on('error', reject);
		req.write(head);
		const stream = fs.createReadStream(padded, { highWaterMark: MiB });
		stream.pipe(req, { end: false });
		stream.on('end', () => req.end(tail));
	});
	const uploadMs = performance.now() - t0;
	clearInterval(sampler);
	// The transcoder picks the video up at once; time it from the server's log line.
	let transcode = null;
	for (let i = 0; i < 6000 && !transcode; i++) {
		transcode = /\[transcoder\] [a-f0-9]+: (\d+) s of video in (\d+) ms/.exec(server.log());
		if (
			/\[transcoder\] .*failed|: (not-a-video|video-incomplete|transcode-failed)/.test(server.log())
		)
			break;
		await new Promise((r) => setTimeout(r, 100));
	}
	await server.stop();
	fs.rmSync(dataDir, { recursive: true, force: true });
	fs.rmSync(work, { recursive: true, force: true });
	return {
		uploadStatus: status,
		uploadMiB: Math.round(size / MiB),
		uploadMs: Math.round(uploadMs),
		uploadMiBps: Math.round((size / MiB / (uploadMs / 1000)) * 10) / 10,
		rssBaselineMiB: Math.round(baseline / MiB),
		rssPeakMiB: Math.round(peak / MiB),
		rssRiseMiB: Math.round((peak - baseline) / MiB),
		clipSeconds: 60,
		clipMiB: Math.round((clipBytes / MiB) * 10) / 10,
		transcodeMs: transcode ? Number(transcode[2]) : null,
	};
}

const browser = await chromium.launch({
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
const publishes = [];
for (const n of sizes) {
	console.log(`publishing with ${n} web case studies already published…`);
	publishes.push(await benchPublish(n, browser));
}
await browser.close();
let upload = null;
if (!values['skip-upload']) {
	console.log(`uploading ${uploadMb} MB and transcoding a 60 s 1080p clip…`);
	upload = await benchUpload();
}

console.log('\nPublish → readable and searchable (web case studies rendered from SQLite)');
console.table(
	publishes.map((p) => ({
		'web studies': p.n,
		'index at start (ms)': p.startIndexMs,
		'POST publish (ms)': p.publishRequestMs,
		'page (ms)': p.pageMs,
		'country page (ms)': p.countryPageMs,
		'found by search (ms)': p.searchMs,
		'index rebuild (ms)': p.indexRebuildMs,
		'RSS before → peak (MiB)': `${p.rssBaselineMiB} → ${p.rssPeakMiB} (+${p.rssRiseMiB})`,
		'other requests (errors, max ms)': `${p.otherRequests} (${p.otherErrors}, ${p.otherMaxMs})`,
	})),
);
if (upload) console.log('\nUpload and transcode');
if (upload)
	console.table([
		{
			upload: `${upload.uploadMiB} MiB in ${(upload.uploadMs / 1000).toFixed(1)} s (${upload.uploadMiBps} MiB/s), HTTP ${upload.uploadStatus}`,
			'server RSS before → peak (MiB)': `${upload.rssBaselineMiB} → ${upload.rssPeakMiB} (+${upload.rssRiseMiB})`,
			transcode:
				upload.transcodeMs === null
					? 'failed'
					: `${upload.clipSeconds} s 1080p clip (${upload.clipMiB} MiB) in ${(upload.transcodeMs / 1000).toFixed(1)} s`,
		},
	]);
fs.mkdirSync(path.join(root, '.bench'), { recursive: true });
fs.writeFileSync(
	path.join(root, '.bench', 'publish-result.json'),
	JSON.stringify(
		{
			date: new Date().toISOString(),
			node: process.version,
			cpus: os.cpus().length,
			publishes,
			upload,
		},
		null,
		'\t',
	),
);
