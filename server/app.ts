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

type Next = (err?: unknown) => void;
type Handler = (req: http.IncomingMessage, res: http.ServerResponse, next: Next) => void;

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

function setSecurityHeaders(req: http.IncomingMessage, res: http.ServerResponse, secure: boolean) {
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
	return trustProxy && String(req.headers['x-forwarded-proto'] ?? '').split(',')[0].trim() === 'https';
}

function cacheControlFor(pathname: string): string {
	// Vite's hashed assets never change under the same name.
	if (pathname.startsWith('/_astro/')) return 'public, max-age=31536000, immutable';
	if (pathname.startsWith('/pagefind/') && /\.(pf_fragment|pf_index|pf_meta|pagefind)$/.test(pathname)) {
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
	if (!fs.existsSync(entry)) throw new Error(`No built site in ${distDir}: run \`npm run build\` first`);
	const { handler: astroHandler } = (await import(pathToFileURL(entry).href)) as { handler: Handler };
	const notFoundPage = path.join(clientDir, '404.html');
	const notFoundHtml = fs.existsSync(notFoundPage) ? fs.readFileSync(notFoundPage) : Buffer.from('Not found');

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
		setSecurityHeaders(req, res, secure);
		const url = new URL(req.url ?? '/', 'http://localhost');
		if (url.pathname === '/healthz') return answerHealth(res);
		// Astro's on-demand image endpoint would run sharp per request for anyone who asks; every
		// image the portal shows is optimised at build time instead.
		if (url.pathname === '/_image') return notFoundEarly(res);
		const fail = (err: unknown) => {
			console.error(err);
			if (!res.headersSent) {
				res.statusCode = 500;
				res.setHeader('Content-Type', 'text/plain; charset=utf-8');
			}
			res.end('Internal error');
		};
		const notFound = () => {
			res.statusCode = 404;
			res.setHeader('Content-Type', 'text/html; charset=utf-8');
			res.setHeader('Cache-Control', 'no-cache');
			res.end(req.method === 'HEAD' ? undefined : notFoundHtml);
		};
		const render = () =>
			compress(req, res, (err) => (err ? fail(err) : astroHandler(req, res, (e) => (e ? fail(e) : notFound()))));
		if (req.method === 'GET' || req.method === 'HEAD') serveStatic(req, res, (e) => (e ? fail(e) : render()));
		else render();
	};
}

function notFoundEarly(res: http.ServerResponse) {
	res.statusCode = 404;
	res.setHeader('Content-Type', 'text/plain; charset=utf-8');
	res.end('Not found');
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
export async function startPortalServer(distDir: string, config: ServerConfig): Promise<PortalServer> {
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
