// The adoption loop on the built fixture site with demo accounts, in real Chromium and over real
// HTTP: an admin names Portugal's focal point; he opens the answer link of an Italian practice (as a
// mail would send it), signs in, answers "adapted" with a KPI; the case study, the diffusion matrix
// (and its phone list at 390px, without sideways scrolling) and the CSV show Portugal's answer.
// Members who are not focal points add notes; the practice's own country and others are refused;
// owed answers are listed; signed out nothing is readable; typed HTML stays inert.
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

async function signIn(email: string, viewport = { width: 1024, height: 900 }): Promise<Page> {
	return signInPage(browser, server, email, { viewport });
}

describe('the country’s answer', () => {
	it('an admin names Bruno focal point of Portugal', async () => {
		const page = await signIn(CLAIRE);
		await page.goto(`${server.url}/admin/focal-points/`);
		const row = page.locator('tr[data-country="PT"]');
		expect(await row.textContent()).toContain('No focal point');
		await row.getByLabel('Member of Portugal').selectOption({ label: 'Bruno Costa' });
		await Promise.all([
			page.waitForURL(/notice=name/),
			row.getByRole('button', { name: /^Name/ }).click(),
		]);
		expect(await page.getByRole('status').textContent()).toContain(
			'Bruno Costa now answers for Portugal.',
		);
		expect(
			await page.locator('tr[data-country="PT"] [data-focal-point]').allTextContents(),
		).toEqual([expect.stringContaining('Bruno Costa')]);
		await page.goto(`${server.url}/admin/audit/`);
		expect(await page.locator('tr[data-action="focal-point-name"]').textContent()).toContain(
			'Focal point named',
		);
		await page.context().close();
	});

	it('Bruno answers "adapted" with a KPI from the answer link, and everyone sees Portugal’s answer', async () => {
		// The mail's link, opened signed out: sign in, then straight back to the answer page.
		const context = await browser.newContext({ viewport: { width: 1024, height: 900 } });
		const page = await context.newPage();
		page.on('pageerror', (e) => {
			throw e;
		});
		await page.goto(`${server.url}/case-studies/alpha-launch/answer/`);
		await page.waitForURL(/\/login\/\?next=%2Fcase-studies%2Falpha-launch%2Fanswer%2F/);
		await page.getByLabel('Email').fill(BRUNO);
		await page.locator('#cd-password').fill(PASSWORD);
		await Promise.all([
			page.waitForURL(`${server.url}/case-studies/alpha-launch/answer/`),
			page.getByRole('button', { name: 'Sign in' }).click(),
		]);
		expect(await page.locator('h1').textContent()).toContain(
			'Alpha crossover launch with street events',
		);
		expect(await page.locator('[data-cd-answer-due]').textContent()).toMatch(
			/Your country's answer is due on \d{1,2} \w+ \d{4}\./,
		);
		await page.getByRole('radio', { name: /^Adapted/ }).check();
		await page.getByLabel('Period').fill('Since March 2026');
		await page.getByLabel('What was measured').fill('Test drives per month');
		await page.getByLabel('Before').fill('120');
		await page.getByLabel('After').fill('150');
		const refused = page.waitForResponse((r) => r.request().method() === 'POST');
		await page.getByRole('button', { name: "Save the country's answer" }).click();
		expect((await refused).status()).toBe(400);
		await page.waitForLoadState();
		expect(await page.getByRole('alert').textContent()).toContain('Say what your country changed.');
		expect(await page.getByLabel('After').inputValue()).toBe('150');
		expect(await page.getByRole('radio', { name: /^Adapted/ }).isChecked()).toBe(true);
		await page.getByLabel('What did your country change?').fill(`Smaller events ${XSS}`);
		await Promise.all([
			page.waitForURL(/\/case-studies\/alpha-launch\/answer\/\?saved=adapted/),
			page.getByRole('button', { name: "Save the country's answer" }).click(),
		]);
		expect(await page.getByRole('status').first().textContent()).toContain(
			'Saved: the answer of Portugal is now “Adapted”.',
		);
		// Answering again starts from the saved answer.
		expect(await page.getByLabel('What did your country change?').inputValue()).toBe(
			`Smaller events ${XSS}`,
		);

		// The case study's island: the tally of countries, Portugal's answer with the KPI.
		await page.goto(`${server.url}/case-studies/alpha-launch/`);
		const island = page.locator('#adoption');
		await expect
			.poll(() => island.locator('[data-cd-adoption-tally]').textContent())
			.toContain('1 adapted');
		const pt = island.locator('[data-cd-country-answer="PT"]');
		const text = (await pt.textContent()) ?? '';
		for (const part of ['Portugal', 'Adapted', 'Since March 2026', 'Answered by Bruno Costa'])
			expect(text).toContain(part);
		expect(text).toMatch(/120 → 150 \(\+25%\)/);
		expect(text).toContain(`Smaller events ${XSS}`);
		expect(await island.locator('img, script').count()).toBe(0);
		expect(await page.title()).not.toBe('pwned');

		// The diffusion matrix: countries grouped by region, Portugal's cell says "Adapted".
		await page.goto(`${server.url}/diffusion/`);
		const table = page.getByRole('table', { name: /Practices by country/ });
		expect(
			(await table.locator('thead th[scope="colgroup"]').allTextContents()).map((s) => s.trim()),
		).toEqual(['Western Europe', 'Southern Europe']);
		expect(
			await table
				.locator('thead th[data-country]')
				.evaluateAll((ths) => ths.map((th) => th.getAttribute('data-country'))),
		).toEqual(['FR', 'IT', 'PT']);
		const row = table.locator('tr[data-case-study="alpha-launch"]');
		expect(await row.locator('td[data-country="PT"]').textContent()).toContain('Adapted');
		expect(await row.locator('td[data-country="IT"]').textContent()).toContain('Not asked');
		expect(await row.locator('td[data-country="FR"]').textContent()).toContain('Not answered yet');
		expect(
			await page.getByRole('region', { name: /scrolls sideways/ }).getAttribute('tabindex'),
		).toBe('0');
		// The header row stays in view when the matrix scrolls (sticky).
		expect(
			await table
				.locator('thead th[data-country="PT"]')
				.evaluate((th) => getComputedStyle(th).position),
		).toBe('sticky');
		// "My region" narrows the columns to Southern Europe (Bruno is in Portugal), without JS.
		await page.getByLabel('Region').selectOption({ label: 'My region (Southern Europe)' });
		await Promise.all([
			page.waitForURL(/region=mine/),
			page.getByRole('button', { name: 'Show' }).click(),
		]);
		expect(
			await page
				.locator('thead th[data-country]')
				.evaluateAll((ths) => ths.map((th) => th.getAttribute('data-country'))),
		).toEqual(['IT', 'PT']);
		await context.close();

		// On a phone: a list per practice instead of the matrix, and nothing scrolls sideways.
		const phone = await signIn(ANNA, { width: 390, height: 844 });
		await phone.goto(`${server.url}/diffusion/`);
		expect(await phone.locator('.cd-diffusion__wide').isVisible()).toBe(false);
		const item = phone.locator('.cd-diffusion__list > li[data-case-study="alpha-launch"]');
		expect(await item.isVisible()).toBe(true);
		expect(await item.locator('li[data-country="PT"]').textContent()).toMatch(
			/Portugal:\s*✎\s*Adapted/,
		);
		expect(
			await phone.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth),
		).toBe(true);
		await phone.context().close();
	});

	it('refuses other members and the practice’s own country; their experience goes in notes', async () => {
		// Anna (Italy, no focal point) cannot answer for Italy.
		const refused = await post('/case-studies/beta-rally/answer/', ANNA, { status: 'adopted' });
		expect(refused.status).toBe(403);
		expect(await refused.text()).toContain('Italy has no focal point yet');
		// Bruno does not answer on Portugal's own practice.
		const own = await get('/case-studies/beta-rally/answer/', BRUNO);
		expect(await own.text()).toContain('your country does not answer on its own practices');
		expect(
			(await post('/case-studies/beta-rally/answer/', BRUNO, { status: 'adopted' })).status,
		).toBe(403);
		// Anna's experience: a note, shown under "countries that have not answered".
		expect(
			(
				await post('/case-studies/beta-rally/applied/', ANNA, {
					status: 'trying',
					note: `Tried in Milan ${XSS}`,
				})
			).status,
		).toBe(303);
		const island = await (await get('/api/adoption/beta-rally?lang=en', BRUNO)).text();
		expect(island).toContain('Notes from countries that have not answered');
		expect(island).toContain('Trying, by Anna Verdi');
		expect(island).toContain('Tried in Milan &lt;img');
		expect(island).toContain('No country has answered yet.');
		// A note can still be withdrawn.
		expect(
			(await post('/case-studies/beta-rally/applied/', ANNA, { intent: 'withdraw' })).status,
		).toBe(303);
		expect(await (await get('/api/adoption/beta-rally?lang=en', BRUNO)).text()).not.toContain(
			'Anna Verdi',
		);
	});

	it('answers field errors in French with what was typed', async () => {
		const res = await post('/fr/case-studies/gamma-crm/answer/', BRUNO, {
			status: 'not-relevant',
			period: 'T1 2026',
		});
		expect(res.status).toBe(400);
		const html = await res.text();
		expect(html).toContain('Dites pourquoi.');
		expect(html).toContain('value="T1 2026"');
	});

	it('lists the answers a country owes, and for admins every country’s', async () => {
		const mine = await (await get('/answers/', BRUNO)).text();
		expect(mine).toContain('Answers my country owes');
		expect(mine).toContain('data-case-study="gamma-crm"');
		expect(mine).toContain('data-case-study="delta-rallye"');
		expect(mine).not.toContain('data-case-study="alpha-launch"');
		expect(mine).not.toContain('data-case-study="beta-rally"');
		expect(mine).toContain('href="/case-studies/gamma-crm/answer/"');
		const all = await (await get('/answers/', CLAIRE)).text();
		expect(all).toContain('Owed answers');
		expect(all).toMatch(/data-country="IT"[^]*?No focal point/);
		expect((await get('/answers/', ANNA)).status).toBe(200);
	});

	it('exports one row per country answer with who answered and the origin', async () => {
		const res = await get('/diffusion.csv', CLAIRE);
		expect(res.status).toBe(200);
		const records = parseCsv(await res.text(), { columns: true }) as Record<string, string>[];
		expect(records).toEqual([
			expect.objectContaining({
				case_study: 'alpha-launch',
				country: 'PT',
				status: 'adapted',
				change: `Smaller events ${XSS}`,
				kpi_before: '120',
				kpi_after: '150',
				answered_by: 'Bruno Costa',
				origin: 'focal-point',
			}),
		]);
		const excel = await (await get('/diffusion.csv?format=excel&lang=fr', CLAIRE)).text();
		const rows = parseCsv(excel, { bom: true, delimiter: ';' }) as string[][];
		expect(rows[0]?.slice(-2)).toEqual(['Répondu par', 'Origine']);
		expect(rows[1]?.[3]).toBe('Adaptée');
	});
});

describe('access and robustness', () => {
	it('keeps the case study readable without JavaScript, with the link to the answer page', async () => {
		const context = await browser.newContext({ javaScriptEnabled: false });
		const page = await context.newPage();
		await page.goto(`${server.url}/login/`);
		await page.getByLabel('Email').fill(ANNA);
		await page.locator('#cd-password').fill(PASSWORD);
		await Promise.all([
			page.waitForURL(`${server.url}/`),
			page.getByRole('button', { name: 'Sign in' }).click(),
		]);
		await page.goto(`${server.url}/case-studies/alpha-launch/`);
		const link = page.locator('#adoption').getByRole('link', { name: /countries' answers/ });
		expect(await link.getAttribute('href')).toBe('/case-studies/alpha-launch/answer/');
		await link.click();
		await page.waitForURL(`${server.url}/case-studies/alpha-launch/answer/`);
		expect(await page.locator('[data-cd-country-answer="PT"]').textContent()).toContain('Adapted');
		await context.close();
	});

	it('keeps the answers, the matrix, the lists and the CSV for members', async () => {
		for (const pathname of ['/api/adoption/alpha-launch', '/diffusion.csv']) {
			const res = await fetch(server.url + pathname, { redirect: 'manual' });
			expect(res.status, pathname).toBe(401);
		}
		for (const pathname of ['/diffusion/', '/answers/', '/case-studies/alpha-launch/answer/']) {
			const res = await fetch(server.url + pathname, {
				redirect: 'manual',
				headers: { Accept: 'text/html' },
			});
			expect(res.status, pathname).toBe(303);
			expect(res.headers.get('location'), pathname).toMatch(/^\/login\/\?next=/);
		}
		const form = await fetch(`${server.url}/case-studies/alpha-launch/answer/`, {
			method: 'POST',
			headers: { Origin: server.url },
			body: new URLSearchParams({ status: 'adopted' }),
			redirect: 'manual',
		});
		expect(form.status).toBe(401);
		expect((await get('/admin/focal-points/', BRUNO)).status).toBe(404);
	});

	it('answers 404 for an unknown case study', async () => {
		expect((await get('/case-studies/no-such-study/answer/', ANNA)).status).toBe(404);
		expect((await get('/case-studies/no-such-study/applied/', ANNA)).status).toBe(404);
	});
});
