// Valid and accessible pages: the Nu HTML Checker (vnu-jar, on Java) reads every page of the fixture
// build and every page type rendered on request, English and French, signed in as a member and as an
// admin, forms with and without errors; axe-core in Chromium checks the same page types. Both must find
// nothing. The checker runs once per batch of pages (the JVM takes a second or two to start).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Sqlite from 'better-sqlite3';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createUnsubscribeToken } from '../../src/lib/server/notifications/unsubscribe';
import {
	FIXTURE_DIST,
	createMemberClient,
	launchBrowser,
	startServer,
	type MemberClient,
	type RunningServer,
	nameFocalPoints,
} from './harness';

const VNU_JAR = path.resolve('node_modules/vnu-jar/build/dist/vnu.jar');
const axeSource = fs.readFileSync(path.resolve('node_modules/axe-core/axe.min.js'), 'utf8');
const ANNA = 'anna.verdi@it.fixture.example';
const BRUNO = 'bruno.costa@pt.fixture.example';
const CLAIRE = 'claire.martin@fr.fixture.example'; // admin (DEMO_ADMINS)

interface VnuMessage {
	type: string;
	subType?: string;
	url?: string;
	lastLine?: number;
	lastColumn?: number;
	message: string;
	extract?: string;
}

/** Runs java with `args`, without blocking the test worker (vitest talks to it meanwhile). */
function java(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
	return new Promise((resolve) => {
		let stdout = '';
		let stderr = '';
		const child = spawn('java', args);
		child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
		child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
		child.on('error', (error) => resolve({ status: null, stdout, stderr: String(error) }));
		child.on('close', (status) => resolve({ status, stdout, stderr }));
	});
}

/** Fails with what to install when Java is missing: the checker cannot run without it. */
async function requireJava() {
	const probe = await java(['-version']);
	if (probe.status !== 0) {
		throw new Error(
			"Java is missing: the Nu HTML Checker (vnu-jar) runs on it. Install Debian's default-jre-headless (`apt-get install -y default-jre-headless`; .ci/run does it).",
		);
	}
	if (!fs.existsSync(VNU_JAR)) throw new Error(`${VNU_JAR} is missing: run npm install`);
}

/** Runs the checker once on `files`; returns its errors as "file:line:column message" lines. */
async function vnuErrors(
	files: string[],
	name: (file: string) => string = (f) => f,
): Promise<string[]> {
	await requireJava();
	const run = await java([
		'-Xss8m',
		'-jar',
		VNU_JAR,
		'--format',
		'json',
		'--skip-non-html',
		...files,
	]);
	let messages: VnuMessage[];
	try {
		messages = (JSON.parse(run.stderr) as { messages: VnuMessage[] }).messages;
	} catch {
		throw new Error(`vnu did not answer JSON (exit ${run.status}):\n${run.stderr}${run.stdout}`);
	}
	return messages
		.filter((m) => m.type !== 'info')
		.map((m) => {
			const file = m.url ? name(decodeURIComponent(m.url.replace(/^file:/, ''))) : '?';
			const extract = (m.extract ?? '').replace(/\s+/g, ' ').trim();
			return `${file}:${m.lastLine ?? '?'}:${m.lastColumn ?? '?'} ${m.type}: ${m.message} «${extract}»`;
		});
}

function htmlFiles(dir: string): string[] {
	return fs
		.readdirSync(dir, { recursive: true, encoding: 'utf8' })
		.filter((f) => f.endsWith('.html'))
		.map((f) => path.join(dir, f))
		.sort();
}

describe('built pages', () => {
	it('are valid HTML, every one of them', async () => {
		const client = path.join(FIXTURE_DIST, 'client');
		const files = htmlFiles(client);
		// Case studies, the people list, search and 404, in both languages (home, the case study list, countries
		// topics and people's pages are rendered on request, so they list web case studies at once).
		const relative = files.map((f) => path.relative(client, f));
		expect(relative).toEqual(
			expect.arrayContaining([
				'case-studies/alpha-launch/index.html',
				'fr/case-studies/delta-rallye/index.html',
				'search/index.html',
				'fr/search/index.html',
				'404.html',
				'fr/404.html',
			]),
		);
		expect(await vnuErrors(files, (f) => path.relative(client, f))).toEqual([]);
	}, 120_000);

	it('include a French 404 page next to the English one', () => {
		const fr = fs.readFileSync(path.join(FIXTURE_DIST, 'client/fr/404.html'), 'utf8');
		expect(fr).toMatch(/<html lang="fr"/);
		expect(fr).toContain('<h1>Page introuvable</h1>');
		const en = fs.readFileSync(path.join(FIXTURE_DIST, 'client/404.html'), 'utf8');
		expect(en).toMatch(/<html lang="en"/);
		expect(en).toContain('<h1>Page not found</h1>');
		expect(fs.existsSync(path.join(FIXTURE_DIST, 'client/fr/404/index.html'))).toBe(false);
	});
});

interface PageType {
	path: string;
	as: string | null;
	status: number;
	/** A form sent with these fields instead of a GET. */
	post?: Record<string, string>;
}

let server: RunningServer;
let client: MemberClient;
let browser: Browser;
/** Rendered on request; the same list in English and, prefixed with /fr, in French. */
let renderedTypes: PageType[];

async function must(res: Response | Promise<Response>, status: number, what: string) {
	const r = await res;
	if (r.status !== status) {
		// The page's own error summary says why, when there is one.
		const summary = /id="cd-form-errors"[\s\S]*?<\/div>/.exec(await r.text())?.[0] ?? '';
		throw new Error(`${what}: ${r.status}, expected ${status} ${summary.replace(/<[^>]+>/g, ' ')}`);
	}
	return r;
}

async function fetchPage(type: PageType, prefix: string): Promise<Response> {
	const pathname = prefix + type.path;
	if (type.post) {
		return type.as
			? client.post(pathname, type.as, type.post)
			: fetch(server.url + pathname, {
					method: 'POST',
					headers: { Origin: server.url },
					body: new URLSearchParams(type.post),
					redirect: 'manual',
				});
	}
	return type.as
		? client.get(pathname, type.as)
		: fetch(server.url + pathname, { redirect: 'manual' });
}

/** Prerendered page types, checked by axe next to the rendered ones. */
const BUILT_TYPES = [
	'/',
	'/case-studies/',
	'/case-studies/alpha-launch/',
	'/case-studies/delta-rallye/',
	'/countries/',
	'/countries/it/',
	'/topics/',
	'/topics/owner-community/',
	'/people/',
	'/people/anna-verdi/',
	'/search/?q=rally',
	'/404',
	'/no-such-page/',
];

async function axeViolations(page: Page, url: string): Promise<string[]> {
	await page.goto(url);
	if (url.includes('/search/')) await page.locator('.cd-search__hit').first().waitFor();
	if (url.endsWith('/case-studies/alpha-launch/'))
		await page.locator('[data-cd-adoption-tally]').waitFor();
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
			// Experimental in axe, and what WCAG 2.5.3 asks: a control's name contains its label.
			rules: { 'label-content-name-mismatch': { enabled: true } },
			resultTypes: ['violations'],
		});
	});
	return result.violations
		.filter((v) => v.impact === 'serious' || v.impact === 'critical')
		.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

describe('pages rendered on request', () => {
	beforeAll(async () => {
		[server, browser] = await Promise.all([
			startServer({ DEMO: 'true', DEMO_ADMINS: 'claire-martin' }),
			launchBrowser(),
		]);
		client = createMemberClient(server);
		nameFocalPoints(server, [BRUNO]);

		// What members leave behind, so every page has something to show: a thread, a "we applied
		// this" answer, a published post-mortem with results and an action, and a draft to edit.
		const sent = await must(
			client.post('/messages/new/?to=anna-verdi&about=alpha-launch', BRUNO, {
				subject: 'Street events',
				body: 'How many test drives did the events bring?',
			}),
			303,
			'message',
		);
		const thread = new URL(sent.headers.get('location')!, server.url).pathname;
		await must(
			client.post('/case-studies/alpha-launch/applied/', BRUNO, {
				status: 'adapted',
				period: '2025',
				change: 'Smaller events.',
				kpiLabel: 'Test drives',
				kpiUnit: 'per month',
				kpiBefore: '40',
				kpiAfter: '55',
			}),
			303,
			'applied',
		);
		const newDraft = async () => {
			const res = await must(client.post('/post-mortems/new/', BRUNO, {}), 303, 'new draft');
			return new URL(res.headers.get('location')!, server.url).pathname;
		};
		const published = await newDraft();
		const step5 = await (await client.get(`${published}?step=5`, BRUNO)).text();
		const brunoId = /<option value="(\d+)"[^>]*>\s*Bruno Costa/.exec(step5)?.[1];
		if (!brunoId) throw new Error('Bruno is not among the action owners');
		const steps: Record<string, string>[] = [
			{
				title: 'Tablets nobody used',
				tried: 'We lent tablets to every salesperson.',
				country: 'PT',
				models: 'Model T',
				channel: 'showroom',
				topics: 'digital-tools',
				period: 'Spring 2025',
				practice: 'delta-rallye',
			},
			{
				'results.label': 'Tablet sessions',
				'results.unit': 'per week',
				'results.planned': '200',
				'results.actual': '35',
				'timeline.when': 'Week 1',
				'timeline.what': 'Tablets handed out.',
			},
			{ signal: 'Usage fell after a week.', signalWhen: 'Week 2', factors: 'training' },
			{
				wentWell: 'Quick setup.',
				wentWrong: 'No training.',
				lucky: 'Cheap tablets.',
				failAgain: 'Without training.',
				differently: 'Train first.',
			},
			{
				'actions.text': 'Plan a training day',
				'actions.owner': brunoId,
				'actions.due': '2030-01-15',
				'actions.status': 'open',
			},
		];
		for (const [i, fields] of steps.entries()) {
			const step = String(i + 1);
			await must(
				client.post(`${published}?step=${step}`, BRUNO, { ...fields, step, intent: 'save' }),
				303,
				`post-mortem step ${step}`,
			);
		}
		await must(
			client.post(`${published}?step=6`, BRUNO, {
				step: '6',
				disclosure: 'named',
				intent: 'publish',
			}),
			303,
			'publish',
		);
		const postMortem = published.replace(/edit\/$/, '');

		// Web case studies: one written by Claire (admin), reviewed and published by Anna (made an HQ
		// editor), then revised (so the workspace shows a diff); and an empty draft for the errors.
		const db = new Sqlite(path.join(server.dataDir, 'portal.db'));
		try {
			db.prepare("UPDATE user SET role = 'editor', hq = 1 WHERE email = ?").run(ANNA);
		} finally {
			db.close();
		}
		const workspace = (
			await must(client.post('/submissions/', CLAIRE, {}), 303, 'submission')
		).headers.get('location')!;
		const claireId = /value="(\d+)"[^>]*>\s*Claire Martin/.exec(
			await (await client.get(workspace, CLAIRE)).text(),
		)?.[1];
		const cover = await sharp({
			create: { width: 1300, height: 800, channels: 3, background: '#3a6ea5' },
		})
			.jpeg()
			.toBuffer();
		const photo = await sharp({
			create: { width: 900, height: 600, channels: 3, background: '#a53a6e' },
		})
			.jpeg()
			.toBuffer();
		const fields = {
			editor: '1',
			title: 'A web practice',
			summary: 'Written in the browser.',
			country: 'ES',
			subsidiary: 'Spain',
			lang: 'en',
			topics: 'owner-community',
			channels: 'event',
			reviewBy: '2031-01-01',
			contacts: claireId ?? '',
			'result.0.label': 'Owners at the rally',
			'result.0.unit': 'count',
			'result.0.before': '50',
			'result.0.after': '300',
			'result.0.period': '2025',
			'cover.alt': 'A rally of owners',
			'block.0.type': 'text',
			'block.0.markdown':
				'First paragraph.\n\nSecond paragraph with a [link](https://example.com).',
			'block.1.type': 'gallery',
			'block.2.type': 'quote',
			'block.2.text': 'It worked.',
			'block.2.author': 'Claire Martin',
			'block.3.type': 'callout',
			'block.3.kind': 'tip',
			'block.3.markdown': 'Start small.',
			'block.4.type': 'results',
		};
		const multipart = async (revision: string, extra: Record<string, string>, files: boolean) => {
			const form = new FormData();
			for (const [k, v] of Object.entries({ ...fields, ...extra, revision })) form.append(k, v);
			if (files) {
				form.append(
					'cover.file',
					new Blob([new Uint8Array(cover)], { type: 'image/jpeg' }),
					'c.jpg',
				);
				form.append(
					'block.1.files',
					new Blob([new Uint8Array(photo)], { type: 'image/jpeg' }),
					'p.jpg',
				);
			}
			return fetch(server.url + workspace, {
				method: 'POST',
				headers: { Origin: server.url, Cookie: `cd_session=${await client.tokenFor(CLAIRE)}` },
				body: form,
				redirect: 'manual',
			});
		};
		await must(multipart('1', { action: 'save' }, true), 303, 'web case study');
		const kept = await mediaOf(workspace);
		await must(
			multipart(
				'2',
				{
					action: 'submit',
					'cover.media': kept.cover,
					'block.1.photo.0.media': kept.photo,
					'block.1.photo.0.alt': 'Owners',
				},
				false,
			),
			303,
			'submit',
		);
		await must(client.post(workspace, ANNA, { action: 'approve', note: 'Good' }), 303, 'approve');
		await must(client.post(workspace, ANNA, { action: 'publish' }), 303, 'publish');
		const live = /href="(\/case-studies\/[^"]+\/)"[^>]*>See it as readers do/.exec(
			await (await client.get(workspace, CLAIRE)).text(),
		)?.[1];
		if (!live) throw new Error('the web case study did not go live');
		// A revision of the published text, so the workspace shows the diff with version 1.
		await must(
			multipart(
				'3',
				{
					action: 'save',
					summary: 'Written in the browser, then revised.',
					'cover.media': kept.cover,
					'block.1.photo.0.media': kept.photo,
					'block.1.photo.0.alt': 'Owners',
				},
				false,
			),
			303,
			'revision',
		);
		await must(
			client.post(workspace, CLAIRE, {
				action: 'comment',
				anchor: 'b-1-2',
				comment: 'Add a figure?',
			}),
			303,
			'comment',
		);
		const emptyDraft = (
			await must(client.post('/submissions/', CLAIRE, {}), 303, 'draft')
		).headers.get('location')!;

		/** The media ids the form keeps in hidden fields, as the browser sends them back. */
		async function mediaOf(pathname: string): Promise<{ cover: string; photo: string }> {
			const html = await (await client.get(pathname, CLAIRE)).text();
			const photo = /name="block\.1\.photo\.0\.media" value="([a-f0-9]+)"/.exec(html)?.[1];
			const cover = /name="cover\.media" value="([a-f0-9]+)"/.exec(html)?.[1];
			if (!photo || !cover) throw new Error('the uploaded photos were not kept');
			return { cover, photo };
		}
		const draft = await newDraft();
		// A requested practice (with typed HTML in it) and a search that found nothing, for the
		// requests pages and the impact dashboard.
		const request = new URL(
			(
				await must(
					client.post('/requests/', BRUNO, {
						title: 'A rural launch <b>for</b> a compact SUV?',
						detail: 'Small towns.',
						lang: 'en',
					}),
					303,
					'request',
				)
			).headers.get('location')!,
			server.url,
		).pathname;
		await must(
			client.post('/api/search-miss', BRUNO, { query: 'amphibious van', lang: 'en' }),
			201,
			'search miss',
		);
		const outbox = await (await client.get('/dev/outbox/', CLAIRE)).text();
		const mail = /href="(\/dev\/outbox\/[^"]+)"/.exec(outbox)?.[1];
		if (!mail) throw new Error('no mail in the outbox');

		renderedTypes = [
			{ path: '/', as: BRUNO, status: 200 },
			{ path: '/countries/', as: BRUNO, status: 200 },
			{ path: '/countries/it/', as: BRUNO, status: 200 },
			{ path: '/countries/es/', as: BRUNO, status: 200 },
			{ path: '/topics/', as: BRUNO, status: 200 },
			{ path: '/topics/owner-community/', as: BRUNO, status: 200 },
			{ path: '/people/anna-verdi/', as: BRUNO, status: 200 },
			{ path: live, as: BRUNO, status: 200 },
			{ path: '/submissions/', as: CLAIRE, status: 200 },
			{ path: '/submissions/', as: ANNA, status: 200 },
			{ path: workspace, as: CLAIRE, status: 200 },
			{ path: workspace, as: ANNA, status: 200 },
			{ path: `${workspace}preview/`, as: CLAIRE, status: 200 },
			{ path: emptyDraft, as: CLAIRE, status: 200 },
			{ path: emptyDraft, as: CLAIRE, status: 400, post: { action: 'submit' } },
			{ path: '/case-studies/?country=IT', as: BRUNO, status: 200 },
			{ path: '/case-studies/?topic=owner-community&sort=title&lang=fr', as: BRUNO, status: 200 },
			{ path: '/messages/', as: BRUNO, status: 200 },
			{ path: thread, as: BRUNO, status: 200 },
			// A new conversation (Bruno already writes to Anna about alpha-launch: that one continues).
			{ path: '/messages/new/?to=claire-martin&about=gamma-crm', as: BRUNO, status: 200 },
			{
				path: `/messages/new/?postMortem=${postMortem.split('/')[2]}`,
				as: ANNA,
				status: 200,
			},
			{ path: '/account/', as: BRUNO, status: 200 },
			{ path: '/notifications/', as: BRUNO, status: 200 },
			{ path: '/admin/jobs/', as: CLAIRE, status: 200 },
			{
				path: `/unsubscribe/${createUnsubscribeToken(Number(brunoId), 'digest', server.dataDir)}/`,
				as: null,
				status: 200,
			},
			{ path: `/unsubscribe/${brunoId}-digest-${'0'.repeat(32)}/`, as: null, status: 404 },
			{ path: '/post-mortems/', as: BRUNO, status: 200 },
			{ path: postMortem, as: ANNA, status: 200 },
			{ path: postMortem, as: CLAIRE, status: 200 },
			{ path: '/post-mortems/new/', as: BRUNO, status: 200 },
			{ path: '/post-mortems/mine/', as: BRUNO, status: 200 },
			...[1, 2, 3, 4, 5, 6].map((s) => ({ path: `${draft}?step=${s}`, as: BRUNO, status: 200 })),
			{ path: '/post-mortems/actions/', as: BRUNO, status: 200 },
			{ path: '/diffusion/', as: BRUNO, status: 200 },
			{ path: '/impact/', as: CLAIRE, status: 200 },
			{ path: '/impact/', as: BRUNO, status: 200 },
			{ path: '/requests/', as: BRUNO, status: 200 },
			{ path: request, as: BRUNO, status: 200 },
			{ path: request, as: CLAIRE, status: 200 },
			{ path: '/requests/searches/', as: CLAIRE, status: 200 },
			{ path: '/requests/', as: BRUNO, status: 400, post: { title: '' } },
			{
				path: request,
				as: CLAIRE,
				status: 400,
				post: { action: 'answer', caseStudySlug: 'no-such-practice' },
			},
			{ path: '/case-studies/alpha-launch/applied/', as: BRUNO, status: 200 },
			{ path: '/case-studies/beta-rally/applied/', as: ANNA, status: 200 },
			{ path: '/practices/review/', as: CLAIRE, status: 200 },
			{ path: '/practices/review/', as: BRUNO, status: 200 },
			{ path: '/case-studies/alpha-launch/analytics/', as: ANNA, status: 200 },
			{ path: '/case-studies/alpha-launch/analytics/', as: BRUNO, status: 403 },
			{ path: `${live}analytics/`, as: CLAIRE, status: 200 },
			{ path: '/case-studies/alpha-launch/answer/', as: BRUNO, status: 200 },
			{ path: '/case-studies/gamma-crm/answer/', as: BRUNO, status: 200 },
			{
				path: '/case-studies/gamma-crm/answer/',
				as: BRUNO,
				status: 400,
				post: { status: 'adapted' },
			},
			{ path: '/answers/', as: BRUNO, status: 200 },
			{ path: '/answers/', as: CLAIRE, status: 200 },
			{ path: '/admin/focal-points/', as: CLAIRE, status: 200 },
			{ path: '/admin/', as: CLAIRE, status: 200 },
			{ path: '/admin/audit/', as: CLAIRE, status: 200 },
			{ path: '/dev/outbox/', as: CLAIRE, status: 200 },
			{ path: mail, as: CLAIRE, status: 200 },
			{ path: '/post-mortems/999999/', as: BRUNO, status: 404 },
			{ path: '/privacy/', as: null, status: 200 },
			{ path: '/privacy/', as: BRUNO, status: 200 },
			{ path: `/admin/?confirm=erase&userId=${brunoId}`, as: CLAIRE, status: 200 },
			{ path: '/login/', as: null, status: 200 },
			{ path: '/reset-password/', as: null, status: 200 },
			{ path: '/reset-password/not-a-token/', as: null, status: 410 },
			{ path: '/invite/not-a-token/', as: null, status: 410 },
			{ path: '/auth/oidc/refused/?reason=no-country', as: null, status: 403 },
			// Forms sent back with their errors.
			{
				path: '/login/',
				as: null,
				status: 401,
				post: { email: ANNA, password: 'not the password' },
			},
			{ path: '/messages/new/?to=anna-verdi', as: BRUNO, status: 400, post: { subject: '' } },
			{ path: thread, as: BRUNO, status: 400, post: { body: '' } },
			{ path: '/account/', as: BRUNO, status: 400, post: { form: 'profile', name: '' } },
			{ path: '/account/', as: BRUNO, status: 400, post: { action: 'mail', digestDay: '0' } },
			{ path: '/case-studies/gamma-crm/applied/', as: BRUNO, status: 400, post: {} },
			{
				path: '/practices/review/',
				as: CLAIRE,
				status: 400,
				post: { intent: 'retire', slug: 'gamma-crm', reason: '' },
			},
			{ path: '/admin/', as: CLAIRE, status: 400, post: { action: 'invite', email: 'nope' } },
			{
				path: '/admin/',
				as: CLAIRE,
				status: 400,
				post: { action: 'erase', userId: brunoId, confirmEmail: 'not-bruno@example.com' },
			},
			{ path: postMortem, as: ANNA, status: 400, post: { intent: 'comment', body: '' } },
			...[
				{ step: '1', title: '' },
				{ step: '2', 'results.label': 'Leads' },
				{ step: '3', factors: 'not-a-factor' },
				{ step: '5', 'actions.text': 'Call back' },
			].map((fields) => ({
				path: `${draft}?step=${fields.step}`,
				as: BRUNO,
				status: 400,
				post: { ...fields, intent: 'save' },
			})),
			{ path: `${draft}?step=6`, as: BRUNO, status: 400, post: { step: '6', intent: 'publish' } },
		];
	}, 180_000);

	afterAll(async () => {
		await browser?.close();
		await server?.stop();
	});

	describe('valid HTML', () => {
		it('are valid HTML on every page type, in English and French, with and without errors', async () => {
			const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cd-vnu-'));
			const names = new Map<string, string>();
			const wrong: string[] = [];
			for (const prefix of ['', '/fr']) {
				for (const type of renderedTypes) {
					const res = await fetchPage(type, prefix);
					const label = `${type.post ? 'POST' : 'GET'} ${prefix}${type.path} as ${type.as ?? 'nobody'}`;
					const html = await res.text();
					if (res.status !== type.status || !/^<!doctype html>/i.test(html))
						wrong.push(`${label}: ${res.status} ${html.slice(0, 60)}`);
					const file = path.join(dir, `page-${names.size}.html`);
					fs.writeFileSync(file, html);
					names.set(file, label);
				}
			}
			expect(wrong).toEqual([]);
			try {
				expect(await vnuErrors([...names.keys()], (f) => names.get(f) ?? f)).toEqual([]);
			} finally {
				fs.rmSync(dir, { recursive: true, force: true });
			}
		}, 120_000);
	});

	describe('accessibility', () => {
		for (const [lang, prefix] of [
			['English', ''],
			['French', '/fr'],
		] as const) {
			for (const [device, width] of [
				['a phone', 375],
				['a desktop', 1280],
			] as const) {
				it(`has no serious or critical axe violation on any page type in ${lang}, on ${device}`, async () => {
					// One tab per account: the page types are read by the member they are meant for.
					const tabs = new Map<string | null, Page>();
					const contexts: BrowserContext[] = [];
					for (const who of [BRUNO, ANNA, CLAIRE, null]) {
						const context = await browser.newContext({ viewport: { width, height: 900 } });
						contexts.push(context);
						if (who) {
							const token = await client.tokenFor(who);
							await context.addCookies([{ name: 'cd_session', value: token, url: server.url }]);
						}
						tabs.set(who, await context.newPage());
					}
					const pages: { path: string; as: string | null }[] = [
						...BUILT_TYPES.map((p) => ({ path: p, as: BRUNO })),
						...renderedTypes.filter((t) => !t.post),
					];
					const found: Record<string, string[]> = {};
					let checked = 0;
					try {
						for (const p of pages) {
							const v = await axeViolations(tabs.get(p.as)!, server.url + prefix + p.path);
							checked++;
							if (v.length) found[`${prefix}${p.path} (${p.as ?? 'signed out'})`] = v;
						}
					} finally {
						for (const c of contexts) await c.close();
					}
					expect(checked).toBe(pages.length);
					expect(found).toEqual({});
				}, 240_000);
			}
		}
	});
});
