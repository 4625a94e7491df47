// The portal's HTTP server: security headers → health check → (members' gate) → static files from
// dist/client (precompressed, cached) → Astro's handler for on-request pages → the 404 page.
// @astrojs/node's standalone mode serves files before any middleware runs, so it could never gate
// them: this server owns the order instead.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import compression from 'compression';
import sirv from 'sirv';
import type { ServerConfig } from '../src/lib/config';
import { getDatabase } from '../src/lib/server/db';
import { isPageRequest, requiredAccess } from '../src/lib/access';
import {
	readSessionToken,
	serializeBlankSessionCookie,
	serializeSessionCookie,
	validateSessionToken,
} from '../src/lib/server/session';

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
export function isSecureRequest(req: http.IncomingMessage, trustProxy: boolean): boolean {
	if ((req.socket as { encrypted?: boolean }).encrypted) return true;
	return (
		trustProxy &&
		String(req.headers['x-forwarded-proto'] ?? '')
			.split(',')[0]
			.trim() === 'https'
	);
}

function cacheControlFor(pathname: string): string {
	// Vite's hashed assets never change under the same name.
	if (pathname.startsWith('/_astro/')) return 'public, max-age=31536000, immutable';
	if (
		pathname.startsWith('/pagefind/') &&
		/\.(pf_fragment|pf_index|pf_meta|pagefind)$/.test(pathname)
	) {
		return 'public, max-age=31536000, immutable';
	}
	// HTML, feeds, media: revalidate with the ETag every time so a rebuild shows at once.
	return 'no-cache';
}

/**
 * Builds the request listener for a built site in `distDir` (holding client/ and server/).
 * Exported for tests, which start it on 127.0.0.1 and a random port.
 */
export async function createPortalHandler(distDir: string, config: ServerConfig) {
	const clientDir = path.join(distDir, 'client');
	// Pages rendered on request read build manifests (card images) from here.
	process.env.PORTAL_CLIENT_DIR = clientDir;
	const entry = path.join(distDir, 'server', 'entry.mjs');
	if (!fs.existsSync(entry))
		throw new Error(`No built site in ${distDir}: run \`npm run build\` first`);
	const { handler: astroHandler } = (await import(pathToFileURL(entry).href)) as {
		handler: AstroHandler;
	};
	const notFoundPage = path.join(clientDir, '404.html');
	const notFoundHtml = fs.existsSync(notFoundPage)
		? fs.readFileSync(notFoundPage)
		: Buffer.from('Not found');

	const serveStatic = sirv(clientDir, {
		etag: true,
		brotli: true,
		gzip: true,
		extensions: ['html'],
		setHeaders(res, pathname) {
			res.setHeader('Cache-Control', cacheControlFor(pathname));
		},
	}) as unknown as Handler;
	// Compresses what Astro renders on request; static files come precompressed from the build.
	const compress = compression({ threshold: 1024 }) as unknown as Handler;

	return (req: http.IncomingMessage, res: http.ServerResponse) => {
		const secure = isSecureRequest(req, config.trustProxy);
		setSecurityHeaders(res, secure);
		const url = new URL(req.url ?? '/', 'http://localhost');
		if (url.pathname === '/healthz') return answerHealth(res);
		// Astro's on-demand image endpoint would run sharp per request for anyone who asks; every
		// image the portal shows is optimised at build time instead.
		if (url.pathname === '/_image') return answerText(res, 404, 'Not found');
		const isRead = req.method === 'GET' || req.method === 'HEAD';
		if (!isRead && !isSameOrigin(req, secure, config.trustProxy)) {
			return answerText(
				res,
				403,
				'Cross-site request refused: this form must be sent from the portal itself.',
			);
		}
		const fail = (err: unknown) => {
			console.error(err);
			if (!res.headersSent) answerText(res, 500, 'Internal error');
			else res.end();
		};

		let locals: App.Locals;
		try {
			locals = authenticate(req, res, secure, config);
		} catch (error) {
			return fail(error);
		}
		const access = requiredAccess(url.pathname, config.access);
		if (access !== 'open' && !locals.user) {
			if (isRead && isPageRequest(url.pathname, req.headers.accept)) {
				const prefix = url.pathname.startsWith('/fr/') || url.pathname === '/fr' ? '/fr' : '';
				res.statusCode = 303;
				res.setHeader(
					'Location',
					`${prefix}/login/?${new URLSearchParams({ next: url.pathname + url.search })}`,
				);
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
			res.end(req.method === 'HEAD' ? undefined : notFoundHtml);
		}
		const render = () =>
			compress(req, res, (err) =>
				err ? fail(err) : astroHandler(req, res, (e) => (e ? fail(e) : notFound()), locals),
			);
		if (isRead) serveStatic(req, res, (e) => (e ? fail(e) : render()));
		else render();
	};
}

/** Reads and validates the session cookie; re-sets it when the expiry slid, clears it when dead. */
function authenticate(
	req: http.IncomingMessage,
	res: http.ServerResponse,
	secure: boolean,
	config: ServerConfig,
): App.Locals {
	const locals: App.Locals = {
		user: null,
		session: null,
		clientIp: clientIpOf(req, config.trustProxy),
		secure,
	};
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

/** The client's IP: the socket's, or the first X-Forwarded-For hop when a trusted proxy sets it. */
export function clientIpOf(req: http.IncomingMessage, trustProxy: boolean): string {
	if (trustProxy) {
		const forwarded = String(req.headers['x-forwarded-for'] ?? '')
			.split(',')[0]
			.trim();
		if (forwarded) return forwarded;
	}
	return req.socket.remoteAddress ?? 'unknown';
}

/**
 * CSRF defence for every state-changing request: the Origin header must be this portal's, or the
 * browser must say the request is same-origin. A request with neither is refused.
 */
function isSameOrigin(req: http.IncomingMessage, secure: boolean, trustProxy: boolean): boolean {
	const origin = req.headers.origin;
	if (origin && origin !== 'null') {
		const host = (trustProxy && req.headers['x-forwarded-host']) || req.headers.host;
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
): Promise<PortalServer> {
	process.env.DATA_DIR = config.dataDir;
	const listener = await createPortalHandler(distDir, config);
	const server = http.createServer(listener);
	server.keepAliveTimeout = 5000;
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
				server.close(() => resolve());
				server.closeIdleConnections();
			}),
	};
}
