// Requested practices and the impact dashboard, on the built fixture site with demo accounts, in real
// Chromium: a member's search that finds nothing reaches the editors, becomes a request, is answered
// with a practice (the requesters' notification queued), and the dashboard renders accessible charts
// that each country sees only its own rows of.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import {
	createMemberClient,
	launchBrowser,
	signInPage,
	startServer,
	type MemberClient,
	type RunningServer,
	queryServer,
} from './harness';

const BRUNO = 'bruno.costa@pt.fixture.example'; // member, Portugal
const CLAIRE = 'claire.martin@fr.fixture.example'; // admin (DEMO_ADMINS)
const NONSENSE = 'zorblaxquint';
const XSS = '<img src=x onerror="document.title=\'pwned\'"><script>document.title="pwned"</script>';
const axeSource = fs.readFileSync(path.resolve('node_modules/axe-core/axe.min.js'), 'utf8');

let server: RunningServer;
let browser: Browser;
let client: MemberClient;

beforeAll(async () => {
	[server, browser] = await Promise.all([
		startServer({ DEMO: 'true', DEMO_ADMINS: 'claire-martin' }),
		launchBrowser(),
	]);
	client = createMemberClient(server);
});

afterAll(async () => {
	await browser?.close();
	await server?.stop();
});

const query = <T>(sql: string, ...params: unknown[]) => queryServer<T>(server, sql, ...params);

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
		return axe.run(document, {
			runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
			resultTypes: ['violations'],
		});
	});
	return result.violations
		.filter((v) => v.impact === 'serious' || v.impact === 'critical')
		.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

describe('a search that found nothing becomes an answered request', () => {
	it('goes from a member’s search to an editor’s answer, and the request page shows it', async () => {
		const bruno = await signInPage(browser, server, BRUNO, { start: '/search/' });
		const reported = bruno.waitForResponse(
			(r) => r.url().endsWith('/api/search-miss') && r.request().method() === 'POST',
		);
		await bruno.locator('#cd-search-q').pressSequentially(NONSENSE, { delay: 30 });
		await expect
			.poll(() => bruno.locator('[data-cd-status]').textContent())
			.toMatch(/No case stud|nothing|No result/i);
		// Sent once typing settled, with only the finished word.
		const response = await reported;
		expect(response.status()).toBe(201);
		expect(response.request().postData()).toBe(`query=${NONSENSE}&lang=en`);
		const rows = query<Record<string, unknown>>('SELECT * FROM search_miss');
		expect(rows).toEqual([expect.objectContaining({ query: NONSENSE, country: 'PT', lang: 'en' })]);
		expect(Object.keys(rows[0]!)).not.toContain('user_id');

		// Members other than editors do not see the triage page.
		expect((await client.get('/requests/searches/', BRUNO)).status).toBe(404);

		const claire = await signInPage(browser, server, CLAIRE, {
			start: '/requests/searches/',
			viewport: { width: 1024, height: 1366 },
		});
		const item = claire.locator(`[data-cd-miss="${NONSENSE}"]`);
		await expect(item.textContent()).resolves.toContain('Portugal (1)');
		expect(await seriousAxeViolations(claire)).toEqual([]);
		await item.getByLabel('Title of the request').fill('A launch for the zorblaxquint?');
		await Promise.all([
			claire.waitForURL(/\/requests\/\d+\/$/),
			item.getByRole('button', { name: 'Turn into a request' }).click(),
		]);
		const requestUrl = claire.url();
		await expect(claire.locator('h1').textContent()).resolves.toBe(
			'A launch for the zorblaxquint?',
		);
		expect(await seriousAxeViolations(claire)).toEqual([]);

		// Answer it with a practice of the catalogue; a note for the requesters.
		await claire
			.getByLabel('Practice that answers it')
			.selectOption({ label: 'Alpha crossover launch with street events' });
		await claire.getByLabel('Note for the requesters (optional)').fill('Street events did it.');
		await Promise.all([
			claire.waitForURL(/\?answered=1#cd-answer$/),
			claire.getByRole('button', { name: 'Answer the request' }).click(),
		]);
		const answer = claire.locator('[data-cd-answer]');
		await expect(answer.textContent()).resolves.toContain(
			'Alpha crossover launch with street events',
		);
		expect(await answer.getByRole('link').getAttribute('href')).toBe('/case-studies/alpha-launch/');
		const id = Number(/\/requests\/(\d+)\//.exec(requestUrl)![1]);
		expect(
			query('SELECT kind, payload FROM job WHERE kind = ?', 'notify-request-answered'),
		).toEqual([{ kind: 'notify-request-answered', payload: JSON.stringify({ requestId: id }) }]);
		expect(query('SELECT triage, request_id FROM search_miss')).toEqual([
			{ triage: 'requested', request_id: id },
		]);

		// The member sees it answered among the requests.
		await bruno.goto(`${server.url}/requests/`);
		const answered = bruno.locator(`[data-cd-request="${id}"]`);
		await expect(answered.textContent()).resolves.toContain('Answered');
		await expect(answered.textContent()).resolves.toContain(
			'Alpha crossover launch with street events',
		);
		await bruno.context().close();
		await claire.context().close();
	});

	it('keeps a hostile request title inert, and lists open requests on the home page by +1s', async () => {
		const posted = await client.post('/requests/', BRUNO, { title: XSS, detail: XSS, lang: 'en' });
		expect(posted.status).toBe(303);
		const id = Number(/\/requests\/(\d+)\//.exec(posted.headers.get('location')!)![1]);
		const page = await signInPage(browser, server, CLAIRE, { start: `/requests/${id}/` });
		await expect(page.locator('h1').textContent()).resolves.toBe(XSS);
		expect(await page.title()).not.toBe('pwned');
		await page.goto(`${server.url}/`);
		const home = page.locator('[data-cd-home-requests]');
		await expect(home.textContent()).resolves.toContain(XSS);
		expect(await page.title()).not.toBe('pwned');
		expect(await home.locator('img').count()).toBe(0);
		// Claire +1s it without JavaScript's help: the form posts and comes back.
		await page.goto(`${server.url}/requests/`);
		await Promise.all([
			page.waitForURL(new RegExp(`/requests/#cd-request-${id}$`)),
			page
				.locator(`[data-cd-request="${id}"]`)
				.getByRole('button', { name: '+1, I want it too' })
				.click(),
		]);
		await expect(page.locator(`[data-cd-request="${id}"]`).textContent()).resolves.toContain(
			'2 members want it',
		);
		await page.context().close();
	});
});

describe('the impact dashboard', () => {
	it('renders server-side SVG charts with their tables, without axe violations on a large iPad', async () => {
		const page = await signInPage(browser, server, CLAIRE, {
			start: '/impact/',
			viewport: { width: 1024, height: 1366 },
		});
		await expect(page.locator('h1').textContent()).resolves.toBe('Impact');
		const charts = page.locator('svg[role="img"]');
		expect(await charts.count()).toBeGreaterThanOrEqual(3);
		for (const svg of await charts.all()) {
			const labelled = (await svg.getAttribute('aria-labelledby'))!.split(' ');
			for (const ref of labelled) expect(await page.locator(`#${ref}`).count()).toBe(1);
		}
		// Overdue answers come right after last week's practices, on the page and in its contents;
		// each country's row opens the answers list filtered to that country's overdue answers.
		const order = (sel: string, attr: string) =>
			page.locator(sel).evaluateAll((els, a) => els.map((e) => e.getAttribute(a)), attr);
		expect((await order('.cd-impact__toc a', 'href')).slice(0, 2)).toEqual(['#week', '#overdue']);
		expect((await order('section.cd-impact__section', 'id')).slice(0, 2)).toEqual([
			'week',
			'overdue',
		]);
		const toAnswers = page.locator('#overdue tbody th a[href*="/answers/?country="]');
		expect(await toAnswers.count()).toBeGreaterThan(0);
		expect(await toAnswers.first().getAttribute('href')).toMatch(
			/^\/answers\/\?country=[A-Z]{2}&overdue=1$/,
		);
		const overdueRows = await (await client.get('/impact/overdue.csv?rows=1', CLAIRE)).text();
		expect(overdueRows.split('\r\n')[0]).toBe(
			'case_study,title,practice_country,country,due,days_overdue,focal_points',
		);
		// The searches chart names what was not found, and its CSV holds the rows behind it.
		await expect(page.locator('#searches').textContent()).resolves.toContain(NONSENSE);
		expect(await seriousAxeViolations(page)).toEqual([]);
		// No horizontal scrolling of the page itself at 1024 px.
		expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
			1024,
		);
		// On screen the data tables wait behind "Data table"; on paper they are printed.
		const table = page.locator('#searches table');
		await expect(table.isVisible()).resolves.toBe(false);
		await page.emulateMedia({ media: 'print' });
		await expect(table.isVisible()).resolves.toBe(true);
		await expect(page.locator('#searches summary').isVisible()).resolves.toBe(false);
		await page.emulateMedia({ media: 'screen' });
		const csv = await (await client.get('/impact/searches.csv?rows=1', CLAIRE)).text();
		expect(csv.split('\r\n')[0]).toBe('query,lang,country,triage,date');
		expect(csv).toContain(`${NONSENSE},en,PT,requested,`);
		await page.context().close();
	});

	it('fits a phone: charts scale, tables scroll in their own box, the page never sideways', async () => {
		for (const pathname of ['/impact/', '/requests/', '/requests/searches/']) {
			const page = await signInPage(browser, server, CLAIRE, {
				start: pathname,
				viewport: { width: 390, height: 844 },
			});
			expect(
				await page.evaluate(() => document.documentElement.scrollWidth),
				pathname,
			).toBeLessThanOrEqual(390);
			await page.context().close();
		}
	});

	it('shows a member of Portugal Portugal’s rows only, whatever the address asks', async () => {
		const res = await client.get('/impact/?country=IT', BRUNO);
		expect(res.status).toBe(200);
		const html = await res.text();
		expect(html).toContain('You see the rows of Portugal');
		expect(html).toContain('Portugal (PT)');
		expect(html).not.toContain('Italy (IT)');
		expect(html).not.toContain('France (FR)');
		const rows = await (await client.get('/impact/answers.csv?rows=1&key=IT', BRUNO)).text();
		expect(rows.trim().split('\r\n')).toHaveLength(1); // the header only
		const signedOut = await fetch(`${server.url}/impact/`, { redirect: 'manual' });
		expect(signedOut.status).toBe(303);
		expect(signedOut.headers.get('location')).toMatch(/^\/login\/\?next=%2Fimpact%2F/);
		expect((await fetch(`${server.url}/impact/answers.csv`, { redirect: 'manual' })).status).toBe(
			401,
		);
	});
});
