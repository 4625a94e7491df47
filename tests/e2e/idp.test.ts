// The company's directory running the portal's accounts, against a real OpenID provider
// (oidc-provider on 127.0.0.1) and the real server: with local passwords off an invitation leads to
// the company account and never to a password; country and role follow the provider's claims at
// every sign-in (roles only when a group → role mapping is configured); SCIM Groups push group
// membership onto the same roles. Real redirects in Debian's Chromium, raw HTTP for SCIM.
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, setRoles, startServer, queryServer, type RunningServer } from './harness';
import { sendScim, type ScimAnswer } from './scim-client';
import { freePort, startTestIdp, type TestIdp, type TestUser } from './oidc-idp';

// Claims are read at each sign-in, so a test changes them here to move someone.
const USERS: Record<string, TestUser> = {
	hans: {
		email: 'hans.weber@de.sso.example',
		email_verified: true,
		name: 'Hans Weber',
		country: 'DE',
		groups: ['portal-admins'],
	},
	// Invited by an admin; the provider knows neither her country nor a portal group.
	ines: { email: 'ines.garcia@es.sso.example', email_verified: true, name: 'Ines Garcia' },
	marco: {
		email: 'marco.bianchi@it.sso.example',
		email_verified: true,
		name: 'Marco Bianchi',
		country: 'IT',
		groups: ['portal-editors'],
	},
	olga: {
		email: 'olga.petrova@bg.sso.example',
		email_verified: true,
		name: 'Olga Petrova',
		country: 'BG',
		groups: ['sales-bg'],
	},
	// Provisioned by SCIM; her ID token carries no groups, so only SCIM Groups give her a role.
	pia: {
		email: 'pia.santos@pt.sso.example',
		email_verified: true,
		name: 'Pia Santos',
		country: 'PT',
	},
};

const SCIM_TOKEN = 'scim-token-for-the-idp-tests-0123456789abcdef';
const OIDC = {
	OIDC_CLIENT_ID: 'portal',
	OIDC_CLIENT_SECRET: 'portal-secret-for-tests',
};
let idp: TestIdp;
// Single sign-on only, with a group → role mapping and SCIM.
let ssoOnly: RunningServer;
// Single sign-on beside passwords, without any group → role mapping.
let unmapped: RunningServer;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
	const idpPort = await freePort();
	const issuer = `http://127.0.0.1:${idpPort}`;
	[ssoOnly, unmapped] = await Promise.all([
		startServer({
			...OIDC,
			OIDC_ISSUER: issuer,
			OIDC_ADMIN_GROUPS: 'portal-admins',
			OIDC_EDITOR_GROUPS: 'portal-editors',
			PORTAL_URL: 'self',
			DEMO: 'true',
			LOCAL_PASSWORDS: 'false',
			SCIM_TOKEN,
		}),
		startServer({ ...OIDC, OIDC_ISSUER: issuer, PORTAL_URL: 'self', DEMO: 'true' }),
	]);
	idp = await startTestIdp(USERS, [ssoOnly.url, unmapped.url], idpPort);
	browser = await launchBrowser();
}, 60_000);

afterAll(async () => {
	await browser?.close();
	await ssoOnly?.stop();
	await unmapped?.stop();
	await idp?.close();
});

const query = queryServer;

function member(target: RunningServer, email: string) {
	return query<{ id: number; country: string | null; role: string; password_hash: string }>(
		target,
		'SELECT id, country, role, password_hash FROM user WHERE email = ?',
		email,
	)[0];
}

async function newPage(): Promise<Page> {
	const context = await browser.newContext();
	contexts.push(context);
	const page = await context.newPage();
	page.on('pageerror', (e) => {
		throw e;
	});
	return page;
}

/** Clicks the company-account link on `from` and follows the provider back to the portal. */
async function signInWithCompany(
	page: Page,
	user: keyof typeof USERS,
	target: RunningServer,
	from = '/login/',
): Promise<void> {
	idp.next = { user };
	await page.goto(`${target.url}${from}`);
	await Promise.all([
		page.waitForURL(
			(url) =>
				url.href.startsWith(target.url) &&
				!/\/auth\/oidc\/|\/login\/|\/invite\//.test(url.pathname),
		),
		page.getByRole('link', { name: /company account|compte d’entreprise/ }).click(),
	]);
	await page.waitForLoadState('domcontentloaded');
}

describe('invitations when local passwords are off', () => {
	it('leads the invitee to the company account, never to a password, and the first sign-in accepts the invitation', async () => {
		const admin = await newPage();
		await signInWithCompany(admin, 'hans', ssoOnly);
		await admin.goto(`${ssoOnly.url}/admin/`);
		await admin.getByLabel('Email').fill(USERS.ines!.email!);
		await admin.getByLabel('Role', { exact: true }).selectOption({ label: 'Editor' });
		await admin.getByLabel('Country', { exact: true }).selectOption({ label: 'Spain' });
		await admin.getByRole('button', { name: 'Send the invitation' }).click();
		await admin.getByText(`Invitation sent to ${USERS.ines!.email}.`).waitFor();
		const outbox = path.join(ssoOnly.dataDir, 'outbox');
		const mail = fs
			.readdirSync(outbox)
			.map((f) => fs.readFileSync(path.join(outbox, f), 'utf8'))
			.find((m) => m.includes(USERS.ines!.email!))!;
		const invitePath = /\/invite\/[a-z2-7]{32}\//.exec(mail.replace(/=\r?\n/g, ''))![0];

		// The page explains and offers the company account; there is no password to choose.
		const page = await newPage();
		const res = await page.goto(ssoOnly.url + invitePath);
		expect(res?.status()).toBe(200);
		await page.getByText(`You were invited as ${USERS.ines!.email}.`).waitFor();
		expect(await page.locator('input[type="password"]').count()).toBe(0);
		expect(await page.getByRole('button', { name: 'Create my account' }).count()).toBe(0);
		const french = await (await fetch(`${ssoOnly.url}/fr${invitePath}`)).text();
		expect(french).toContain('connectez-vous avec votre compte d’entreprise');

		// A hand-made form post cannot set a password either.
		const posted = await fetch(ssoOnly.url + invitePath, {
			method: 'POST',
			headers: { Origin: ssoOnly.url },
			body: new URLSearchParams({
				name: 'Ines Garcia',
				password: 'a long enough password 2026',
				confirm: 'a long enough password 2026',
			}),
			redirect: 'manual',
		});
		expect(posted.status).toBe(403);
		expect(posted.headers.get('set-cookie') ?? '').not.toContain('cd_session=');
		expect(member(ssoOnly, USERS.ines!.email!)).toBeUndefined();

		// Her first sign-in with the company account makes the account the invitation describes.
		await signInWithCompany(page, 'ines', ssoOnly, invitePath);
		expect(new URL(page.url()).pathname).toBe('/');
		expect(member(ssoOnly, USERS.ines!.email!)).toMatchObject({
			country: 'ES',
			role: 'editor',
			password_hash: '',
		});
		await page.goto(`${ssoOnly.url}/account/`);
		expect(await page.getByLabel('Country', { exact: true }).inputValue()).toBe('ES');
		// The link is used up.
		expect((await fetch(ssoOnly.url + invitePath)).status).toBe(410);
	}, 60_000);

	it('explains on the password-reset pages that there is no password, in the reader’s language', async () => {
		for (const [prefix, text] of [
			['', 'there is none to reset'],
			['/fr', 'il n’y en a donc aucun à réinitialiser'],
		] as const) {
			for (const pathname of [
				'/reset-password/',
				'/reset-password/abcdefghijklmnopqrstuvwxyz234567/',
			]) {
				const res = await fetch(`${ssoOnly.url}${prefix}${pathname}`);
				expect(res.status, pathname).toBe(404);
				const html = await res.text();
				expect(html).toContain(text);
				expect(html).toContain(`href="${prefix}/auth/oidc/start?`);
				expect(html).not.toContain('type="password"');
				expect(html).not.toContain('type="email"');
			}
		}
	});
});

describe('claims at every sign-in', () => {
	it('moves a member to the country the provider now gives, with an audit entry', async () => {
		const first = await newPage();
		await signInWithCompany(first, 'marco', ssoOnly);
		expect(member(ssoOnly, USERS.marco!.email!)).toMatchObject({ country: 'IT', role: 'editor' });

		// Marco moves to the French subsidiary, and out of the editors' group.
		USERS.marco = { ...USERS.marco!, country: 'FR', groups: [] };
		const page = await newPage();
		await signInWithCompany(page, 'marco', ssoOnly);
		await page.goto(`${ssoOnly.url}/account/`);
		expect(await page.getByLabel('Country', { exact: true }).inputValue()).toBe('FR');
		const marco = member(ssoOnly, USERS.marco!.email!)!;
		expect(marco).toMatchObject({ country: 'FR', role: 'member' });
		const audit = query<{ action: string; detail: string }>(
			ssoOnly,
			"SELECT action, detail FROM audit_log WHERE target = ? AND action IN ('member-country', 'role-change') ORDER BY id",
			`user:${marco.id}`,
		);
		expect(audit).toEqual([
			{ action: 'member-country', detail: "IT → FR (from the provider's claims)" },
			{ action: 'role-change', detail: "editor → member (from the provider's groups)" },
		]);

		// Signing in again with the same claims changes nothing more.
		await signInWithCompany(await newPage(), 'marco', ssoOnly);
		expect(
			query(
				ssoOnly,
				"SELECT id FROM audit_log WHERE target = ? AND action = 'member-country'",
				`user:${marco.id}`,
			),
		).toHaveLength(1);
	}, 60_000);

	it('keeps a role an admin gave by hand when no group → role mapping is configured', async () => {
		await signInWithCompany(await newPage(), 'olga', unmapped);
		expect(member(unmapped, USERS.olga!.email!)).toMatchObject({ country: 'BG', role: 'member' });
		setRoles(unmapped, { [USERS.olga!.email!]: { role: 'editor' } });
		USERS.olga = { ...USERS.olga!, country: 'RO' };
		await signInWithCompany(await newPage(), 'olga', unmapped);
		// The country follows the provider; the role stays the admin's choice.
		expect(member(unmapped, USERS.olga!.email!)).toMatchObject({ country: 'RO', role: 'editor' });
	}, 60_000);
});

/** A raw SCIM request to the SSO-only portal, with the directory's bearer token. */
function scim(method: string, target: string, body?: object): Promise<ScimAnswer> {
	return sendScim(ssoOnly.url, method, target, body, SCIM_TOKEN);
}

const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';

describe('SCIM Groups', () => {
	it('advertises Groups in ServiceProviderConfig, ResourceTypes and Schemas', async () => {
		const config = await scim('GET', '/scim/v2/ServiceProviderConfig');
		expect(config.status).toBe(200);
		expect(config.json).toMatchObject({ patch: { supported: true }, filter: { supported: true } });
		const types = await scim('GET', '/scim/v2/ResourceTypes');
		expect(types.json.Resources.map((r: { endpoint: string }) => r.endpoint)).toEqual([
			'/Users',
			'/Groups',
		]);
		expect((await scim('GET', '/scim/v2/ResourceTypes/Group')).json.schema).toBe(GROUP_SCHEMA);
		const schemas = await scim('GET', '/scim/v2/Schemas');
		expect(schemas.json.Resources.map((r: { id: string }) => r.id)).toContain(GROUP_SCHEMA);
		const unauthorized = await fetch(`${ssoOnly.url}/scim/v2/Groups`);
		expect(unauthorized.status).toBe(401);
	});

	it('gives editor rights through the mapped editors group, and a PATCH removing the member takes them away', async () => {
		const created = await scim('POST', '/scim/v2/Users', {
			schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
			userName: USERS.pia!.email,
			name: { formatted: 'Pia Santos' },
			addresses: [{ type: 'work', country: 'PT' }],
		});
		expect(created.status).toBe(201);
		const piaId: string = created.json.id;
		// A group outside the mapping: kept, and no role from it.
		const sales = await scim('POST', '/scim/v2/Groups', {
			schemas: [GROUP_SCHEMA],
			displayName: 'sales-pt',
			members: [{ value: piaId }],
		});
		expect(sales.status).toBe(201);
		expect(member(ssoOnly, USERS.pia!.email!)).toMatchObject({ role: 'member' });

		// Entra creates the group empty, then adds members with PATCH.
		const editors = await scim('POST', '/scim/v2/Groups', {
			schemas: [GROUP_SCHEMA],
			displayName: 'portal-editors',
			externalId: 'entra-7f3a',
		});
		expect(editors.status).toBe(201);
		expect(editors.headers.location).toBe(`${ssoOnly.url}/scim/v2/Groups/${editors.json.id}`);
		const groupPath = `/scim/v2/Groups/${editors.json.id}`;
		const added = await scim('PATCH', groupPath, {
			schemas: [PATCH_OP],
			Operations: [{ op: 'Add', path: 'members', value: [{ value: piaId }] }],
		});
		expect(added.status).toBe(200);
		expect(added.json.members).toEqual([
			expect.objectContaining({ value: piaId, display: 'Pia Santos' }),
		]);
		expect(member(ssoOnly, USERS.pia!.email!)).toMatchObject({ role: 'editor' });
		const found = await scim(
			'GET',
			`/scim/v2/Groups?filter=${encodeURIComponent('displayName eq "portal-editors"')}&excludedAttributes=members`,
		);
		expect(found.json.totalResults).toBe(1);
		expect(found.json.Resources[0]).toMatchObject({
			id: editors.json.id,
			externalId: 'entra-7f3a',
		});
		expect(found.json.Resources[0].members).toBeUndefined();

		// She signs in with her company account and may write case studies.
		const page = await newPage();
		await signInWithCompany(page, 'pia', ssoOnly);
		await page.goto(`${ssoOnly.url}/submissions/`);
		await page.getByRole('button', { name: 'Write a new case study' }).waitFor();

		// The directory takes her out of the editors (Entra's form of remove), and at her next
		// page she is a member again, in the same session.
		const removed = await scim('PATCH', groupPath, {
			schemas: [PATCH_OP],
			Operations: [{ op: 'Remove', path: 'members', value: [{ value: piaId }] }],
		});
		expect(removed.status).toBe(200);
		expect(removed.json.members).toEqual([]);
		expect(member(ssoOnly, USERS.pia!.email!)).toMatchObject({ role: 'member' });
		await page.reload();
		await page.getByText('Writing case studies is for subsidiary editors.').waitFor();
		expect(await page.getByRole('button', { name: 'Write a new case study' }).count()).toBe(0);
		const audit = query<{ detail: string }>(
			ssoOnly,
			"SELECT detail FROM audit_log WHERE action = 'role-change' AND target = ? ORDER BY id",
			`user:${piaId}`,
		);
		expect(audit.map((a) => a.detail)).toEqual([
			"member → editor (from the directory's groups)",
			"editor → member (from the directory's groups)",
		]);

		// Okta's form of remove (a filter in the path), then deleting the group.
		await scim('PATCH', groupPath, {
			schemas: [PATCH_OP],
			Operations: [{ op: 'add', path: 'members', value: [{ value: piaId }] }],
		});
		expect(member(ssoOnly, USERS.pia!.email!)).toMatchObject({ role: 'editor' });
		const okta = await scim('PATCH', groupPath, {
			schemas: [PATCH_OP],
			Operations: [{ op: 'remove', path: `members[value eq "${piaId}"]` }],
		});
		expect(okta.json.members).toEqual([]);
		expect(member(ssoOnly, USERS.pia!.email!)).toMatchObject({ role: 'member' });
		await scim('PATCH', groupPath, {
			schemas: [PATCH_OP],
			Operations: [{ op: 'add', path: 'members', value: [{ value: piaId }] }],
		});
		expect((await scim('DELETE', groupPath)).status).toBe(204);
		expect((await scim('GET', groupPath)).status).toBe(404);
		expect(member(ssoOnly, USERS.pia!.email!)).toMatchObject({ role: 'member' });
		// Unknown members and duplicate names are refused in SCIM's error format.
		const unknown = await scim('POST', '/scim/v2/Groups', {
			schemas: [GROUP_SCHEMA],
			displayName: 'portal-admins',
			members: [{ value: '999999' }],
		});
		expect(unknown.status).toBe(400);
		expect(unknown.json.scimType).toBe('invalidValue');
		const duplicate = await scim('POST', '/scim/v2/Groups', {
			schemas: [GROUP_SCHEMA],
			displayName: 'SALES-PT',
		});
		expect(duplicate.status).toBe(409);
	}, 60_000);
});
