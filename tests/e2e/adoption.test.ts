// "We applied this" and the diffusion view, on the built fixture site with demo accounts, in real
// Chromium and over real HTTP: the island on the static case study, the members' form (validation,
// update, withdraw), the matrix, the CSV export, members-only access and typed HTML kept inert.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { parse as parseCsv } from 'csv-parse/sync';
import {
	createMemberClient,
	launchBrowser,
	startServer,
	type MemberClient,
	type RunningServer,
	signInPage,
} from './harness';

const PASSWORD = 'kestrel-rally-lisbon-2026';
const ANNA = 'anna.verdi@it.fixture.example';
const BRUNO = 'bruno.costa@pt.fixture.example';
const CLAIRE = 'claire.martin@fr.fixture.example';
const XSS = '<img src=x onerror="document.title=\'pwned\'"><script>document.title="pwned"</script>';

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

const get = (pathname: string, email: string) => member.get(pathname, email);
const post = (pathname: string, email: string, fields: Record<string, string>) =>
	member.post(pathname, email, fields);

/** A browser page signed in through the sign-in form, failing the test on any page error. */
async function signIn(email: string): Promise<Page> {
	return signInPage(browser, server, email, { viewport: { width: 1024, height: 900 } });
}

describe('we applied this', () => {
	it('lets Anna mark a practice, fix a refused form, and update her mark', async () => {
		const page = await signIn(ANNA);
		await page.goto(`${server.url}/case-studies/alpha-launch/`);
		const island = page.locator('#adoption');
		await expect.poll(() => island.textContent()).toContain('No member has said yet');

		await island.getByRole('link', { name: /We applied this/ }).click();
		await page.waitForURL(`${server.url}/case-studies/alpha-launch/applied/`);
		await expect.poll(() => page.locator('h1').textContent()).toContain('We applied this');
		await page.getByRole('radio', { name: /^Adapted/ }).check();
		await page.getByLabel('Period').fill('Since March 2026');
		await page.getByLabel('Note').fill('Worked in Milan first.');
		await page.getByLabel('What was measured').fill('Test drives per month');
		await page.getByLabel('Before').fill('120');
		await page.getByLabel('After').fill('150');
		const refused = page.waitForResponse((r) => r.request().method() === 'POST');
		await page.getByRole('button', { name: 'Save my answer' }).click();
		expect((await refused).status()).toBe(400);
		await page.waitForLoadState();
		expect(await page.getByRole('alert').textContent()).toContain('Say what you changed');
		expect(await page.locator('#cd-change').getAttribute('aria-invalid')).toBe('true');
		// Everything typed is still there.
		expect(await page.getByRole('radio', { name: /^Adapted/ }).isChecked()).toBe(true);
		expect(await page.getByLabel('Period').inputValue()).toBe('Since March 2026');
		expect(await page.getByLabel('Note').inputValue()).toBe('Worked in Milan first.');
		expect(await page.getByLabel('After').inputValue()).toBe('150');

		await page.getByLabel('What did you change?').fill('Smaller street events, more test drives.');
		await Promise.all([
			page.waitForURL(`${server.url}/case-studies/alpha-launch/?adoption=saved#adoption`),
			page.getByRole('button', { name: 'Save my answer' }).click(),
		]);
		await expect
			.poll(() => island.locator('[data-cd-adoption-tally]').textContent())
			.toContain('1 adapted');
		expect(await island.getByRole('status').textContent()).toContain('Your answer is saved.');
		const entry = island.locator('[data-cd-adoption-entry]');
		expect(await entry.count()).toBe(1);
		const text = (await entry.textContent()) ?? '';
		for (const part of [
			'Italy',
			'Adapted',
			'Since March 2026',
			'Smaller street events',
			'Worked in Milan first.',
			'Anna Verdi',
		]) {
			expect(text).toContain(part);
		}
		expect(text).toMatch(/120 → 150 \(\+25%\)/);
		expect(await entry.getByRole('link', { name: 'Anna Verdi' }).getAttribute('href')).toBe(
			'/people/anna-verdi/',
		);

		// Updating replaces the mark: the form opens with her answer, and there is still one entry.
		await island.getByRole('link', { name: /Update your answer/ }).click();
		await page.waitForURL(`${server.url}/case-studies/alpha-launch/applied/`);
		expect(await page.getByLabel('What did you change?').inputValue()).toBe(
			'Smaller street events, more test drives.',
		);
		await page.getByRole('radio', { name: /^Adopted/ }).check();
		await Promise.all([
			page.waitForURL(/adoption=saved/),
			page.getByRole('button', { name: 'Save my answer' }).click(),
		]);
		await expect
			.poll(() => island.locator('[data-cd-adoption-tally]').textContent())
			.toContain('1 adopted');
		expect(await island.locator('[data-cd-adoption-tally]').textContent()).not.toContain('adapted');
		expect(await island.locator('[data-cd-adoption-entry]').count()).toBe(1);
		await page.context().close();
	});

	it('shows Bruno’s rejection, typed HTML as text, on the case study and the form', async () => {
		const refused = await post('/case-studies/alpha-launch/applied/', BRUNO, {
			status: 'rejected',
			period: '2025',
		});
		expect(refused.status).toBe(400);
		expect(await refused.text()).toContain('Say why you dropped it');
		const saved = await post('/case-studies/alpha-launch/applied/', BRUNO, {
			status: 'rejected',
			period: '2025',
			why: `Too costly ${XSS}`,
			note: `Note ${XSS}`,
		});
		expect(saved.status).toBe(303);
		expect(saved.headers.get('location')).toBe(
			'/case-studies/alpha-launch/?adoption=saved#adoption',
		);

		const page = await signIn(BRUNO);
		await page.goto(`${server.url}/case-studies/alpha-launch/`);
		const island = page.locator('#adoption');
		await expect
			.poll(() => island.locator('[data-cd-adoption-tally]').textContent())
			.toContain('1 adopted, 1 dropped (rejected)');
		expect(await island.locator('[data-cd-adoption-entry]').count()).toBe(2);
		const bruno = island.locator('[data-cd-adoption-entry]', { hasText: 'Bruno Costa' });
		expect(await bruno.textContent()).toContain('Portugal');
		expect(await bruno.textContent()).toContain('Why they dropped it');
		expect(await bruno.textContent()).toContain(`Too costly ${XSS}`);
		expect(await bruno.textContent()).toContain(`Note ${XSS}`);
		expect(await island.locator('img, script').count()).toBe(0);
		expect(await page.title()).not.toBe('pwned');

		// The form page lists the same answers, rendered on the server.
		await page.goto(`${server.url}/case-studies/alpha-launch/applied/`);
		expect(await page.locator('[data-cd-adoption-entry]').count()).toBe(2);
		expect(await page.locator('main img[src="x"]').count()).toBe(0);
		expect(await page.getByLabel('Why did you drop it?').inputValue()).toBe(`Too costly ${XSS}`);
		await page.context().close();
	});

	it('shows both countries in the diffusion matrix and exactly those rows in the CSV', async () => {
		const page = await signIn(CLAIRE);
		await page.goto(`${server.url}/diffusion/`);
		const table = page.getByRole('table', { name: /Practices by country/ });
		expect(
			await page.getByRole('region', { name: /scrolls sideways/ }).getAttribute('tabindex'),
		).toBe('0');
		const headers = await table.locator('thead th[scope="col"]').allTextContents();
		expect(headers.map((h) => h.trim())).toEqual(['Practice', 'Italy', 'Portugal']);
		const row = table.locator('tr[data-case-study="alpha-launch"]');
		expect((await row.locator('th[scope="row"]').textContent())?.trim()).toBe(
			'Alpha crossover launch with street events',
		);
		expect((await row.locator('td[data-country="IT"]').textContent())?.trim()).toContain('Adopted');
		expect((await row.locator('td[data-country="PT"]').textContent())?.trim()).toContain(
			'Rejected',
		);
		expect(await page.locator('.cd-diffusion__top li').allTextContents()).toEqual([
			expect.stringContaining('Alpha crossover launch with street events'),
		]);
		await page.context().close();

		const today = new Date().toISOString().slice(0, 10);
		const xss = (word: string) =>
			`${word} <img src=x onerror="document.title='pwned'"><script>document.title="pwned"</script>`;

		// For tools: RFC 4180, commas, no byte order mark, machine column names.
		const res = await get('/diffusion.csv', CLAIRE);
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8; header=present');
		expect(res.headers.get('content-disposition')).toMatch(
			/^attachment; filename="coaching-dealer-diffusion-\d{4}-\d{2}-\d{2}\.csv"$/,
		);
		const bytes = new Uint8Array(await res.arrayBuffer());
		expect([...bytes.slice(0, 3)]).not.toEqual([0xef, 0xbb, 0xbf]);
		const records = parseCsv(new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes), {
			columns: true,
		}) as Record<string, string>[];
		expect(records).toEqual([
			{
				case_study: 'alpha-launch',
				case_study_title: 'Alpha crossover launch with street events',
				country: 'IT',
				status: 'adopted',
				period: 'Since March 2026',
				change: 'Smaller street events, more test drives.',
				reason: '',
				note: 'Worked in Milan first.',
				kpi_label: 'Test drives per month',
				kpi_unit: '',
				kpi_before: '120',
				kpi_after: '150',
				updated_at: today,
			},
			{
				case_study: 'alpha-launch',
				case_study_title: 'Alpha crossover launch with street events',
				country: 'PT',
				status: 'rejected',
				period: '2025',
				change: '',
				reason: xss('Too costly'),
				note: xss('Note'),
				kpi_label: '',
				kpi_unit: '',
				kpi_before: '',
				kpi_after: '',
				updated_at: today,
			},
		]);

		// For Excel in Europe: byte order mark, semicolons, French titles and statuses.
		const excel = await get('/diffusion.csv?format=excel&lang=fr', CLAIRE);
		expect(excel.status).toBe(200);
		expect(excel.headers.get('content-disposition')).toMatch(/-excel-fr\.csv"$/);
		const excelBytes = new Uint8Array(await excel.arrayBuffer());
		expect([...excelBytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
		const excelText = new TextDecoder('utf-8', { ignoreBOM: true }).decode(excelBytes);
		expect(excelText.split('\r\n')[0]).toContain(';');
		const excelRows = parseCsv(excelText, { bom: true, delimiter: ';' }) as string[][];
		expect(excelRows[0]).toEqual([
			'Identifiant de la pratique',
			'Pratique',
			'Pays',
			'Statut',
			'Période',
			'Ce qui a changé',
			'Raison',
			'Note',
			'Indicateur',
			'Unité',
			'Avant',
			'Après',
			'Mise à jour',
		]);
		expect(excelRows.slice(1).map((r) => [r[2], r[3], r[5], r[6], r[10], r[11]])).toEqual([
			['IT', 'Adoptée', 'Smaller street events, more test drives.', '', '120', '150'],
			['PT', 'Rejetée', '', xss('Too costly'), '', ''],
		]);

		// Both downloads are offered on the page.
		const links = await signIn(CLAIRE);
		await links.goto(`${server.url}/fr/diffusion/`);
		expect(await links.locator('[data-cd-csv="excel"]').getAttribute('href')).toBe(
			'/diffusion.csv?format=excel&lang=fr',
		);
		expect(await links.locator('[data-cd-csv="rfc4180"]').textContent()).toContain('RFC 4180');
		await links.context().close();
	});

	it('lets a member withdraw a mark', async () => {
		expect(
			(await post('/case-studies/beta-rally/applied/', CLAIRE, { status: 'trying' })).status,
		).toBe(303);
		expect(await (await get('/api/adoption/beta-rally?lang=en', CLAIRE)).text()).toContain(
			'1 trying',
		);
		const withdrawn = await post('/case-studies/beta-rally/applied/', CLAIRE, {
			intent: 'withdraw',
		});
		expect(withdrawn.status).toBe(303);
		expect(withdrawn.headers.get('location')).toBe(
			'/case-studies/beta-rally/?adoption=withdrawn#adoption',
		);
		expect(await (await get('/api/adoption/beta-rally?lang=en', CLAIRE)).text()).toContain(
			'No member has said yet',
		);
	});
});

describe('access and robustness', () => {
	it('keeps the case study readable without JavaScript, with the link to the form', async () => {
		const context = await browser.newContext({ javaScriptEnabled: false });
		const page = await context.newPage();
		// Sign in with the plain form (no script needed).
		await page.goto(`${server.url}/login/`);
		await page.getByLabel('Email').fill(ANNA);
		await page.locator('#cd-password').fill(PASSWORD);
		await Promise.all([
			page.waitForURL(`${server.url}/`),
			page.getByRole('button', { name: 'Sign in' }).click(),
		]);
		await page.goto(`${server.url}/case-studies/alpha-launch/`);
		expect(await page.locator('h1').textContent()).toContain('Alpha crossover launch');
		const island = page.locator('#adoption');
		expect(await island.textContent()).toContain(
			'Members say here whether they tried this practice',
		);
		const link = island.getByRole('link', { name: 'We applied this / Update your answer' });
		expect(await link.getAttribute('href')).toBe('/case-studies/alpha-launch/applied/');
		await link.click();
		await page.waitForURL(`${server.url}/case-studies/alpha-launch/applied/`);
		expect(await page.getByRole('radio', { name: /^Adopted/ }).isChecked()).toBe(true);
		await context.close();
	});

	it('keeps the answers, the matrix and the CSV for members', async () => {
		for (const pathname of ['/api/adoption/alpha-launch', '/diffusion.csv']) {
			const res = await fetch(server.url + pathname, { redirect: 'manual' });
			expect(res.status, pathname).toBe(401);
		}
		const page = await fetch(`${server.url}/diffusion/`, {
			redirect: 'manual',
			headers: { Accept: 'text/html' },
		});
		expect(page.status).toBe(303);
		expect(page.headers.get('location')).toBe('/login/?next=%2Fdiffusion%2F');
		const form = await fetch(`${server.url}/case-studies/alpha-launch/applied/`, {
			method: 'POST',
			headers: { Origin: server.url },
			body: new URLSearchParams({ status: 'adopted' }),
			redirect: 'manual',
		});
		expect(form.status).toBe(401);
	});

	it('answers 404 for an unknown case study', async () => {
		expect((await get('/case-studies/no-such-study/applied/', ANNA)).status).toBe(404);
		expect((await get('/api/adoption/no-such-study', ANNA)).status).toBe(404);
	});
});
