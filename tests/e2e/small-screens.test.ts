// Small screens first, measured in real Chromium on the built fixture site: on a 390×844 phone the
// header is one short line whose menu opens without JavaScript; a case study's Contact and "We
// applied this" are on the first screen (phone and tablet) and its video one tap away; buttons and
// links are at least 44 px tall; and the pages with wide tables never scroll sideways.
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
const CLAIRE = 'claire.martin@fr.fixture.example';
const PHONE = { width: 390, height: 844 };
const TABLET = { width: 768, height: 1024 };

let server: RunningServer;
let browser: Browser;
let member: MemberClient;
/** Anna's draft, with a follow-up action she owns (so her actions page has a row). */
let edit = '';

beforeAll(async () => {
	[server, browser] = await Promise.all([
		startServer({ DEMO: 'true', DEMO_ADMINS: 'claire-martin' }),
		launchBrowser(),
	]);
	member = createMemberClient(server);
	const started = await member.post('/post-mortems/new/', ANNA, {});
	expect(started.status).toBe(303);
	edit = new URL(started.headers.get('location')!, server.url).pathname;
	const results = await member.post(`${edit}?step=2`, ANNA, {
		step: '2',
		intent: 'save',
		'results.label': 'Share of visitors who booked a test drive after the street event',
		'results.unit': '%',
		'results.planned': '60%',
		'results.actual': '45%',
	});
	expect(results.status).toBe(303);
	const step5 = await (await member.get(`${edit}?step=5`, ANNA)).text();
	const annaId = /<option value="(\d+)"[^>]*>\s*Anna Verdi\s*</.exec(step5)?.[1];
	expect(annaId).toBeDefined();
	const saved = await member.post(`${edit}?step=5`, ANNA, {
		step: '5',
		intent: 'save',
		'actions.text': 'Call back every visitor of the street events within two working days',
		'actions.owner': annaId!,
		'actions.due': '2025-01-31',
		'actions.status': 'open',
	});
	expect(saved.status).toBe(303);
});

afterAll(async () => {
	await browser?.close();
	await server?.stop();
});

async function signedIn(
	email: string,
	viewport: { width: number; height: number },
	javaScriptEnabled = true,
): Promise<BrowserContext> {
	const context = await browser.newContext({ viewport, javaScriptEnabled });
	await context.addCookies([
		{ name: 'cd_session', value: await member.tokenFor(email), url: server.url },
	]);
	return context;
}

async function open(page: Page, pathname: string) {
	const res = await page.goto(server.url + pathname);
	expect(res?.status(), pathname).toBe(200);
	await page.waitForLoadState('networkidle');
}

describe('on a 390×844 phone', () => {
	it('the header is one short line, and its menu opens without JavaScript', async () => {
		const context = await signedIn(ANNA, PHONE, false);
		const page = await context.newPage();
		for (const pathname of ['/', '/case-studies/', '/case-studies/alpha-launch/', edit]) {
			await open(page, pathname);
			const share = await page.evaluate(
				() =>
					document.querySelector('header.cd-header')!.getBoundingClientRect().height / innerHeight,
			);
			expect(share, pathname).toBeLessThanOrEqual(0.15);
		}
		const sections = page.getByRole('navigation', { name: 'Main' });
		await expect(sections.isVisible()).resolves.toBe(false);
		await page.getByText('Menu', { exact: true }).click();
		await expect(sections.isVisible()).resolves.toBe(true);
		await expect(
			page
				.getByRole('navigation', { name: 'Your account' })
				.getByRole('link', { name: 'Messages' })
				.isVisible(),
		).resolves.toBe(true);
		await sections.getByRole('link', { name: 'Post-mortems' }).click();
		await page.waitForURL(`${server.url}/post-mortems/`);
		// Search is one tap away too.
		await page.getByRole('link', { name: 'Search' }).click();
		await page.waitForURL((u) => u.pathname === '/search/');
		await context.close();
	});

	it('buttons, links and checkboxes are at least 44 px tall on every kind of page', async () => {
		const admin = await signedIn(CLAIRE, PHONE);
		const anna = await signedIn(ANNA, PHONE);
		const pages = [
			[admin, '/'],
			[admin, '/case-studies/'],
			[admin, '/case-studies/alpha-launch/'],
			[admin, '/post-mortems/'],
			[admin, '/post-mortems/new/'],
			[admin, '/admin/'],
			[admin, '/admin/focal-points/'],
			[admin, '/answers/'],
			[admin, '/diffusion/'],
			[admin, '/case-studies/alpha-launch/answer/'],
			[admin, '/account/'],
			[anna, `${edit}?step=1`],
			[anna, `${edit}?step=2`],
			[anna, `${edit}?step=5`],
			[anna, '/post-mortems/actions/'],
		] as const;
		for (const [context, pathname] of pages) {
			const page = await context.newPage();
			await open(page, pathname);
			// With the menu open, so its links are measured too.
			await page.getByText('Menu', { exact: true }).click();
			const small = await page.evaluate(() => {
				const found: string[] = [];
				const candidates = document.querySelectorAll<HTMLElement>(
					'a, button, summary, select, input, textarea, label',
				);
				for (const el of candidates) {
					const box = el.getBoundingClientRect();
					// Not shown, or visually hidden (labels read by screen readers only).
					if (box.width <= 1 || box.height <= 1 || el.closest('[aria-hidden="true"]')) continue;
					if (getComputedStyle(el).visibility === 'hidden') continue;
					if (el instanceof HTMLInputElement && ['checkbox', 'radio'].includes(el.type)) {
						// The label around it is the target.
						const label = el.closest('label');
						if (label && label.getBoundingClientRect().height >= 44) continue;
					} else if (el instanceof HTMLInputElement && el.type === 'hidden') continue;
					// A label that wraps no control is just text.
					if (el instanceof HTMLLabelElement && !el.querySelector('input')) continue;
					// Links inside running text are exempt (WCAG 2.5.8 "inline"): inline ones, and
					// those in a case study's prose (a quote's author) that are not buttons or tags.
					if (
						el instanceof HTMLAnchorElement &&
						!el.closest('header.cd-header, nav, .cd-study__actions') &&
						(getComputedStyle(el).display === 'inline' ||
							(el.closest('.cd-prose') && !el.matches('.cd-button, .cd-tag')))
					)
						continue;
					if (box.height < 44)
						found.push(
							`${el.tagName.toLowerCase()} "${el.textContent?.trim().slice(0, 40)}" ${Math.round(box.height)}px`,
						);
				}
				return found;
			});
			expect(small, pathname).toEqual([]);
			await page.close();
		}
		await admin.close();
		await anna.close();
	});

	it('pages with wide tables never scroll sideways', async () => {
		const context = await signedIn(ANNA, PHONE);
		const page = await context.newPage();
		const admin = await signedIn(CLAIRE, PHONE);
		const adminPage = await admin.newPage();
		const overflow = (p: Page) =>
			p.evaluate(() => document.documentElement.scrollWidth - innerWidth);
		for (const pathname of [
			'/post-mortems/actions/',
			'/diffusion/',
			'/answers/',
			'/case-studies/alpha-launch/answer/',
			`${edit}?step=2`,
			`${edit}?step=5`,
			// The preview of the whole post-mortem, as readers see it.
			`${edit}?step=6`,
		]) {
			await open(page, pathname);
			expect(await overflow(page), pathname).toBeLessThanOrEqual(0);
		}
		// The action is readable on the actions page, and each row of the form says what its cells are.
		await open(page, '/post-mortems/actions/');
		await expect(
			page
				.getByText('Call back every visitor of the street events within two working days')
				.isVisible(),
		).resolves.toBe(true);
		await open(page, `${edit}?step=5`);
		await expect(
			page
				.locator('td[data-label="Owner"]')
				.evaluate((td) => getComputedStyle(td, '::before').content),
		).resolves.toBe('"Owner"');
		await open(adminPage, '/admin/');
		expect(await overflow(adminPage), '/admin/').toBeLessThanOrEqual(0);
		await expect(
			adminPage.getByRole('button', { name: 'Deactivate for Anna Verdi' }).isVisible(),
		).resolves.toBe(true);
		await context.close();
		await admin.close();
	});
});

describe('a case study', () => {
	for (const [name, viewport] of [
		['a phone', PHONE],
		['a tablet', TABLET],
	] as const) {
		it(`on ${name}, shows Contact and "We applied this" on the first screen and the video one tap away`, async () => {
			const context = await signedIn(ANNA, viewport);
			const page = await context.newPage();
			await open(page, '/case-studies/alpha-launch/');
			const bar = page.getByRole('navigation', { name: 'On this case study' });
			for (const link of ['Contact', 'We applied this', 'Video']) {
				const box = await bar.getByRole('link', { name: link }).boundingBox();
				expect(box, link).not.toBeNull();
				expect(box!.y + box!.height, link).toBeLessThanOrEqual(viewport.height);
				expect(box!.height, link).toBeGreaterThanOrEqual(44);
			}
			await bar.getByRole('link', { name: 'Video' }).click();
			await expect
				.poll(() =>
					page.locator('video').evaluate((v) => {
						const r = v.getBoundingClientRect();
						// Scrolled to it (sub-pixel rounding aside).
						return r.top > -1 && r.top < innerHeight;
					}),
				)
				.toBe(true);
			await bar.getByRole('link', { name: 'Contact' }).click();
			await expect
				.poll(() =>
					page.getByRole('heading', { name: 'Who to contact' }).evaluate((h) => {
						const r = h.getBoundingClientRect();
						return r.top >= 0 && r.bottom <= innerHeight;
					}),
				)
				.toBe(true);
			await bar.getByRole('link', { name: 'We applied this' }).click();
			await page.waitForURL(`${server.url}/case-studies/alpha-launch/answer/`);
			await context.close();
		});
	}
});
