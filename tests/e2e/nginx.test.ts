// The portal behind Debian's nginx, configured by deploy/nginx/coaching-dealer.conf itself: TLS with
// a certificate made here, HTTP/2, the built files served by nginx after the portal's gate
// (auth_request, cached 4–5 s per session), everything else proxied to the portal run with
// TRUST_PROXY=1. Needs /usr/sbin/nginx (.ci/run installs it): without it these tests fail, they do
// not skip.
import fs from 'node:fs';
import http2 from 'node:http2';
import https from 'node:https';
import path from 'node:path';
import zlib from 'node:zlib';
import Sqlite from 'better-sqlite3';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requiredAccess } from '../../src/lib/access';
import { startNginx, type RunningNginx } from '../../scripts/nginx-front.mjs';
import { DEMO_PASSWORD, FIXTURE_DIST, setRoles, startServer, type RunningServer } from './harness';

const ANNA = 'anna.verdi@it.fixture.example';
const BRUNO = 'bruno.costa@pt.fixture.example';
const PAGE = '/case-studies/alpha-launch/';
const CLIENT_DIR = path.join(FIXTURE_DIST, 'current', 'client');

let portal: RunningServer;
let nginx: RunningNginx;
let agent: https.Agent;

interface Answer {
	status: number;
	headers: Record<string, string | string[] | undefined>;
	body: Buffer;
}

/** One request through nginx over https (HTTP/1.1), raw target kept as written. */
function request(
	target: string,
	options: { method?: string; headers?: Record<string, string>; body?: Buffer | string } = {},
): Promise<Answer> {
	return new Promise((resolve, reject) => {
		const req = https.request(
			`${nginx.url}${target}`,
			{ method: options.method ?? 'GET', headers: options.headers, agent, path: target },
			(res) => {
				const chunks: Buffer[] = [];
				res.on('data', (c) => chunks.push(c));
				res.on('end', () =>
					resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }),
				);
				res.on('error', reject);
			},
		);
		req.on('error', reject);
		req.end(options.body);
	});
}

const cookieOf = (token: string) => ({ Cookie: `cd_session=${token}` });

async function signIn(email: string): Promise<{ token: string; answer: Answer }> {
	const answer = await request('/login/', {
		method: 'POST',
		headers: { Origin: nginx.url, 'Content-Type': 'application/x-www-form-urlencoded' },
		body: new URLSearchParams({ email, password: DEMO_PASSWORD }).toString(),
	});
	const token = /cd_session=([^;]+)/.exec(String(answer.headers['set-cookie'] ?? ''))?.[1];
	if (answer.status !== 303 || !token) throw new Error(`sign-in of ${email}: ${answer.status}`);
	return { token, answer };
}

function withDb<T>(run: (db: Sqlite.Database) => T): T {
	const db = new Sqlite(path.join(portal.dataDir, 'portal.db'));
	try {
		return run(db);
	} finally {
		db.close();
	}
}

beforeAll(async () => {
	portal = await startServer({ TRUST_PROXY: '1', DEMO: 'true' });
	nginx = await startNginx({ distDir: FIXTURE_DIST, portalUrl: portal.url });
	agent = new https.Agent({ ca: nginx.ca, keepAlive: true });
});

afterAll(async () => {
	agent?.destroy();
	await nginx?.stop();
	expect(await portal?.stop()).toBe(0);
});

describe('TLS and HTTP/2', () => {
	it('negotiates HTTP/2 (ALPN h2) and answers over it', async () => {
		const session = http2.connect(nginx.url, { ca: nginx.ca });
		try {
			await new Promise<void>((resolve, reject) => {
				session.once('connect', () => resolve());
				session.once('error', reject);
			});
			expect(session.alpnProtocol).toBe('h2');
			const status = await new Promise<number>((resolve, reject) => {
				const req = session.request({ ':path': '/login/' });
				req.on('response', (h) => resolve(Number(h[':status'])));
				req.on('error', reject);
				req.resume();
				req.end();
			});
			expect(status).toBe(200);
		} finally {
			session.close();
		}
	});

	it('sends plain http to https', async () => {
		const res = await fetch(`${nginx.httpUrl}${PAGE}`, { redirect: 'manual' });
		expect(res.status).toBe(301);
		expect(res.headers.get('location')).toMatch(
			/^https:\/\/127\.0\.0\.1\/case-studies\/alpha-launch\/$/,
		);
	});
});

describe('signed out (PORTAL_ACCESS=members)', () => {
	it('redirects a case study to sign-in and never serves its HTML, in any spelling', async () => {
		const title = 'Alpha'; // in the page's <title>, which the login page does not have
		const page = fs.readFileSync(path.join(CLIENT_DIR, 'case-studies/alpha-launch/index.html'));
		expect(page.includes(title)).toBe(true);
		for (const target of [
			PAGE,
			'/case-studies/alpha-launch',
			'/case-studies/alpha-launch/index.html',
			'/login/%2e%2e/case-studies/alpha-launch/',
			'/login/../case-studies/alpha-launch/',
		]) {
			const res = await request(target, {
				headers: { Accept: 'text/html', 'Accept-Encoding': 'gzip' },
			});
			expect(res.status, target).toBe(303);
			expect(res.headers.location, target).toMatch(
				/^\/login\/\?next=%2Fcase-studies%2Falpha-launch/,
			);
			expect(res.body.length, target).toBe(0);
		}
		for (const target of [
			'/case-studies/alpha-launch/index.html.gz',
			'/case-studies/alpha-launch/index.html.br',
		]) {
			const res = await request(target);
			expect(res.status, target).toBe(401);
			expect(res.body.includes(title), target).toBe(false);
		}
		// A stale or made-up cookie is no better than none.
		const forged = await request(PAGE, {
			headers: { ...cookieOf('a'.repeat(32)), Accept: 'text/html' },
		});
		expect(forged.status).toBe(303);
	});

	it('agrees with src/lib/access.ts on every built file: open ones served, the rest refused', async () => {
		const files = (fs.readdirSync(CLIENT_DIR, { recursive: true }) as string[])
			.filter((f) => fs.statSync(path.join(CLIENT_DIR, f)).isFile())
			.map((f) => `/${f.split(path.sep).join('/')}`);
		expect(files.length).toBeGreaterThan(50);
		const wrong: string[] = [];
		for (const file of files) {
			const open = requiredAccess(file, 'members') === 'open';
			const res = await request(file, { headers: { Accept: '*/*' } });
			const served = res.status === 200;
			if (served !== open) wrong.push(`${file}: ${res.status} (${open ? 'open' : 'gated'})`);
		}
		expect(wrong).toEqual([]);
	});
});

describe('signed in', () => {
	let token: string;
	beforeAll(async () => {
		const { token: t, answer } = await signIn(BRUNO);
		token = t;
		const cookie = String(answer.headers['set-cookie']);
		expect(cookie).toMatch(/; Secure/);
		expect(cookie).toMatch(/HttpOnly/);
		expect([answer.headers['strict-transport-security']].flat()).toHaveLength(1);
	});

	it('gets the page from nginx, precompressed by the build (gzip, brotli), with HSTS once', async () => {
		const file = fs.readFileSync(path.join(CLIENT_DIR, 'case-studies/alpha-launch/index.html'));
		const gz = await request(PAGE, { headers: { ...cookieOf(token), 'Accept-Encoding': 'gzip' } });
		expect(gz.status).toBe(200);
		expect(gz.headers['content-encoding']).toBe('gzip');
		// nginx's ETag, not the portal's weak one: nginx read the file itself.
		expect(gz.headers.etag).toMatch(/^"[0-9a-f]+-[0-9a-f]+"$/);
		expect(zlib.gunzipSync(gz.body).equals(file)).toBe(true);
		expect(gz.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
		const br = await request(PAGE, {
			headers: { ...cookieOf(token), 'Accept-Encoding': 'br, gzip' },
		});
		expect(br.headers['content-encoding']).toBe('br');
		expect(zlib.brotliDecompressSync(br.body).equals(file)).toBe(true);
		const plain = await request(PAGE, { headers: cookieOf(token) });
		expect(plain.headers['content-encoding']).toBeUndefined();
		expect(plain.body.equals(file)).toBe(true);
		// A page rendered by the portal carries its HSTS once too.
		const inbox = await request('/messages/', { headers: cookieOf(token) });
		expect(inbox.status).toBe(200);
		expect(inbox.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
	});

	it('sends the portal’s own security headers with the files nginx serves', async () => {
		const direct = await fetch(`${portal.url}${PAGE}`, { headers: cookieOf(token) });
		await direct.arrayBuffer();
		const through = await request(PAGE, { headers: cookieOf(token) });
		for (const name of [
			'content-security-policy',
			'x-content-type-options',
			'referrer-policy',
			'x-frame-options',
			'cross-origin-opener-policy',
			'permissions-policy',
			'cache-control',
		])
			expect(through.headers[name], name).toBe(direct.headers.get(name));
	});

	it('counts a member’s read of a case study nginx served', async () => {
		const reads = () =>
			withDb((db) =>
				db
					.prepare(
						"SELECT COALESCE(SUM(reads), 0) FROM practice_read WHERE case_study = 'gamma-crm'",
					)
					.pluck()
					.get(),
			);
		const before = reads();
		expect((await request('/case-studies/gamma-crm/', { headers: cookieOf(token) })).status).toBe(
			200,
		);
		expect(reads()).toBe((before as number) + 1);
	});

	it('still refuses a POST without Origin', async () => {
		const res = await request('/logout/', {
			method: 'POST',
			headers: { ...cookieOf(token), 'Content-Type': 'application/x-www-form-urlencoded' },
			body: '',
		});
		expect(res.status).toBe(403);
		expect((await request(PAGE, { headers: cookieOf(token) })).status).toBe(200);
	});

	it('streams an upload of a few MB to the portal', async () => {
		setRoles(portal, { [ANNA]: { role: 'editor', country: 'ES' } });
		const { token: anna } = await signIn(ANNA);
		const post = async (target: string, form: FormData | URLSearchParams) => {
			const req = new Request('http://x/', { method: 'POST', body: form });
			return request(target, {
				method: 'POST',
				headers: {
					...cookieOf(anna),
					Origin: nginx.url,
					'Content-Type': req.headers.get('content-type')!,
				},
				body: Buffer.from(await req.arrayBuffer()),
			});
		};
		const created = await post('/submissions/', new URLSearchParams());
		expect(created.status).toBe(303);
		const workspace = String(created.headers.location);
		const noise = Buffer.alloc(1600 * 1200 * 3);
		for (let i = 0; i < noise.length; i++) noise[i] = (i * 2654435761) >>> 24;
		const photo = await sharp(noise, { raw: { width: 1600, height: 1200, channels: 3 } })
			.jpeg({ quality: 100 })
			.toBuffer();
		expect(photo.length).toBeGreaterThan(2 * 1024 * 1024);
		const form = new FormData();
		form.set('editor', '1');
		form.set('revision', '1');
		form.set('title', 'Uploaded through nginx');
		form.set('action', 'save');
		form.append('cover.file', new Blob([new Uint8Array(photo)], { type: 'image/jpeg' }), 'big.jpg');
		const saved = await post(workspace, form);
		expect(saved.status).toBe(303);
		const page = await request(workspace, { headers: cookieOf(anna) });
		expect(page.status).toBe(200);
		expect(page.body.toString()).toContain('Uploaded through nginx');
		expect(page.body.toString()).toMatch(/big\.jpg|cover/);
	});

	it('signs out through nginx, and a revoked session is refused within 5 s (the gate’s cache)', async () => {
		const { token: mine } = await signIn(BRUNO);
		expect((await request(PAGE, { headers: cookieOf(mine) })).status).toBe(200);
		const out = await request('/logout/', {
			method: 'POST',
			headers: {
				...cookieOf(mine),
				Origin: nginx.url,
				'Content-Type': 'application/x-www-form-urlencoded',
			},
			body: '',
		});
		expect(out.status).toBe(303);
		expect(out.headers.location).toBe('/login/');
		const refusedBy = async (t: string) => {
			const start = Date.now();
			for (;;) {
				const res = await request(PAGE, { headers: { ...cookieOf(t), Accept: 'text/html' } });
				if (res.status === 303) return Date.now() - start;
				if (Date.now() - start > 10_000) throw new Error('still served after 10 s');
				await new Promise((r) => setTimeout(r, 100));
			}
		};
		// 5 s of cache at most, plus one poll and one request on a busy machine.
		expect(await refusedBy(mine)).toBeLessThan(5_800);
		// An administrator's revocation (sessions deleted in the database): same bound.
		expect((await request(PAGE, { headers: cookieOf(token) })).status).toBe(200);
		withDb((db) => db.prepare('DELETE FROM session').run());
		expect(await refusedBy(token)).toBeLessThan(5_800);
	});
});

describe('client address', () => {
	it('records the address nginx saw, not the X-Forwarded-For a client wrote', async () => {
		const email = 'nobody-forged@fixture.example';
		const res = await request('/login/', {
			method: 'POST',
			headers: {
				Origin: nginx.url,
				'Content-Type': 'application/x-www-form-urlencoded',
				'X-Forwarded-For': '6.6.6.6',
			},
			body: new URLSearchParams({ email, password: 'wrong password, quite long' }).toString(),
		});
		expect(res.status).toBe(401);
		const ip = withDb((db) =>
			db.prepare('SELECT ip FROM audit_log WHERE target = ? ORDER BY id DESC').pluck().get(email),
		);
		expect(ip).toBe('127.0.0.1');
	});

	it('slows a guesser who changes its X-Forwarded-For on every try', async () => {
		const statuses: number[] = [];
		for (let i = 0; i < 23; i++) {
			const res = await request('/login/', {
				method: 'POST',
				headers: {
					Origin: nginx.url,
					'Content-Type': 'application/x-www-form-urlencoded',
					'X-Forwarded-For': `10.9.${i}.1`,
				},
				body: new URLSearchParams({
					email: `guess${i}@fixture.example`,
					password: 'wrong password, quite long',
				}).toString(),
			});
			statuses.push(res.status);
		}
		expect(statuses.slice(20)).toContain(429);
	});
});
