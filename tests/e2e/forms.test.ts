// Forms never lose work, on the built fixture site in real Chromium: the post-mortem form autosaves
// while typing and warns before leaving unsaved text, a chosen photo survives a validation error,
// "60%" is accepted where the unit is %, focus moves to the error summary; an invitation carries
// the member's country to the account, and deactivating a member asks first (without JavaScript).
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
	createMemberClient,
	launchBrowser,
	startServer,
	type MemberClient,
	type RunningServer,
} from './harness';

const ANNA = 'anna.verdi@it.fixture.example';
const BRUNO = 'bruno.costa@pt.fixture.example';
const CLAIRE = 'claire.martin@fr.fixture.example';
const PHOTO = path.resolve('tests/e2e/fixtures/site/case-studies/beta-rally/cover.jpg');

let server: RunningServer;
let browser: Browser;
let member: MemberClient;

beforeAll(async () => {
	[server, browser] = await Promise.all([
		startServer({ DEMO: 'true', DEMO_ADMINS: 'claire-martin' }),
		launchBrowser(),
	]);
	member = createMemberClient(server);
});

afterAll(async () => {
	await browser?.close();
	await server?.stop();
});

/** A browser context signed in as `email` (the session cookie of the real sign-in form). */
async function signedIn(
	email: string,
	options: { javaScriptEnabled?: boolean } = {},
): Promise<BrowserContext> {
	const context = await browser.newContext(options);
	await context.addCookies([
		{ name: 'cd_session', value: await member.tokenFor(email), url: server.url },
	]);
	return context;
}

/** Clicks a submit button and waits for the page that ends the navigation (not the 303). */
async function press(page: Page, name: string) {
	const [response] = await Promise.all([
		page.waitForResponse((r) => r.request().isNavigationRequest() && r.status() !== 303),
		page.getByRole('button', { name, exact: true }).click(),
	]);
	await page.waitForLoadState('load');
	return response;
}

/** A new draft of Anna's, opened at step 1. */
async function newDraft(page: Page): Promise<string> {
	await page.goto(`${server.url}/post-mortems/new/`);
	await press(page, 'Start a draft');
	const url = new URL(page.url());
	expect(url.pathname).toMatch(/^\/post-mortems\/\d+\/edit\/$/);
	return url.pathname;
}

const statusOf = (page: Page) => page.locator('[data-cd-autosave-status]');

function outboxFiles(): string[] {
	const dir = path.join(server.dataDir, 'outbox');
	return fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.eml')) : [];
}

describe('the post-mortem form never loses work', () => {
	it('autosaves while typing, says when, and the text is there after a reload', async () => {
		const context = await signedIn(ANNA);
		const page = await context.newPage();
		const edit = await newDraft(page);
		await expect(statusOf(page).textContent()).resolves.toBe('');

		await page.click('#cd-title');
		await page.keyboard.type('Tablets stayed in their boxes');
		await page.click('#cd-tried');
		await page.keyboard.type('We gave every salesperson a tablet for demos.');
		await expect
			.poll(() => statusOf(page).textContent(), { timeout: 15_000 })
			.toMatch(/^Saved at \d{2}:\d{2}/);
		// No page change: the member keeps typing where they were.
		expect(new URL(page.url()).pathname).toBe(edit);
		await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe('cd-tried');

		// Nothing was submitted, yet a fresh load of the step has everything (and asks nothing).
		page.on('dialog', (d) => {
			throw new Error(`unexpected dialog: ${d.type()}`);
		});
		await page.goto(`${server.url}${edit}?step=1`);
		await expect(page.inputValue('#cd-title')).resolves.toBe('Tablets stayed in their boxes');
		await expect(page.inputValue('#cd-tried')).resolves.toBe(
			'We gave every salesperson a tablet for demos.',
		);
		await context.close();
	});

	it('says when it cannot save, and warns before leaving with the unsaved text', async () => {
		const context = await signedIn(ANNA);
		const page = await context.newPage();
		await newDraft(page);
		await context.setOffline(true);
		await page.click('#cd-title');
		await page.keyboard.type('Typed on the train');
		await expect
			.poll(() => statusOf(page).textContent(), { timeout: 15_000 })
			.toBe('Not saved — check your connection');

		const dialog = page.waitForEvent('dialog');
		await page.close({ runBeforeUnload: true });
		const asked = await dialog;
		expect(asked.type()).toBe('beforeunload');
		await asked.dismiss();
		expect(page.isClosed()).toBe(false);
		await context.setOffline(false);
		await context.close();
	});

	it('keeps a chosen photo after an error, accepts "60%" where the unit is %, and focuses the error summary', async () => {
		const context = await signedIn(ANNA);
		const page = await context.newPage();
		const edit = await newDraft(page);
		await page.goto(`${server.url}${edit}?step=2`);

		await page.fill('#cd-results-0-label', 'Show rate');
		await page.fill('#cd-results-0-unit', '%');
		await page.fill('#cd-results-0-planned', '60%');
		await page.fill('#cd-results-0-actual', '45 %');
		await page.fill('#cd-timeline-0-when', 'March');
		await page.fill('#cd-timeline-0-what', 'Tablets handed out');
		await page.setInputFiles('#cd-photo', PHOTO);
		// The description is forgotten: an error, but the photo is not.
		const invalid = await press(page, 'Save and continue');
		expect(invalid.status()).toBe(400);

		const summary = page.locator('[data-cd-form-errors]');
		await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe('cd-form-errors');
		await expect(summary.textContent()).resolves.toContain(
			'Describe the photo for readers who cannot see it',
		);
		// "60%" and "45 %" are numbers in %, not errors.
		await expect(summary.textContent()).resolves.not.toContain('Enter a number');
		await expect(summary.locator('a').getAttribute('href')).resolves.toBe('#cd-photoAlt');
		await expect(page.locator('.cd-pm-photo-list img').count()).resolves.toBe(1);
		await expect(page.locator('[data-cd-photo-waiting]').textContent()).resolves.toContain(
			'until you describe it',
		);

		// Only the description is typed now; the file is not chosen again.
		await page.fill('#cd-photoAlt', 'Tablets still in their boxes on a shelf');
		await expect(page.inputValue('#cd-photo')).resolves.toBe('');
		await press(page, 'Save and continue');
		expect(new URL(page.url()).searchParams.get('step')).toBe('3');

		await page.goto(`${server.url}${edit}?step=2`);
		await expect(page.getAttribute('.cd-pm-photo-list img', 'alt')).resolves.toBe(
			'Tablets still in their boxes on a shelf',
		);
		await expect(page.locator('.cd-pm-photo-list img').count()).resolves.toBe(1);
		await expect(page.locator('[data-cd-photo-waiting]').count()).resolves.toBe(0);
		await expect(page.inputValue('#cd-results-0-planned')).resolves.toBe('60%');
		await context.close();
	});
});

describe('members administration asks and carries what it should', () => {
	it('an invitation carries the country chosen by the admin to the new account', async () => {
		const context = await signedIn(CLAIRE, { javaScriptEnabled: false });
		const page = await context.newPage();
		await page.goto(`${server.url}/admin/`);
		await page.getByLabel('Email').fill('rui.santos@pt.fixture.example');
		// The country is required: the browser asks for it, and so does the server.
		await page.getByRole('button', { name: 'Send the invitation' }).click();
		await expect(
			page
				.getByLabel('Country', { exact: true })
				.evaluate((select: HTMLSelectElement) => select.validity.valueMissing),
		).resolves.toBe(true);
		const refused = await member.post('/admin/', CLAIRE, {
			action: 'invite',
			email: 'rui.santos@pt.fixture.example',
			role: 'member',
			country: '',
		});
		expect(refused.status).toBe(400);
		expect(await refused.text()).toContain('id="cd-country-error"');

		await page.getByLabel('Country', { exact: true }).selectOption({ label: 'Portugal' });
		await press(page, 'Send the invitation');
		expect((await page.getByRole('status').textContent())?.trim()).toBe(
			'Invitation sent to rui.santos@pt.fixture.example.',
		);
		// The mail, as the demo's outbox shows it.
		await expect.poll(() => outboxFiles().length).toBeGreaterThan(0);
		await page.goto(`${server.url}/dev/outbox/`);
		await page
			.getByRole('row', { name: /rui\.santos@pt\.fixture\.example/ })
			.getByRole('link', { name: 'You are invited to Coaching Dealer' })
			.click();
		const href = await page.locator('.cd-mail__body a').getAttribute('href');
		const link = new URL(href!).pathname;
		expect(link).toMatch(/^\/invite\/[a-z2-7]{32}\/$/);
		await context.close();

		const invitee = await browser.newContext();
		const join = await invitee.newPage();
		await join.goto(server.url + link!);
		await join.getByLabel('Your name').fill('Rui Santos');
		await join.getByLabel('Password', { exact: true }).fill('amber tractor sunrise over the fjord');
		await join.getByLabel('Password again').fill('amber tractor sunrise over the fjord');
		await join.getByRole('button', { name: 'Create my account' }).click();
		await join.waitForURL(server.url + '/');
		// Their profile already says Portugal.
		await join.goto(`${server.url}/account/`);
		const country = join.getByLabel('Country', { exact: true });
		await expect(
			country.evaluate((select: HTMLSelectElement) =>
				select.selectedOptions[0]?.textContent?.trim(),
			),
		).resolves.toBe('Portugal');
		await invitee.close();
	});

	it('deactivating a member asks for confirmation first; Cancel changes nothing', async () => {
		const context = await signedIn(CLAIRE, { javaScriptEnabled: false });
		const page = await context.newPage();
		await page.goto(`${server.url}/admin/`);
		const brunoRow = page.locator(`tr[data-user-email="${BRUNO}"]`);
		await expect(brunoRow.textContent()).resolves.toContain('Active');

		await brunoRow.getByRole('button', { name: 'Deactivate for Bruno Costa' }).click();
		await page.waitForURL((u) => u.searchParams.get('confirm') === 'deactivate');
		await expect(
			page.getByRole('heading', { name: 'Deactivate Bruno Costa?' }).count(),
		).resolves.toBe(1);
		// Asked, not done: Bruno is still active.
		await expect(brunoRow.textContent()).resolves.toContain('Active');
		await page.getByRole('link', { name: 'Cancel' }).click();
		await page.waitForURL(`${server.url}/admin/`);
		await expect(
			page.getByRole('heading', { name: 'Deactivate Bruno Costa?' }).count(),
		).resolves.toBe(0);
		await expect(brunoRow.textContent()).resolves.toContain('Active');
		expect((await member.get('/', BRUNO)).status).toBe(200);

		await brunoRow.getByRole('button', { name: 'Deactivate for Bruno Costa' }).click();
		await page.waitForURL((u) => u.searchParams.get('confirm') === 'deactivate');
		await press(page, 'Deactivate Bruno Costa');
		expect((await page.getByRole('status').textContent())?.trim()).toBe(
			'Bruno Costa was deactivated and signed out everywhere.',
		);
		await expect(brunoRow.textContent()).resolves.toContain('Deactivated');
		expect((await member.get('/', BRUNO)).status).toBe(303);
		await context.close();
	});
});
