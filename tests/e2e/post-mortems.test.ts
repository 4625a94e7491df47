// Failure post-mortems on the built fixture site, in real Chromium and over real HTTP: Anna files an
// anonymous one over six steps (a validation error in the middle keeps what she typed, and the draft
// survives a reload), Bruno reads and comments without ever meeting Anna's identity, an overdue
// action shows on his actions page, typed HTML stays text, and Claire (admin) hides it with a note.
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
} from './harness';

const ANNA = 'anna.verdi@it.fixture.example';
const BRUNO = 'bruno.costa@pt.fixture.example';
const CLAIRE = 'claire.martin@fr.fixture.example';
const XSS_TITLE = 'Tablets <img src=x onerror="window.__pwned=1"> in boxes';
const XSS_TRIED = 'We tried <script>window.__pwned=2</script> tablets.';
const XSS_COMMENT = 'Same for us <b onmouseover="window.__pwned=3">bold</b>';

let server: RunningServer;
let browser: Browser;
let postMortemId = 0;
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

/** A page signed in as `email` through the real sign-in form, failing on any script dialog. */
async function signedInPage(email: string): Promise<Page> {
	const page = await signInPage(browser, server, email);
	page.on('dialog', (d) => {
		throw new Error(`unexpected dialog: ${d.message()}`);
	});
	return page;
}

/** Submits the step form with one of its buttons and waits for the answer. */
async function press(page: Page, name: string) {
	// The answer that ends the navigation: a page (200/400), not the 303 of post/redirect/get.
	const [response] = await Promise.all([
		page.waitForResponse((r) => r.request().isNavigationRequest() && r.status() !== 303),
		page.getByRole('button', { name, exact: true }).click(),
	]);
	await page.waitForLoadState('load');
	return response;
}

function expectNoTraceOfAnna(html: string) {
	expect(html).not.toContain('Anna Verdi');
	expect(html).not.toContain(ANNA);
	expect(html.toLowerCase()).not.toContain('anna');
}

describe('post-mortems', () => {
	it('Anna files an anonymous post-mortem step by step; an error keeps what she typed', async () => {
		const page = await signedInPage(ANNA);
		await page.goto(`${server.url}/post-mortems/new/`);
		await press(page, 'Start a draft');
		const editUrl = new URL(page.url());
		expect(editUrl.pathname).toMatch(/^\/post-mortems\/\d+\/edit\/$/);
		expect(editUrl.searchParams.get('step')).toBe('1');
		postMortemId = Number(/\/post-mortems\/(\d+)\//.exec(editUrl.pathname)![1]);
		await expect(page.locator('nav [aria-current="step"]').textContent()).resolves.toContain(
			'Basics',
		);

		// Step 1: basics.
		await page.fill('#cd-title', XSS_TITLE);
		await page.fill('#cd-tried', XSS_TRIED);
		await page.selectOption('#cd-country', 'IT');
		await page.fill('#cd-models', 'Kadjar, Clio');
		await page.selectOption('#cd-channel', 'showroom');
		await page.getByLabel('Digital tools').check();
		await page.fill('#cd-period', 'March to June 2025');
		await page.selectOption('#cd-practice', 'alpha-launch');
		await press(page, 'Save and continue');
		expect(new URL(page.url()).searchParams.get('step')).toBe('2');

		// Step 2: a non-number in "planned" blocks moving on, and everything typed stays.
		await page.fill('#cd-results-0-label', 'Demos per week');
		await page.fill('#cd-results-0-unit', 'demos');
		await page.fill('#cd-results-0-planned', 'ten');
		await page.fill('#cd-results-0-actual', '6');
		await page.fill('#cd-timeline-0-when', 'March');
		await page.fill('#cd-timeline-0-what', 'Tablets handed out');
		await page.setInputFiles(
			'#cd-photo',
			path.resolve('tests/e2e/fixtures/site/case-studies/beta-rally/cover.jpg'),
		);
		await page.fill('#cd-photoAlt', 'Tablets still in their boxes on a shelf');
		const invalid = await press(page, 'Save and continue');
		expect(invalid.status()).toBe(400);
		await expect(page.locator('[data-cd-form-errors]').textContent()).resolves.toContain(
			'Enter a number',
		);
		expect(await page.inputValue('#cd-results-0-planned')).toBe('ten');
		expect(await page.inputValue('#cd-results-0-label')).toBe('Demos per week');
		expect(await page.getAttribute('#cd-results-0-planned', 'aria-invalid')).toBe('true');

		// The draft survives a reload (a fresh GET of the step).
		await page.goto(`${server.url}/post-mortems/${postMortemId}/edit/?step=2`);
		expect(await page.inputValue('#cd-results-0-planned')).toBe('ten');
		expect(await page.inputValue('#cd-timeline-0-what')).toBe('Tablets handed out');
		// The photo was kept too, under a name that says nothing of its author.
		const photoSrc = await page.getAttribute('.cd-pm-photo-list img', 'src');
		expect(photoSrc).toMatch(/^\/member-photos\/0-[0-9a-f]{16}\.webp$/);

		// "Add another row" works without script: it saves and shows an extra empty row.
		await page.fill('#cd-results-0-planned', '40');
		await press(page, 'Add another row');
		await page.fill('#cd-results-1-label', 'Test drives');
		await page.fill('#cd-results-1-planned', '12');
		await page.fill('#cd-results-1-actual', '3');
		await press(page, 'Save and continue');
		expect(new URL(page.url()).searchParams.get('step')).toBe('3');

		// Step 3: signal and factors.
		await page.fill('#cd-signal', 'The tablets stayed in their boxes.');
		await page.fill('#cd-signalWhen', 'After three weeks');
		await page.getByLabel('Content', { exact: true }).check();
		await press(page, 'Save and continue');

		// Step 4: lessons.
		await page.fill('#cd-wentWrong', 'They showed nothing a customer could not see at home.');
		await page.fill('#cd-differently', 'Start from the content, then the device.');
		await press(page, 'Save and continue');

		// Step 5: an action owned by Bruno, already overdue.
		await page.fill('#cd-actions-0-text', 'Rework the tablet content with technical data');
		await page.selectOption('#cd-actions-0-owner', { label: 'Bruno Costa' });
		await page.fill('#cd-actions-0-due', '2025-01-15');
		await press(page, 'Save and continue');
		expect(new URL(page.url()).searchParams.get('step')).toBe('6');

		// Step 6: anonymous, the preview shows the results with their gap, then publish.
		await page.getByLabel('Anonymous').check();
		await expect(page.locator('.cd-pm-preview').textContent()).resolves.toContain('−34');
		await press(page, 'Publish');
		expect(new URL(page.url()).pathname).toBe(`/post-mortems/${postMortemId}/`);
		const body = await page.locator('main').textContent();
		expect(body).toContain('Your post-mortem is published.');
		expect(body).toContain('(you)');
		expect(body).not.toContain('Write to the author');
		expect(
			await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned),
		).toBeUndefined();
		await page.context().close();

		const mine = await (await get('/post-mortems/mine/', ANNA)).text();
		expect(mine).toContain('Published');
	});

	it('Bruno reads it with no trace of Anna, writes to the author, and comments anonymously', async () => {
		const list = await get('/post-mortems/', BRUNO);
		expect(list.status).toBe(200);
		const listHtml = await list.text();
		expect(listHtml).toContain(`/post-mortems/${postMortemId}/`);
		expect(listHtml).toContain('Country not disclosed');
		expect(listHtml).toContain('Tablets &lt;img src=x');
		expectNoTraceOfAnna(listHtml);

		const pageRes = await get(`/post-mortems/${postMortemId}/`, BRUNO);
		expect(pageRes.status).toBe(200);
		const html = await pageRes.text();
		expectNoTraceOfAnna(html);
		expect(html).toContain(`href="/messages/new/?postMortem=${postMortemId}"`);
		expect(html).not.toContain('(you)');
		expect(html).toContain('Overdue');
		const photo =
			/src="(\/member-photos\/0-[0-9a-f]{16}\.webp)" alt="Tablets still in their boxes on a shelf"/.exec(
				html,
			);
		expect(photo).not.toBeNull();
		const image = await get(photo![1]!, BRUNO);
		expect(image.status).toBe(200);
		expect(image.headers.get('content-type')).toBe('image/webp');
		expect(html).not.toContain('<script>window.__pwned');

		const page = await signedInPage(BRUNO);
		await page.goto(`${server.url}/post-mortems/${postMortemId}/`);
		await page.fill('#cd-body', XSS_COMMENT);
		await page.getByLabel('Anonymous (“A member”)').check();
		await press(page, 'Post comment');
		const comments = page.locator('#comments');
		await expect(comments.textContent()).resolves.toContain(XSS_COMMENT);
		await expect(comments.textContent()).resolves.toContain('A member');
		await page.hover('#comments .cd-message__body');
		expect(
			await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned),
		).toBeUndefined();
		await page.context().close();

		// Anna sees the comment as "A member" too: anonymity works both ways.
		const annaView = await (await get(`/post-mortems/${postMortemId}/`, ANNA)).text();
		expect(annaView).toContain('A member');
		expect(annaView).not.toContain('Bruno');

		// French list, same promise.
		expectNoTraceOfAnna(await (await get('/fr/post-mortems/', BRUNO)).text());
	});

	it("shows Bruno's past-due action as Overdue on his actions page", async () => {
		const res = await get('/post-mortems/actions/', BRUNO);
		expect(res.status).toBe(200);
		const html = await res.text();
		expect(html).toContain('Rework the tablet content with technical data');
		expect(html).toMatch(/Overdue<\/strong>\s*Rework the tablet content/);
		const annaActions = await (await get('/post-mortems/actions/', ANNA)).text();
		expect(annaActions).toContain('You own no follow-up action.');
	});

	it('keeps drafts and edit pages to their author', async () => {
		expect((await get(`/post-mortems/${postMortemId}/edit/?step=1`, BRUNO)).status).toBe(404);
		expect(
			(
				await post(`/post-mortems/${postMortemId}/edit/?step=1`, BRUNO, {
					step: '1',
					intent: 'save',
					title: 'Taken over',
				})
			).status,
		).toBe(404);
		const res = await post('/post-mortems/new/', BRUNO, {});
		expect(res.status).toBe(303);
		const draftPath = /\/post-mortems\/(\d+)\//.exec(res.headers.get('location')!)![0];
		expect((await get(draftPath, ANNA)).status).toBe(404);
		expect((await get(draftPath, CLAIRE)).status).toBe(404);
		expect(await (await get('/post-mortems/', ANNA)).text()).not.toContain(draftPath);
	});

	it('Claire hides it with a note: Bruno gets 404, Anna sees the note, Claire can unhide', async () => {
		const claireView = await (await get(`/post-mortems/${postMortemId}/`, CLAIRE)).text();
		expectNoTraceOfAnna(claireView);
		expect(claireView).toContain('Hide post-mortem');
		expect(await (await get(`/post-mortems/${postMortemId}/`, BRUNO)).text()).not.toContain(
			'Hide post-mortem',
		);

		const empty = await post(`/post-mortems/${postMortemId}/`, CLAIRE, {
			intent: 'hide',
			note: '',
		});
		expect(empty.status).toBe(400);
		const notAllowed = await post(`/post-mortems/${postMortemId}/`, BRUNO, {
			intent: 'hide',
			note: 'No',
		});
		expect(notAllowed.status).toBe(403);
		expect((await get(`/post-mortems/${postMortemId}/`, BRUNO)).status).toBe(200);

		const hide = await post(`/post-mortems/${postMortemId}/`, CLAIRE, {
			intent: 'hide',
			note: 'The timeline names a salesperson.',
		});
		expect(hide.status).toBe(303);
		expect((await get(`/post-mortems/${postMortemId}/`, BRUNO)).status).toBe(404);
		expect(await (await get('/post-mortems/', BRUNO)).text()).not.toContain(
			`/post-mortems/${postMortemId}/`,
		);

		const annaView = await (await get(`/post-mortems/${postMortemId}/`, ANNA)).text();
		expect(annaView).toContain('The timeline names a salesperson.');
		const claireHidden = await (await get(`/post-mortems/${postMortemId}/`, CLAIRE)).text();
		expect(claireHidden).toContain('Hidden: members cannot see this post-mortem.');
		expectNoTraceOfAnna(claireHidden);

		expect(
			(await post(`/post-mortems/${postMortemId}/`, CLAIRE, { intent: 'unhide' })).status,
		).toBe(303);
		expect((await get(`/post-mortems/${postMortemId}/`, BRUNO)).status).toBe(200);
	});
});
