// Accounts administration as admins and members meet it: invitations, roles, deactivation, the
// audit log, password reset by mail and the demo outbox, on the built fixture site over real HTTP
// (and in Chromium for the invitation). One server for the whole file: each test checks what it
// changes against what it found, so the order of the tests does not matter to their assertions.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser, startServer, type RunningServer } from './harness';

const DEMO_PASSWORD = 'kestrel-rally-lisbon-2026';
const ANNA = 'anna.verdi@it.fixture.example';
const BRUNO = 'bruno.costa@pt.fixture.example';
const CLAIRE = 'claire.martin@fr.fixture.example';
const INVALID_SIGN_IN = 'That email and password do not match an active account.';

let browser: Browser;
let server: RunningServer | undefined;

beforeAll(async () => {
	browser = await launchBrowser();
});

afterAll(async () => {
	await browser?.close();
});

beforeAll(async () => {
	server = await startServer({ DEMO: 'true', DEMO_ADMINS: 'claire-martin' });
});
afterAll(async () => {
	await server?.stop();
});

/** The file's server (started once). */
async function startDemo(): Promise<RunningServer> {
	return server!;
}

/** Bruno's password: the reset test changes it. */
let brunoPassword = DEMO_PASSWORD;

/** A POST as the portal's own form would send it: same Origin, form-encoded, no redirect following. */
async function postForm(
	srv: RunningServer,
	pathname: string,
	fields: Record<string, string>,
	options: { cookie?: string; headers?: Record<string, string> } = {},
): Promise<Response> {
	return fetch(srv.url + pathname, {
		method: 'POST',
		redirect: 'manual',
		headers: {
			Origin: srv.url,
			'Content-Type': 'application/x-www-form-urlencoded',
			...(options.cookie ? { Cookie: `cd_session=${options.cookie}` } : {}),
			...options.headers,
		},
		body: new URLSearchParams(fields).toString(),
	});
}

async function getPage(srv: RunningServer, pathname: string, cookie?: string): Promise<Response> {
	return fetch(srv.url + pathname, {
		redirect: 'manual',
		headers: { Accept: 'text/html', ...(cookie ? { Cookie: `cd_session=${cookie}` } : {}) },
	});
}

function sessionCookieOf(res: Response): string | null {
	for (const cookie of res.headers.getSetCookie()) {
		const match = /^cd_session=([a-z2-7]{32});/.exec(cookie);
		if (match) return match[1]!;
	}
	return null;
}

async function signIn(
	srv: RunningServer,
	email: string,
	password = DEMO_PASSWORD,
): Promise<string> {
	const res = await postForm(srv, '/login/', { email, password });
	expect(res.status).toBe(303);
	const cookie = sessionCookieOf(res);
	expect(cookie).not.toBeNull();
	return cookie!;
}

/** The rendered row of an account on /admin/, found by email. */
function userRow(html: string, email: string): string {
	const start = html.indexOf(`data-user-email="${email}"`);
	expect(start).toBeGreaterThan(-1);
	return html.slice(start, html.indexOf('</tr>', start));
}

function userIdIn(html: string, email: string): string {
	const match = /name="userId" value="(\d+)"/.exec(userRow(html, email));
	expect(match).not.toBeNull();
	return match![1]!;
}

function selectedRole(row: string): string | undefined {
	return /<option value="(\w+)" selected/.exec(row)?.[1];
}

function outboxFiles(srv: RunningServer): string[] {
	const dir = path.join(srv.dataDir, 'outbox');
	return fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.eml')) : [];
}

function textOf(html: string): string {
	return html
		.replace(/<[^>]+>/g, ' ')
		.replace(/&#39;/g, "'")
		.replace(/&lt;/g, '<')
		.replace(/&gt;/g, '>')
		.replace(/&amp;/g, '&')
		.replace(/\s+/g, ' ');
}

describe('accounts administration', () => {
	it('invites a director by mail, who joins from the link in a fresh browser; the link then stops working', async () => {
		const srv = await startDemo();
		const admin = await browser.newContext();
		const page = await admin.newPage();
		await page.goto(srv.url + '/login/');
		await page.getByLabel('Email').fill(CLAIRE);
		await page.getByLabel('Password', { exact: true }).fill(DEMO_PASSWORD);
		await page.getByRole('button', { name: 'Sign in' }).click();
		await page.waitForURL(srv.url + '/');

		await page
			.getByRole('navigation', { name: 'Your account' })
			.getByRole('link', { name: 'Admin' })
			.click();
		await page.waitForURL(srv.url + '/admin/');
		await page.getByLabel('Email').fill('new.director@es.fixture.example');
		await page.getByLabel('Role', { exact: true }).selectOption({ label: 'Editor' });
		await page.getByLabel('Country', { exact: true }).selectOption({ label: 'Spain' });
		await page.getByRole('button', { name: 'Send the invitation' }).click();
		expect((await page.getByRole('status').textContent())?.trim()).toBe(
			'Invitation sent to new.director@es.fixture.example.',
		);

		// The mail, as the demo's outbox shows it.
		await page
			.getByRole('navigation', { name: 'Admin sections' })
			.getByRole('link', { name: 'Outbox' })
			.click();
		const row = page.getByRole('row', { name: /new\.director@es\.fixture\.example/ });
		await row.getByRole('link', { name: 'You are invited to Coaching Dealer' }).click();
		await expect(page.locator('.cd-mail__body').textContent()).resolves.toContain(
			'Claire Martin invited you to Coaching Dealer',
		);
		const link = await page.locator('.cd-mail__body a').getAttribute('href');
		// Absolute, built from the configured portal address (the test server's port), never the Host header.
		expect(link).toMatch(
			new RegExp(`^http://localhost:${new URL(srv.url).port}/invite/[a-z2-7]{32}/$`),
		);
		const invitePath = new URL(link!).pathname;
		await admin.close();

		const invitee = await browser.newContext();
		const join = await invitee.newPage();
		await join.goto(srv.url + invitePath);
		await expect(
			join.getByText('You were invited as new.director@es.fixture.example.').count(),
		).resolves.toBe(1);
		await join.getByLabel('Your name').fill('Nina Director');
		await join.getByLabel('Password', { exact: true }).fill('too short');
		await join.getByLabel('Password again').fill('too short');
		const refused = join.waitForResponse((r) => r.request().method() === 'POST');
		await join.getByRole('button', { name: 'Create my account' }).click();
		expect((await refused).status()).toBe(400);
		await expect(join.getByRole('alert').textContent()).resolves.toContain(
			'Use at least 15 characters.',
		);
		await expect(join.getByLabel('Your name').inputValue()).resolves.toBe('Nina Director');

		await join.getByLabel('Password', { exact: true }).fill('amber tractor sunrise over the fjord');
		await join.getByLabel('Password again').fill('amber tractor sunrise over the fjord');
		await join.getByRole('button', { name: 'Create my account' }).click();
		await join.waitForURL(srv.url + '/');
		// The home page is prerendered: the member menu gets the name from /api/me once it loads.
		await join
			.getByRole('navigation', { name: 'Your account' })
			.getByRole('link', { name: 'Nina Director' })
			.waitFor();

		// Single use: the same link now says it is gone and offers no form.
		const again = await join.goto(srv.url + invitePath);
		expect(again?.status()).toBe(410);
		await expect(join.getByRole('alert').textContent()).resolves.toContain(
			'This invitation is not valid any more',
		);
		await expect(join.locator('input[type="password"]').count()).resolves.toBe(0);
		await invitee.close();

		// The new editor appears in the admins' table.
		const claire = await signIn(srv, CLAIRE);
		const adminPage = await (await getPage(srv, '/admin/', claire)).text();
		const nina = userRow(adminPage, 'new.director@es.fixture.example');
		expect(nina).toContain('Nina Director');
		expect(selectedRole(nina)).toBe('editor');
	});

	it('changes a role, deactivates a member (ending their sessions) and records it all in the audit log', async () => {
		const srv = await startDemo();
		// A failed sign-in first, to find in the log later.
		const failed = await postForm(srv, '/login/', {
			email: ANNA,
			password: 'not the right password at all',
		});
		expect(failed.status).toBe(401);
		const claire = await signIn(srv, CLAIRE);
		const bruno = await signIn(srv, BRUNO, brunoPassword);
		expect((await getPage(srv, '/', bruno)).status).toBe(200);

		const before = await (await getPage(srv, '/admin/', claire)).text();
		const annaId = userIdIn(before, ANNA);
		const brunoId = userIdIn(before, BRUNO);
		const claireId = userIdIn(before, CLAIRE);

		const invite = await postForm(
			srv,
			'/admin/',
			{ action: 'invite', email: 'dora.diaz@example.com', role: 'member', country: 'ES' },
			{ cookie: claire },
		);
		expect(invite.status).toBe(303);

		const role = await postForm(
			srv,
			'/admin/',
			{ action: 'role', userId: annaId, role: 'editor' },
			{ cookie: claire },
		);
		expect(role.status).toBe(303);
		const afterRole = await (
			await fetch(srv.url + role.headers.get('location')!, {
				headers: { Cookie: `cd_session=${claire}` },
			})
		).text();
		expect(textOf(afterRole)).toContain('Anna Verdi is now: Editor.');
		expect(selectedRole(userRow(afterRole, ANNA))).toBe('editor');

		const deactivate = await postForm(
			srv,
			'/admin/',
			{ action: 'deactivate', userId: brunoId },
			{ cookie: claire },
		);
		expect(deactivate.status).toBe(303);
		const afterDeactivate = await (await getPage(srv, '/admin/', claire)).text();
		expect(textOf(userRow(afterDeactivate, BRUNO))).toContain('Deactivated');

		// Bruno's open session is refused: his next page request goes to sign-in.
		const refused = await getPage(srv, '/', bruno);
		expect(refused.status).toBe(303);
		expect(refused.headers.get('location')).toMatch(/^\/login\//);
		// And he cannot sign in again; the message is the same as for a wrong password.
		const again = await postForm(srv, '/login/', { email: BRUNO, password: brunoPassword });
		expect(again.status).toBe(401);
		expect(sessionCookieOf(again)).toBeNull();
		expect(textOf(await again.text())).toContain(INVALID_SIGN_IN);

		// Guards: no deactivating oneself, no leaving the portal without an admin.
		const self = await postForm(
			srv,
			'/admin/',
			{ action: 'deactivate', userId: claireId },
			{ cookie: claire },
		);
		expect(self.status).toBe(400);
		expect(textOf(await self.text())).toContain('You cannot deactivate your own account.');
		const lastAdmin = await postForm(
			srv,
			'/admin/',
			{ action: 'role', userId: claireId, role: 'member' },
			{ cookie: claire },
		);
		expect(lastAdmin.status).toBe(409);
		expect(textOf(await lastAdmin.text())).toContain(
			'the portal would be left without an active admin',
		);
		expect((await getPage(srv, '/admin/', claire)).status).toBe(200);

		const audit = await (await getPage(srv, '/admin/audit/', claire)).text();
		const rows = audit.split('<tr data-action=').slice(1).map(textOf);
		const find = (label: string, target: string) =>
			rows.find((r) => r.includes(label) && r.includes(target));
		expect(find('Invitation', 'dora.diaz@example.com')).toContain('Claire Martin');
		expect(find('Role change', ANNA)).toContain('member → editor');
		expect(find('Deactivation', BRUNO)).toContain('Claire Martin');
		expect(find('Failed sign-in', ANNA)).toBeDefined();
		// Newest first: the deactivation comes before the role change, which comes before the invitation.
		const index = (label: string, target: string) =>
			rows.findIndex((r) => r.includes(label) && r.includes(target));
		expect(index('Deactivation', BRUNO)).toBeLessThan(index('Role change', ANNA));
		expect(index('Role change', ANNA)).toBeLessThan(index('Invitation', 'dora.diaz@example.com'));

		// Reactivation lets Bruno back in.
		const reactivate = await postForm(
			srv,
			'/admin/',
			{ action: 'reactivate', userId: brunoId },
			{ cookie: claire },
		);
		expect(reactivate.status).toBe(303);
		await signIn(srv, BRUNO, brunoPassword);
	});

	it('answers 404 to non-admins on the admin pages and the outbox', async () => {
		const srv = await startDemo();
		const claire = await signIn(srv, CLAIRE);
		const roleOf = async () =>
			selectedRole(userRow(await (await getPage(srv, '/admin/', claire)).text(), ANNA));
		const annaRole = await roleOf();
		expect(annaRole).not.toBe('admin');
		const anna = await signIn(srv, ANNA);
		for (const pathname of [
			'/admin/',
			'/admin/audit/',
			'/dev/outbox/',
			'/fr/admin/',
			'/fr/dev/outbox/',
		]) {
			const res = await getPage(srv, pathname, anna);
			expect(res.status, pathname).toBe(404);
			expect(await res.text(), pathname).not.toContain('Audit log');
		}
		const post = await postForm(
			srv,
			'/admin/',
			{ action: 'role', userId: '1', role: 'admin' },
			{ cookie: anna },
		);
		expect(post.status).toBe(404);
		expect(await roleOf()).toBe(annaRole);
	});

	it('resets a password by mail without revealing who has an account', async () => {
		const srv = await startDemo();
		const brunoElsewhere = await signIn(srv, BRUNO, brunoPassword);
		const mailsBefore = outboxFiles(srv).length;

		const ask = async (email: string) => {
			const res = await postForm(srv, '/reset-password/', { email });
			expect(res.status).toBe(303);
			const page = await fetch(srv.url + res.headers.get('location')!);
			expect(page.status).toBe(200);
			return /role="status"[^>]*>([^<]*)</.exec(await page.text())?.[1]?.trim();
		};
		const unknown = await ask('nobody@example.com');
		const known = await ask(BRUNO);
		expect(unknown).toBe(
			'If that email belongs to an account, a link is on its way. Check your inbox.',
		);
		expect(known).toBe(unknown);

		// Only the real account gets a mail (sent in the background, so wait for it).
		// The unknown address got nothing: that was decided while answering, so only one mail comes.
		await expect.poll(() => outboxFiles(srv).length).toBe(mailsBefore + 1);
		const claire = await signIn(srv, CLAIRE);
		const outbox = await (await getPage(srv, '/dev/outbox/', claire)).text();
		expect(outbox).toContain(BRUNO);
		expect(outbox).not.toContain('nobody@example.com');
		const row = outbox.split('<tr').find((r) => r.includes(BRUNO) && r.includes('password'))!;
		const mailPath = /href="(\/dev\/outbox\/[^"]+\.eml\/)"/.exec(row)![1]!;
		const mail = await (await getPage(srv, mailPath, claire)).text();
		expect(textOf(mail)).toContain('Reset your Coaching Dealer password');
		expect(textOf(mail)).toContain('Hello Bruno Costa,');
		const resetPath = new URL(
			/href="(http:\/\/[^"]+\/reset-password\/[a-z2-7]{32}\/)"/.exec(mail)![1]!,
		).pathname;

		// Policy and confirmation are checked before anything changes.
		const mismatch = await postForm(srv, resetPath, {
			password: 'quiet harbour lanterns at dusk',
			confirm: 'quiet harbour lanterns at dawn',
		});
		expect(mismatch.status).toBe(400);
		expect(textOf(await mismatch.text())).toContain('The two passwords differ.');

		const done = await postForm(srv, resetPath, {
			password: 'quiet harbour lanterns at dusk',
			confirm: 'quiet harbour lanterns at dusk',
		});
		expect(done.status).toBe(303);
		expect(done.headers.get('location')).toBe('/login/?notice=reset');
		const login = await (await fetch(srv.url + '/login/?notice=reset')).text();
		expect(textOf(login)).toContain('Your password is changed. Sign in with it.');

		// The session opened elsewhere before the reset is over.
		const stale = await getPage(srv, '/', brunoElsewhere);
		expect(stale.status).toBe(303);
		expect(stale.headers.get('location')).toMatch(/^\/login\//);

		// The link is single use.
		const reused = await getPage(srv, resetPath);
		expect(reused.status).toBe(410);
		expect(textOf(await reused.text())).toContain('This link is not valid any more');
		const resubmit = await postForm(srv, resetPath, {
			password: 'another fine long passphrase',
			confirm: 'another fine long passphrase',
		});
		expect(resubmit.status).toBe(410);

		// Old password refused, new one accepted.
		const old = await postForm(srv, '/login/', { email: BRUNO, password: brunoPassword });
		expect(old.status).toBe(401);
		brunoPassword = 'quiet harbour lanterns at dusk';
		await signIn(srv, BRUNO, brunoPassword);

		// The reset is in the audit log.
		const audit = await (await getPage(srv, '/admin/audit/', claire)).text();
		expect(
			audit
				.split('<tr data-action=')
				.slice(1)
				.map(textOf)
				.some((r) => r.includes('Password reset') && r.includes(BRUNO)),
		).toBe(true);
	});

	it('refuses cross-site and origin-less POSTs to /admin/ and changes nothing', async () => {
		const srv = await startDemo();
		const claire = await signIn(srv, CLAIRE);
		const html = await (await getPage(srv, '/admin/', claire)).text();
		const annaId = userIdIn(html, ANNA);
		const brunoId = userIdIn(html, BRUNO);
		const annaRole = selectedRole(userRow(html, ANNA));
		const mailsBefore = outboxFiles(srv).length;

		const attempts: Record<string, string>[] = [
			{ Origin: 'http://evil.example' },
			{ Origin: 'http://evil.example', 'Sec-Fetch-Site': 'cross-site' },
		];
		for (const headers of attempts) {
			const role = await postForm(
				srv,
				'/admin/',
				{ action: 'role', userId: annaId, role: 'admin' },
				{ cookie: claire, headers },
			);
			expect(role.status).toBe(403);
			const off = await postForm(
				srv,
				'/admin/',
				{ action: 'deactivate', userId: brunoId },
				{ cookie: claire, headers },
			);
			expect(off.status).toBe(403);
		}
		// No Origin and no Sec-Fetch-Site at all.
		const bare = await fetch(srv.url + '/admin/', {
			method: 'POST',
			redirect: 'manual',
			headers: {
				'Content-Type': 'application/x-www-form-urlencoded',
				Cookie: `cd_session=${claire}`,
			},
			body: new URLSearchParams({
				action: 'invite',
				email: 'mallory@example.com',
				role: 'admin',
			}).toString(),
		});
		expect(bare.status).toBe(403);

		const after = await (await getPage(srv, '/admin/', claire)).text();
		expect(annaRole).not.toBe('admin');
		expect(selectedRole(userRow(after, ANNA))).toBe(annaRole);
		expect(textOf(userRow(after, BRUNO))).toContain('Active');
		expect(outboxFiles(srv)).toHaveLength(mailsBefore);
		await signIn(srv, BRUNO, brunoPassword);
	});
});
