// Search finds what people mean, on the built fixture site in real Chromium: synonyms added at index
// time, the closest partial matches when no page has every word, "did you mean" for typos, and the
// first result on screen on a phone, a tablet and a desktop.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, startServer, type RunningServer } from './harness';

let server: RunningServer;
let browser: Browser;

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

async function newPage(width = 1280, height = 900): Promise<Page> {
	const context = await browser.newContext({ viewport: { width, height } });
	const page = await context.newPage();
	page.on('pageerror', (e) => {
		throw e;
	});
	return page;
}

const hitTitles = (page: Page) => page.locator('.cd-search__hit h2').allTextContents();

describe('search', () => {
	for (const [device, width, height] of [
		['a phone', 390, 844],
		['an iPad in portrait', 768, 1024],
		['a large iPad in portrait', 1024, 1366],
		['a desktop', 1280, 800],
	] as const) {
		it(`finds the crossover launch first for "compact SUV launch" on ${device}, on screen without scrolling`, async () => {
			const page = await newPage(width, height);
			await page.goto(server.url + '/search/?q=compact+SUV+launch');
			const first = page.locator('.cd-search__hit').first();
			await first.waitFor();
			await expect(first.locator('h2').textContent()).resolves.toBe(
				'Alpha crossover launch with street events',
			);
			// No page says "compact": the closest matches are shown, and said to be.
			await expect(
				page.getByText('No case study has every word: showing the closest matches.').isVisible(),
			).resolves.toBe(true);
			await expect(first.locator('.cd-search__missing').textContent()).resolves.toBe(
				'Without: compact',
			);
			const box = (await first.locator('h2 a').boundingBox())!;
			expect(box.y).toBeGreaterThanOrEqual(0);
			expect(box.y + box.height).toBeLessThanOrEqual(height);
			expect(await page.evaluate(() => window.scrollY)).toBe(0);
			// Filters wait behind a button on small screens, and sit beside the results on wide ones.
			const filters = page.locator('details.cd-search__filters');
			await expect(filters.evaluate((d: HTMLDetailsElement) => d.open)).resolves.toBe(width >= 960);
			// Counts are those of the closest matches: Italy has one, Portugal none (behind "More").
			if (width >= 960) {
				const country = page.getByRole('group', { name: 'Country' });
				await expect.poll(() => country.getByText('Italy').isVisible()).toBe(true);
				await expect(country.locator('label', { hasText: 'Italy' }).textContent()).resolves.toBe(
					'Italy(1)',
				);
				await expect(country.getByText('Portugal').isVisible()).resolves.toBe(false);
			}
			await page.context().close();
		});
	}

	it('finds a page through a synonym it never uses, and ranks by how many words match', async () => {
		const page = await newPage();
		// The Alpha page says "crossover", never "SUV" (content/search/synonyms.txt at index time).
		await page.goto(server.url + '/search/?q=SUV');
		await page.locator('.cd-search__hit').first().waitFor();
		await expect(hitTitles(page)).resolves.toEqual(['Alpha crossover launch with street events']);
		await expect(page.locator('[data-cd-note]').isVisible()).resolves.toBe(false);
		// "propriétaire" and "owner" are one group: the French rally answers an English word.
		await page.goto(server.url + '/search/?q=owner');
		await page.locator('.cd-search__hit').first().waitFor();
		await expect(hitTitles(page)).resolves.toEqual(
			expect.arrayContaining(['Beta owner rally in the hills', 'Rallye de propriétaires Delta']),
		);
		await page.context().close();
	});

	it('offers "did you mean" for a typo, as a link that runs the corrected search', async () => {
		const page = await newPage(390, 844);
		await page.goto(server.url + '/search/?q=Alpah');
		const suggestion = page.locator('[data-cd-suggest]');
		await suggestion.waitFor();
		await expect(suggestion.textContent()).resolves.toBe('Did you mean Alpha?');
		await expect(page.getByRole('status').textContent()).resolves.toContain('No case study');
		await suggestion.getByRole('link', { name: 'Alpha' }).click();
		await page.waitForURL(/\?q=Alpha$/);
		await expect.poll(() => hitTitles(page)).toContain('Alpha crossover launch with street events');
		await expect(suggestion.isVisible()).resolves.toBe(false);
		await expect(page.locator('#cd-search-q').inputValue()).resolves.toBe('Alpha');

		// A typo beside a known word: closest matches and the correction together, in French too.
		await page.goto(server.url + '/fr/search/?q=crosover+launch');
		await page.locator('.cd-search__hit').first().waitFor();
		await expect(suggestion.textContent()).resolves.toBe('Vouliez-vous dire crossover launch ?');
		await expect(
			page
				.getByText('Aucune étude de cas ne contient tous les mots : voici les plus proches.')
				.isVisible(),
		).resolves.toBe(true);
		await page.context().close();
	});

	it('moves through results with the arrow keys, and Ctrl+K and "/" focus the box', async () => {
		const page = await newPage();
		await page.goto(server.url + '/search/?q=owner');
		await page.locator('.cd-search__hit').nth(1).waitFor();
		const focused = () =>
			page.evaluate(() => document.activeElement?.textContent || document.activeElement?.id);
		const titles = await hitTitles(page);
		await page.locator('body').click({ position: { x: 5, y: 500 } });
		await page.keyboard.press('Control+k');
		await expect(focused()).resolves.toBe('cd-search-q');
		await page.keyboard.press('ArrowDown');
		await expect(focused()).resolves.toBe(titles[0]);
		await page.keyboard.press('ArrowDown');
		await expect(focused()).resolves.toBe(titles[1]);
		await page.keyboard.press('ArrowUp');
		await expect(focused()).resolves.toBe(titles[0]);
		await page.keyboard.press('ArrowUp');
		await expect(focused()).resolves.toBe('cd-search-q');
		await page.keyboard.press('ArrowDown');
		await page.keyboard.press('Enter');
		await page.waitForURL(/\/case-studies\//);
		await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(titles[0]);
		await page.goBack();
		await page.locator('.cd-search__hit').first().waitFor();
		await page.locator('body').click({ position: { x: 5, y: 500 } });
		await page.keyboard.press('/');
		await expect(focused()).resolves.toBe('cd-search-q');
		await page.context().close();
	});

	it('keeps the query and filters when switching language, and hides zero-count filter values behind "more"', async () => {
		const page = await newPage();
		await page.goto(server.url + '/search/?q=rally');
		await page.locator('.cd-search__hit').first().waitFor();
		// Italy has no rally: hidden until asked for.
		const italy = page.getByRole('checkbox', { name: /^Italy/ });
		await expect.poll(() => italy.isVisible()).toBe(false);
		const country = page.getByRole('group', { name: 'Country' });
		await country.getByRole('button', { name: /^More \(\d+\)$/ }).click();
		await expect(italy.isVisible()).resolves.toBe(true);
		await expect(country.getByRole('button', { name: 'Fewer' }).isVisible()).resolves.toBe(true);

		await page.getByRole('checkbox', { name: /^Portugal/ }).check();
		await page.waitForURL(/country=PT/);
		await expect(page.locator('summary[data-cd-filter-summary]').textContent()).resolves.toBe(
			'Filters (1)',
		);
		await page.getByRole('link', { name: 'Lire cette page en français' }).click();
		await page.waitForURL(server.url + '/fr/search/?q=rally&country=PT');
		await expect(page.locator('#cd-search-q').inputValue()).resolves.toBe('rally');
		await expect.poll(() => hitTitles(page)).toEqual(['Beta owner rally in the hills']);
		await page.getByRole('link', { name: 'Read this page in English' }).click();
		await page.waitForURL(server.url + '/search/?q=rally&country=PT');
		await expect(page.locator('#cd-search-q').inputValue()).resolves.toBe('rally');
		await page.context().close();
	});

	it('has no serious or critical accessibility violations with the note, the suggestion and collapsed filters', async () => {
		const page = await newPage(390, 844);
		await page.goto(server.url + '/search/?q=crosover+launch');
		await page.locator('[data-cd-suggest] a').waitFor();
		// Evaluated through the DevTools protocol, so the page's CSP (no inline scripts) does not apply.
		await page.evaluate(fs.readFileSync(path.resolve('node_modules/axe-core/axe.min.js'), 'utf8'));
		const violations = await page.evaluate(async () => {
			const axe = (
				window as unknown as {
					axe: {
						run: (
							ctx: Document,
							o: object,
						) => Promise<{ violations: { id: string; impact: string }[] }>;
					};
				}
			).axe;
			const result = await axe.run(document, { resultTypes: ['violations'] });
			return result.violations
				.filter((v) => v.impact === 'serious' || v.impact === 'critical')
				.map((v) => v.id);
		});
		expect(violations).toEqual([]);
		await page.context().close();
	});

	it('marks a practice written in the other language with its language, title and excerpt', async () => {
		const page = await newPage();
		const link = (ui: string, slug: string) =>
			page.locator(`.cd-search__hit a[href="${ui}/case-studies/${slug}/"]`);
		// A French practice in the English UI, an English one in the French UI.
		for (const [ui, q, slug, lang] of [
			['', 'rallye', 'delta-rallye', 'fr'],
			['/fr', 'rally', 'beta-rally', 'en'],
		] as const) {
			await page.goto(`${server.url}${ui}/search/?q=${q}`);
			await link(ui, slug).waitFor();
			await expect(link(ui, slug).getAttribute('lang')).resolves.toBe(lang);
		}
		// A practice in the UI's own language needs no mark.
		await page.goto(`${server.url}/search/?q=rally`);
		await link('', 'beta-rally').waitFor();
		await expect(link('', 'beta-rally').getAttribute('lang')).resolves.toBeNull();
		await page.context().close();
	});
});
