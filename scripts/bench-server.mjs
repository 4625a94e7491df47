// `npm run bench:server`: HTTP throughput of the portal's server on loopback (autocannon, fixed
// duration): a gated static page, the same page ungated, the inbox, and sending a message; then the
// pages rendered from the whole network (issue 11): /impact/, /diffusion/ and /answers/ on a database of 100
// countries × 1000 practices × 20 country answers each (scripts/bench/impact-data.mjs), timed over
// N sequential and N concurrent requests (p50, p95, max).
// Needs a build (`npm run build`; it runs one if dist/ is missing). Prints tables; writes
// .bench/server-result.json and .bench/impact-result.json. Options: --duration <s> (default 10),
// --connections <n> (default 10), --workers <n> (WEB_CONCURRENCY of the servers, default 2: one per
// core of the machine kind), --only throughput|impact|nginx|stores, --dist <dir> (another build, e.g. the e2e
// fixture's), --requests <n> (impact part: requests per series, default 100), --page <path> (the
// case study of the throughput and nginx parts).
// The stores part (--only stores; issue 12): the inbox and sending a message with members' data in
// SQLite and in PostgreSQL 15 (a cluster of Debian's started for the run, fsync on), on one and on
// two instances (processes of one worker each, sharing the database and DATA_DIR; the connections
// split between them).
// The nginx part (--only nginx; Debian's nginx, deploy/nginx/coaching-dealer.conf, TLS): a gated page
// through nginx (auth_request answered from its 5 s cache), the same page from the portal directly,
// and an ungated static file of about the same size through nginx; all asked with gzip.
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import Database from 'better-sqlite3';

const root = path.resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const optText = (name, fallback) => {
	const i = args.indexOf(`--${name}`);
	return i === -1 ? fallback : args[i + 1];
};
const opt = (name, fallback) => Number(optText(name, fallback));
const duration = opt('duration', 10);
const connections = opt('connections', 10);
const workers = opt('workers', 2);
const only = optText('only', '');
const impactRequests = opt('requests', 100);
const dist = path.resolve(root, optText('dist', 'dist'));
const PAGE = optText('page', '/case-studies/kestrel-launch-italy/');

const STORE_NAMES = {
	sqlite: 'SQLite',
	postgres: 'PostgreSQL',
	'postgres-async': 'PostgreSQL, synchronous_commit off',
};
// Each may send 30 messages an hour: enough members that the limit is never what is measured.
const BENCH_MEMBERS = 1500;

if (!fs.existsSync(path.join(dist, 'portal.mjs'))) {
	console.log('No build in dist/: building…');
	await new Promise((resolve, reject) =>
		spawn(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'inherit' }).on(
			'exit',
			(c) => (c === 0 ? resolve() : reject(new Error('build failed'))),
		),
	);
}

function freePort() {
	return new Promise((resolve) => {
		const s = net.createServer().listen(0, '127.0.0.1', () => {
			const { port } = s.address();
			s.close(() => resolve(port));
		});
	});
}

async function startServer(
	access,
	dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cd-bench-')),
	extraEnv = {},
) {
	const port = await freePort();
	const child = spawn(process.execPath, [path.join(dist, 'portal.mjs')], {
		env: {
			...process.env,
			HOST: '127.0.0.1',
			PORT: String(port),
			DATA_DIR: dataDir,
			DEMO: 'true',
			PORTAL_ACCESS: access,
			WEB_CONCURRENCY: String(workers),
			...extraEnv,
		},
		stdio: ['ignore', 'pipe', 'inherit'],
	});
	let log = '';
	child.stdout.on('data', (d) => (log += d));
	const url = `http://127.0.0.1:${port}`;
	for (let i = 0; i < 200; i++) {
		try {
			if ((await fetch(`${url}/healthz`)).ok) break;
		} catch {}
		await new Promise((r) => setTimeout(r, 100));
	}
	return {
		url,
		dataDir,
		/** Resolves once the server's log matches (e.g. the members' index built at start). */
		async waitForLog(pattern, timeoutMs = 120_000) {
			for (const end = Date.now() + timeoutMs; Date.now() < end; )
				if (pattern.test(log)) return;
				else await new Promise((r) => setTimeout(r, 100));
			throw new Error(`server log never matched ${pattern}`);
		},
		stop: () => new Promise((r) => (child.once('exit', r), child.kill('SIGTERM'))),
	};
}

// Bench members with sessions and a thread each, written straight into the server's SQLite file
// (WAL lets the running server see them): sending is limited to 30 messages an hour per member,
// so the send benchmark spreads its requests over many members.
function createBenchMembers(dataDir, count) {
	const db = new Database(path.join(dataDir, 'portal.db'));
	db.pragma('busy_timeout = 5000');
	const now = Math.floor(Date.now() / 1000);
	const recipient = db
		.prepare("SELECT id, password_hash FROM user WHERE email = 'giulia.conti@it.brand.example'")
		.get();
	const members = [];
	db.transaction(() => {
		for (let i = 0; i < count; i++) {
			const id = db
				.prepare(
					"INSERT INTO user (email, name, languages, role, password_hash, active, created_at, updated_at) VALUES (?, ?, '[\"en\"]', 'member', ?, 1, ?, ?)",
				)
				.run(
					`bench-${i}@bench.example`,
					`Bench Member ${i}`,
					recipient.password_hash,
					now,
					now,
				).lastInsertRowid;
			const token = Array.from(
				crypto.randomBytes(20),
				(b) => 'abcdefghijklmnopqrstuvwxyz234567'[b % 32],
			)
				.join('')
				.padEnd(32, 'a')
				.slice(0, 32);
			const hash = crypto.createHash('sha256').update(token).digest('hex');
			db.prepare(
				'INSERT INTO session (id, user_id, expires_at, created_at) VALUES (?, ?, ?, ?)',
			).run(hash, id, now + 86400, now);
			const thread = db
				.prepare('INSERT INTO thread (subject, created_at, updated_at) VALUES (?, ?, ?)')
				.run(`Bench ${i}`, now, now).lastInsertRowid;
			db.prepare(
				'INSERT INTO thread_member (thread_id, user_id, last_read_at) VALUES (?, ?, ?), (?, ?, ?)',
			).run(thread, id, now, thread, recipient.id, now);
			db.prepare(
				'INSERT INTO message (thread_id, sender_id, body, created_at) VALUES (?, ?, ?, ?)',
			).run(thread, id, 'Hello from the bench', now);
			members.push({ cookie: `cd_session=${token}`, thread: Number(thread) });
		}
	})();
	db.close();
	return members;
}

/** A session cookie for the first active member (demo or fixture build alike). */
function createSessionOfAnyMember(dataDir) {
	const db = new Database(path.join(dataDir, 'portal.db'));
	try {
		const now = Math.floor(Date.now() / 1000);
		const user = db.prepare('SELECT id FROM user WHERE active = 1 ORDER BY id LIMIT 1').get();
		const token = Array.from(
			crypto.randomBytes(32),
			(b) => 'abcdefghijklmnopqrstuvwxyz234567'[b % 32],
		)
			.join('')
			.slice(0, 32);
		const hash = crypto.createHash('sha256').update(token).digest('hex');
		db.prepare('INSERT INTO session (id, user_id, expires_at, created_at) VALUES (?, ?, ?, ?)').run(
			hash,
			user.id,
			now + 86400 * 20,
			now,
		);
		return `cd_session=${token}`;
	} finally {
		db.close();
	}
}

async function run(name, opts) {
	const result = await autocannon({ duration, connections, ...opts });
	const row = {
		name,
		reqPerSec: Math.round(result.requests.average),
		p50: result.latency.p50,
		p99: result.latency.p99,
		non2xx: result.non2xx,
		errors: result.errors + result.timeouts,
	};
	console.log(`  ${name}: ${row.reqPerSec} req/s, p50 ${row.p50} ms, p99 ${row.p99} ms`);
	return row;
}

if (!only || only === 'throughput') await benchThroughput();
if (!only || only === 'nginx') await benchNginx();
if (!only || only === 'impact') await benchImpact();
if (!only || only === 'stores') await benchStores();

async function benchNginx() {
	const { startNginx } = await import('./nginx-front.mjs');
	const portal = await startServer('members', undefined, { TRUST_PROXY: '1' });
	let nginx, cookie;
	try {
		cookie = createSessionOfAnyMember(portal.dataDir);
		nginx = await startNginx({ distDir: dist, portalUrl: portal.url, workers: 'auto' });
	} catch (error) {
		await portal.stop();
		throw error;
	}
	// The open file (code of the sign-in page) whose gzip body is closest in size to the page's.
	const client = path.join(dist, 'current', 'client');
	const pageGz = fs.statSync(path.join(client, PAGE, 'index.html.gz')).size;
	const asset = fs
		.readdirSync(path.join(client, '_astro'))
		.filter((f) => /\.(css|js)\.gz$/.test(f))
		.map((f) => ({ f, size: fs.statSync(path.join(client, '_astro', f)).size }))
		.sort((a, b) => Math.abs(a.size - pageGz) - Math.abs(b.size - pageGz))[0];
	const ungated = `/_astro/${asset.f.slice(0, -3)}`;
	const tlsOptions = { ca: nginx.ca };
	const headers = { cookie, 'accept-encoding': 'gzip' };
	const rows = [];
	try {
		await run('warm-up', { url: nginx.url + PAGE, headers, tlsOptions, duration: 2 });
		await run('warm-up', { url: portal.url + PAGE, headers, duration: 2 });
		rows.push(
			await run(`gated page through nginx (gzip ${pageGz} B)`, {
				url: nginx.url + PAGE,
				headers,
				tlsOptions,
			}),
		);
		rows.push(await run('same page, portal directly (http)', { url: portal.url + PAGE, headers }));
		rows.push(
			await run(`ungated static file through nginx (gzip ${asset.size} B)`, {
				url: nginx.url + ungated,
				headers: { 'accept-encoding': 'gzip' },
				tlsOptions,
			}),
		);
	} finally {
		await nginx.stop();
		await portal.stop();
	}
	const [gated, direct, open] = rows;
	console.log(
		`\nBehind nginx — ${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} × ${os.cpus()[0].model}, Node ${process.version}, nginx 1.22 (worker_processes auto), ${duration} s × ${connections} connections, portal WEB_CONCURRENCY=${workers}\n`,
	);
	console.log('| Scenario | req/s | p50 (ms) | p99 (ms) | non-2xx | errors |');
	console.log('|---|---|---|---|---|---|');
	for (const r of rows)
		console.log(`| ${r.name} | ${r.reqPerSec} | ${r.p50} | ${r.p99} | ${r.non2xx} | ${r.errors} |`);
	const ratio = gated.reqPerSec / open.reqPerSec;
	console.log(
		`\nGated through nginx = ${Math.round(100 * ratio)} % of ungated nginx (goal ≥ 80 %: ${ratio >= 0.8 ? 'yes' : 'no'}); ${Math.round((100 * gated.reqPerSec) / direct.reqPerSec)} % of the portal alone.`,
	);
	fs.mkdirSync(path.join(root, '.bench'), { recursive: true });
	fs.writeFileSync(
		path.join(root, '.bench', 'nginx-result.json'),
		JSON.stringify({ date: new Date().toISOString(), duration, connections, rows }, null, 2),
	);
}

async function benchThroughput() {
	const gated = await startServer('members');
	const open = await startServer('public');
	const members = createBenchMembers(gated.dataDir, 400);
	const cookie = members[0].cookie;
	const rows = [];
	try {
		// Warm up both servers (page caches, prepared statements).
		await run('warm-up', { url: gated.url + PAGE, headers: { cookie }, duration: 2 });
		await run('warm-up', { url: open.url + PAGE, duration: 2 });
		rows.push(
			await run('gated static page (signed in)', { url: gated.url + PAGE, headers: { cookie } }),
		);
		rows.push(await run('same page, ungated (PORTAL_ACCESS=public)', { url: open.url + PAGE }));
		rows.push(
			await run('inbox /messages/', { url: gated.url + '/messages/', headers: { cookie } }),
		);
		let next = 0;
		rows.push(
			await run('send a message (reply, 303)', {
				url: gated.url,
				requests: [
					{
						setupRequest(req) {
							const m = members[next++ % members.length];
							return {
								...req,
								method: 'POST',
								path: `/messages/${m.thread}/`,
								headers: {
									cookie: m.cookie,
									origin: gated.url,
									'content-type': 'application/x-www-form-urlencoded',
								},
								// A different text each time: the same text again right after is taken for
								// the same message sent twice (Back and Send) and not written.
								body:
									'body=' +
									encodeURIComponent(`A benchmark reply ${next} with a link https://example.com/x`),
							};
						},
					},
				],
			}),
		);
	} finally {
		await gated.stop();
		await open.stop();
	}

	const [g, u, inbox, send] = rows;
	const targets = [
		[
			'gated ≥ 80 % of ungated',
			g.reqPerSec >= 0.8 * u.reqPerSec,
			`${Math.round((100 * g.reqPerSec) / u.reqPerSec)} %`,
		],
		[
			'inbox ≥ 1,500 req/s, p99 ≤ 20 ms',
			inbox.reqPerSec >= 1500 && inbox.p99 <= 20,
			`${inbox.reqPerSec} req/s, p99 ${inbox.p99} ms`,
		],
		[
			'send ≥ 500 req/s, p99 ≤ 30 ms',
			send.reqPerSec >= 500 && send.p99 <= 30,
			`${send.reqPerSec} req/s, p99 ${send.p99} ms`,
		],
	];
	console.log(
		`\nServer benchmark — ${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} × ${os.cpus()[0].model}, Node ${process.version}, ${duration} s × ${connections} connections, WEB_CONCURRENCY=${workers}\n`,
	);
	console.log('| Scenario | req/s | p50 (ms) | p99 (ms) | non-2xx | errors |');
	console.log('|---|---|---|---|---|---|');
	for (const r of rows)
		console.log(`| ${r.name} | ${r.reqPerSec} | ${r.p50} | ${r.p99} | ${r.non2xx} | ${r.errors} |`);
	console.log('\n| Target | Measured | Pass |');
	console.log('|---|---|---|');
	for (const [t, ok, m] of targets) console.log(`| ${t} | ${m} | ${ok ? 'yes' : 'no'} |`);
	fs.mkdirSync(path.join(root, '.bench'), { recursive: true });
	fs.writeFileSync(
		path.join(root, '.bench', 'server-result.json'),
		JSON.stringify({ date: new Date().toISOString(), duration, connections, rows }, null, 2),
	);
}

/** Milliseconds of each of `n` GETs, `concurrency` at a time; every answer must be 200. */
async function timeRequests(url, cookie, n, concurrency, before = () => {}) {
	const times = [];
	let next = 0;
	const worker = async () => {
		while (next < n) {
			next++;
			before();
			const started = performance.now();
			try {
				const res = await fetch(url, { headers: { cookie }, redirect: 'manual' });
				await res.arrayBuffer();
				if (res.status !== 200) throw new Error(`${url} answered ${res.status}`);
				times.push(performance.now() - started);
			} catch (error) {
				// Counted and shown; a page that fails under load is a result too.
				times.errors = (times.errors ?? 0) + 1;
				console.error(`  ${url}: ${error.cause?.code ?? error.message}`);
			}
		}
	};
	await Promise.all(Array.from({ length: concurrency }, worker));
	return times;
}

function stats(times) {
	const sorted = [...times].sort((a, b) => a - b);
	const at = (q) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
	return {
		n: sorted.length,
		errors: times.errors ?? 0,
		p50: at(0.5) ?? NaN,
		p95: at(0.95) ?? NaN,
		max: sorted.at(-1) ?? NaN,
	};
}

async function benchImpact() {
	const { seedImpactNetwork } = await import('./bench/impact-data.mjs');
	// A first start creates the schema and the demo accounts; the network goes in while it is down.
	const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cd-bench-impact-'));
	let server = await startServer('members', dataDir);
	await server.stop();
	const seeded = seedImpactNetwork(dataDir);
	console.log('\nSeeded:', JSON.stringify(seeded.sizes));
	server = await startServer('members', dataDir);
	// The main process indexes the post-mortems and web studies for search at start: let it finish,
	// so it does not compete with the pages timed.
	await server.waitForLog(/\[members-search\] indexed/);
	const pages = [
		['/impact/ (admin: 100 countries)', '/impact/', seeded.cookies.admin],
		['/impact/ (member of PT)', '/impact/', seeded.cookies.member],
		['/diffusion/ (admin)', '/diffusion/', seeded.cookies.admin],
		['/answers/ (admin: every owed answer)', '/answers/', seeded.cookies.admin],
		['/answers/ (member of PT)', '/answers/', seeded.cookies.member],
	];
	const rows = [];
	const writer = new Database(path.join(dataDir, 'portal.db'));
	writer.pragma('busy_timeout = 5000');
	const touch = writer.prepare(
		'INSERT INTO search_miss (query, lang, country, created_at) VALUES (?, ?, ?, ?)',
	);
	let changes = 0;
	try {
		for (const [name, pathname, cookie] of pages) {
			const url = server.url + pathname;
			const first = await timeRequests(url, cookie, 1, 1);
			// Warm both workers (catalogue, prepared statements) before timing.
			await timeRequests(url, cookie, 4, 2);
			const res = await fetch(url, { headers: { cookie } });
			const bytes = (await res.arrayBuffer()).byteLength;
			// A page taking seconds gets fewer requests: the figure is clear long before 100.
			const n = first[0] > 1000 ? Math.min(impactRequests, 10) : impactRequests;
			const sequential = stats(await timeRequests(url, cookie, n, 1));
			// Each request right after a write (a search that found nothing, as members make): the
			// dashboard's kept figures are void, so this times computing them.
			const changed = stats(
				await timeRequests(url, cookie, Math.min(n, 30), 1, () =>
					touch.run(`bench change ${changes++}`, 'en', 'PT', Math.floor(Date.now() / 1000)),
				),
			);
			const pair = stats(await timeRequests(url, cookie, n, workers));
			const concurrent = stats(await timeRequests(url, cookie, n, connections));
			rows.push({ name, first: first[0], bytes, sequential, changed, pair, concurrent });
			console.log(
				`  ${name}: sequential p95 ${sequential.p95.toFixed(0)} ms, concurrent p95 ${concurrent.p95.toFixed(0)} ms`,
			);
		}
	} finally {
		writer.close();
		await server.stop();
		fs.rmSync(dataDir, { recursive: true, force: true });
	}
	const ms = (v) => v.toFixed(0);
	const triple = (s) =>
		`${ms(s.p50)} / ${ms(s.p95)} / ${ms(s.max)}${s.errors ? ` (${s.errors} failed)` : ''}`;
	console.log(
		`\nImpact and diffusion at scale — ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, ${os.cpus().length} × ${os.cpus()[0].model}, Node ${process.version}, WEB_CONCURRENCY=${workers}, ${impactRequests} requests per series, concurrent = ${connections} at a time, build ${path.relative(root, dist) || '.'}\n`,
	);
	console.log(
		`| Page | first (ms) | HTML (KB) | requests | sequential p50 / p95 / max (ms) | after a change, sequential | ${workers} at a time | ${connections} at a time | ≤ 200 ms p95 (sequential, after a change, ${workers} at a time) |`,
	);
	console.log('|---|---|---|---|---|---|---|---|---|');
	for (const r of rows)
		console.log(
			`| ${r.name} | ${ms(r.first)} | ${(r.bytes / 1024).toFixed(0)} | ${r.sequential.n} | ${triple(r.sequential)} | ${triple(r.changed)} | ${triple(r.pair)} | ${triple(r.concurrent)} | ${r.sequential.p95 <= 200 && r.changed.p95 <= 200 && r.pair.p95 <= 200 ? 'yes' : 'no'} |`,
		);
	fs.mkdirSync(path.join(root, '.bench'), { recursive: true });
	fs.writeFileSync(
		path.join(root, '.bench', 'impact-result.json'),
		JSON.stringify({ date: new Date().toISOString(), sizes: seeded.sizes, rows }, null, 2),
	);
}

// Bench members as createBenchMembers makes them, written into PostgreSQL with `pg`.
async function createBenchMembersPg(databaseUrl, count) {
	const { default: pg } = await import('pg');
	const client = new pg.Client({ connectionString: databaseUrl });
	await client.connect();
	const now = Math.floor(Date.now() / 1000);
	const members = [];
	try {
		const recipient = (
			await client.query(
				`SELECT id, password_hash FROM "user" WHERE email = 'giulia.conti@it.brand.example'`,
			)
		).rows[0];
		await client.query('BEGIN');
		for (let i = 0; i < count; i++) {
			const id = (
				await client.query(
					`INSERT INTO "user" (email, name, languages, role, password_hash, active, created_at, updated_at)
						VALUES ($1, $2, '["en"]', 'member', $3, 1, $4, $4) RETURNING id`,
					[`bench-${i}@bench.example`, `Bench Member ${i}`, recipient.password_hash, now],
				)
			).rows[0].id;
			// Session tokens are 32 characters of base32, as the portal makes them.
			const token = Array.from(
				crypto.randomBytes(32),
				(b) => 'abcdefghijklmnopqrstuvwxyz234567'[b % 32],
			).join('');
			const hash = crypto.createHash('sha256').update(token).digest('hex');
			await client.query(
				'INSERT INTO session (id, user_id, expires_at, created_at) VALUES ($1, $2, $3, $4)',
				[hash, id, now + 86400, now],
			);
			const thread = (
				await client.query(
					'INSERT INTO thread (subject, created_at, updated_at) VALUES ($1, $2, $2) RETURNING id',
					[`Bench ${i}`, now],
				)
			).rows[0].id;
			await client.query(
				'INSERT INTO thread_member (thread_id, user_id, last_read_at) VALUES ($1, $2, $4), ($1, $3, $4)',
				[thread, id, recipient.id, now],
			);
			await client.query(
				'INSERT INTO message (thread_id, sender_id, body, created_at) VALUES ($1, $2, $3, $4)',
				[thread, id, 'Hello from the bench', now],
			);
			members.push({ cookie: `cd_session=${token}`, thread: Number(thread) });
		}
		await client.query('COMMIT');
	} finally {
		await client.end();
	}
	return members;
}

// One autocannon per server, run together, the connections split between them: the sum of their
// rates, the mean of their medians and the worst p99.
async function runSplit(name, servers, optionsFor, expect = 200) {
	const each = Math.max(1, Math.round(connections / servers.length));
	const results = await Promise.all(
		servers.map((server, i) =>
			autocannon({ duration, connections: each, ...optionsFor(server, i, servers.length) }),
		),
	);
	const row = {
		name,
		reqPerSec: Math.round(results.reduce((sum, r) => sum + r.requests.average, 0)),
		p50: Math.round(results.reduce((sum, r) => sum + r.latency.p50, 0) / results.length),
		p99: Math.max(...results.map((r) => r.latency.p99)),
		non2xx: results.reduce((sum, r) => sum + r.non2xx, 0),
		// Answers other than the one expected (200 for a page, 303 after sending).
		unexpected: results.reduce(
			(sum, r) =>
				sum +
				Object.entries(r.statusCodeStats ?? {})
					.filter(([code]) => code !== String(expect))
					.reduce((n, [, v]) => n + v.count, 0),
			0,
		),
		errors: results.reduce((sum, r) => sum + r.errors + r.timeouts, 0),
	};
	console.log(`  ${name}: ${row.reqPerSec} req/s, p50 ${row.p50} ms, p99 ${row.p99} ms`);
	return row;
}

async function benchStores() {
	const { startPgCluster } = await import('./pg-cluster.mjs');
	const { default: pg } = await import('pg');
	const cluster = await startPgCluster({ durable: true });
	const rows = [];
	try {
		// 'postgres-async': synchronous_commit off, PostgreSQL's counterpart of SQLite's
		// synchronous=NORMAL in WAL mode (a crash of the machine may lose the last commits, never
		// corrupt); the portal dying loses nothing either way.
		for (const store of ['sqlite', 'postgres', 'postgres-async']) {
			for (const instances of [1, 2]) {
				const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cd-bench-store-'));
				let databaseUrl = null;
				if (store !== 'sqlite') {
					const name = `bench_${instances}_${Date.now()}`;
					const admin = new pg.Client({ connectionString: cluster.url });
					await admin.connect();
					await admin.query(`CREATE DATABASE ${name}`);
					if (store === 'postgres-async')
						await admin.query(`ALTER DATABASE ${name} SET synchronous_commit = off`);
					await admin.end();
					const url = new URL(cluster.url);
					url.pathname = `/${name}`;
					databaseUrl = url.toString();
				}
				const env = { WEB_CONCURRENCY: '1', ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}) };
				// The first instance migrates and seeds; the second starts on what it made.
				const servers = [await startServer('members', dataDir, env)];
				if (instances === 2) servers.push(await startServer('members', dataDir, env));
				const members = databaseUrl
					? await createBenchMembersPg(databaseUrl, BENCH_MEMBERS)
					: createBenchMembers(dataDir, BENCH_MEMBERS);
				const label = `${STORE_NAMES[store]}, ${instances} instance${instances > 1 ? 's' : ''}`;
				try {
					await runSplit('warm-up', servers, (s) => ({
						url: s.url + '/messages/',
						headers: { cookie: members[0].cookie },
						duration: 2,
					}));
					const inbox = await runSplit(`inbox — ${label}`, servers, (s, i) => ({
						url: s.url + '/messages/',
						headers: { cookie: members[i].cookie },
					}));
					let next = 0;
					const send = await runSplit(
						`send — ${label}`,
						servers,
						(s) => ({
							url: s.url,
							requests: [
								{
									setupRequest(req) {
										const m = members[next++ % members.length];
										return {
											...req,
											method: 'POST',
											path: `/messages/${m.thread}/`,
											headers: {
												cookie: m.cookie,
												origin: s.url,
												'content-type': 'application/x-www-form-urlencoded',
											},
											body: 'body=' + encodeURIComponent(`A benchmark reply ${next} to the thread`),
										};
									},
								},
							],
						}),
						303,
					);
					rows.push({ store, instances, inbox, send });
				} finally {
					for (const server of servers) await server.stop();
					fs.rmSync(dataDir, { recursive: true, force: true });
				}
			}
		}
	} finally {
		cluster.stop();
	}
	console.log(
		`\nStores benchmark — ${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} × ${os.cpus()[0].model}, Node ${process.version}, ${duration} s × ${connections} connections in all, 1 worker per instance; PostgreSQL 15 with fsync on\n`,
	);
	console.log(
		'| Store | Instances | inbox req/s | inbox p50 / p99 (ms) | send req/s | send p50 / p99 (ms) | unexpected answers | errors |',
	);
	console.log('|---|---|---|---|---|---|---|---|');
	for (const r of rows)
		console.log(
			`| ${STORE_NAMES[r.store]} | ${r.instances} | ${r.inbox.reqPerSec} | ${r.inbox.p50} / ${r.inbox.p99} | ${r.send.reqPerSec} | ${r.send.p50} / ${r.send.p99} | ${r.inbox.unexpected + r.send.unexpected} | ${r.inbox.errors + r.send.errors} |`,
		);
	fs.mkdirSync(path.join(root, '.bench'), { recursive: true });
	fs.writeFileSync(
		path.join(root, '.bench', 'stores-result.json'),
		JSON.stringify({ date: new Date().toISOString(), duration, connections, rows }, null, 2),
	);
}
