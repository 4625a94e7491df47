import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, readServerConfig } from '../../src/lib/config';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'cd-config-'));

describe('server configuration', () => {
	it('defaults to localhost:4321, ./data and members-only access', () => {
		const cwd = tmp();
		const c = readServerConfig({}, cwd);
		expect(c).toMatchObject({
			port: 4321,
			host: 'localhost',
			access: 'members',
			dataDir: path.join(cwd, 'data'),
		});
		expect(fs.statSync(c.dataDir).isDirectory()).toBe(true);
	});

	it.each([
		[{ PORT: 'abc' }, 'PORT must be a whole number from 1 to 65535 (got "abc")'],
		[{ PORT: '70000' }, 'PORT must be a whole number from 1 to 65535 (got "70000")'],
		[
			{ HOST: 'local host' },
			'HOST must be a host name or IP address such as localhost or 0.0.0.0 (got "local host")',
		],
		[{ PORTAL_ACCESS: 'everyone' }, 'PORTAL_ACCESS must be "members" or "public" (got "everyone")'],
		[
			{ TRUST_PROXY: 'maybe' },
			'TRUST_PROXY must be true, false or the number of proxies in front (1–10) (got "maybe")',
		],
		[
			{ TRUST_PROXY: '11' },
			'TRUST_PROXY must be true, false or the number of proxies in front (1–10) (got "11")',
		],
		...['portal.example.com', 'ftp://portal.example.com', 'https://', 'https://a:b@x.example'].map(
			(bad): [Record<string, string>, string] => [
				{ PORTAL_URL: bad },
				`PORTAL_URL must be an absolute http or https address such as https://portal.example.com (got "${bad}")`,
			],
		),
	])('refuses %o with one clear line', (env, message) => {
		expect(() => readServerConfig(env, tmp())).toThrow(new ConfigError(message));
	});

	it('reads TRUST_PROXY as the number of proxies in front, true being one', () => {
		const cwd = tmp();
		expect(readServerConfig({}, cwd).proxyHops).toBe(0);
		expect(readServerConfig({ TRUST_PROXY: 'true' }, cwd).proxyHops).toBe(1);
		expect(readServerConfig({ TRUST_PROXY: '2' }, cwd)).toMatchObject({
			proxyHops: 2,
			trustProxy: true,
		});
		expect(readServerConfig({ TRUST_PROXY: 'false' }, cwd).trustProxy).toBe(false);
	});

	it('creates DATA_DIR readable by its owner only', () => {
		const cwd = tmp();
		const { dataDir } = readServerConfig({ DATA_DIR: 'fresh/data' }, cwd);
		expect(fs.statSync(dataDir).mode & 0o777).toBe(0o700);
	});

	it('builds absolute links from PORTAL_URL, by default from the port', () => {
		expect(readServerConfig({ PORT: '8080' }, tmp()).portalUrl).toBe('http://localhost:8080');
		expect(
			readServerConfig({ PORTAL_URL: 'https://portal.example.com/cd/' }, tmp()).portalUrl,
		).toBe('https://portal.example.com/cd');
	});

	it('refuses a DATA_DIR that is a file', () => {
		const cwd = tmp();
		fs.writeFileSync(path.join(cwd, 'file'), 'x');
		expect(() => readServerConfig({ DATA_DIR: 'file' }, cwd)).toThrow(
			/DATA_DIR must be a writable directory/,
		);
	});
});

describe('worker processes', () => {
	it('serves from one process unless WEB_CONCURRENCY asks for more, within 1–32', () => {
		expect(readServerConfig({}, tmp()).workers).toBe(1);
		expect(readServerConfig({ WEB_CONCURRENCY: '2' }, tmp()).workers).toBe(2);
		expect(() => readServerConfig({ WEB_CONCURRENCY: '0' }, tmp())).toThrow(
			new ConfigError('WEB_CONCURRENCY must be a whole number from 1 to 32 (got "0")'),
		);
	});
});

describe('job runner', () => {
	it('looks for due jobs every 30 s unless JOBS_POLL_MS says otherwise, within 50 ms–1 h', () => {
		expect(readServerConfig({}, tmp()).jobsPollMs).toBe(30_000);
		expect(readServerConfig({ JOBS_POLL_MS: '200' }, tmp()).jobsPollMs).toBe(200);
		expect(() => readServerConfig({ JOBS_POLL_MS: '1s' }, tmp())).toThrow(
			new ConfigError(
				'JOBS_POLL_MS must be a whole number of milliseconds from 50 to 3600000 (got "1s")',
			),
		);
	});
});

describe('retention of personal data', () => {
	it('keeps session IPs 90 days, the audit log 24 months and outbox mails 30 days unless told otherwise', () => {
		expect(readServerConfig({}, tmp())).toMatchObject({
			sessionMetaRetentionDays: 90,
			auditRetentionMonths: 24,
			outboxRetentionDays: 30,
			analyticsRetentionMonths: 24,
		});
		expect(
			readServerConfig(
				{
					SESSION_META_RETENTION_DAYS: '30',
					AUDIT_RETENTION_MONTHS: '12',
					OUTBOX_RETENTION_DAYS: '7',
				},
				tmp(),
			),
		).toMatchObject({
			sessionMetaRetentionDays: 30,
			auditRetentionMonths: 12,
			outboxRetentionDays: 7,
		});
	});

	it.each([
		[
			{ SESSION_META_RETENTION_DAYS: '0' },
			'SESSION_META_RETENTION_DAYS must be a whole number of days from 1 to 3650 (got "0")',
		],
		[
			{ AUDIT_RETENTION_MONTHS: '2y' },
			'AUDIT_RETENTION_MONTHS must be a whole number of months from 1 to 120 (got "2y")',
		],
		[
			{ OUTBOX_RETENTION_DAYS: '9999' },
			'OUTBOX_RETENTION_DAYS must be a whole number of days from 1 to 3650 (got "9999")',
		],
	])('refuses %o with one clear line', (env, message) => {
		expect(() => readServerConfig(env, tmp())).toThrow(new ConfigError(message));
	});
});

describe('single sign-on', () => {
	const sso = {
		OIDC_ISSUER: 'https://login.example.com/tenant',
		OIDC_CLIENT_ID: 'portal',
		OIDC_CLIENT_SECRET: 's3cret',
	};

	it('is off unless configured, and then has the documented defaults', () => {
		expect(readServerConfig({}, tmp())).toMatchObject({ oidc: null, localPasswords: true });
		expect(readServerConfig({ ...sso, OIDC_ADMIN_GROUPS: 'a, b' }, tmp()).oidc).toEqual({
			issuer: 'https://login.example.com/tenant',
			clientId: 'portal',
			clientSecret: 's3cret',
			scopes: 'openid email profile',
			countryClaim: 'country',
			roleClaim: 'groups',
			adminGroups: ['a', 'b'],
			editorGroups: [],
			hqGroups: [],
			logout: false,
		});
	});

	it.each([
		[
			{ OIDC_ISSUER: sso.OIDC_ISSUER },
			'Single sign-on needs OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET together (missing OIDC_CLIENT_ID, OIDC_CLIENT_SECRET)',
		],
		[
			{ OIDC_LOGOUT: 'true' },
			'OIDC_LOGOUT is set but single sign-on is not: set OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET too, or unset OIDC_LOGOUT',
		],
		[
			{ ...sso, OIDC_ISSUER: 'http://login.example.com' },
			`OIDC_ISSUER must be the provider's https address such as https://login.example.com/tenant (got "http://login.example.com")`,
		],
		[
			{ ...sso, OIDC_SCOPES: 'email profile' },
			'OIDC_SCOPES must be space-separated scopes including openid (got "email profile")',
		],
		[{ ...sso, OIDC_LOGOUT: 'maybe' }, 'OIDC_LOGOUT must be true or false (got "maybe")'],
		[{ ...sso, LOCAL_PASSWORDS: 'nope' }, 'LOCAL_PASSWORDS must be true or false (got "nope")'],
		[
			{ LOCAL_PASSWORDS: 'false' },
			'LOCAL_PASSWORDS=false needs single sign-on (OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET): nobody could sign in',
		],
	])('refuses %o with one line', (env, message) => {
		expect(() => readServerConfig(env, tmp())).toThrow(new ConfigError(message));
	});

	it('accepts a plain-http provider only on this machine (the tests’)', () => {
		const c = readServerConfig({ ...sso, OIDC_ISSUER: 'http://127.0.0.1:9000' }, tmp());
		expect(c.oidc?.issuer).toBe('http://127.0.0.1:9000/');
		expect(readServerConfig({ ...sso, LOCAL_PASSWORDS: 'false' }, tmp()).localPasswords).toBe(
			false,
		);
	});
});
