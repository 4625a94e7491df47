// A case study written on the web, end to end in Chromium: an editor in Spain writes it with photos
// (one a large PNG carrying GPS), a phone video with captions and KPIs; meets a validation error
// and keeps what she typed; submits; an HQ editor asks for a change on a paragraph; she fixes it;
// the HQ editor approves and publishes; seconds later a director in Portugal finds it by search, on
// Spain's page and in the facets. No build runs in between: the server renders it from SQLite.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import {
	createMemberClient,
	launchBrowser,
	setRoles,
	signInPage,
	startServer,
	type MemberClient,
	type RunningServer,
} from './harness';

const ANNA = 'anna.verdi@it.fixture.example'; // made the Spain editor below
const CLAIRE = 'claire.martin@fr.fixture.example'; // HQ editor
const BRUNO = 'bruno.costa@pt.fixture.example'; // member, director in Portugal
const WORD = 'quetzalfleetdesk';

let server: RunningServer;
let browser: Browser;
let client: MemberClient;
let media: string;

beforeAll(async () => {
	server = await startServer({ DEMO: 'true' });
	setRoles(server, {
		[ANNA]: { role: 'editor', country: 'ES' },
		[CLAIRE]: { role: 'editor', country: 'FR', hq: true },
	});
	browser = await launchBrowser();
	client = createMemberClient(server);
	media = fs.mkdtempSync(path.join(os.tmpdir(), 'cd-sub-media-'));
	// A 2400×1600 PNG (about 11 MB of noise) with GPS in its EXIF, as a phone export might carry.
	const noise = Buffer.alloc(2400 * 1600 * 3);
	for (let i = 0; i < noise.length; i++) noise[i] = (i * 2654435761) >>> 24;
	await sharp(noise, { raw: { width: 2400, height: 1600, channels: 3 } })
		.withExif({
			IFD0: { Make: 'PhoneMaker' },
			IFD3: {
				GPSLatitudeRef: 'N',
				GPSLatitude: '40/1 25/1 0/1',
				GPSLongitudeRef: 'W',
				GPSLongitude: '3/1 42/1 0/1',
			},
		})
		.png({ compressionLevel: 1 })
		.toFile(path.join(media, 'showroom.png'));
	await sharp({ create: { width: 1600, height: 1000, channels: 3, background: '#3a6ea5' } })
		.jpeg()
		.withExif({ IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '41/1 23/1 0/1' } })
		.toFile(path.join(media, 'desk.jpg'));
	// A phone-like clip: 4 s, 1920×1080, H.264 + AAC in a .mov, plus its captions.
	execFileSync('ffmpeg', [
		'-v',
		'error',
		'-f',
		'lavfi',
		'-i',
		'testsrc=size=1920x1080:rate=30',
		'-f',
		'lavfi',
		'-i',
		'sine=frequency=440',
		'-t',
		'4',
		'-c:v',
		'libx264',
		'-preset',
		'ultrafast',
		'-pix_fmt',
		'yuv420p',
		'-c:a',
		'aac',
		'-shortest',
		path.join(media, 'phone.mov'),
	]);
	fs.writeFileSync(
		path.join(media, 'phone.vtt'),
		'WEBVTT\n\n00:00:00.000 --> 00:00:03.000\nThe fleet desk answers in one ring.\n',
	);
}, 120_000);

afterAll(async () => {
	await browser?.close();
	const code = await server?.stop();
	fs.rmSync(media, { recursive: true, force: true });
	expect(code).toBe(0);
});

/** Clicks a form button and expects the page it leads to; a page with errors says which. */
async function press(page: Page, name: string, expected: RegExp) {
	await Promise.all([
		page.waitForNavigation({ waitUntil: 'load' }),
		page.getByRole('button', { name, exact: true }).click(),
	]);
	if (!expected.test(page.url())) {
		const errors = await page
			.locator('#cd-form-errors')
			.textContent()
			.catch(() => null);
		throw new Error(`"${name}" led to ${page.url()}: ${errors ?? 'no error message'}`);
	}
}

async function waitForMediaReady(page: Page, url: string) {
	for (let i = 0; i < 120; i++) {
		await page.goto(url);
		if ((await page.locator('[data-cd-media-pending]').count()) === 0) return;
		await page.waitForTimeout(1000);
	}
	throw new Error('the video was not converted within two minutes');
}

describe('a case study written, reviewed and published in the browser', () => {
	let workspace: string;
	let publishedUrl: string;

	it('lets an editor in Spain write it, with photos, a phone video and KPIs, keeping input on errors', async () => {
		const page = await signInPage(browser, server, ANNA, {
			start: '/submissions/',
			viewport: { width: 820, height: 1180 }, // an iPad in portrait
		});
		await Promise.all([
			page.waitForURL(/\/submissions\/\d+\/$/),
			page.getByRole('button', { name: 'Write a new case study' }).click(),
		]);
		workspace = page.url();
		await page.locator('#cd-title').fill(`A ${WORD} for small business fleets`);
		await page
			.locator('#cd-summary')
			.fill('One phone number and one person for every small fleet customer in Spain.');
		await page.getByLabel('Fleet & business').check();
		await page.getByLabel('Phone').check();
		await page.locator('#cd-subsidiary').fill('Spain – national sales company');
		await page.locator('#cd-reviewBy').fill('2030-06-30');
		await page.locator('#cd-contacts').selectOption({ label: 'Anna Verdi (ES)' });
		await page.locator('#cd-result-0-label').fill('Small fleet orders');
		await page.locator('#cd-result-0-unit').fill('count');
		await page.locator('#cd-result-0-before').fill('120');
		await page.locator('#cd-result-0-after').fill('1 250');
		await page.locator('#cd-result-0-period').fill('2025 vs 2024');
		await page
			.locator('#cd-block-0-markdown')
			.fill(
				'We opened a single line for businesses with fewer than ten cars.\n\nThe desk answered 80 calls a month at first.',
			);
		// Submitting without a cover: the error names it, and nothing typed is lost.
		await page.getByRole('button', { name: 'Submit for review' }).click();
		await expect.poll(() => page.locator('#cd-form-errors').textContent()).toContain('Add a photo');
		expect(await page.locator('#cd-title').inputValue()).toBe(
			`A ${WORD} for small business fleets`,
		);
		expect(await page.locator('#cd-result-0-after').inputValue()).toBe('1 250');
		expect(await page.locator('#cd-block-0-markdown').inputValue()).toContain('80 calls a month');

		// Cover and a gallery of two photos (one the GPS-tagged PNG).
		await page.locator('#cd-cover-file').setInputFiles(path.join(media, 'showroom.png'));
		await page.locator('#cd-cover-alt').fill('The fleet desk corner of the Madrid showroom');
		await press(page, 'Save', /saved=1/);
		await press(page, '+ Photos', /saved=1/);
		await page
			.locator('#cd-block-1-files')
			.setInputFiles([path.join(media, 'showroom.png'), path.join(media, 'desk.jpg')]);
		await press(page, 'Save', /saved=1/);
		await page.locator('#cd-block-1-photo-0-alt').fill('Two salespeople at the fleet desk');
		await page
			.locator('#cd-block-1-photo-1-alt')
			.fill('The desk with its phone and a fleet brochure');
		// The video, with English captions.
		await press(page, '+ Video', /saved=1/);
		await page.locator('#cd-block-2-video').setInputFiles(path.join(media, 'phone.mov'));
		await page.locator('#cd-block-2-vtt').setInputFiles(path.join(media, 'phone.vtt'));
		await page.locator('#cd-block-2-title').fill('The fleet desk in one minute');
		await press(page, 'Save', /saved=1/);
		await waitForMediaReady(page, workspace);
		await press(page, 'Submit for review', /submitted=1/);
		expect(await page.locator('.cd-sub-state').textContent()).toContain('Submitted for review');
	}, 240_000);

	it('cannot be approved by its author nor by a member without the editor role', async () => {
		const id = workspace.match(/submissions\/(\d+)\//)![1]!;
		for (const who of [ANNA, BRUNO]) {
			const res = await client.post(`/submissions/${id}/`, who, { action: 'approve', note: '' });
			expect([403, 404]).toContain(res.status);
		}
		// A member cannot write one either.
		const res = await client.post('/submissions/', BRUNO, {});
		expect(res.status).toBe(403);
	});

	it('goes through a requested change on a paragraph, approval and publication', async () => {
		const hq = await signInPage(browser, server, CLAIRE, { start: new URL(workspace).pathname });
		await hq.locator('#cd-anchor').selectOption({ index: 12 }); // story, block 1, paragraph 2
		expect(await hq.locator('#cd-anchor option:checked').textContent()).toContain('paragraph 2');
		await hq.locator('#cd-comment').fill('Give the number of calls after six months, too.');
		await press(hq, 'Add the comment', /commented=1/);
		await hq.locator('#cd-note').fill('One figure is missing: see my comment.');
		await press(hq, 'Request changes', /changes=1/);

		const author = await signInPage(browser, server, ANNA, { start: new URL(workspace).pathname });
		expect(await author.locator('#cd-comments').textContent()).toContain('after six months');
		await author
			.locator('#cd-block-0-markdown')
			.fill(
				'We opened a single line for businesses with fewer than ten cars.\n\nThe desk answered 80 calls a month at first and 240 after six months.',
			);
		await press(author, 'Submit for review', /submitted=1/);

		await hq.goto(workspace);
		// The reviewer sees what changed since the request.
		await press(hq, 'Approve', /approved=1/);
		const started = Date.now();
		await press(hq, 'Publish', /published=1/);
		publishedUrl = new URL(
			(await hq.getByRole('link', { name: 'See it as readers do' }).getAttribute('href'))!,
			server.url,
		).href;

		// A director in Portugal finds it by search within 10 s of "Publish".
		const bruno = await signInPage(browser, server, BRUNO);
		let found = false;
		while (!found && Date.now() - started < 10_000) {
			await bruno.goto(`${server.url}/search/?q=${WORD}`);
			found = await bruno
				.locator('.cd-search__hit a', { hasText: WORD })
				.first()
				.waitFor({ state: 'visible', timeout: 2000 })
				.then(() => true)
				.catch(() => false);
		}
		expect(found, 'found by search within 10 s').toBe(true);
		console.log(`publish → found by search: ${Date.now() - started} ms`);
		await bruno.goto(`${server.url}/countries/es/`);
		expect(await bruno.locator('main').textContent()).toContain(WORD);
		await bruno.goto(`${server.url}/case-studies/?country=ES`);
		expect(await bruno.locator('.cd-list__results').textContent()).toContain(WORD);
		await bruno.goto(`${server.url}/topics/fleet-business/`);
		expect(await bruno.locator('main').textContent()).toContain(WORD);
	}, 120_000);

	it('serves every image without GPS, and the video plays with its captions', async () => {
		const bruno = await signInPage(browser, server, BRUNO, {
			start: new URL(publishedUrl).pathname,
		});
		const sources = await bruno.$$eval('main img', (imgs) =>
			imgs.flatMap((img) => [
				(img as HTMLImageElement).currentSrc || (img as HTMLImageElement).src,
				...((img as HTMLImageElement).srcset || '').split(',').map((s) => s.trim().split(' ')[0]!),
			]),
		);
		// Every image of the page loads (portraits and cards too: none points at /_image).
		const token0 = await client.tokenFor(BRUNO);
		for (const src of new Set(sources.filter(Boolean))) {
			const res = await fetch(new URL(src, server.url), {
				headers: { Cookie: `cd_session=${token0}` },
			});
			expect(res.status, src).toBe(200);
		}
		const urls = [...new Set(sources.filter((s) => s.includes('/submission-media/')))];
		expect(urls.length).toBeGreaterThan(3);
		const token = await client.tokenFor(BRUNO);
		for (const url of urls) {
			const res = await fetch(new URL(url, server.url), {
				headers: { Cookie: `cd_session=${token}` },
			});
			expect(res.status).toBe(200);
			const meta = await sharp(Buffer.from(await res.arrayBuffer())).metadata();
			expect(meta.exif, url).toBeUndefined();
		}
		const video = bruno.locator('video').first();
		await video.evaluate((v: HTMLVideoElement) => {
			v.muted = true;
			return v.play();
		});
		await expect
			.poll(() => video.evaluate((v: HTMLVideoElement) => v.currentTime), { timeout: 10_000 })
			.toBeGreaterThan(0);
		const cues = await video.evaluate(async (v: HTMLVideoElement) => {
			const track = v.textTracks[0]!;
			track.mode = 'showing';
			for (let i = 0; i < 50 && !track.cues?.length; i++)
				await new Promise((r) => setTimeout(r, 100));
			return [...(track.cues ?? [])].map((c) => (c as VTTCue).text);
		});
		expect(cues).toEqual(['The fleet desk answers in one ring.']);
	}, 60_000);

	it('shows nothing of it signed out', async () => {
		for (const pathname of [
			new URL(publishedUrl).pathname,
			new URL(workspace).pathname,
			'/submissions/',
		]) {
			const res = await fetch(server.url + pathname, { redirect: 'manual' });
			expect(res.status).toBe(303);
			expect(res.headers.get('location')).toContain('/login/');
		}
	});

	it('keeps what was typed when the tab is closed, and warns a second tab instead of overwriting', async () => {
		const first = await signInPage(browser, server, ANNA, { start: '/submissions/' });
		await press(first, 'Write a new case study', /\/submissions\/\d+\/$/);
		const url = first.url();
		await first.locator('#cd-title').fill('Typed, then the tab was closed');
		await expect
			.poll(() => first.locator('[data-cd-sub-status]').textContent(), { timeout: 10_000 })
			.toContain('Saved at');
		// A second tab opened now has the saved text; the first goes on typing and saves again.
		const second = await first.context().newPage();
		await second.goto(url);
		expect(await second.locator('#cd-title').inputValue()).toBe('Typed, then the tab was closed');
		await first.locator('#cd-summary').fill('Written in the first tab.');
		await expect
			.poll(() => first.locator('[data-cd-sub-status]').textContent(), { timeout: 10_000 })
			.toContain('Saved at');
		await first.close();
		// The second tab, now behind, is told; its text stays on screen and nothing newer is lost.
		await second.locator('#cd-summary').fill('Written in the second tab.');
		await expect
			.poll(() => second.locator('[data-cd-sub-status]').textContent(), { timeout: 10_000 })
			.toContain('another tab');
		expect(await second.locator('#cd-summary').inputValue()).toBe('Written in the second tab.');
		const again = await second.context().newPage();
		await again.goto(url);
		expect(await again.locator('#cd-summary').inputValue()).toBe('Written in the first tab.');
		await second.context().close();
	}, 60_000);

	it('links a translation: hreflang and the language switch lead to it, never to the other language', async () => {
		const original = new URL(workspace).pathname;
		const created = await client.post(original, ANNA, { action: 'translate' });
		expect(created.status).toBe(303);
		const translation = created.headers.get('location')!;
		expect(translation).not.toBe(original);
		// The French version starts from the original; its author translates and sends it.
		const form = await (await client.get(translation, ANNA)).text();
		expect(form).toContain('<option value="fr" selected');
		const submitted = await client.post(translation, ANNA, { action: 'submit' });
		expect(submitted.headers.get('location')).toContain('submitted=1');
		expect((await client.post(translation, CLAIRE, { action: 'approve', note: '' })).status).toBe(
			303,
		);
		expect((await client.post(translation, CLAIRE, { action: 'publish' })).status).toBe(303);
		const frSlug = /href="\/case-studies\/([^"/]+)\/"[^>]*>See it as readers do/.exec(
			await (await client.get(translation, CLAIRE)).text(),
		)?.[1];
		expect(frSlug).toBeTruthy();
		const enPage = await (await client.get(new URL(publishedUrl).pathname, BRUNO)).text();
		const alternates = [
			...enPage.matchAll(/<link rel="alternate" hreflang="(\w+)" href="([^"]+)"/g),
		].map((m) => [m[1], m[2]]);
		expect(alternates).toEqual([
			['en', new URL(publishedUrl).pathname],
			['fr', `/fr/case-studies/${frSlug}/`],
		]);
		expect(enPage).toMatch(
			new RegExp(`class="cd-header__lang" href="/fr/case-studies/${frSlug}/"`),
		);
		const frPage = await (await client.get(`/fr/case-studies/${frSlug}/`, BRUNO)).text();
		expect(frPage).toMatch(/<article class="cd-study" lang="fr"/);
		expect(frPage).toContain(`hreflang="en" href="${new URL(publishedUrl).pathname}"`);
	});
});
