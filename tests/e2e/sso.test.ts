// Single sign-on against a real OpenID provider (oidc-provider, certified) on 127.0.0.1: members made
// from claims on first sign-in, the account reused after, refusals in plain words (missing country,
// provider error, replayed state, forged / expired / wrong-nonce ID tokens), local passwords switched
// off, and sign-out that ends the provider's session too. Real redirects in Debian's Chromium.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
	DEMO_PASSWORD,
	launchBrowser,
	startServer,
	queryServer,
	type RunningServer,
} from './harness';
import { freePort, startTestIdp, type TestIdp } from './oidc-idp';

const USERS = {
	giulia: {
		email: 'giulia.rossi@it.sso.example',
		email_verified: true,
		name: 'Giulia Rossi',
		country: 'IT',
		groups: ['sales-it'],
	},
	pierre: { email: 'pierre.durand@fr.sso.example', email_verified: true, name: 'Pierre Durand' },
	hans: {
		email: 'hans.weber@de.sso.example',
		email_verified: true,
		name: 'Hans Weber',
		country: 'de',
		groups: ['portal-admins', 'sales-de'],
	},
	// The same address as a fixture member with a local password: the accounts are linked.
	anna: {
		email: 'anna.verdi@it.fixture.example',
		email_verified: true,
		name: 'Anna Verdi',
		country: 'IT',
	},
	tom: { email: 'tom.lee@uk.sso.example', email_verified: true, name: 'Tom Lee', country: 'GB' },
	lena: {
		email: 'lena.berg@se.sso.example',
		email_verified: true,
		name: 'Lena Berg',
		country: 'SE',
	},
	nina: {
		email: 'nina.novak@si.sso.example',
		email_verified: true,
		name: 'Nina Novak',
		country: 'SI',
	},
};

const SCIM_TOKEN = 'scim-token-for-the-sso-tests-0123456789abcdef';
let idp: TestIdp;
let server: RunningServer;
let ssoOnly: RunningServer;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
	// The provider's address is chosen first; it starts once the portals' addresses are known.
	const idpPort = await freePort();
	const oidcEnv = {
		OIDC_ISSUER: `http://127.0.0.1:${idpPort}`,
		OIDC_CLIENT_ID: 'portal',
		OIDC_CLIENT_SECRET: 'portal-secret-for-tests',
		OIDC_ADMIN_GROUPS: 'portal-admins',
		OIDC_EDITOR_GROUPS: 'portal-editors',
		OIDC_HQ_GROUPS: 'portal-hq',
	};
	server = await startServer({
		...oidcEnv,
		PORTAL_URL: 'self',
		DEMO: 'true',
		OIDC_LOGOUT: 'true',
		SCIM_TOKEN,
	});
	ssoOnly = await startServer({
		...oidcEnv,
		PORTAL_URL: 'self',
		DEMO: 'true',
		LOCAL_PASSWORDS: 'false',
	});
	idp = await startTestIdp(USERS, [server.url, ssoOnly.url], idpPort);
	browser = await launchBrowser();
}, 60_000);

afterAll(async () => {
	await browser?.close();
	await server?.stop();
	await ssoOnly?.stop();
	await idp?.close();
});

const query = queryServer;

async function newPage(): Promise<Page> {
	const context = await browser.newContext();
	contexts.push(context);
	return context.newPage();
}

/** From the portal's sign-in page through the provider and back; resolves on the page reached. */
async function signInWithCompany(
	page: Page,
	user: keyof typeof USERS,
	options: { target?: RunningServer; from?: string } = {},
): Promise<{ callbackUrl: string | null; status: number | null }> {
	const target = options.target ?? server;
	idp.next = { user };
	let callbackUrl: string | null = null;
	const onRequest = (req: { url(): string }) => {
		if (req.url().startsWith(`${target.url}/auth/oidc/callback`)) callbackUrl = req.url();
	};
	page.on('request', onRequest);
	await page.goto(`${target.url}${options.from ?? '/login/?next=%2Fcase-studies%2F'}`);
	const [response] = await Promise.all([
		page.waitForResponse(
			(r) =>
				r.url().startsWith(target.url) &&
				!/\/auth\/oidc\/(start|callback)/.test(r.url()) &&
				r.request().isNavigationRequest() &&
				(r.status() < 300 || r.status() >= 400),
		),
		page.getByRole('link', { name: /company account|compte d’entreprise/ }).click(),
	]);
	await page.waitForLoadState('domcontentloaded');
	page.off('request', onRequest);
	return { callbackUrl, status: response.status() };
}

function userRows(email: string) {
	return query<{ id: number; name: string; country: string; role: string; hq: number }>(
		server,
		'SELECT id, name, country, role, hq FROM user WHERE email = ?',
		email,
	);
}

function sessionCount(email: string): number {
	return query<{ n: number }>(
		server,
		'SELECT count(*) AS n FROM session JOIN user ON user.id = session.user_id WHERE user.email = ?',
		email,
	)[0]!.n;
}

describe('signing in with the company account', () => {
	it('creates the member from the claims on first sign-in and lands them signed in where they were going', async () => {
		const page = await newPage();
		await page.goto(`${server.url}/login/`);
		await expect(
			page.getByRole('link', { name: 'Sign in with your company account' }).count(),
		).resolves.toBe(1);
		await signInWithCompany(page, 'giulia');
		expect(page.url()).toBe(`${server.url}/case-studies/`);
		expect(userRows(USERS.giulia.email)).toEqual([
			expect.objectContaining({ name: 'Giulia Rossi', country: 'IT', role: 'member', hq: 0 }),
		]);
		// Signed in: a members-only page opens instead of sending back to the sign-in page.
		await page.goto(`${server.url}/account/`);
		expect(new URL(page.url()).pathname).toBe('/account/');
		const audit = query<{ action: string; detail: string }>(
			server,
			'SELECT action, detail FROM audit_log WHERE target = ? ORDER BY id',
			USERS.giulia.email,
		);
		expect(audit).toEqual([
			{ action: 'sso-account-create', detail: 'IT, member' },
			{ action: 'sign-in', detail: 'single sign-on' },
		]);
		// What the portal sent: PKCE with S256, a state and a nonce.
		const authorize = idp.requests.find((r) => r.startsWith('GET /auth?'))!;
		const params = new URL(authorize.slice(4), idp.issuer).searchParams;
		expect(params.get('code_challenge_method')).toBe('S256');
		expect(params.get('state')).toBeTruthy();
		expect(params.get('nonce')).toBeTruthy();
	});

	it('reuses the same account on the next sign-in', async () => {
		const before = sessionCount(USERS.giulia.email);
		const page = await newPage();
		await signInWithCompany(page, 'giulia');
		expect(page.url()).toBe(`${server.url}/case-studies/`);
		expect(userRows(USERS.giulia.email)).toHaveLength(1);
		expect(sessionCount(USERS.giulia.email)).toBe(before + 1);
		expect(
			query(server, 'SELECT subject FROM oidc_identity WHERE subject = ?', 'giulia'),
		).toHaveLength(1);
	});

	it('gives the role from the groups: an admin group makes an admin', async () => {
		const page = await newPage();
		await signInWithCompany(page, 'hans');
		expect(userRows(USERS.hans.email)).toEqual([
			expect.objectContaining({ country: 'DE', role: 'admin' }),
		]);
		await page.goto(`${server.url}/admin/audit/`);
		expect(new URL(page.url()).pathname).toBe('/admin/audit/');
		await expect(page.locator('main').textContent()).resolves.toContain(
			'Account created by single sign-on',
		);
	});

	it('links a local account with the same verified email instead of making a second one', async () => {
		const page = await newPage();
		await signInWithCompany(page, 'anna');
		expect(userRows(USERS.anna.email)).toHaveLength(1);
		expect(query(server, 'SELECT 1 FROM oidc_identity WHERE subject = ?', 'anna')).toHaveLength(1);
		// The local password still works for her.
		const res = await fetch(`${server.url}/login/`, {
			method: 'POST',
			redirect: 'manual',
			headers: { Origin: server.url },
			body: new URLSearchParams({ email: USERS.anna.email, password: DEMO_PASSWORD }),
		});
		expect(res.status).toBe(303);
	});
});

describe('refusals, in plain words', () => {
	it('sends a user whose account has no country to "ask your administrator", in their language, and makes no account', async () => {
		const page = await newPage();
		await signInWithCompany(page, 'pierre');
		expect(new URL(page.url()).pathname).toBe('/auth/oidc/refused/');
		await expect(page.getByRole('alert').textContent()).resolves.toContain(
			'does not say which country you work for',
		);
		await expect(page.locator('main').textContent()).resolves.toContain('Ask your administrator');
		const fr = await newPage();
		await signInWithCompany(fr, 'pierre', { from: '/fr/login/' });
		expect(new URL(fr.url()).pathname).toBe('/fr/auth/oidc/refused/');
		await expect(fr.locator('main').textContent()).resolves.toContain(
			'Demandez à votre administrateur',
		);
		expect(userRows(USERS.pierre.email)).toEqual([]);
	});

	it('shows the provider refusing access (error=access_denied) as a plain message', async () => {
		const page = await newPage();
		await page.goto(`${server.url}/login/`);
		idp.next = { error: 'access_denied', description: 'End-User aborted interaction' };
		await Promise.all([
			page.waitForURL(/\/auth\/oidc\/refused\//),
			page.getByRole('link', { name: 'Sign in with your company account' }).click(),
		]);
		await expect(page.getByRole('alert').textContent()).resolves.toContain(
			'was not allowed to sign in to the portal, or the sign-in was cancelled',
		);
	});

	it('refuses a replayed callback (same state and code a second time)', async () => {
		const page = await newPage();
		const { callbackUrl } = await signInWithCompany(page, 'tom');
		expect(page.url()).toBe(`${server.url}/case-studies/`);
		const sessions = sessionCount(USERS.tom.email);
		await page.goto(callbackUrl!);
		expect(page.url()).toBe(`${server.url}/auth/oidc/refused/?reason=expired`);
		expect(sessionCount(USERS.tom.email)).toBe(sessions);
		// A callback from another browser (no state cookie) is refused as well, even unused.
		const stranger = await (await browser.newContext()).newPage();
		await stranger.goto(callbackUrl!);
		expect(stranger.url()).toBe(`${server.url}/auth/oidc/refused/?reason=expired`);
		await stranger.context().close();
	});

	const now = () => Math.floor(Date.now() / 1000);
	const tampered: [
		string,
		'provider-key' | 'other-key',
		(c: Record<string, unknown>) => Record<string, unknown>,
	][] = [
		['signed with a key the provider never published', 'other-key', (c) => c],
		[
			'expired an hour ago',
			'provider-key',
			(c) => ({ ...c, iat: now() - 7200, exp: now() - 3600 }),
		],
		['carrying another nonce', 'provider-key', (c) => ({ ...c, nonce: 'not-the-one-sent' })],
		['issued for another client', 'provider-key', (c) => ({ ...c, aud: 'someone-else' })],
	];
	for (const [what, key, tamper] of tampered) {
		it(`refuses an ID token ${what}`, async () => {
			const sessions = sessionCount(USERS.lena.email);
			idp.signWith = key;
			idp.tamperNextIdToken = tamper;
			const page = await newPage();
			await signInWithCompany(page, 'lena');
			expect(idp.tamperNextIdToken).toBeNull(); // the token response was rewritten
			expect(page.url()).toBe(`${server.url}/auth/oidc/refused/?reason=invalid`);
			await expect(page.getByRole('alert').textContent()).resolves.toContain(
				'could not be verified',
			);
			expect(sessionCount(USERS.lena.email)).toBe(sessions);
		});
	}

	it('tolerates a provider clock a little off (ID token expired 30 s ago)', async () => {
		idp.signWith = 'provider-key';
		idp.tamperNextIdToken = (c) => ({ ...c, iat: now() - 600, exp: now() - 30 });
		const page = await newPage();
		await signInWithCompany(page, 'lena');
		expect(page.url()).toBe(`${server.url}/case-studies/`);
		expect(userRows(USERS.lena.email)).toHaveLength(1);
	});
});

describe('deprovisioning', () => {
	it('signs out at once a member the directory deactivates (SCIM), and the company account no longer lets them in', async () => {
		const page = await newPage();
		await signInWithCompany(page, 'nina');
		expect(page.url()).toBe(`${server.url}/case-studies/`);
		const [{ id }] = userRows(USERS.nina.email);
		const res = await fetch(`${server.url}/scim/v2/Users/${id}`, {
			method: 'PATCH',
			headers: {
				Authorization: `Bearer ${SCIM_TOKEN}`,
				'Content-Type': 'application/scim+json',
			},
			body: JSON.stringify({
				schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
				Operations: [{ op: 'replace', path: 'active', value: false }],
			}),
		});
		expect(res.status).toBe(200);
		expect(sessionCount(USERS.nina.email)).toBe(0);
		await page.goto(`${server.url}/account/`);
		expect(new URL(page.url()).pathname).toBe('/login/');
		await signInWithCompany(page, 'nina');
		expect(page.url()).toBe(`${server.url}/auth/oidc/refused/?reason=inactive`);
		expect(sessionCount(USERS.nina.email)).toBe(0);
	});
});

describe('local passwords switched off (LOCAL_PASSWORDS=false)', () => {
	it('hides the password form, refuses a password sign-in and password resets, and still lets the company account in', async () => {
		const page = await newPage();
		await page.goto(`${ssoOnly.url}/login/`);
		await expect(page.locator('input[type=password]').count()).resolves.toBe(0);
		const res = await fetch(`${ssoOnly.url}/login/`, {
			method: 'POST',
			redirect: 'manual',
			headers: { Origin: ssoOnly.url },
			body: new URLSearchParams({ email: USERS.anna.email, password: DEMO_PASSWORD }),
		});
		expect(res.status).toBe(403);
		expect(res.headers.getSetCookie().some((c) => c.startsWith('cd_session='))).toBe(false);
		expect(await res.text()).toContain('Portal passwords are switched off here');
		expect((await fetch(`${ssoOnly.url}/reset-password/`)).status).toBe(404);
		await signInWithCompany(page, 'anna', { target: ssoOnly });
		expect(page.url()).toBe(`${ssoOnly.url}/case-studies/`);
	});
});

describe('signing out', () => {
	it('ends the portal session and, with OIDC_LOGOUT=true, the provider session too', async () => {
		const page = await newPage();
		await signInWithCompany(page, 'giulia');
		const cookie = (await page.context().cookies(server.url)).find((c) => c.name === 'cd_session')!;
		const before = sessionCount(USERS.giulia.email);
		const res = await fetch(`${server.url}/logout/`, {
			method: 'POST',
			redirect: 'manual',
			headers: { Origin: server.url, Cookie: `cd_session=${cookie.value}` },
			body: new URLSearchParams({}),
		});
		expect(res.status).toBe(303);
		const location = new URL(res.headers.get('location')!);
		expect(location.origin + location.pathname).toBe(`${idp.issuer}/session/end`);
		expect(location.searchParams.get('id_token_hint')).toMatch(/^ey/);
		expect(location.searchParams.get('post_logout_redirect_uri')).toBe(`${server.url}/login/`);
		expect(sessionCount(USERS.giulia.email)).toBe(before - 1);
		// The browser follows to the provider, confirms, and comes back to the portal's sign-in page.
		await page.goto(location.href);
		await Promise.all([
			page.waitForURL(`${server.url}/login/`),
			page.getByRole('button', { name: /Yes, sign me out/ }).click(),
		]);
		await page.goto(`${server.url}/account/`);
		expect(new URL(page.url()).pathname).toBe('/login/');
	});
});
