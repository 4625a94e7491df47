// Debian's nginx in front of a running portal, from deploy/nginx/coaching-dealer.conf itself (its
// ${CD_...} placeholders filled), in a temp prefix with a self-signed certificate made by openssl,
// as a foreground process on loopback ports. Used by tests/e2e/nginx.test.ts and the server bench.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
export const NGINX_TEMPLATE = path.join(root, 'deploy/nginx/coaching-dealer.conf');
const NGINX = process.env.NGINX_PATH ?? '/usr/sbin/nginx';
const BROTLI_MODULE = '/usr/lib/nginx/modules/ngx_http_brotli_static_module.so';

/** @returns {Promise<number>} */
function freePort() {
	return new Promise((resolve, reject) => {
		const srv = net.createServer();
		srv.on('error', reject);
		srv.listen(0, '127.0.0.1', () => {
			const { port } = /** @type {net.AddressInfo} */ (srv.address());
			srv.close(() => resolve(port));
		});
	});
}

/**
 * Fills the template's placeholders; fails on one left unfilled or unknown.
 * @param {string} template
 * @param {Record<string, string>} values
 */
export function fillNginxTemplate(template, values) {
	const out = template.replace(/\$\{(CD_[A-Z_]+)\}/g, (_, name) => {
		if (!(name in values)) throw new Error(`no value for ${name} in the nginx template`);
		return values[name];
	});
	return out;
}

/**
 * @typedef {object} RunningNginx
 * @property {string} url https://127.0.0.1:<port>
 * @property {string} httpUrl http://127.0.0.1:<port> (redirects to https)
 * @property {string} ca the certificate (PEM) to trust
 * @property {string} dir the nginx prefix (config, logs, cache)
 * @property {() => string} errorLog
 * @property {() => Promise<void>} stop
 */

/**
 * The upstream of the filled template with one `server` line per portal, each with the template's
 * own parameters: what the README tells an operator to do for a second instance.
 * @param {string} site the filled template
 * @param {string[]} hosts host:port of each instance, the first being the one filled in
 */
export function addUpstreamServers(site, hosts) {
	const line = new RegExp(
		`^(\\s*)server ${hosts[0].replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}( [^;]*)?;$`,
		'm',
	);
	const match = line.exec(site);
	if (!match) throw new Error('no upstream server line in the nginx template');
	const [, indent, params = ''] = match;
	const lines = hosts.map((host) => `${indent}server ${host}${params};`).join('\n');
	return site.replace(line, lines);
}

/**
 * Starts nginx in front of `portalUrl` (or of every portal in `portalUrls`, one upstream) serving
 * `distDir`'s current release; resolves once it answers.
 * @param {{ distDir: string, portalUrl?: string, portalUrls?: string[], workers?: string }} options
 * @returns {Promise<RunningNginx>}
 */
export async function startNginx({ distDir, portalUrl, portalUrls, workers = '1' }) {
	const hosts = (portalUrls ?? [portalUrl]).map((url) => {
		if (!url) throw new Error('startNginx needs portalUrl or portalUrls');
		return new URL(url).host;
	});
	if (!fs.existsSync(NGINX))
		throw new Error(
			`Debian's nginx is not installed (${NGINX} missing): apt-get install -y nginx libnginx-mod-http-brotli-static (.ci/run does it)`,
		);
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cd-nginx-'));
	const cert = path.join(dir, 'cert.pem');
	const key = path.join(dir, 'key.pem');
	execFileSync(
		'openssl',
		[
			'req',
			'-x509',
			'-newkey',
			'ec',
			'-pkeyopt',
			'ec_paramgen_curve:prime256v1',
			'-nodes',
			'-keyout',
			key,
			'-out',
			cert,
			'-days',
			'1',
			'-subj',
			'/CN=127.0.0.1',
			'-addext',
			'subjectAltName=IP:127.0.0.1,DNS:localhost',
		],
		{ stdio: 'ignore' },
	);
	const [httpsPort, httpPort] = [await freePort(), await freePort()];
	const filled = fillNginxTemplate(fs.readFileSync(NGINX_TEMPLATE, 'utf8'), {
		CD_SERVER_NAME: '127.0.0.1 localhost',
		CD_HTTP_PORT: `127.0.0.1:${httpPort}`,
		CD_HTTPS_PORT: `127.0.0.1:${httpsPort}`,
		CD_TLS_CERTIFICATE: cert,
		CD_TLS_CERTIFICATE_KEY: key,
		CD_DIST: path.resolve(distDir),
		CD_PORTAL: hosts[0],
		CD_GATE_CACHE: path.join(dir, 'gate-cache'),
	});
	const site = hosts.length > 1 ? addUpstreamServers(filled, hosts) : filled;
	fs.writeFileSync(path.join(dir, 'coaching-dealer.conf'), site);
	const temp = (name) => `${name}_temp_path ${path.join(dir, `${name}-temp`)};`;
	// What Debian's /etc/nginx/nginx.conf gives the site (modules, mime types, sendfile), with this
	// run's own paths. Run as root (CI), workers keep root's rights to read the temp dirs.
	const main = [
		fs.existsSync(BROTLI_MODULE) ? `load_module ${BROTLI_MODULE};` : '',
		process.getuid?.() === 0 ? 'user root;' : '',
		`worker_processes ${workers};`,
		`error_log ${path.join(dir, 'error.log')} warn;`,
		`pid ${path.join(dir, 'nginx.pid')};`,
		'events { worker_connections 1024; }',
		'http {',
		'  include /etc/nginx/mime.types;',
		'  default_type application/octet-stream;',
		'  sendfile on; tcp_nopush on; types_hash_max_size 2048;',
		'  access_log off;',
		`  ${temp('client_body')} ${temp('proxy')} ${temp('fastcgi')} ${temp('uwsgi')} ${temp('scgi')}`,
		`  include ${path.join(dir, 'coaching-dealer.conf')};`,
		'}',
	].join('\n');
	const conf = path.join(dir, 'nginx.conf');
	fs.writeFileSync(conf, main);
	const child = spawn(
		NGINX,
		['-p', dir, '-c', conf, '-e', path.join(dir, 'error.log'), '-g', 'daemon off;'],
		{
			stdio: ['ignore', 'pipe', 'pipe'],
		},
	);
	let out = '';
	child.stdout.on('data', (d) => (out += d));
	child.stderr.on('data', (d) => (out += d));
	const errorLog = () => {
		const file = path.join(dir, 'error.log');
		return out + (fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '');
	};
	const deadline = Date.now() + 10_000;
	for (;;) {
		if (child.exitCode !== null) throw new Error(`nginx exited at start:\n${errorLog()}`);
		const up = await new Promise((resolve) => {
			const s = net.connect(httpsPort, '127.0.0.1', () => (s.end(), resolve(true)));
			s.on('error', () => resolve(false));
		});
		if (up) break;
		if (Date.now() > deadline) throw new Error(`nginx did not listen:\n${errorLog()}`);
		await new Promise((r) => setTimeout(r, 50));
	}
	return {
		url: `https://127.0.0.1:${httpsPort}`,
		httpUrl: `http://127.0.0.1:${httpPort}`,
		ca: fs.readFileSync(cert, 'utf8'),
		dir,
		errorLog,
		stop: async () => {
			if (child.exitCode === null) {
				const exited = new Promise((r) => child.once('exit', r));
				child.kill('SIGQUIT');
				await exited;
			}
			fs.rmSync(dir, { recursive: true, force: true });
		},
	};
}
