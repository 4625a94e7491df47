// A real OpenID provider for the single sign-on tests: panva's certified `oidc-provider` on
// 127.0.0.1, with test users and an interaction that signs in whoever the test names (no login
// form to fill). It listens behind a small pass-through proxy on the issuer's port, so a test can
// replace the ID token of the next token response (forged, expired, wrong nonce) — signed with the
// provider's real key or another one — the way an attacker between the two would have to.
import crypto from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import Provider from 'oidc-provider';

export interface TestUser {
	email?: string;
	email_verified?: boolean;
	name?: string;
	country?: string;
	groups?: string[];
}

export interface TestIdp {
	issuer: string;
	/** Who the next interaction signs in, or an OAuth error the provider answers with instead. */
	next: { user: string } | { error: string; description: string };
	/** Rewrites the claims of the next ID token and signs it (`'other-key'`: with a key the provider never published). */
	tamperNextIdToken: ((claims: Record<string, unknown>) => Record<string, unknown>) | null;
	signWith: 'provider-key' | 'other-key';
	/** Requests seen by the provider, for asserting what the portal sent. */
	requests: string[];
	close(): Promise<void>;
}

/** A free TCP port on 127.0.0.1 (taken again by whoever listens next; the tests run one at a time). */
export async function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const srv = net.createServer();
		srv.on('error', reject);
		srv.listen(0, '127.0.0.1', () => {
			const { port } = srv.address() as net.AddressInfo;
			srv.close(() => resolve(port));
		});
	});
}

function signJwt(header: object, claims: object, key: crypto.KeyObject): string {
	const part = (v: object) => Buffer.from(JSON.stringify(v)).toString('base64url');
	const input = `${part(header)}.${part(claims)}`;
	return `${input}.${crypto.sign('sha256', Buffer.from(input), key).toString('base64url')}`;
}

/**
 * Starts the provider on `port` for `portalUrls` (their /auth/oidc/callback and /login/ are
 * registered). The portals may start first: they discover the provider at the first sign-in.
 * @example const idp = await startTestIdp({ anna: { email: 'anna@x', country: 'IT' } }, [portalUrl], port)
 */
export async function startTestIdp(
	users: Record<string, TestUser>,
	portalUrls: string[],
	port: number,
): Promise<TestIdp> {
	const issuer = `http://127.0.0.1:${port}`;
	const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
	const other = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
	const kid = 'test-key-1';
	const jwk = { ...privateKey.export({ format: 'jwk' }), kid, use: 'sig', alg: 'RS256' };
	const provider = new Provider(issuer, {
		clients: [
			{
				client_id: 'portal',
				client_secret: 'portal-secret-for-tests',
				redirect_uris: portalUrls.map((u) => `${u}/auth/oidc/callback`),
				post_logout_redirect_uris: portalUrls.map((u) => `${u}/login/`),
				token_endpoint_auth_method: 'client_secret_post',
				grant_types: ['authorization_code'],
				response_types: ['code'],
			},
		],
		jwks: { keys: [jwk] },
		cookies: { keys: ['cookie-key-for-tests'] },
		claims: {
			openid: ['sub'],
			email: ['email', 'email_verified'],
			profile: ['name', 'country', 'groups'],
		},
		features: { devInteractions: { enabled: false }, rpInitiatedLogout: { enabled: true } },
		interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
		pkce: { required: () => true },
		findAccount: async (_ctx, sub) =>
			users[sub] ? { accountId: sub, claims: async () => ({ sub, ...users[sub] }) } : undefined,
	});
	// A provider failure shows in the test's output, not only as "oops! something went wrong".
	provider.on('server_error', (_ctx, error) => console.error('test provider:', error));
	const handleProvider = provider.callback();
	const idp: TestIdp = {
		issuer,
		next: { user: Object.keys(users)[0]! },
		tamperNextIdToken: null,
		signWith: 'provider-key',
		requests: [],
		close: async () => {
			await new Promise<void>((r) => inner.close(() => r()));
			await new Promise<void>((r) => outer.close(() => r()));
		},
	};

	// The provider itself, on a port of its own; the interaction signs in `idp.next` at once.
	const inner = http.createServer(async (req, res) => {
		if (!req.url?.startsWith('/interaction/')) return handleProvider(req, res);
		try {
			const details = await provider.interactionDetails(req, res);
			const next = idp.next;
			let result: Record<string, unknown>;
			if ('error' in next) {
				result = { error: next.error, error_description: next.description };
			} else {
				// Signs in and consents in one step, the grant covering the scopes asked for.
				const accountId = details.prompt.name === 'login' ? next.user : details.session!.accountId!;
				const grant = new provider.Grant({
					accountId,
					clientId: details.params.client_id as string,
				});
				grant.addOIDCScope(String(details.params.scope));
				const grantId = await grant.save();
				result = { login: { accountId }, consent: { grantId } };
			}
			await provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
		} catch (error) {
			res.statusCode = 500;
			res.end(String(error));
		}
	});
	const innerPort = await freePort();
	await new Promise<void>((r) => inner.listen(innerPort, '127.0.0.1', () => r()));

	// The issuer's address: passes everything through, and may rewrite one token response.
	const outer = http.createServer((req, res) => {
		idp.requests.push(`${req.method} ${req.url}`);
		const upstream = http.request(
			{
				host: '127.0.0.1',
				port: innerPort,
				method: req.method,
				path: req.url,
				headers: req.headers,
			},
			(up) => {
				const tamper = idp.tamperNextIdToken;
				if (!(req.url?.startsWith('/token') && tamper)) {
					res.writeHead(up.statusCode ?? 502, up.headers);
					return up.pipe(res);
				}
				idp.tamperNextIdToken = null;
				const chunks: Buffer[] = [];
				up.on('data', (c: Buffer) => chunks.push(c));
				up.on('end', () => {
					const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
					if (typeof body.id_token === 'string') {
						const claims = JSON.parse(
							Buffer.from(body.id_token.split('.')[1], 'base64url').toString('utf8'),
						);
						const key = idp.signWith === 'other-key' ? other : privateKey;
						body.id_token = signJwt({ alg: 'RS256', typ: 'JWT', kid }, tamper(claims), key);
					}
					const text = JSON.stringify(body);
					const headers = { ...up.headers, 'content-length': String(Buffer.byteLength(text)) };
					res.writeHead(up.statusCode ?? 502, headers);
					res.end(text);
				});
			},
		);
		upstream.on('error', () => {
			res.statusCode = 502;
			res.end();
		});
		req.pipe(upstream);
	});
	await new Promise<void>((r) => outer.listen(port, '127.0.0.1', () => r()));
	return idp;
}
