// The published portal as a reader meets it, on the built fixture site in real Chromium.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, startServer, type RunningServer } from './harness';

let server: RunningServer;
let browser: Browser;
const axeSource = fs.readFileSync(path.resolve('node_modules/axe-core/axe.min.js'), 'utf8');

beforeAll(async () => {
	[server, browser] = await Promise.all([
		startServer({ PORTAL_ACCESS: 'public' }),
		launchBrowser(),
	]);
});

afterAll(async () => {
	await browser?.close();
	await server?.stop();
});

async function newPage(
	options: { width?: number; javaScriptEnabled?: boolean } = {},
): Promise<Page> {
	const context = await browser.newContext({
		viewport: { width: options.width ?? 1280, height: 900 },
		javaScriptEnabled: options.javaScriptEnabled ?? true,
	});
	const page = await context.newPage();
	page.on('pageerror', (e) => {
		throw e;
	});
	return page;
}

async function seriousAxeViolations(page: Page) {
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

describe('published portal', () => {
	it('takes a reader from the home page through a facet, a case study, its gallery, search and French', async () => {
		const page = await newPage({ width: 1024 });
		await page.goto(server.url + '/');
		await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(
			'Practices from across the network',
		);

		// Facet filter without a query: Italy only.
		await page
			.getByRole('navigation', { name: 'Main' })
			.getByRole('link', { name: 'Case studies' })
			.click();
		await page.getByRole('checkbox', { name: /Italy/ }).check();
		await page.waitForURL(/country=IT/);
		expect((await page.getByRole('status').first().textContent())?.trim()).toBe('2 case studies');
		const titles = await page.locator('.cd-card__title').allTextContents();
		expect(titles).toEqual([
			'Alpha crossover launch with street events',
			'Gamma follow-up at the right moment',
		]);

		// Case study, with computed KPIs and contacts.
		await page.getByRole('link', { name: 'Alpha crossover launch with street events' }).click();
		await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(
			'Alpha crossover launch with street events',
		);
		await expect(page.locator('table').first().textContent()).resolves.toContain('+100');
		await expect(
			page
				.getByRole('link', { name: 'Contact Anna Verdi about this practice' })
				.getAttribute('href'),
		).resolves.toBe('/messages/new/?to=anna-verdi&about=alpha-launch');

		// Gallery lightbox by keyboard: open, next, Escape returns focus.
		const first = page.locator('[data-cd-gallery-link]').first();
		await first.focus();
		await page.keyboard.press('Enter');
		const dialog = page.locator('dialog.cd-gallery__dialog');
		await expect(dialog.evaluate((d: HTMLDialogElement) => d.open)).resolves.toBe(true);
		await expect(dialog.textContent()).resolves.toContain('1 / 2');
		await page.keyboard.press('ArrowRight');
		await expect(dialog.textContent()).resolves.toContain('2 / 2');
		await page.keyboard.press('Escape');
		await expect(dialog.evaluate((d: HTMLDialogElement) => d.open)).resolves.toBe(false);
		await expect(first.evaluate((el) => el === document.activeElement)).resolves.toBe(true);

		// Video: self-hosted, captions track, nothing loaded before play.
		const video = page.locator('video');
		await expect(video.getAttribute('preload')).resolves.toBe('none');
		await expect(
			video.locator('track[kind="captions"][default]').getAttribute('srclang'),
		).resolves.toBe('en');

		// Search from the header ("/" focuses it) with a language filter.
		await page.locator('body').click({ position: { x: 5, y: 300 } });
		await page.keyboard.press('/');
		await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe('cd-header-q');
		await page.keyboard.type('rally');
		await page.keyboard.press('Enter');
		await page.waitForURL(/\/search\/\?q=rally/);
		await page.locator('.cd-search__hit').first().waitFor();
		const hits = async () => page.locator('.cd-search__hit h2').allTextContents();
		await expect(hits()).resolves.toEqual(
			expect.arrayContaining(['Beta owner rally in the hills']),
		);
		await page.getByRole('checkbox', { name: /^English/ }).check();
		await page.waitForURL(/lang=en/);
		await expect.poll(hits).toEqual(['Beta owner rally in the hills']);
		await expect(page.locator('.cd-search__hit mark').first().textContent()).resolves.toMatch(
			/rally/i,
		);

		// French switch keeps the page.
		await page.goto(server.url + '/case-studies/beta-rally/');
		await page.getByRole('link', { name: 'Lire cette page en français' }).click();
		await page.waitForURL(server.url + '/fr/case-studies/beta-rally/');
		await expect(page.locator('html').getAttribute('lang')).resolves.toBe('fr');
		await expect(page.getByRole('heading', { name: 'Résultats mesurés' }).count()).resolves.toBe(1);
		await page.context().close();
	});

	it('finds the French owner rally in French, browses by filter without a query, and links results in the French UI', async () => {
		const page = await newPage();
		await page.goto(server.url + '/fr/search/?q=rallye');
		await page.locator('.cd-search__hit').first().waitFor();
		await expect(page.locator('.cd-search__hit h2 a').first().getAttribute('href')).resolves.toBe(
			'/fr/case-studies/delta-rallye/',
		);
		await page.goto(server.url + '/search/?country=PT');
		await page.locator('.cd-search__hit').first().waitFor();
		await expect(page.locator('.cd-search__hit h2').allTextContents()).resolves.toEqual([
			'Beta owner rally in the hills',
		]);
		await page.context().close();
	});

	it('filters case studies without JavaScript, with counts and sort', async () => {
		const page = await newPage({ javaScriptEnabled: false });
		await page.goto(server.url + '/case-studies/');
		await page.getByRole('checkbox', { name: /Owner community/ }).check();
		await page.getByRole('button', { name: 'Apply filters' }).click();
		await page.waitForURL(/topic=owner-community/);
		await expect(page.locator('.cd-card__title').allTextContents()).resolves.toEqual([
			'Rallye de propriétaires Delta',
			'Beta owner rally in the hills',
		]);
		// Counts for another group follow the selection.
		await expect(page.getByRole('group', { name: 'Language' }).textContent()).resolves.toMatch(
			/English\s*1[\s\S]*French\s*1/,
		);
		await page.getByRole('link', { name: 'Title (A–Z)' }).click();
		await expect(page.locator('.cd-card__title').allTextContents()).resolves.toEqual([
			'Beta owner rally in the hills',
			'Rallye de propriétaires Delta',
		]);
		await page.context().close();
	});

	it('has no serious or critical accessibility violations on the main page types', async () => {
		const page = await newPage({ width: 820 });
		const pages = [
			'/',
			'/case-studies/',
			'/case-studies/alpha-launch/',
			'/countries/it/',
			'/topics/',
			'/people/anna-verdi/',
			'/search/?q=rally',
			'/fr/case-studies/delta-rallye/',
			'/nope',
		];
		const found: Record<string, string[]> = {};
		for (const p of pages) {
			await page.goto(server.url + p);
			if (p.startsWith('/search')) await page.locator('.cd-search__hit').first().waitFor();
			const v = await seriousAxeViolations(page);
			if (v.length) found[p] = v;
		}
		expect(found).toEqual({});
		await page.context().close();
	});

	it('prints a case study without the site chrome', async () => {
		const page = await newPage();
		await page.goto(server.url + '/case-studies/alpha-launch/');
		await page.emulateMedia({ media: 'print' });
		await expect(page.locator('header.cd-header').isVisible()).resolves.toBe(false);
		await expect(page.getByRole('link', { name: /Contact Anna Verdi/ }).isVisible()).resolves.toBe(
			false,
		);
		await expect(page.getByRole('heading', { level: 1 }).isVisible()).resolves.toBe(true);
		const pdf = await page.pdf({ format: 'A4' });
		expect(pdf.subarray(0, 4).toString()).toBe('%PDF');
		await page.context().close();
	});

	it('ships no JavaScript on reading pages beyond small islands', async () => {
		const page = await newPage();
		const scripts: { url: string; bytes: number }[] = [];
		page.on('response', async (r) => {
			if (r.request().resourceType() === 'script')
				scripts.push({ url: r.url(), bytes: (await r.body()).length });
		});
		await page.goto(server.url + '/case-studies/beta-rally/', { waitUntil: 'networkidle' });
		const total = scripts.reduce((n, s) => n + s.bytes, 0);
		expect(scripts.every((s) => s.url.includes('/_astro/'))).toBe(true);
		expect(total).toBeLessThan(6_000);
		await page.context().close();
	});
});

describe('server', () => {
	it('answers /healthz, compresses, caches hashed assets and sets security headers', async () => {
		const health = await fetch(server.url + '/healthz');
		expect(health.status).toBe(200);
		const home = await fetch(server.url + '/', { headers: { 'accept-encoding': 'br' } });
		expect(home.headers.get('content-encoding')).toBe('br');
		expect(home.headers.get('content-security-policy')).toContain("script-src 'self'");
		expect(home.headers.get('content-security-policy')).not.toMatch(/script-src[^;]*unsafe-inline/);
		expect(home.headers.get('x-content-type-options')).toBe('nosniff');
		const html = await home.text();
		const asset = html.match(/\/_astro\/[^"']+\.js/)![0];
		const res = await fetch(server.url + asset);
		expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
		const list = await fetch(server.url + '/case-studies/?country=IT', {
			headers: { 'accept-encoding': 'gzip' },
		});
		expect(list.headers.get('content-encoding')).toBe('gzip');
		expect((await fetch(server.url + '/nope')).status).toBe(404);
		expect((await fetch(server.url + '/_image?href=/x.jpg&w=10')).status).toBe(404);
	});

	it('serves the RSS feed of new case studies', async () => {
		const res = await fetch(server.url + '/rss.xml');
		const xml = await res.text();
		expect(xml).toContain('<title>Alpha crossover launch with street events</title>');
		expect(xml.indexOf('Rallye de propriétaires Delta')).toBeLessThan(
			xml.indexOf('Alpha crossover'),
		);
	});
});
