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
	};
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
