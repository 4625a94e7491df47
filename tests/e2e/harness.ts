// Real parts for end-to-end tests: the built fixture served by the real Node entry on 127.0.0.1 and
// a free port with its own temp DATA_DIR, and Debian's Chromium driven by playwright-core.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import crypto from 'node:crypto';
import { inject } from 'vitest';
import { openDatabase, openStore, type Database } from '../../src/lib/server/db';

/** The fixture site built for this test run by tests/e2e/global-setup.ts. */
export const FIXTURE_DIST = inject('fixtureDist');

export interface RunningServer {
	url: string;
	dataDir: string;
	/** The PostgreSQL database it uses (DATABASE_URL), or null for DATA_DIR/portal.db. */
	databaseUrl: string | null;
	output: () => string;
	/** SIGTERM, then the exit code once the process has ended. */
	stop: () => Promise<number | null>;
	/** Sends `signal` (SIGKILL: a crash) and resolves once the process has ended. */
	kill: (signal: NodeJS.Signals) => Promise<void>;
}

async function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const srv = net.createServer();
		srv.unref();
		srv.on('error', reject);
		srv.listen(0, '127.0.0.1', () => {
			const { port } = srv.address() as net.AddressInfo;
			srv.close(() => resolve(port));
		});
	});
}

/**
 * Starts dist/portal.mjs of the fixture build (or of `distDir`, a copy a test may change); resolves
 * when /healthz answers.
 */
export async function startServer(
	env: Record<string, string> = {},
	{ distDir = FIXTURE_DIST }: { distDir?: string } = {},
): Promise<RunningServer> {
	// A DATA_DIR given by the test is shared (two instances on one media directory).
	const dataDir = env.DATA_DIR ?? fs.mkdtempSync(path.join(os.tmpdir(), 'cd-e2e-'));
	const port = await freePort();
	// The `e2e-pg` project runs the same tests with the server on PostgreSQL, one database each
	// (pass the DATABASE_URL of a stopped server to start again on its data).
	const pg =
		process.env.E2E_STORE === 'postgres' && env.DATABASE_URL === undefined
			? createPgDatabase()
			: null;
	if (pg) env = { ...env, DATABASE_URL: pg.url };
	let log = '';
	// PORTAL_URL 'self': the links in mails lead to this server, so a test can follow them.
	const self = env.PORTAL_URL === 'self' ? { PORTAL_URL: `http://127.0.0.1:${port}` } : {};
	const child: ChildProcess = spawn(process.execPath, [path.join(distDir, 'portal.mjs')], {
		env: {
			...process.env,
			HOST: '127.0.0.1',
			PORT: String(port),
			DATA_DIR: dataDir,
			...env,
			...self,
		},
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	child.stdout!.on('data', (d) => (log += d));
	child.stderr!.on('data', (d) => (log += d));
	const url = `http://127.0.0.1:${port}`;
	const deadline = Date.now() + 20_000;
	for (;;) {
		if (child.exitCode !== null) throw new Error(`server exited early:\n${log}`);
		try {
			const res = await fetch(`${url}/healthz`);
			if (res.ok) break;
		} catch {
			// not listening yet
		}
		if (Date.now() > deadline) throw new Error(`server did not start:\n${log}`);
		await new Promise((r) => setTimeout(r, 100));
	}
	return {
		url,
		dataDir,
		databaseUrl: env.DATABASE_URL || null,
		output: () => log,
		stop: async () => {
			if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
			const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
			child.kill('SIGTERM');
			// The database stays (a test may start the server again on it); the cluster goes at the end.
			return exited;
		},
		kill: async (signal) => {
			if (child.exitCode !== null || child.signalCode !== null) return;
			const exited = new Promise<void>((r) => child.once('exit', () => r()));
			child.kill(signal);
			await exited;
		},
	};
}

/** Debian's Chromium, headless, with a fresh profile; never a downloaded browser. */
export async function launchBrowser(): Promise<Browser> {
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

/** The password of every demo account (src/lib/server/demo/accounts.ts). */
export const DEMO_PASSWORD = 'kestrel-rally-lisbon-2026';

export interface MemberClient {
	/** A session token for `email`, from the real sign-in form (one per member, reused). */
	tokenFor(email: string): Promise<string>;
	get(pathname: string, email: string): Promise<Response>;
	post(pathname: string, email: string, fields: Record<string, string>): Promise<Response>;
}

/** Real HTTP as signed-in members of a running server: sign-in form, cookie, Origin on POST. */
export function createMemberClient(server: RunningServer, password = DEMO_PASSWORD): MemberClient {
	const tokens = new Map<string, string>();
	const tokenFor = async (email: string) => {
		const known = tokens.get(email);
		if (known) return known;
		const res = await fetch(`${server.url}/login/`, {
			method: 'POST',
			headers: { Origin: server.url },
			body: new URLSearchParams({ email, password }),
			redirect: 'manual',
		});
		const token = /cd_session=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')?.[1];
		if (res.status !== 303 || !token) throw new Error(`sign-in of ${email} failed: ${res.status}`);
		tokens.set(email, token);
		return token;
	};
	return {
		tokenFor,
		get: async (pathname, email) =>
			fetch(server.url + pathname, {
				headers: { Cookie: `cd_session=${await tokenFor(email)}` },
				redirect: 'manual',
			}),
		post: async (pathname, email, fields) =>
			fetch(server.url + pathname, {
				method: 'POST',
				headers: { Origin: server.url, Cookie: `cd_session=${await tokenFor(email)}` },
				body: new URLSearchParams(fields),
				redirect: 'manual',
			}),
	};
}

/**
 * A new browser context signed in as `email` through the real sign-in form, on `start` (the home
 * page by default). A script error on any page fails the test.
 */
export async function signInPage(
	browser: Browser,
	server: RunningServer,
	email: string,
	options: {
		start?: string;
		password?: string;
		viewport?: { width: number; height: number };
		timezoneId?: string;
	} = {},
): Promise<Page> {
	const context = await browser.newContext({
		viewport: options.viewport ?? { width: 1280, height: 900 },
		timezoneId: options.timezoneId,
	});
	const page = await context.newPage();
	page.on('pageerror', (e) => {
		throw e;
	});
	const start = options.start ?? '/';
	await page.goto(
		`${server.url}/login/${start === '/' ? '' : `?${new URLSearchParams({ next: start })}`}`,
	);
	await page.getByLabel('Email').fill(email);
	await page.locator('#cd-password').fill(options.password ?? DEMO_PASSWORD);
	await Promise.all([
		page.waitForURL(`${server.url}${start}`),
		page.getByRole('button', { name: 'Sign in' }).click(),
	]);
	return page;
}

/**
 * Gives fixture members the editor roles a test needs, straight in the server's database (the
 * fixture has no demo roles): a country editor, an HQ editor (reviews every country), an admin.
 * @example setRoles(server, { 'anna@x': { role: 'editor', country: 'ES' } })
 */
export function setRoles(
	server: RunningServer,
	roles: Record<string, { role: 'member' | 'editor' | 'admin'; country?: string; hq?: boolean }>,
): void {
	const db = openServerStore(server);
	try {
		const update = db.prepare(
			'UPDATE user SET role = ?, country = COALESCE(?, country), hq = ? WHERE email = ?',
		);
		for (const [email, r] of Object.entries(roles))
			if (update.run(r.role, r.country ?? null, r.hq ? 1 : 0, email).changes !== 1)
				throw new Error(`no member ${email}`);
	} finally {
		db.close();
	}
}

/**
 * Names fixture members focal points of their country, straight in the server's database (tests
 * that are not about naming them).
 * @example nameFocalPoints(server, ['bruno@x'])
 */
export function nameFocalPoints(server: RunningServer, emails: string[]): void {
	const db = openServerStore(server);
	try {
		const insert = db.prepare(
			`INSERT INTO focal_point (country, user_id, created_at)
				SELECT user.country, user.id, unixepoch() FROM user WHERE user.email = ? AND user.country IS NOT NULL`,
		);
		for (const email of emails)
			if (insert.run(email).changes !== 1) throw new Error(`no member ${email} with a country`);
	} finally {
		db.close();
	}
}

/** A second connection to a running server's store (SQLite file or PostgreSQL); close it after. */
export function openServerStore(server: RunningServer): Database {
	return openDatabase(server.databaseUrl ?? path.join(server.dataDir, 'portal.db'));
}

/**
 * A new, migrated PostgreSQL database on this run's throwaway cluster (tests/pg/global-setup.ts),
 * for a server started with `DATABASE_URL: db.url`. `drop` removes it (servers stopped first).
 */
export function createPgDatabase(): { url: string; drop: () => void } {
	const adminUrl = inject('pgAdminUrl');
	const admin = openStore({ dataDir: '', databaseUrl: adminUrl, migrate: false });
	const name = `cd_e2e_${crypto.randomBytes(6).toString('hex')}`;
	try {
		admin.prepare(`CREATE DATABASE ${name} TEMPLATE cd_template`).run();
	} finally {
		admin.close();
	}
	const url = new URL(adminUrl);
	url.pathname = `/${name}`;
	return {
		url: url.toString(),
		drop: () => {
			const again = openStore({ dataDir: '', databaseUrl: adminUrl, migrate: false });
			try {
				again.prepare(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).run();
			} finally {
				again.close();
			}
		},
	};
}

/**
 * Rows of `sql` read straight from a running server's store (SQLite file or PostgreSQL), for
 * assertions on what was stored.
 * @example queryServer<{ n: number }>(server, 'SELECT count(*) AS n FROM message')
 */
export function queryServer<T>(server: RunningServer, sql: string, ...params: unknown[]): T[] {
	const db = openServerStore(server);
	try {
		return db.prepare(sql).all(...params) as T[];
	} finally {
		db.close();
	}
}
