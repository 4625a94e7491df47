// `node scripts/walkthrough.mjs [out-dir]` with `npm start` running: a director's path through the
// demo at 1280×800, an iPad in portrait and a 390 px phone (sign in, search, a typo in French, a
// case study, post-mortems, messages, diffusion), in Debian's Chromium. Prints where the first
// search hit lands and the header's height, and writes screenshots to look at (default /tmp/walkthrough);
// then an editor's: a web case study, the form of a new one, and the HQ editor's review queue.
import fs from 'node:fs';
import { chromium } from 'playwright-core';
const base = process.env.BASE ?? 'http://localhost:4321';
const out = process.argv[2] ?? '/tmp/walkthrough';
fs.mkdirSync(out, { recursive: true });
const browser = await chromium.launch({
	executablePath: '/usr/bin/chromium',
	args: [
		'--headless',
		'--no-sandbox',
		'--disable-gpu',
		'--disable-background-networking',
		'--disable-component-update',
		'--disable-sync',
		'--no-first-run',
	],
});
const sizes = [
	['desktop', { width: 1280, height: 800 }],
	['ipad', { width: 1024, height: 1366 }],
	['phone', { width: 390, height: 844 }],
];
for (const [name, viewport] of sizes) {
	const context = await browser.newContext({ viewport });
	const page = await context.newPage();
	const errors = [];
	page.on('pageerror', (e) => errors.push(String(e)));
	await page.goto(`${base}/login/`);
	await page.getByLabel('Email').fill('ines.carvalho@pt.brand.example');
	await page.locator('#cd-password').fill('kestrel-rally-lisbon-2026');
	await Promise.all([
		page.waitForURL(`${base}/`),
		page.getByRole('button', { name: 'Sign in' }).click(),
	]);
	await page.screenshot({ path: `${out}/${name}-home.png` });
	await page.goto(`${base}/search/?q=compact%20SUV%20launch`);
	const first = page
		.locator('a[href*="/case-studies/"]')
		.filter({ hasText: /Kestrel/ })
		.first();
	await first.waitFor({ timeout: 10000 });
	const box = await first.boundingBox();
	console.log(
		name,
		'search first Kestrel hit y =',
		box && Math.round(box.y),
		'viewport',
		viewport.height,
	);
	await page.screenshot({ path: `${out}/${name}-search.png` });
	await page.goto(`${base}/fr/search/?q=Kestral`);
	await page.waitForTimeout(1500);
	console.log(
		name,
		'did you mean:',
		(await page.locator('main').innerText()).match(/Kestrel/) ? 'shows Kestrel' : 'no',
	);
	await page.screenshot({ path: `${out}/${name}-fr-typo.png` });
	await page.goto(`${base}/case-studies/`);
	const study = page
		.locator('a[href^="/case-studies/"][href$="/"]')
		.filter({ hasText: /Kestrel/ })
		.first();
	const href = await study.getAttribute('href');
	await page.goto(base + href);
	await page.screenshot({ path: `${out}/${name}-study.png` });
	await page.goto(`${base}/post-mortems/`);
	await page.screenshot({ path: `${out}/${name}-postmortems.png` });
	await page.goto(`${base}/messages/`);
	await page.screenshot({ path: `${out}/${name}-messages.png` });
	await page.goto(`${base}/diffusion/`);
	await page.screenshot({ path: `${out}/${name}-diffusion.png` });
	// Inês answers for Portugal: what her country owes, one answer form, requests, notifications.
	for (const [shot, pathname] of [
		['answers', '/answers/'],
		['requests', '/requests/'],
		['notifications', '/notifications/'],
		['fr-answers', '/fr/answers/'],
	]) {
		await page.goto(`${base}${pathname}`);
		await page.screenshot({ path: `${out}/${name}-${shot}.png`, fullPage: shot === 'answers' });
	}
	const owed = page.locator('a[href*="/answer/"]').first();
	if (await owed.count()) {
		await page.goto(base + (await owed.getAttribute('href')));
		await page.screenshot({ path: `${out}/${name}-answer-form.png`, fullPage: true });
	}
	const header = await page.locator('header').first().boundingBox();
	console.log(
		name,
		'header height',
		header && Math.round(header.height),
		'errors',
		errors.length,
		errors.slice(0, 2),
	);
	await context.close();

	// An editor's path: Javier (Spain) finds the web case study the demo published, opens Write and
	// starts a new one; Élodie (HQ) sees Italy's case study waiting for her review.
	const editor = await browser.newContext({ viewport });
	const javier = await editor.newPage();
	javier.on('pageerror', (e) => errors.push(String(e)));
	await javier.goto(`${base}/login/`);
	await javier.getByLabel('Email').fill('javier.ortega@es.brand.example');
	await javier.locator('#cd-password').fill('kestrel-rally-lisbon-2026');
	await Promise.all([
		javier.waitForURL(`${base}/`),
		javier.getByRole('button', { name: 'Sign in' }).click(),
	]);
	await javier.goto(`${base}/case-studies/one-customer-file-sales-and-after-sales/`);
	await javier.screenshot({ path: `${out}/${name}-web-study.png`, fullPage: true });
	await javier.goto(`${base}/submissions/`);
	await Promise.all([
		javier.waitForURL(/\/submissions\/\d+\/$/),
		javier.getByRole('button', { name: 'Write a new case study' }).click(),
	]);
	await javier.screenshot({ path: `${out}/${name}-write.png` });
	await editor.close();
	const reviewer = await browser.newContext({ viewport });
	const elodie = await reviewer.newPage();
	elodie.on('pageerror', (e) => errors.push(String(e)));
	await elodie.goto(`${base}/login/`);
	await elodie.getByLabel('Email').fill('elodie.garnier@hq.brand.example');
	await elodie.locator('#cd-password').fill('kestrel-rally-lisbon-2026');
	await Promise.all([
		elodie.waitForURL(`${base}/`),
		elodie.getByRole('button', { name: 'Sign in' }).click(),
	]);
	await elodie.goto(`${base}/submissions/`);
	const waiting = await elodie.locator('#cd-sub-queue ~ * a, #cd-sub-queue + * a').count();
	console.log(name, 'waiting for review:', waiting, 'errors', errors.length);
	await elodie.screenshot({ path: `${out}/${name}-review-queue.png` });
	// The HQ head of sales excellence on Monday: the dashboard, in both languages, and what to review.
	for (const [shot, pathname] of [
		['impact', '/impact/'],
		['fr-impact', '/fr/impact/'],
		['practices-review', '/practices/review/'],
		['searches', '/requests/searches/'],
	]) {
		await elodie.goto(`${base}${pathname}`);
		await elodie.screenshot({ path: `${out}/${name}-${shot}.png`, fullPage: shot === 'impact' });
	}
	console.log(name, 'after the dashboard: errors', errors.length, errors.slice(0, 2));
	await reviewer.close();
}
await browser.close();
