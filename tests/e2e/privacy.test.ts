// Privacy duties end to end, on the built fixture in Chromium: a member downloads their data from
// the account page (the ZIP read back with Debian's unzip), an admin erases a member, and a crawl of
// every page that names members finds neither the old name nor the old email afterwards.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Sqlite from 'better-sqlite3';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
const CLAIRE = 'claire.martin@fr.fixture.example'; // admin (DEMO_ADMINS)
// Not a person of the content: nothing outside the database names her, so any trace is a leak.
const ZOE = 'zoe.quill@nowhere.fixture.example';
const ZOE_NAME = 'Zoe Quillfeather';

let server: RunningServer;
let browser: Browser;
let client: MemberClient;
let zoeId: number;
let thread: string;
let postMortem: string;
let request: string;

function withDb<T>(fn: (db: Sqlite.Database) => T): T {
	const db = new Sqlite(path.join(server.dataDir, 'portal.db'));
	try {
		return fn(db);
	} finally {
		db.close();
	}
}

beforeAll(async () => {
	[server, browser] = await Promise.all([
		startServer({ DEMO: 'true', DEMO_ADMINS: 'claire-martin' }),
		launchBrowser(),
	]);
	client = createMemberClient(server);
	// Zoe gets the demo password by sharing Bruno's hash.
	zoeId = withDb((db) => {
		const id = Number(
			db
				.prepare(
					`INSERT INTO user (email, name, title, country, languages, phone, show_phone, bio, role, password_hash, active, created_at, updated_at)
					SELECT ?, ?, 'Sales trainer', 'NO', '["en"]', '+47 555 0199', 1, 'Ten years in retail', 'member', password_hash, 1, unixepoch(), unixepoch()
					FROM user WHERE email = ?`,
				)
				.run(ZOE, ZOE_NAME, BRUNO).lastInsertRowid,
		);
		db.prepare(
			"INSERT INTO focal_point (country, user_id, created_at) VALUES ('NO', ?, unixepoch())",
		).run(id);
		db.prepare(
			`INSERT INTO country_answer (case_study, country, status, note, answered_by, created_at, updated_at)
			VALUES ('gamma-crm', 'NO', 'adopted', 'Norway took it as is', ?, unixepoch(), unixepoch())`,
		).run(id);
		db.prepare(
			`INSERT INTO adoption (user_id, case_study, country, status, note, created_at, updated_at)
			VALUES (?, 'gamma-crm', 'NO', 'adopted', 'Our dealers loved it', unixepoch(), unixepoch())`,
		).run(id);
		return id;
	});

	// What Zoe leaves behind through the real forms: a message, a named comment, a request.
	const sent = await client.post('/messages/new/?to=anna-verdi', ZOE, {
		subject: 'Winter test drives',
		body: 'Zoe asks: how did the winter test drives go?',
	});
	expect(sent.status).toBe(303);
	thread = new URL(sent.headers.get('location')!, server.url).pathname;
	const pmId = withDb((db) =>
		Number(
			db
				.prepare(
					`INSERT INTO post_mortem (author_id, disclosure, status, title, tried, country, created_at, updated_at, published_month, first_published_at)
					SELECT id, 'anonymous', 'published', 'Snowed-in launch', 'An outdoor launch in January', 'IT', unixepoch(), unixepoch(), '2026-01', unixepoch()
					FROM user WHERE email = ?`,
				)
				.run(ANNA).lastInsertRowid,
		),
	);
	postMortem = `/post-mortems/${pmId}/`;
	const commented = await client.post(postMortem, ZOE, {
		intent: 'comment',
		body: 'Same thing happened in Oslo.',
		disclosure: 'named',
	});
	expect(commented.status).toBe(303);
	const posted = await client.post('/requests/', ZOE, {
		title: 'Winter tyre bundles',
		detail: 'Anyone sold winter tyres with the car?',
		lang: 'en',
	});
	expect(posted.status).toBe(303);
	request = new URL(posted.headers.get('location')!, server.url).pathname;
	// An admin action that names her in the audit log (its target is her email).
	const role = await client.post('/admin/', CLAIRE, {
		action: 'role',
		userId: String(zoeId),
		role: 'editor',
	});
	expect(role.status).toBe(303);
}, 120_000);

afterAll(async () => {
	await browser?.close();
	await server?.stop();
});

/** The pages that name members, as the members who may read them. */
async function crawl(): Promise<Record<string, string>> {
	const list: [string, string][] = [
		['/messages/', ANNA],
		[thread, ANNA],
		[postMortem, BRUNO],
		['/post-mortems/', BRUNO],
		['/requests/', BRUNO],
		[request, BRUNO],
		['/case-studies/gamma-crm/applied/', BRUNO],
		['/people/', BRUNO],
		['/people/anna-verdi/', BRUNO],
		['/diffusion/', BRUNO],
		['/', BRUNO],
		['/admin/', CLAIRE],
		['/admin/audit/', CLAIRE],
		['/admin/focal-points/', CLAIRE],
		['/answers/', CLAIRE],
		['/fr/requests/', BRUNO],
		[`/fr${thread}`, ANNA],
		[`/fr${postMortem}`, BRUNO],
		['/fr/case-studies/gamma-crm/applied/', BRUNO],
		['/fr/admin/', CLAIRE],
	];
	const pages: Record<string, string> = {};
	for (const [pathname, who] of list) {
		const res = await client.get(pathname, who);
		expect(res.status, pathname).toBe(200);
		pages[pathname] = await res.text();
	}
	return pages;
}

describe('privacy', () => {
	it('lets a member download their data from the account page as a ZIP', async () => {
		const page = await signInPage(browser, server, ZOE, { start: '/account/' });
		const [download] = await Promise.all([
			page.waitForEvent('download'),
			page.getByRole('button', { name: 'Download my data' }).click(),
		]);
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cd-export-'));
		const zip = path.join(dir, download.suggestedFilename());
		await download.saveAs(zip);
		await page.context().close();
		expect(download.suggestedFilename()).toMatch(
			new RegExp(`^coaching-dealer-data-${zoeId}-\\d{4}-\\d\\d-\\d\\d\\.zip$`),
		);
		const listing = execFileSync('unzip', ['-l', zip], { encoding: 'utf8' });
		expect(listing).toContain('data.json');
		expect(listing).toContain('README.txt');
		const data = JSON.parse(execFileSync('unzip', ['-p', zip, 'data.json'], { encoding: 'utf8' }));
		expect(data.profile).toMatchObject({ email: ZOE, name: ZOE_NAME, phone: '+47 555 0199' });
		expect(data.sessions.length).toBeGreaterThan(0);
		expect(data.sessions[0]).toHaveProperty('ip');
		expect(data.threads[0]).toMatchObject({ subject: 'Winter test drives' });
		expect(data.threads[0].messagesYouWrote[0].body).toBe(
			'Zoe asks: how did the winter test drives go?',
		);
		expect(data.postMortemComments[0]).toMatchObject({
			body: 'Same thing happened in Oslo.',
			disclosure: 'named',
		});
		expect(data.practiceRequests[0]).toMatchObject({ title: 'Winter tyre bundles' });
		expect(data.countryAnswers[0]).toMatchObject({ caseStudy: 'gamma-crm', country: 'NO' });
		expect(data.focalPointFor).toEqual([expect.objectContaining({ country: 'NO' })]);
		// Anna's side of the conversation is hers, not Zoe's.
		expect(JSON.stringify(data)).not.toContain(ANNA);
		fs.rmSync(dir, { recursive: true, force: true });
	}, 60_000);

	it("lets an admin download a member's data from the members page, and audits it", async () => {
		const page = await signInPage(browser, server, CLAIRE, { start: '/admin/' });
		const [download] = await Promise.all([
			page.waitForEvent('download'),
			page.getByRole('button', { name: 'Download data for Anna Verdi' }).click(),
		]);
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cd-export-'));
		const zip = path.join(dir, 'anna.zip');
		await download.saveAs(zip);
		await page.goto(`${server.url}/admin/audit/`);
		const audit = await page.locator('tr[data-action="privacy-export"]').first().textContent();
		await page.context().close();
		const data = JSON.parse(execFileSync('unzip', ['-p', zip, 'data.json'], { encoding: 'utf8' }));
		expect(data.profile).toMatchObject({ email: ANNA, name: 'Anna Verdi' });
		// Anna received Zoe's message: Zoe's words are Zoe's data, not in Anna's export.
		expect(data.threads[0]).toMatchObject({ subject: 'Winter test drives', messagesYouWrote: [] });
		expect(JSON.stringify(data)).not.toContain('winter test drives go?');
		expect(audit).toContain(`user:${data.profile.id}`);
		fs.rmSync(dir, { recursive: true, force: true });
	}, 60_000);

	it('shows the privacy page to signed-out visitors, with the configured retention', async () => {
		for (const [prefix, days] of [
			['', '90 days'],
			['/fr', '90 jours'],
		]) {
			const res = await fetch(`${server.url}${prefix}/privacy/`, { redirect: 'manual' });
			expect(res.status).toBe(200);
			const html = await res.text();
			expect(html).toContain(days);
			expect(html).toContain(prefix === '' ? '24 months' : '24 mois');
		}
		const home = await (await client.get('/account/', BRUNO)).text();
		expect(home).toContain('href="/privacy/"');
	});

	it('erases a member: no page shows her name or email any more, her words stay as "Former member" ("Ancien membre" in French)', async () => {
		const zoeToken = await client.tokenFor(ZOE);
		// Before: these pages do name her (so the check after the erasure is not vacuous); requests
		// show the asker's country only.
		const before = await crawl();
		for (const pathname of [thread, postMortem, '/case-studies/gamma-crm/applied/', '/admin/'])
			expect(before[pathname], pathname).toContain(ZOE_NAME);
		expect(before['/admin/audit/']).toContain(ZOE);
		const page = await signInPage(browser, server, CLAIRE, { start: '/admin/' });
		await page
			.locator(`#user-${zoeId}`)
			.getByRole('button', { name: `Erase for ${ZOE_NAME}` })
			.click();
		await page.getByLabel(/Type the member's email address/).fill('someone.else@example.com');
		await page.getByRole('button', { name: 'Erase this member for good' }).click();
		await expect(page.locator('#cd-erase-email-error').textContent()).resolves.toContain(
			"not the member's email",
		);
		await page.getByLabel(/Type the member's email address/).fill(ZOE);
		await page.getByRole('button', { name: 'Erase this member for good' }).click();
		await page.getByText('The member was erased.').waitFor();
		await page.context().close();

		// Her cookie no longer opens anything.
		const old = await fetch(`${server.url}/account/`, {
			headers: { Cookie: `cd_session=${zoeToken}` },
			redirect: 'manual',
		});
		expect(old.status).toBe(303);
		expect(old.headers.get('location')).toContain('/login/');

		const pages = await crawl();
		for (const [pathname, html] of Object.entries(pages)) {
			expect(html, pathname).not.toContain(ZOE_NAME);
			expect(html, pathname).not.toContain('Quillfeather');
			expect(html.toLowerCase(), pathname).not.toContain('zoe.quill');
			expect(html, pathname).not.toContain('+47 555 0199');
		}
		// What she wrote for the others stays, signed "Former member".
		expect(pages[thread]).toContain('how did the winter test drives go?');
		expect(pages[thread]).toContain('Former member');
		expect(pages[postMortem]).toContain('Same thing happened in Oslo.');
		expect(pages[postMortem]).toContain('Former member');
		expect(pages[request]).toContain('Winter tyre bundles');
		expect(pages['/case-studies/gamma-crm/applied/']).toContain('Our dealers loved it');
		expect(pages['/case-studies/gamma-crm/applied/']).toContain('Former member');
		expect(pages['/admin/']).toContain('Former member');
		// French readers see her called a former member in French, never the English form.
		for (const french of [
			`/fr${thread}`,
			`/fr${postMortem}`,
			'/fr/case-studies/gamma-crm/applied/',
			'/fr/admin/',
		]) {
			expect(pages[french], french).toContain('Ancien membre');
			expect(pages[french], french).not.toContain('Former member');
		}
		// The audit log keeps that an erasure happened.
		expect(pages['/admin/audit/']).toContain('data-action="privacy-erase"');
		expect(pages['/admin/audit/']).toContain(`user:${zoeId}`);
		// And nobody can sign in with her address.
		const signIn = await fetch(`${server.url}/login/`, {
			method: 'POST',
			headers: { Origin: server.url },
			body: new URLSearchParams({ email: ZOE, password: 'kestrel-rally-lisbon-2026' }),
			redirect: 'manual',
		});
		expect(signIn.status).not.toBe(303);
	}, 120_000);
});
