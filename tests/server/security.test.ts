// What an attacker tried on 127.0.0.1, kept fixed: raw request targets through node:http (fetch
// would normalise `//` and `..` away), ranges, stale facets, forged X-Forwarded-For, open redirects,
// odd bodies, shutdown, file modes and sign-in throttling — each against the real server.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import Sqlite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
	createMemberClient,
	startServer,
	type MemberClient,
	type RunningServer,
} from '../e2e/harness';

const ANNA = 'anna.verdi@it.fixture.example';
const BRUNO = 'bruno.costa@pt.fixture.example';
const CLAIRE = 'claire.martin@fr.fixture.example'; // the fixture's admin

interface RawResponse {
	status: number;
	headers: http.IncomingHttpHeaders;
	body: Buffer;
}

/** One request with the target sent exactly as written. */
function raw(
	server: RunningServer,
	target: string,
	options: {
		method?: string;
		headers?: Record<string, string>;
		body?: string;
		timeoutMs?: number;
	} = {},
): Promise<RawResponse> {
	const { hostname, port } = new URL(server.url);
	return new Promise((resolve, reject) => {
		const req = http.request(
			{
				host: hostname,
				port,
				method: options.method ?? 'GET',
				path: target,
				headers: options.headers,
				agent: false,
			},
			(res) => {
				const chunks: Buffer[] = [];
				res.on('data', (c: Buffer) => chunks.push(c));
				res.on('end', () =>
					resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }),
				);
				res.on('error', reject);
			},
		);
		req.setTimeout(options.timeoutMs ?? 10_000, () =>
			req.destroy(new Error(`no complete answer to ${target} in time`)),
		);
		req.on('error', reject);
		req.end(options.body);
	});
}

let server: RunningServer;
let member: MemberClient;

beforeAll(async () => {
	server = await startServer({ DEMO: 'true', DEMO_ADMINS: 'claire-martin', TRUST_PROXY: 'true' });
	member = createMemberClient(server);
});
afterAll(async () => {
	await server?.stop();
});

const cookieOf = async (email: string) => `cd_session=${await member.tokenFor(email)}`;

// Every way of writing a path that once reached a page the gate did not see.
function variantsOf(pathname: string): string[] {
	const bare = pathname.replace(/^\//, '');
	const [first, ...rest] = bare.split('/');
	const tail = rest.join('/');
	const encodedFirst = `%${first!.charCodeAt(0).toString(16)}${first!.slice(1)}`;
	return [
		`//${bare}`,
		`///${bare}`,
		`/\\${bare}`,
		`/%2F${bare}`,
		`/%5C${bare}`,
		`/${encodedFirst}/${tail}`,
		`/x/../${bare}`,
		`/./${bare}`,
		`/x/%2e%2e/${bare}`,
		`/${first}//${tail}`,
		`/${first}%2F${tail}`,
	];
}

describe('one reading of every request target', () => {
	const adminPaths = ['/admin/', '/admin/audit/', '/fr/admin/', '/dev/outbox/'];

	it('never shows the admin area to a member, however the path is written', async () => {
		const cookie = await cookieOf(BRUNO);
		for (const p of adminPaths) {
			for (const target of [p, ...variantsOf(p)]) {
				const res = await raw(server, target, { headers: { Cookie: cookie } });
				expect([400, 404], target).toContain(res.status);
				expect(res.body.toString(), target).not.toContain('cd-invite-title');
			}
		}
	});

	it('refuses role changes sent to //admin/ and its variants, and the member stays a member', async () => {
		const cookie = await cookieOf(BRUNO);
		const me = (await (await member.get('/api/me', BRUNO)).json()) as { role: string };
		expect(me.role).toBe('member');
		const db = new Sqlite(path.join(server.dataDir, 'portal.db'), { readonly: true });
		const brunoId = db.prepare('SELECT id FROM user WHERE email = ?').pluck().get(BRUNO) as number;
		db.close();
		for (const target of ['/admin/', ...variantsOf('/admin/')]) {
			const res = await raw(server, target, {
				method: 'POST',
				headers: {
					Cookie: cookie,
					Origin: server.url,
					'Content-Type': 'application/x-www-form-urlencoded',
				},
				body: new URLSearchParams({
					action: 'role',
					userId: String(brunoId),
					role: 'admin',
				}).toString(),
			});
			expect([400, 404], target).toContain(res.status);
		}
		const after = (await (await member.get('/api/me', BRUNO)).json()) as { role: string };
		expect(after.role).toBe('member');
	});

	it('still serves an admin the canonical page through an encoded but unambiguous path', async () => {
		const res = await raw(server, '/%61dmin/', { headers: { Cookie: await cookieOf(CLAIRE) } });
		expect(res.status).toBe(200);
		expect(res.body.toString()).toContain('cd-invite-title');
	});

	it('gives signed-out visitors nothing of the members-only portal under any variant', async () => {
		for (const p of [
			'/messages/',
			'/fr/messages/',
			'/case-studies/',
			'/case-studies/alpha-launch/applied/',
			'/account/',
			'/post-mortems/',
			'/diffusion/',
			'/logout/',
			'/member-photos/x.webp',
			'/members-search/pagefind-entry.json',
			'/data/people.json',
			'/api/me',
			'/diffusion.csv',
			'/admin/',
			'/dev/outbox/',
		]) {
			for (const target of [p, ...variantsOf(p)]) {
				const res = await raw(server, target, { headers: { Accept: 'text/html' } });
				expect([303, 400, 401], target).toContain(res.status);
			}
		}
	});
});

describe('PORTAL_ACCESS=public', () => {
	let open: RunningServer;
	beforeAll(async () => {
		open = await startServer({ DEMO: 'true', PORTAL_ACCESS: 'public' });
	});
	afterAll(async () => {
		await open?.stop();
	});

	it('keeps profile photos and members’ features closed whatever the path', async () => {
		for (const p of ['/member-photos/1.webp', '/messages/', '/admin/']) {
			for (const target of [p, ...variantsOf(p)]) {
				const res = await raw(open, target);
				expect([303, 400, 401, 404], target).toContain(res.status);
			}
		}
		expect((await raw(open, '/case-studies/')).status).toBe(200);
	});
});

describe('ranges and errors never stop the server', () => {
	it('ignores a backwards range, refuses one past the end, serves a valid one, and stays up', async () => {
		const whole = await raw(server, '/favicon.svg');
		expect(whole.status).toBe(200);
		const backwards = await raw(server, '/favicon.svg', { headers: { Range: 'bytes=100-50' } });
		expect(backwards.status).toBe(200);
		expect(backwards.body.equals(whole.body)).toBe(true);
		expect((await raw(server, '/healthz')).status).toBe(200);
		const past = await raw(server, '/favicon.svg', {
			headers: { Range: `bytes=${whole.body.length + 10}-` },
		});
		expect(past.status).toBe(416);
		const garbage = await raw(server, '/favicon.svg', { headers: { Range: 'bytes=abc' } });
		expect(garbage.status).toBe(200);
		const part = await raw(server, '/favicon.svg', { headers: { Range: 'bytes=0-9' } });
		expect(part.status).toBe(206);
		expect(part.body.equals(whole.body.subarray(0, 10))).toBe(true);
		expect((await raw(server, '/healthz')).status).toBe(200);
	});

	it('answers a stale facet link with the list, complete and gzipped, not a hung response', async () => {
		const res = await raw(server, '/case-studies/?topic=zzz&channel=zzz&lang=zz&country=ZZ', {
			headers: { Cookie: await cookieOf(BRUNO), 'Accept-Encoding': 'gzip' },
			timeoutMs: 10_000,
		});
		expect(res.status).toBe(200);
		expect(res.headers['content-encoding']).toBe('gzip');
		const html = zlib.gunzipSync(res.body).toString();
		expect(html).toContain('</html>');
		expect(html).toContain('alpha-launch');
		expect((await raw(server, '/healthz')).status).toBe(200);
	});

	it('answers odd bodies and headers with a clear 4xx, not a stack trace', async () => {
		for (const headers of [{ 'Content-Type': 'text/plain' }, {} as Record<string, string>]) {
			const res = await raw(server, '/login/', {
				method: 'POST',
				headers: { Origin: server.url, ...headers },
				body: headers['Content-Type'] ? 'email=a' : '',
			});
			expect(res.status).toBe(415);
			expect(res.body.toString()).toMatch(/form data expected/);
		}
		const me = await raw(server, '/api/me', {
			headers: { Cookie: await cookieOf(BRUNO), Referer: 'http://[' },
		});
		expect(me.status).toBe(200);
		expect(JSON.parse(me.body.toString())).toMatchObject({ role: 'member' });
	});
});

describe('sign-in', () => {
	it('never redirects off-site after sign-in, whatever next says', async () => {
		for (const next of ['/..//evil.example/phish', '//evil.example/', '/%2e%2e//evil.example/']) {
			const res = await fetch(`${server.url}/login/?${new URLSearchParams({ next })}`, {
				method: 'POST',
				redirect: 'manual',
				headers: { Origin: server.url, 'X-Forwarded-For': '192.0.2.77' },
				body: new URLSearchParams({ email: ANNA, password: 'kestrel-rally-lisbon-2026', next }),
			});
			expect(res.status, next).toBe(303);
			const location = new URL(res.headers.get('location')!, server.url);
			expect(location.origin, next).toBe(server.url);
		}
	});

	it('takes the client address from the proxy’s own X-Forwarded-For entry, not the client’s', async () => {
		const email = 'nobody-forged@fixture.example';
		await fetch(`${server.url}/login/`, {
			method: 'POST',
			redirect: 'manual',
			headers: { Origin: server.url, 'X-Forwarded-For': '6.6.6.6, 203.0.113.9' },
			body: new URLSearchParams({ email, password: 'wrong password, quite long' }),
		});
		const db = new Sqlite(path.join(server.dataDir, 'portal.db'), { readonly: true });
		const ip = db
			.prepare('SELECT ip FROM audit_log WHERE target = ? ORDER BY id DESC')
			.pluck()
			.get(email);
		db.close();
		expect(ip).toBe('203.0.113.9');
	});

	it('slows an address that keeps guessing even when it forges the left-most X-Forwarded-For', async () => {
		const statuses: number[] = [];
		for (let i = 0; i < 23; i++) {
			const res = await fetch(`${server.url}/login/`, {
				method: 'POST',
				redirect: 'manual',
				headers: { Origin: server.url, 'X-Forwarded-For': `10.9.${i}.1, 198.51.100.23` },
				body: new URLSearchParams({
					email: `guess${i}@fixture.example`,
					password: 'wrong password, quite long',
				}),
			});
			statuses.push(res.status);
		}
		expect(statuses.slice(0, 20).every((s) => s === 401)).toBe(true);
		expect(statuses.slice(20)).toContain(429);
	});

	it('lets the owner in after a stranger’s failures, within the short delay the page states', async () => {
		for (let i = 0; i < 11; i++) {
			await fetch(`${server.url}/login/`, {
				method: 'POST',
				redirect: 'manual',
				headers: { Origin: server.url, 'X-Forwarded-For': `198.51.100.${100 + i}` },
				body: new URLSearchParams({ email: BRUNO, password: 'a wrong guess of the password' }),
			});
		}
		const attempt = () =>
			fetch(`${server.url}/login/`, {
				method: 'POST',
				redirect: 'manual',
				headers: { Origin: server.url, 'X-Forwarded-For': '192.0.2.10' },
				body: new URLSearchParams({ email: BRUNO, password: 'kestrel-rally-lisbon-2026' }),
			});
		let res = await attempt();
		if (res.status === 429) {
			const wait = Number(res.headers.get('retry-after'));
			expect(wait).toBeGreaterThan(0);
			expect(wait).toBeLessThanOrEqual(30);
			expect(await res.text()).toContain(`Wait ${wait} seconds`);
			await new Promise((r) => setTimeout(r, wait * 1000 + 100));
			res = await attempt();
		}
		expect(res.status).toBe(303);
	});

	it('never slows colleagues who sign in successfully from one shared address', async () => {
		for (let i = 0; i < 25; i++) {
			const res = await fetch(`${server.url}/login/`, {
				method: 'POST',
				redirect: 'manual',
				headers: { Origin: server.url, 'X-Forwarded-For': '203.0.113.200' },
				body: new URLSearchParams({ email: CLAIRE, password: 'kestrel-rally-lisbon-2026' }),
			});
			expect(res.status, `sign-in ${i + 1}`).toBe(303);
		}
	});
});

describe('the process and its files', () => {
	it('closes DATA_DIR to other accounts, even one created open, and stops cleanly with idle keep-alive sockets', async () => {
		const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cd-modes-'));
		fs.chmodSync(dataDir, 0o755);
		const s = await startServer({ DATA_DIR: dataDir, DEMO: 'true' });
		try {
			expect(fs.statSync(dataDir).mode & 0o777).toBe(0o700);
			expect(fs.statSync(path.join(dataDir, 'portal.db')).mode & 0o777).toBe(0o600);
			// A keep-alive socket left idle, and one that goes idle only after the signal.
			const agent = new http.Agent({ keepAlive: true, maxSockets: 2 });
			const { hostname, port } = new URL(s.url);
			const get = () =>
				new Promise<number>((resolve, reject) =>
					http
						.get({ host: hostname, port, path: '/healthz', agent }, (res) => {
							res.resume();
							res.on('end', () => resolve(res.statusCode!));
						})
						.on('error', reject),
				);
			expect(await Promise.all([get(), get()])).toEqual([200, 200]);
			const started = Date.now();
			const code = await s.stop();
			expect(code).toBe(0);
			expect(Date.now() - started).toBeLessThan(4000);
			expect(s.output()).not.toMatch(/Error/);
			agent.destroy();
		} finally {
			await s.stop();
			fs.rmSync(dataDir, { recursive: true, force: true });
		}
	});
});
