// Changes reach search: a post-mortem published in the browser is found by a colleague's search
// within seconds, and one an editor hides is gone from results and from every index file at once.
// Nothing here rebuilds the index by hand: the publish and hide commands must do it.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import Sqlite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, signInPage, startServer, type RunningServer } from './harness';

const ANNA = 'anna.verdi@it.fixture.example';
const BRUNO = 'bruno.costa@pt.fixture.example';
const CLAIRE = 'claire.martin@fr.fixture.example';
// A word no fixture page has, so a hit can only be this post-mortem.
const WORD = 'zeppelinshowroom';

let server: RunningServer;
let browser: Browser;
let id: number;

beforeAll(async () => {
	browser = await launchBrowser();
});
afterAll(async () => {
	await browser?.close();
});

/** A server with `workers` HTTP processes and Anna's complete draft in its database. */
async function startWithDraft(workers: number) {
	server = await startServer({
		DEMO: 'true',
		DEMO_ADMINS: 'claire-martin',
		WEB_CONCURRENCY: String(workers),
	});
	// A complete draft, as the six steps leave it; publishing is done in the browser below.
	const db = new Sqlite(path.join(server.dataDir, 'portal.db'));
	try {
		const annaId = db.prepare('SELECT id FROM user WHERE email = ?').pluck().get(ANNA);
		id = Number(
			db
				.prepare(
					`INSERT INTO post_mortem (author_id, disclosure, status, step, title, tried, period, signal,
						signal_when, factors, went_wrong, differently, created_at, updated_at)
					VALUES (?, 'anonymous', 'draft', 6, ?, ?, 'Spring 2026', 'Nobody booked a slot.',
						'Week two', '["timing"]', 'We launched in the holidays.', 'Launch after the holidays.',
						1700000000, 1700000000)`,
				)
				.run(annaId, `A ${WORD} pop-up that stayed empty`, `We opened a ${WORD} in a mall.`)
				.lastInsertRowid,
		);
	} finally {
		db.close();
	}
}

function signedInPage(email: string): Promise<Page> {
	return signInPage(browser, server, email);
}

/** Searches like a member until `found` holds or 10 s pass; returns how long it took. */
async function searchUntil(page: Page, found: boolean): Promise<number> {
	const started = Date.now();
	const hit = `a[href="/post-mortems/${id}/"]`;
	for (;;) {
		await page.goto(`${server.url}/search/?q=${WORD}`);
		// The practices' index answers first; give the merged members' index its moment.
		const shown = await page
			.locator(hit)
			.first()
			.waitFor({ timeout: 1500 })
			.then(() => true)
			.catch(() => false);
		if (shown === found) return Date.now() - started;
		if (Date.now() - started > 10_000)
			throw new Error(`search still ${found ? 'misses' : 'shows'} the post-mortem after 10 s`);
	}
}

/** Every file of the members' index being served, decompressed where it is gzip, as one string. */
function membersIndexText(): string {
	const dir = path.join(server.dataDir, 'members-search');
	if (!fs.existsSync(dir)) return '';
	let text = '';
	for (const name of fs.readdirSync(dir, { recursive: true }) as string[]) {
		const file = path.join(dir, name);
		if (!fs.statSync(file).isFile()) continue;
		const bytes = fs.readFileSync(file);
		text += bytes.toString('latin1');
		try {
			text += zlib.gunzipSync(bytes).toString('utf8');
		} catch {
			// not gzip
		}
	}
	return text;
}

// With several HTTP workers the main process owns the index: the workers' commands must reach it.
describe.each([1, 2])('changes reach search (WEB_CONCURRENCY=%i)', (workers) => {
	beforeAll(() => startWithDraft(workers));
	afterAll(async () => {
		await server?.stop();
	});

	it('finds a post-mortem published in the browser within seconds, and loses it at once when hidden', async () => {
		const anna = await signedInPage(ANNA);
		await anna.goto(`${server.url}/post-mortems/${id}/edit/?step=6`);
		await Promise.all([
			anna.waitForURL(`${server.url}/post-mortems/${id}/?published=1`),
			anna.getByRole('button', { name: 'Publish', exact: true }).click(),
		]);
		const bruno = await signedInPage(BRUNO);
		const toFind = await searchUntil(bruno, true);
		console.log(`${workers} worker(s): published → found by search in ${toFind} ms`);
		expect(toFind).toBeLessThan(10_000);

		const claire = await signedInPage(CLAIRE);
		await claire.goto(`${server.url}/post-mortems/${id}/`);
		await claire.fill('#cd-note', 'It names a salesperson.');
		await Promise.all([
			claire.waitForURL(`${server.url}/post-mortems/${id}/?hidden=1`),
			claire.getByRole('button', { name: 'Hide post-mortem' }).click(),
		]);
		const toLose = await searchUntil(bruno, false);
		console.log(`${workers} worker(s): hidden → gone from search in ${toLose} ms`);
		expect(toLose).toBeLessThan(10_000);
		// Nothing of it is left in the files the search page downloads.
		expect(membersIndexText()).not.toContain(WORD);
		await Promise.all([anna, bruno, claire].map((p) => p.context().close()));
	});
});
