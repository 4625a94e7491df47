// A member's own account page in real Chromium: profile (with an XSS attempt, a refused bio and a
// photo whose EXIF must not survive), password change and signing out of every device. The tests run
// in order and share Anna's account: her password changes half-way.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, startServer, type RunningServer } from './harness';

const ANNA = 'anna.verdi@it.fixture.example';
const DEMO_PASSWORD = 'kestrel-rally-lisbon-2026';
const NEW_PASSWORD = 'copper lantern orchard violin';
const XSS = '<img src=x onerror=alert(1)>';

let server: RunningServer;
let browser: Browser;
let tempDir: string;
/** Anna's main browser, signed in by the first test and kept through the file. */
let anna: Page;
const dialogs: string[] = [];
const axeSource = fs.readFileSync(path.resolve('node_modules/axe-core/axe.min.js'), 'utf8');

beforeAll(async () => {
	[server, browser] = await Promise.all([
		startServer({ DEMO: 'true', DEMO_ADMINS: 'claire-martin' }),
		launchBrowser(),
	]);
	tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cd-account-'));
});

afterAll(async () => {
	await browser?.close();
	await server?.stop();
	if (tempDir) fs.rmSync(tempDir, { recursive: true, force: true });
});

async function newPage(): Promise<Page> {
	const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
	const page = await context.newPage();
	page.on('pageerror', (e) => {
		throw e;
	});
	// Any alert() would mean a member's text ran as script.
	page.on('dialog', async (dialog) => {
		dialogs.push(dialog.message());
		await dialog.dismiss();
	});
	return page;
}

/** Opens the account page signed out, signs in on the login page it leads to, and lands back. */
async function signInToAccount(page: Page, password: string): Promise<void> {
	await page.goto(server.url + '/account/');
	await page.waitForURL(/\/login\/\?next=%2Faccount%2F/);
	await page.getByLabel('Email').fill(ANNA);
	await page.getByLabel('Password', { exact: true }).fill(password);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await page.waitForURL(server.url + '/account/');
}

/** Clicks a submit button, waits for the page it leads to, and returns the status of the POST. */
async function submit(page: Page, button: string): Promise<number> {
	const [response] = await Promise.all([
		page.waitForResponse((r) => r.request().method() === 'POST'),
		page.waitForEvent('load'),
		page.getByRole('button', { name: button, exact: true }).click(),
	]);
	return response.status();
}

async function seriousAxeViolations(page: Page): Promise<string[]> {
	// Evaluated through the DevTools protocol, so the page's CSP (no inline scripts) does not apply.
	await page.evaluate(axeSource);
	const result = await page.evaluate(async () => {
		const axe = (
			window as unknown as {
				axe: {
					run: (
						ctx: Document,
						o: object,
					) => Promise<{
						violations: { id: string; impact: string; nodes: { target: string[] }[] }[];
					}>;
				};
			}
		).axe;
		return axe.run(document, { resultTypes: ['violations'] });
	});
	return result.violations
		.filter((v) => v.impact === 'serious' || v.impact === 'critical')
		.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

async function sessionCookie(context: BrowserContext): Promise<string> {
	const cookie = (await context.cookies(server.url)).find((c) => c.name === 'cd_session');
	if (!cookie) throw new Error('not signed in');
	return `cd_session=${cookie.value}`;
}

describe('account page', () => {
	it('saves a profile whose bio is an XSS attempt and shows it as text', async () => {
		anna = await newPage();
		await signInToAccount(anna, DEMO_PASSWORD);
		await expect(anna.getByRole('heading', { level: 1 }).innerText()).resolves.toBe('Your account');
		// Linked to her page of the people collection.
		await expect(
			anna
				.getByRole('main')
				.getByRole('link', { name: 'Anna Verdi', exact: true })
				.getAttribute('href'),
		).resolves.toBe('/people/anna-verdi/');
		await expect(anna.locator('.cd-account-person').innerText()).resolves.toBe(
			'You appear on the portal as Anna Verdi.',
		);

		await anna.getByLabel('Job title').fill('Regional sales coach');
		await anna.getByLabel('Short bio').fill(XSS);
		expect(await submit(anna, 'Save profile')).toBe(303);
		await anna.waitForURL(server.url + '/account/?saved=profile');
		await expect(anna.getByRole('status').innerText()).resolves.toBe('Your profile was saved.');
		await expect(anna.getByLabel('Job title').inputValue()).resolves.toBe('Regional sales coach');
		await expect(anna.getByLabel('Short bio').inputValue()).resolves.toBe(XSS);
		await expect(anna.locator('img[src="x"]').count()).resolves.toBe(0);
		expect(dialogs).toEqual([]);
		expect(await seriousAxeViolations(anna)).toEqual([]);
	});

	it('refuses a bio over 600 characters and keeps everything typed', async () => {
		await anna.getByLabel('Job title').fill('Area coach');
		await anna.getByLabel('Languages you can be written to in').fill('it, en, fr');
		await anna.getByLabel('Country', { exact: true }).selectOption('PT');
		await anna.getByLabel('Phone', { exact: true }).fill('+39 02 1234 5678');
		await anna.getByLabel('Show my phone number to other members').check();
		const longBio = 'Coach. '.repeat(86) + '!';
		expect([...longBio].length).toBe(603);
		await anna.getByLabel('Short bio').fill(longBio);
		expect(await submit(anna, 'Save profile')).toBe(400);

		const alert = anna.getByRole('alert');
		await expect(alert.textContent()).resolves.toContain('There is 1 problem in the form.');
		await expect(alert.getByRole('link').getAttribute('href')).resolves.toBe('#cd-bio');
		await expect(anna.getByLabel('Short bio').getAttribute('aria-invalid')).resolves.toBe('true');
		await expect(anna.locator('#cd-bio-error').innerText()).resolves.toBe(
			'This is too long (at most 600 characters).',
		);
		await expect(anna.getByLabel('Short bio').inputValue()).resolves.toBe(longBio);
		expect(await seriousAxeViolations(anna)).toEqual([]);
		await expect(anna.getByLabel('Job title').inputValue()).resolves.toBe('Area coach');
		await expect(anna.getByLabel('Languages you can be written to in').inputValue()).resolves.toBe(
			'it, en, fr',
		);
		await expect(anna.getByLabel('Country', { exact: true }).inputValue()).resolves.toBe('PT');
		await expect(anna.getByLabel('Phone', { exact: true }).inputValue()).resolves.toBe(
			'+39 02 1234 5678',
		);
		await expect(
			anna.getByLabel('Show my phone number to other members').isChecked(),
		).resolves.toBe(true);

		// Nothing of the refused form was saved.
		await anna.goto(server.url + '/account/');
		await expect(anna.getByLabel('Job title').inputValue()).resolves.toBe('Regional sales coach');
		await expect(anna.getByLabel('Country', { exact: true }).inputValue()).resolves.toBe('IT');
	});

	it('re-encodes an uploaded photo to WebP without EXIF, for signed-in members only', async () => {
		// A text file dressed as a JPEG is refused, and the member is told to pick a file again.
		const fake = path.join(tempDir, 'holiday.jpg');
		fs.writeFileSync(fake, 'not a picture at all\n');
		await anna.getByLabel('Photo', { exact: true }).setInputFiles(fake);
		expect(await submit(anna, 'Save profile')).toBe(400);
		await expect(anna.locator('#cd-photo-error').innerText()).resolves.toBe(
			'This file is not an image we can read (JPEG, PNG or WebP).',
		);

		const camera = path.join(tempDir, 'camera.jpg');
		await sharp({ create: { width: 1200, height: 800, channels: 3, background: '#2a6f97' } })
			.jpeg()
			.withMetadata({ orientation: 6, exif: { IFD0: { Copyright: 'secret-exif-marker' } } })
			.toFile(camera);
		expect((await sharp(camera).metadata()).exif?.toString('latin1')).toContain(
			'secret-exif-marker',
		);
		await anna.getByLabel('Photo', { exact: true }).setInputFiles(camera);
		expect(await submit(anna, 'Save profile')).toBe(303);
		await expect(anna.getByRole('status').innerText()).resolves.toBe('Your profile was saved.');

		const img = anna.locator('.cd-account-photo img');
		const src = await img.getAttribute('src');
		expect(src).toMatch(/^\/member-photos\/\d+-[0-9a-f]{16}\.webp$/);
		await expect
			.poll(() => img.evaluate((i: HTMLImageElement) => i.naturalWidth))
			.toBeGreaterThan(0);

		const res = await fetch(server.url + src, {
			headers: { Cookie: await sessionCookie(anna.context()) },
		});
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toBe('image/webp');
		expect(res.headers.get('x-content-type-options')).toBe('nosniff');
		expect(res.headers.get('cache-control')).toBe('private, max-age=31536000, immutable');
		const served = Buffer.from(await res.arrayBuffer());
		const meta = await sharp(served).metadata();
		expect(meta.format).toBe('webp');
		expect(meta.exif).toBeUndefined();
		expect(Math.max(meta.width ?? 0, meta.height ?? 0)).toBeLessThanOrEqual(512);
		expect(served.toString('latin1')).not.toContain('secret-exif-marker');

		// Signed out, the photo is not there to take; made-up names are not found.
		expect((await fetch(server.url + src)).status).toBe(401);
		const cookie = await sessionCookie(anna.context());
		for (const name of ['1-0000000000000000.webp', '..%2Fportal.db', 'portal.db']) {
			const other = await fetch(`${server.url}/member-photos/${name}`, {
				headers: { Cookie: cookie },
			});
			// An encoded slash is no path at all (400); other made-up names are not found (404).
			expect(other.status).toBe(name.includes('%2F') ? 400 : 404);
		}

		// Removing it deletes the file: the old address stops answering.
		await anna.getByLabel('Remove my photo').check();
		expect(await submit(anna, 'Save profile')).toBe(303);
		await expect(anna.locator('.cd-account-photo').count()).resolves.toBe(0);
		expect((await fetch(server.url + src, { headers: { Cookie: cookie } })).status).toBe(404);
	});

	it('changes the password: a wrong current one is refused, then other devices are signed out', async () => {
		const phone = await newPage();
		await signInToAccount(phone, DEMO_PASSWORD);
		await anna.goto(server.url + '/account/');
		await expect(
			anna.getByText('You are signed in on 2 devices, this one included.').count(),
		).resolves.toBe(1);

		await anna.getByLabel('Current password').fill('not my password at all');
		await anna.getByLabel('New password').fill(NEW_PASSWORD);
		await anna.getByLabel('Password again').fill(NEW_PASSWORD);
		expect(await submit(anna, 'Change password')).toBe(400);
		await expect(anna.locator('#cd-current-password-error').innerText()).resolves.toBe(
			'The current password is not right.',
		);
		await expect(anna.getByRole('alert').textContent()).resolves.toContain('There is 1 problem');

		await anna.getByLabel('Current password').fill(DEMO_PASSWORD);
		await anna.getByLabel('New password').fill(NEW_PASSWORD);
		await anna.getByLabel('Password again').fill(NEW_PASSWORD);
		expect(await submit(anna, 'Change password')).toBe(303);
		await anna.waitForURL(server.url + '/account/?saved=password');
		await expect(anna.getByRole('status').innerText()).resolves.toBe(
			'Your password was changed. You were signed out of your other devices.',
		);

		// This browser stays signed in (a fresh session); the other one is out.
		await anna.goto(server.url + '/account/');
		await expect(anna.getByRole('heading', { level: 1 }).innerText()).resolves.toBe('Your account');
		await expect(anna.getByText('You are signed in on 1 device: this one.').count()).resolves.toBe(
			1,
		);
		await phone.goto(server.url + '/account/');
		await phone.waitForURL(/\/login\/\?next=%2Faccount%2F/);
		await phone.context().close();
	});

	it('signs out of every device, this one included', async () => {
		const laptop = await newPage();
		await signInToAccount(laptop, NEW_PASSWORD);

		await anna.goto(server.url + '/account/');
		await anna.getByRole('button', { name: 'Sign out of every device' }).click();
		await anna.waitForURL(server.url + '/login/?notice=everywhere');
		expect((await anna.getByRole('status').textContent())?.trim()).toBe(
			'You were signed out of every device, this one included.',
		);
		await anna.goto(server.url + '/account/');
		await anna.waitForURL(/\/login\/\?next=%2Faccount%2F/);

		await laptop.goto(server.url + '/account/');
		await laptop.waitForURL(/\/login\/\?next=%2Faccount%2F/);
		expect(dialogs).toEqual([]);
		await laptop.context().close();
		await anna.context().close();
	});
});
