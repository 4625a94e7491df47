// Server configuration from the environment, checked once at start: a bad value stops the start
// with one line that names the variable, what it got and what it accepts.
import fs from 'node:fs';
import path from 'node:path';

export interface ServerConfig {
	port: number;
	host: string;
	dataDir: string;
	/** `members` gates everything behind sign-in; `public` opens reading pages. */
	access: 'members' | 'public';
	/** Trust X-Forwarded-Proto/For from a reverse proxy. */
	trustProxy: boolean;
	/** How many reverse proxies stand in front (0: none): which X-Forwarded-For entry is the client. */
	proxyHops: number;
	/** Seed demo accounts and expose the outbox to admins. */
	demo: boolean;
	/** HTTP worker processes (WEB_CONCURRENCY); 1 serves from the main process. */
	workers: number;
	/** Absolute address of the portal (PORTAL_URL) without a trailing slash, for links in mails and feeds. */
	portalUrl: string;
	/** Months of weekly reading figures kept (ANALYTICS_RETENTION_MONTHS, default 24). */
	analyticsRetentionMonths: number;
	/** Days a session keeps its IP address and browser (SESSION_META_RETENTION_DAYS, default 90). */
	sessionMetaRetentionDays: number;
	/** Months of audit log kept (AUDIT_RETENTION_MONTHS, default 24). */
	auditRetentionMonths: number;
	/** Days an outbox mail file is kept (OUTBOX_RETENTION_DAYS, default 30). */
	outboxRetentionDays: number;
	/** How often the job runner looks for due jobs, in ms (JOBS_POLL_MS, default 30 s; tests shorten it). */
	jobsPollMs: number;
	/** Single sign-on through the company's OpenID provider (OIDC_*); `null` when not configured. */
	oidc: OidcConfig | null;
	/** Local passwords (LOCAL_PASSWORDS, default true); false leaves single sign-on as the only way in. */
	localPasswords: boolean;
	/** Bearer token of the directory's SCIM client (SCIM_TOKEN); `null`: /scim/v2 answers 404. */
	scimToken: string | null;
	/** PostgreSQL instead of SQLite (DATABASE_URL, postgres://…); `null`: DATA_DIR/portal.db. */
	databaseUrl: string | null;
}

export interface OidcConfig {
	/** The issuer's address exactly as the provider announces it (https, or http on loopback for tests). */
	issuer: string;
	clientId: string;
	clientSecret: string;
	scopes: string;
	/** Claim holding the member's ISO country code. */
	countryClaim: string;
	/** Claim holding the member's groups (a list or one string). */
	roleClaim: string;
	adminGroups: string[];
	editorGroups: string[];
	hqGroups: string[];
	/** Also end the provider's session on sign-out (RP-initiated logout). */
	logout: boolean;
}

/** A configuration mistake the operator must fix; its message is the one line printed. */
export class ConfigError extends Error {
	override name = 'ConfigError';
}

/**
 * Reads and checks the configuration.
 * @example readServerConfig({ PORT: '8080' }).port // 8080
 */
export function readServerConfig(
	env: Record<string, string | undefined>,
	cwd = process.cwd(),
): ServerConfig {
	const portText = env.PORT?.trim() || '4321';
	if (!/^\d+$/.test(portText) || Number(portText) < 1 || Number(portText) > 65535) {
		throw new ConfigError(`PORT must be a whole number from 1 to 65535 (got "${env.PORT}")`);
	}
	const host = env.HOST?.trim() || 'localhost';
	if (!/^[A-Za-z0-9.:\-[\]]+$/.test(host)) {
		throw new ConfigError(
			`HOST must be a host name or IP address such as localhost or 0.0.0.0 (got "${env.HOST}")`,
		);
	}
	const dataDir = path.resolve(cwd, env.DATA_DIR?.trim() || './data');
	try {
		// The database, backups and the outbox (reset links) are for this account's eyes only.
		fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
		fs.accessSync(dataDir, fs.constants.W_OK);
	} catch (error) {
		const reason = (error as NodeJS.ErrnoException).code ?? 'not writable';
		throw new ConfigError(`DATA_DIR must be a writable directory (got "${dataDir}": ${reason})`);
	}
	if (fs.statSync(dataDir).isDirectory() === false) {
		throw new ConfigError(`DATA_DIR must be a directory (got "${dataDir}")`);
	}
	const access = (env.PORTAL_ACCESS?.trim() || 'members') as ServerConfig['access'];
	if (access !== 'members' && access !== 'public') {
		throw new ConfigError(
			`PORTAL_ACCESS must be "members" or "public" (got "${env.PORTAL_ACCESS}")`,
		);
	}
	const flag = (name: string, fallback: boolean, accepted = 'true or false') => {
		const v = env[name]?.trim().toLowerCase();
		if (v === undefined || v === '') return fallback;
		if (['1', 'true', 'yes', 'on'].includes(v)) return true;
		if (['0', 'false', 'no', 'off'].includes(v)) return false;
		throw new ConfigError(`${name} must be ${accepted} (got "${env[name]}")`);
	};
	const workersText = env.WEB_CONCURRENCY?.trim() || '1';
	if (!/^\d+$/.test(workersText) || Number(workersText) < 1 || Number(workersText) > 32) {
		throw new ConfigError(
			`WEB_CONCURRENCY must be a whole number from 1 to 32 (got "${env.WEB_CONCURRENCY}")`,
		);
	}
	// TRUST_PROXY=true is one proxy (nginx in front); a number says how many stand in a row.
	const proxyText = env.TRUST_PROXY?.trim().toLowerCase() ?? '';
	const proxyHops = /^\d{1,2}$/.test(proxyText)
		? Number(proxyText)
		: flag('TRUST_PROXY', false, 'true, false or the number of proxies in front (1–10)')
			? 1
			: 0;
	if (proxyHops > 10) {
		throw new ConfigError(
			`TRUST_PROXY must be true, false or the number of proxies in front (1–10) (got "${env.TRUST_PROXY}")`,
		);
	}
	const portalUrl = readPortalUrl({ ...env, PORT: portText });
	const retention = readRetention(env);
	const pollText = env.JOBS_POLL_MS?.trim() || '30000';
	if (!/^\d+$/.test(pollText) || Number(pollText) < 50 || Number(pollText) > 3_600_000)
		throw new ConfigError(
			`JOBS_POLL_MS must be a whole number of milliseconds from 50 to 3600000 (got "${env.JOBS_POLL_MS}")`,
		);
	return {
		port: Number(portText),
		host,
		dataDir,
		access,
		trustProxy: proxyHops > 0,
		proxyHops,
		demo: flag('DEMO', false),
		workers: Number(workersText),
		portalUrl,
		...retention,
		jobsPollMs: Number(pollText),
		oidc: readOidcConfig(env),
		localPasswords: readLocalPasswords(env),
		scimToken: readScimToken(env),
		databaseUrl: readDatabaseUrl(env),
	};
}

/**
 * DATABASE_URL: a postgres:// (or postgresql://) address with a database name; empty or unset means
 * SQLite in DATA_DIR. Other schemes stop the start rather than silently using SQLite.
 * @example readDatabaseUrl({ DATABASE_URL: 'postgres://portal@db/portal' }) // 'postgres://portal@db/portal'
 */
export function readDatabaseUrl(env: Record<string, string | undefined>): string | null {
	const text = env.DATABASE_URL?.trim() ?? '';
	if (text === '') return null;
	let url: URL | null = null;
	try {
		url = new URL(text);
	} catch {
		url = null;
	}
	const shown = text.replace(/\/\/([^:/@]*):[^@]*@/, '//$1:***@');
	if (!url || (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:')) {
		throw new ConfigError(
			`DATABASE_URL must be a PostgreSQL address such as postgres://user:password@host:5432/portal (got "${shown}")`,
		);
	}
	if (url.pathname.replace(/^\//, '') === '') {
		throw new ConfigError(`DATABASE_URL must name a database after the host (got "${shown}")`);
	}
	return text;
}

const OIDC_REQUIRED = ['OIDC_ISSUER', 'OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET'] as const;
const OIDC_OPTIONAL = [
	'OIDC_SCOPES',
	'OIDC_COUNTRY_CLAIM',
	'OIDC_ROLE_CLAIM',
	'OIDC_ADMIN_GROUPS',
	'OIDC_EDITOR_GROUPS',
	'OIDC_HQ_GROUPS',
	'OIDC_LOGOUT',
] as const;

/**
 * Single sign-on settings: all of OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET or none (then
 * `null`, and no other OIDC_ variable may be set, so a half-done setup fails at start, not at sign-in).
 * @example readOidcConfig({ OIDC_ISSUER: 'https://login.example.com', OIDC_CLIENT_ID: 'portal', OIDC_CLIENT_SECRET: 's' })?.scopes // 'openid email profile'
 */
export function readOidcConfig(env: Record<string, string | undefined>): OidcConfig | null {
	const value = (name: string) => env[name]?.trim() || '';
	const set = OIDC_REQUIRED.filter((name) => value(name));
	if (set.length === 0) {
		const stray = OIDC_OPTIONAL.find((name) => value(name));
		if (stray)
			throw new ConfigError(
				`${stray} is set but single sign-on is not: set OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET too, or unset ${stray}`,
			);
		return null;
	}
	if (set.length < OIDC_REQUIRED.length) {
		const missing = OIDC_REQUIRED.filter((name) => !value(name));
		throw new ConfigError(
			`Single sign-on needs OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET together (missing ${missing.join(', ')})`,
		);
	}
	let issuer: URL | null = null;
	try {
		issuer = new URL(value('OIDC_ISSUER'));
	} catch {
		issuer = null;
	}
	// Plain http only to a provider on this machine (the tests'); anywhere else codes and tokens would cross the network in clear.
	const loopback =
		issuer?.protocol === 'http:' && ['127.0.0.1', '[::1]', 'localhost'].includes(issuer.hostname);
	if (
		!issuer ||
		(issuer.protocol !== 'https:' && !loopback) ||
		issuer.search ||
		issuer.hash ||
		issuer.username
	) {
		throw new ConfigError(
			`OIDC_ISSUER must be the provider's https address such as https://login.example.com/tenant (got "${env.OIDC_ISSUER}")`,
		);
	}
	const scopes = value('OIDC_SCOPES') || 'openid email profile';
	if (!scopes.split(/\s+/).includes('openid') || !/^[\x21\x23-\x5b\x5d-\x7e ]+$/.test(scopes)) {
		throw new ConfigError(
			`OIDC_SCOPES must be space-separated scopes including openid (got "${env.OIDC_SCOPES}")`,
		);
	}
	const claimName = (name: string, fallback: string) => {
		const text = value(name) || fallback;
		if (!/^[A-Za-z0-9_:./-]{1,200}$/.test(text))
			throw new ConfigError(
				`${name} must be a claim name such as ${fallback} (got "${env[name]}")`,
			);
		return text;
	};
	const groups = (name: string) =>
		value(name)
			.split(',')
			.map((g) => g.trim())
			.filter(Boolean);
	const logoutText = value('OIDC_LOGOUT').toLowerCase();
	if (logoutText && !['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'].includes(logoutText))
		throw new ConfigError(`OIDC_LOGOUT must be true or false (got "${env.OIDC_LOGOUT}")`);
	return {
		issuer: issuer.href,
		clientId: value('OIDC_CLIENT_ID'),
		clientSecret: value('OIDC_CLIENT_SECRET'),
		scopes,
		countryClaim: claimName('OIDC_COUNTRY_CLAIM', 'country'),
		roleClaim: claimName('OIDC_ROLE_CLAIM', 'groups'),
		adminGroups: groups('OIDC_ADMIN_GROUPS'),
		editorGroups: groups('OIDC_EDITOR_GROUPS'),
		hqGroups: groups('OIDC_HQ_GROUPS'),
		logout: ['true', '1', 'yes', 'on'].includes(logoutText),
	};
}

/**
 * SCIM_TOKEN: the secret the directory sends as `Authorization: Bearer …`; at least 32 printable
 * characters (e.g. `openssl rand -hex 32`), `null` when unset.
 * @example readScimToken({ SCIM_TOKEN: 'f3a…' }) // 'f3a…'
 */
export function readScimToken(env: Record<string, string | undefined>): string | null {
	const text = env.SCIM_TOKEN?.trim() ?? '';
	if (!text) return null;
	if (!/^[\x21-\x7e]{32,512}$/.test(text))
		throw new ConfigError(
			`SCIM_TOKEN must be at least 32 printable characters without spaces, e.g. from openssl rand -hex 32 (got ${text.length} characters)`,
		);
	return text;
}

/**
 * LOCAL_PASSWORDS (default true). False needs single sign-on, or nobody could sign in.
 * @example readLocalPasswords({ LOCAL_PASSWORDS: 'false', OIDC_ISSUER: '…', … }) // false
 */
export function readLocalPasswords(env: Record<string, string | undefined>): boolean {
	const text = env.LOCAL_PASSWORDS?.trim().toLowerCase() || 'true';
	if (!['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'].includes(text))
		throw new ConfigError(`LOCAL_PASSWORDS must be true or false (got "${env.LOCAL_PASSWORDS}")`);
	const enabled = ['true', '1', 'yes', 'on'].includes(text);
	if (!enabled && !readOidcConfig(env))
		throw new ConfigError(
			'LOCAL_PASSWORDS=false needs single sign-on (OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET): nobody could sign in',
		);
	return enabled;
}

/**
 * How many months of weekly reading figures are kept (ANALYTICS_RETENTION_MONTHS): a whole number
 * from 1 to 120, 24 when unset.
 * @example readAnalyticsRetentionMonths({ ANALYTICS_RETENTION_MONTHS: '12' }) // 12
 */
export function readAnalyticsRetentionMonths(env: Record<string, string | undefined>): number {
	const text = env.ANALYTICS_RETENTION_MONTHS?.trim() || '24';
	if (!/^\d{1,3}$/.test(text) || Number(text) < 1 || Number(text) > 120) {
		throw new ConfigError(
			`ANALYTICS_RETENTION_MONTHS must be a whole number of months from 1 to 120 (got "${env.ANALYTICS_RETENTION_MONTHS}")`,
		);
	}
	return Number(text);
}

/** How long personal data is kept, as the privacy page states it and the hourly upkeep enforces it. */
export interface Retention {
	sessionMetaRetentionDays: number;
	auditRetentionMonths: number;
	outboxRetentionDays: number;
	analyticsRetentionMonths: number;
}

/**
 * The retention settings: SESSION_META_RETENTION_DAYS (1–3650, default 90), AUDIT_RETENTION_MONTHS
 * (1–120, default 24), OUTBOX_RETENTION_DAYS (1–3650, default 30) and ANALYTICS_RETENTION_MONTHS.
 * @example readRetention({ AUDIT_RETENTION_MONTHS: '12' }).auditRetentionMonths // 12
 */
export function readRetention(env: Record<string, string | undefined>): Retention {
	const whole = (name: string, fallback: number, max: number, unit: string): number => {
		const text = env[name]?.trim() || String(fallback);
		if (!/^\d{1,4}$/.test(text) || Number(text) < 1 || Number(text) > max) {
			throw new ConfigError(
				`${name} must be a whole number of ${unit} from 1 to ${max} (got "${env[name]}")`,
			);
		}
		return Number(text);
	};
	return {
		sessionMetaRetentionDays: whole('SESSION_META_RETENTION_DAYS', 90, 3650, 'days'),
		auditRetentionMonths: whole('AUDIT_RETENTION_MONTHS', 24, 120, 'months'),
		outboxRetentionDays: whole('OUTBOX_RETENTION_DAYS', 30, 3650, 'days'),
		analyticsRetentionMonths: readAnalyticsRetentionMonths(env),
	};
}

/** The retention settings of this process (checked at start). */
export function getRetention(env: Record<string, string | undefined> = process.env): Retention {
	return readRetention(env);
}

/**
 * The built site's static files (dist/client), set by the server entry before any page runs; unset
 * under `astro dev` without a build.
 * @example getClientDir() // '/srv/portal/dist/client'
 */
export function getClientDir(env: Record<string, string | undefined> = process.env): string | null {
	return env.PORTAL_CLIENT_DIR || null;
}

/**
 * The portal's absolute address from PORTAL_URL (default `http://localhost:$PORT`), without a
 * trailing slash: an http(s) URL with no query, fragment or credentials. Links that leave the portal
 * (mails, feeds) are built from it, never from a request's Host header, which a client controls.
 * @example readPortalUrl({ PORTAL_URL: 'https://portal.example/' }) // 'https://portal.example'
 */
export function readPortalUrl(env: Record<string, string | undefined>): string {
	const text = env.PORTAL_URL?.trim() || `http://localhost:${env.PORT?.trim() || '4321'}`;
	let url: URL | null = null;
	try {
		url = new URL(text);
	} catch {
		url = null;
	}
	if (
		!url ||
		(url.protocol !== 'http:' && url.protocol !== 'https:') ||
		url.username ||
		url.password ||
		url.search ||
		url.hash ||
		!/^[a-z][a-z0-9+.-]*:\/\//i.test(text)
	) {
		throw new ConfigError(
			`PORTAL_URL must be an absolute http or https address such as https://portal.example.com (got "${env.PORTAL_URL}")`,
		);
	}
	return (url.origin + url.pathname).replace(/\/+$/, '');
}

// The few settings read while serving, outside readServerConfig (which checks them at start): each
// is read here so that no other module touches the environment.

/** The portal's absolute address (PORTAL_URL, checked at start). */
export function getPortalUrl(env: Record<string, string | undefined> = process.env): string {
	return readPortalUrl(env);
}

/** The data directory: `DATA_DIR` or `./data`, resolved against the working directory. */
export function getDataDirFromEnv(env: Record<string, string | undefined> = process.env): string {
	return path.resolve(env.DATA_DIR ?? './data');
}

/** The content tree (`CONTENT_DIR`, default `./content`): the bench and test fixtures use others. */
export function getContentDir(env: Record<string, string | undefined> = process.env): string {
	return env.CONTENT_DIR ?? './content';
}

/** Mail transport settings: `SMTP_URL` (none: the outbox) and `MAIL_FROM`. */
export function getMailEnv(env: Record<string, string | undefined> = process.env): {
	smtpUrl: string | null;
	from: string | null;
	dataDir: string;
} {
	return {
		smtpUrl: env.SMTP_URL || null,
		from: env.MAIL_FROM || null,
		dataDir: getDataDirFromEnv(env),
	};
}

/** Where Debian's ffmpeg and ffprobe are (FFMPEG_PATH / FFPROBE_PATH, else on the PATH). */
export function getMediaToolPaths(env: Record<string, string | undefined> = process.env): {
	ffmpeg: string;
	ffprobe: string;
} {
	return { ffmpeg: env.FFMPEG_PATH || 'ffmpeg', ffprobe: env.FFPROBE_PATH || 'ffprobe' };
}

/** Months of reading figures kept (ANALYTICS_RETENTION_MONTHS, checked at start). */
export function getAnalyticsRetentionMonths(
	env: Record<string, string | undefined> = process.env,
): number {
	return readAnalyticsRetentionMonths(env);
}

let oidcCache: { env: string; config: OidcConfig | null } | undefined;

/** Single sign-on settings (checked at start); `null` when not configured. */
export function getOidcConfig(
	env: Record<string, string | undefined> = process.env,
): OidcConfig | null {
	const key = [...OIDC_REQUIRED, ...OIDC_OPTIONAL].map((name) => env[name] ?? '').join('\n');
	if (oidcCache?.env !== key) oidcCache = { env: key, config: readOidcConfig(env) };
	return oidcCache.config;
}

/** Whether password sign-in and reset are offered (LOCAL_PASSWORDS, checked at start). */
export function getLocalPasswordsEnabled(
	env: Record<string, string | undefined> = process.env,
): boolean {
	return readLocalPasswords(env);
}

/** The SCIM bearer token (SCIM_TOKEN, checked at start); `null` when provisioning is off. */
export function getScimToken(env: Record<string, string | undefined> = process.env): string | null {
	return readScimToken(env);
}
