// The portal's HTTP server: security headers → health check → (members' gate) → static files of the
// current release (precompressed, cached) → its Astro handler for on-request pages → the 404 page.
// A new build is a new release directory, swapped in without a restart (see release-watcher.ts).
// @astrojs/node's standalone mode serves files before any middleware runs, so it could never gate
// them: this server owns the order instead.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import compression from 'compression';
import type { ServerConfig } from '../src/lib/config';
import { getDatabase } from '../src/lib/server/db';
import { withReaderLang } from '../src/lib/server/member-name';
import {
	isBearerApi,
	isPageRequest,
	isTokenAuthorizedPost,
	requiredAccess,
} from '../src/lib/access';
import { normalizeRequestTarget } from '../src/lib/request-target';
import { createStaticHandler, type StaticHandler } from './static-files';
import { markServedRelease, resolveReleaseDir, watchReleases } from './release-watcher';
import {
	readSessionToken,
	serializeBlankSessionCookie,
	serializeSessionCookie,
	validateSessionToken,
} from '../src/lib/server/session';
import {
	countsAsRead,
	practiceSlugOfPath,
	recordPracticeRead,
} from '../src/lib/server/analytics/reads';

type Next = (err?: unknown) => void;
type Handler = (req: http.IncomingMessage, res: http.ServerResponse, next: Next) => void;
type AstroHandler = (
	req: http.IncomingMessage,
	res: http.ServerResponse,
	next: Next,
	locals: App.Locals,
) => void;

export interface PortalServer {
	server: http.Server;
	url: string;
	close(): Promise<void>;
}

const CSP = [
	"default-src 'self'",
	"script-src 'self' 'wasm-unsafe-eval'",
	"style-src 'self' 'unsafe-inline'",
	"img-src 'self' data: blob:",
	"media-src 'self'",
	"font-src 'self'",
	"connect-src 'self'",
	'frame-src https://www.youtube-nocookie.com https://player.vimeo.com',
	"frame-ancestors 'none'",
	"base-uri 'self'",
	"form-action 'self'",
	"object-src 'none'",
].join('; ');

function setSecurityHeaders(res: http.ServerResponse, secure: boolean) {
	res.setHeader('Content-Security-Policy', CSP);
	res.setHeader('X-Content-Type-Options', 'nosniff');
	res.setHeader('Referrer-Policy', 'strict-origin-when-cross-origin');
	res.setHeader('X-Frame-Options', 'DENY');
	res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
	res.setHeader('Permissions-Policy', 'camera=(), microphone=(), geolocation=()');
	if (secure) res.setHeader('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
}

/** True when the request reached us over https (directly, or through a trusted proxy). */
export function isSecureRequest(req: http.IncomingMessage, proxyHops: number): boolean {
	if ((req.socket as { encrypted?: boolean }).encrypted) return true;
	return (
		proxyHops > 0 &&
		String(req.headers['x-forwarded-proto'] ?? '')
			.split(',')[0]
			.trim() === 'https'
	);
}

function cacheControlFor(pathname: string): string {
	// Vite's hashed assets never change under the same name.
	if (pathname.startsWith('/_astro/')) return 'public, max-age=31536000, immutable';
	// Pagefind names its index files by content, in the primary index and in its shards
	// (/pagefind/shards/<n>/) alike; the entry files and cd-*.json keep their names: revalidated.
	if (
		pathname.startsWith('/pagefind/') &&
		/\.(pf_fragment|pf_index|pf_meta|pagefind)$/.test(pathname)
	) {
		return 'public, max-age=31536000, immutable';
	}
	// HTML, feeds, media: revalidate with the ETag every time so a rebuild shows at once.
	return 'no-cache';
}

/** One release loaded for serving: its files, its page handler and its 404 pages. */
interface LoadedRelease {
	dir: string;
	serveStatic: StaticHandler;
	astroHandler: AstroHandler;
	notFoundEn: Buffer;
	notFoundFr: Buffer;
	/** sha-256 of the portal.mjs built with it (release.json), or null when unknown. */
	serverBundle: string | null;
	rejectionListeners: NodeJS.UnhandledRejectionListener[];
}

async function loadRelease(releaseDir: string): Promise<LoadedRelease> {
	const clientDir = path.join(releaseDir, 'client');
	const entry = path.join(releaseDir, 'server', 'entry.mjs');
	if (!fs.existsSync(entry))
		throw new Error(`No built site in ${releaseDir}: run \`npm run build\` first`);
	// Pages rendered on request read build manifests (card images) from here. Set before the import:
	// a release's page modules are new module instances that read it once.
	const previousClientDir = process.env.PORTAL_CLIENT_DIR;
	process.env.PORTAL_CLIENT_DIR = clientDir;
	// Each release's entry is a different URL, so its pages load as modules of their own; the
	// previous release's modules stay in memory (ESM cannot be unloaded) and finish what they serve.
	let astroHandler: AstroHandler;
	const listenersBefore = new Set(process.listeners('unhandledRejection'));
	try {
		({ handler: astroHandler } = (await import(pathToFileURL(entry).href)) as {
			handler: AstroHandler;
		});
	} catch (error) {
		if (previousClientDir === undefined) delete process.env.PORTAL_CLIENT_DIR;
		else process.env.PORTAL_CLIENT_DIR = previousClientDir;
		throw error;
	}
	// Astro's handler logs unhandled rejections from a process listener of its own, one per release.
	const rejectionListeners = process
		.listeners('unhandledRejection')
		.filter((l) => !listenersBefore.has(l));
	// The 404 page in the language of the address asked for (fr/404.html for /fr/…).
	const readPage = (name: string) => {
		const file = path.join(clientDir, name);
		return fs.existsSync(file) ? fs.readFileSync(file) : null;
	};
	const notFoundEn = readPage('404.html') ?? Buffer.from('Not found');
	const notFoundFr = readPage('fr/404.html') ?? notFoundEn;
	let serverBundle: string | null = null;
	try {
		const meta = JSON.parse(fs.readFileSync(path.join(releaseDir, 'release.json'), 'utf8'));
		serverBundle = typeof meta.serverBundle === 'string' ? meta.serverBundle : null;
	} catch {
		serverBundle = null;
	}
	// Filled as files are asked for: right for a release, which never changes (static-files.ts).
	const serveStatic = createStaticHandler(clientDir, (res, pathname) =>
		res.setHeader('Cache-Control', cacheControlFor(pathname)),
	);
	return {
		dir: releaseDir,
		serveStatic,
		astroHandler,
		notFoundEn,
		notFoundFr,
		serverBundle,
		rejectionListeners,
	};
}

export interface PortalHandlerOptions {
	/** sha-256 of the running portal.mjs: a release built with other server code is logged. */
	serverBundle?: string | null;
	/** Called once a new release serves (after the swap). */
	onRelease?: (releaseDir: string) => void;
	/** How often `current` is checked besides fs.watch (ms). */
	pollMs?: number;
}

export interface PortalHandler {
	listener: (req: http.IncomingMessage, res: http.ServerResponse) => void;
	/** The directory of the release now served. */
	releaseDir(): string;
	/** Stops following new releases. */
	stop(): void;
}

/**
 * Builds the request listener for a built site in `distDir` (portal.mjs, current → a release with
 * client/ and server/; or client/ and server/ directly, built before releases). A release published
 * later is loaded beside the served one and swapped in once ready; requests already under way
 * finish on the release they started with.
 */
export async function createPortalHandler(
	distDir: string,
	config: ServerConfig,
	options: PortalHandlerOptions = {},
): Promise<PortalHandler> {
	let active = await loadRelease(resolveReleaseDir(distDir));
	const forgetServed = markServedRelease(distDir, active.dir);
	let wanted = active.dir;
	let failed: string | null = null;
	let loading: Promise<void> | null = null;
	const loadWanted = async () => {
		while (wanted !== active.dir && wanted !== failed) {
			const dir = wanted;
			const started = performance.now();
			try {
				const replaced = active;
				active = await loadRelease(dir);
				// Else each swap leaves one more listener (and its release) behind; index.ts still logs
				// what the replaced release's requests reject.
				for (const l of replaced.rejectionListeners) process.off('unhandledRejection', l);
				markServedRelease(distDir, active.dir);
			} catch (error) {
				// Keep serving the release that works; the next publication is tried afresh.
				failed = dir;
				console.error(
					`Release ${path.basename(dir)} could not be loaded; still serving the previous one:`,
					error,
				);
				continue;
			}
			console.log(
				`Serving release ${path.basename(dir)} (swapped in ${Math.round(performance.now() - started)} ms)`,
			);
			if (
				options.serverBundle &&
				active.serverBundle &&
				active.serverBundle !== options.serverBundle
			) {
				console.warn(
					`Release ${path.basename(dir)} was built with other server code (portal.mjs): its pages and files are served now; restart the server to run its server code (gate, sessions, database migrations).`,
				);
			}
			options.onRelease?.(dir);
		}
	};
	const stopWatching = watchReleases(
		distDir,
		active.dir,
		(dir) => {
			wanted = dir;
			loading ??= loadWanted().finally(() => {
				loading = null;
			});
		},
		{ intervalMs: options.pollMs },
	);

	// Compresses what Astro renders on request; static files come precompressed from the build.
	const compress = compression({ threshold: 1024 }) as unknown as Handler;

	const handle = (req: http.IncomingMessage, res: http.ServerResponse) => {
		// The whole request is answered from one release, even if another is swapped in meanwhile.
		const { serveStatic, astroHandler, notFoundEn, notFoundFr } = active;
		const secure = isSecureRequest(req, config.proxyHops);
		setSecurityHeaders(res, secure);
		// One canonical target for the gate, the static files and Astro alike (see request-target.ts).
		const target = normalizeRequestTarget(req.url);
		if (!target) return answerText(res, 400, 'Bad request: this address is not valid.');
		req.url = target.url;
		const { pathname } = target;
		if (pathname === '/healthz') return answerHealth(res);
		if (pathname === '/auth/gate') return answerGate(req, res, secure, config);
		// Astro's on-demand image endpoint would run sharp per request for anyone who asks; every
		// image the portal shows is optimised at build time instead.
		if (pathname === '/_image') return answerText(res, 404, 'Not found');
		const isRead = req.method === 'GET' || req.method === 'HEAD';
		const bearerApi = isBearerApi(pathname);
		if (
			!isRead &&
			!bearerApi &&
			!isSameOrigin(req, secure, config.proxyHops) &&
			!isTokenAuthorizedPost(pathname)
		) {
			return answerText(
				res,
				403,
				'Cross-site request refused: this form must be sent from the portal itself.',
			);
		}
		if (!isRead && !bearerApi && !isFormBody(req.headers['content-type'])) {
			return answerText(
				res,
				415,
				'Unsupported content type: send this form from the portal page (form data expected).',
			);
		}
		const fail = (err: unknown) => {
			console.error(err);
			if (!res.headersSent) answerText(res, 500, 'Internal error');
			// Half a page must not look like a whole one, nor hold the socket.
			else res.destroy();
		};

		let locals: App.Locals;
		try {
			locals = authenticate(req, res, secure, config);
		} catch (error) {
			return fail(error);
		}
		const access = requiredAccess(pathname, config.access);
		if (access !== 'open' && !locals.user) {
			if (isRead && isPageRequest(pathname, req.headers.accept)) {
				const prefix = pathname.startsWith('/fr/') || pathname === '/fr' ? '/fr' : '';
				res.statusCode = 303;
				res.setHeader('Location', `${prefix}/login/?${new URLSearchParams({ next: target.url })}`);
				res.setHeader('Cache-Control', 'no-store');
				return res.end();
			}
			return answerText(res, 401, 'Sign in to the portal to see this.');
		}
		if (access === 'admin' && locals.user?.role !== 'admin') return notFound();
		// Gated answers must not sit in shared caches.
		if (config.access === 'members' && access !== 'open') res.setHeader('Vary', 'Cookie');

		function notFound() {
			res.statusCode = 404;
			res.setHeader('Content-Type', 'text/html; charset=utf-8');
			res.setHeader('Cache-Control', 'no-cache');
			const html = pathname === '/fr' || pathname.startsWith('/fr/') ? notFoundFr : notFoundEn;
			res.end(req.method === 'HEAD' ? undefined : html);
		}
		const render = () =>
			compress(req, res, (err) => {
				if (err) return fail(err);
				keepWriteCallbacks(res);
				// Erased members' names come out of the database in the language of the page.
				withReaderLang(pathname === '/fr' || pathname.startsWith('/fr/') ? 'fr' : 'en', () =>
					astroHandler(req, res, (e) => (e ? fail(e) : notFound()), locals),
				);
			});
		if (!isRead) {
			closeIfBodyUnread(req, res);
			return render();
		}
		dropUnservableRange(req);
		if (req.method === 'GET' && locals.user) countStaticRead(req, pathname, locals.user);
		serveStatic(req, res, pathname, render);
	};

	return {
		// No request may end the process: whatever a handler throws is logged and answered with a 500.
		listener: (req, res) => {
			try {
				handle(req, res);
			} catch (error) {
				console.error(`request ${req.method} ${req.url} failed:`, error);
				if (!res.headersSent) answerText(res, 500, 'Internal error');
				else res.destroy();
			}
		},
		releaseDir: () => active.dir,
		stop: () => {
			stopWatching();
			forgetServed();
		},
	};
}

/**
 * A git-authored case study is a file, served here and nowhere else in the server: this is where a
 * member's read of it is counted (web studies count theirs in their page). The island requests of the
 * page are other addresses, so a page counts once, and a member once a day.
 */
function countStaticRead(
	req: http.IncomingMessage,
	pathname: string,
	user: NonNullable<App.Locals['user']>,
) {
	const slug = practiceSlugOfPath(pathname);
	if (!slug) return;
	try {
		const db = getDatabase();
		const headers = { purpose: req.headers.purpose, secPurpose: req.headers['sec-purpose'] };
		if (countsAsRead(db, slug, 'git', headers))
			recordPracticeRead(db, { userId: user.id, country: user.country, slug });
	} catch (error) {
		// A count lost is better than a page refused.
		console.error(`could not count a read of ${slug}:`, error);
	}
}

function isFormBody(contentType: string | undefined): boolean {
	const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
	return type === 'application/x-www-form-urlencoded' || type === 'multipart/form-data';
}

/**
 * Checks a Range header before the static file handler sees it (it reads ranges as sirv does,
 * handing `start > end` straight to fs.createReadStream, which throws). As RFC 9110 allows, a
 * malformed or multi-part range, or one it would answer wrongly (a suffix range, `0-0`), is ignored
 * and the whole file sent; a start past the end still gets its 416.
 */
function dropUnservableRange(req: http.IncomingMessage) {
	const range = req.headers.range;
	if (range === undefined) return;
	const m = /^bytes=(\d{1,15})-(\d{0,15})$/.exec(range.trim());
	const valid = m !== null && (m[2] === '' || Number(m[2]) >= Number(m[1]));
	// An end of 0 reads as "to the end" there.
	if (!valid || m[2] === '0') delete req.headers.range;
}

/**
 * The compression middleware drops write callbacks, and Astro ends a page that fails mid-stream
 * from one (it writes an error line, then destroys the response in the callback): without this,
 * a gzip response whose render failed never ends.
 */
/**
 * A response sent before its request's body was read to the end (a refused upload, a form over its
 * size limit) ends the connection: the unread bytes would otherwise be parsed as the next request of
 * a keep-alive client, which then waits and gets a reset.
 */
function closeIfBodyUnread(req: http.IncomingMessage, res: http.ServerResponse) {
	const writeHead = res.writeHead;
	res.writeHead = function (this: http.ServerResponse, ...args: unknown[]) {
		if (!req.complete && !this.headersSent) this.setHeader('Connection', 'close');
		return (writeHead as (...a: unknown[]) => http.ServerResponse).apply(this, args);
	} as typeof res.writeHead;
}

function keepWriteCallbacks(res: http.ServerResponse) {
	const write = res.write;
	res.write = function (this: http.ServerResponse, chunk: unknown, ...rest: unknown[]) {
		const callback = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
		const encoding = rest.find((r) => typeof r === 'string') as BufferEncoding | undefined;
		const ok = (write as (c: unknown, e?: BufferEncoding) => boolean).call(this, chunk, encoding);
		if (callback) process.nextTick(callback);
		return ok;
	} as typeof res.write;
}

/** Reads and validates the session cookie; re-sets it when the expiry slid, clears it when dead. */
function authenticate(
	req: http.IncomingMessage,
	res: http.ServerResponse,
	secure: boolean,
	config: ServerConfig,
): App.Locals {
	// lang, t and command are filled by src/middleware.ts, which knows the page's route.
	const locals = {
		user: null,
		session: null,
		clientIp: clientIpOf(req, config.proxyHops),
		secure,
		config,
	} as Omit<App.Locals, 'lang' | 't' | 'command'> as App.Locals;
	const token = readSessionToken(req.headers.cookie);
	if (!token) return locals;
	const { session, user } = validateSessionToken(getDatabase(), token);
	if (!session) {
		res.appendHeader('Set-Cookie', serializeBlankSessionCookie(secure));
		return locals;
	}
	if (session.fresh)
		res.appendHeader('Set-Cookie', serializeSessionCookie(token, session.expiresAt, secure));
	// Pages personalised for a member must never be cached by a proxy.
	res.setHeader('Cache-Control', 'private, no-cache');
	return { ...locals, user, session };
}

/**
 * The client's IP: the socket's, or, behind `proxyHops` trusted proxies, the X-Forwarded-For entry
 * the outermost of them appended. Entries left of it were written by the client and prove nothing.
 * @example // TRUST_PROXY=1, X-Forwarded-For: 6.6.6.6, 203.0.113.9 → 203.0.113.9
 */
export function clientIpOf(req: http.IncomingMessage, proxyHops: number): string {
	if (proxyHops > 0) {
		const hops = String(req.headers['x-forwarded-for'] ?? '')
			.split(',')
			.map((h) => h.trim())
			.filter(Boolean);
		const forwarded = hops[Math.max(0, hops.length - proxyHops)];
		if (forwarded) return forwarded;
	}
	return req.socket.remoteAddress ?? 'unknown';
}

/**
 * CSRF defence for every state-changing request: the Origin header must be this portal's, or the
 * browser must say the request is same-origin. A request with neither is refused.
 */
function isSameOrigin(req: http.IncomingMessage, secure: boolean, proxyHops: number): boolean {
	const origin = req.headers.origin;
	if (origin && origin !== 'null') {
		const host = (proxyHops > 0 && req.headers['x-forwarded-host']) || req.headers.host;
		return origin === `${secure ? 'https' : 'http'}://${host}`;
	}
	return req.headers['sec-fetch-site'] === 'same-origin';
}

function answerText(res: http.ServerResponse, status: number, text: string) {
	res.statusCode = status;
	res.setHeader('Content-Type', 'text/plain; charset=utf-8');
	res.setHeader('Cache-Control', 'no-store');
	res.end(text);
}

/**
 * nginx's `auth_request` (deploy/nginx/): may the sender of this cookie read `X-Original-URI`? 204
 * yes, 401 sign in first, 403 no (an admin area, or a target with no single reading: nginx then
 * hands the request to this server, which answers it as it would without nginx). No body, and no
 * Astro: it runs before every file nginx serves, so it costs one indexed session read. Only a yes
 * for a valid session on a non-admin path may be cached by nginx (keyed on the cookie): that answer
 * is the same for every other such path; the rest say `no-store`.
 */
function answerGate(
	req: http.IncomingMessage,
	res: http.ServerResponse,
	secure: boolean,
	config: ServerConfig,
) {
	const answer = (status: number, cacheable = false) => {
		res.statusCode = status;
		if (!cacheable) res.setHeader('Cache-Control', 'no-store');
		res.end();
	};
	if (req.method !== 'GET' && req.method !== 'HEAD') return answer(405);
	const original = normalizeRequestTarget(String(req.headers['x-original-uri'] ?? ''));
	if (!original) return answer(403);
	const access = requiredAccess(original.pathname, config.access);
	const token = readSessionToken(req.headers.cookie);
	const { session, user } = token
		? validateSessionToken(getDatabase(), token)
		: { session: null, user: null };
	// The sliding expiry, as on any other request: nginx passes this cookie on with the file.
	if (session?.fresh)
		res.appendHeader('Set-Cookie', serializeSessionCookie(token!, session.expiresAt, secure));
	if (!user) return answer(access === 'open' ? 204 : 401);
	if (access === 'admin') return answer(user.role === 'admin' ? 204 : 403);
	// nginx serves git-authored case studies itself: their reads are counted here instead.
	if (req.headers['x-original-method'] === 'GET') countStaticRead(req, original.pathname, user);
	return answer(204, true);
}

function answerHealth(res: http.ServerResponse) {
	let ok = false;
	try {
		ok = getDatabase().prepare('SELECT 1 AS ok').get() !== undefined;
	} catch (error) {
		console.error('healthz: database check failed', error);
	}
	res.statusCode = ok ? 200 : 503;
	res.setHeader('Content-Type', 'application/json');
	res.setHeader('Cache-Control', 'no-store');
	res.end(JSON.stringify({ status: ok ? 'ok' : 'database unavailable' }));
}

/** Starts the server; resolves once it listens. `close()` finishes in-flight requests first. */
export async function startPortalServer(
	distDir: string,
	config: ServerConfig,
	options: PortalHandlerOptions = {},
): Promise<PortalServer> {
	process.env.DATA_DIR = config.dataDir;
	const portal = await createPortalHandler(distDir, config, options);
	const server = http.createServer(portal.listener);
	let closing = false;
	server.prependListener('request', (_req, res: http.ServerResponse) => {
		if (closing) res.setHeader('Connection', 'close');
	});
	// A slow or stuck client must not hold a socket for ever: headers within 15 s, the whole request
	// within 2 min, an idle keep-alive socket closed after 5 s, and a socket silent for 60 s closed.
	server.headersTimeout = 15_000;
	server.requestTimeout = 120_000;
	server.keepAliveTimeout = 5_000;
	server.setTimeout(60_000);
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(config.port, config.host, () => resolve());
	});
	const address = server.address();
	const port = typeof address === 'object' && address ? address.port : config.port;
	const host = config.host.includes(':') ? `[${config.host}]` : config.host;
	return {
		server,
		url: `http://${host}:${port}`,
		close: () =>
			new Promise<void>((resolve) => {
				// Keep-alive sockets that go idle after the signal are closed as they do, so the
				// shutdown waits only for requests in flight.
				closing = true;
				portal.stop();
				const sweep = setInterval(() => server.closeIdleConnections(), 50);
				server.close(() => {
					clearInterval(sweep);
					resolve();
				});
				server.closeIdleConnections();
			}),
	};
}
