// A case study as it comes out of the printer and as its video starts: Chromium prints it to a real
// PDF, which poppler reads back (pdftotext for the words and where they sit, pdftoppm for an image
// to look at), and the captions track of the page's language is the default one.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Sqlite from 'better-sqlite3';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, launchBrowser, startServer, type RunningServer } from './harness';

const BRUNO = 'bruno.costa@pt.fixture.example';
const ANNA_PHONE = '+39 02 1234 5678';
const MM = 72 / 25.4; // PDF points per millimetre

let server: RunningServer;
let browser: Browser;
// CD_PRINT_OUT=<dir> keeps the PDFs and PNGs there to look at.
const keep = process.env.CD_PRINT_OUT;
const outDir = keep ?? fs.mkdtempSync(path.join(os.tmpdir(), 'cd-print-'));
if (keep) fs.mkdirSync(keep, { recursive: true });

beforeAll(async () => {
	[server, browser] = await Promise.all([startServer({ DEMO: 'true' }), launchBrowser()]);
	// Anna chose to show her phone to members; Bruno did not.
	const db = new Sqlite(path.join(server.dataDir, 'portal.db'));
	try {
		db.prepare(`UPDATE user SET phone = ?, show_phone = 1 WHERE email = ?`).run(
			ANNA_PHONE,
			'anna.verdi@it.fixture.example',
		);
		db.prepare(`UPDATE user SET phone = '+351 21 000 0000', show_phone = 0 WHERE email = ?`).run(
			BRUNO,
		);
	} finally {
		db.close();
	}
});

afterAll(async () => {
	await browser?.close();
	await server?.stop();
	if (!keep) fs.rmSync(outDir, { recursive: true, force: true });
});

async function signIn(email: string): Promise<Page> {
	const context = await browser.newContext({ viewport: { width: 1024, height: 900 } });
	const page = await context.newPage();
	page.on('pageerror', (e) => {
		throw e;
	});
	await page.goto(`${server.url}/login/`);
	await page.getByLabel('Email').fill(email);
	await page.locator('#cd-password').fill(DEMO_PASSWORD);
	await Promise.all([
		page.waitForURL(`${server.url}/`),
		page.getByRole('button', { name: 'Sign in' }).click(),
	]);
	return page;
}

interface Word {
	text: string;
	xMin: number;
	yMin: number;
	xMax: number;
	yMax: number;
}

/** Prints the page to A4 with Chromium, reads it back with poppler: words with boxes, page size. */
async function printToPdf(page: Page, name: string) {
	const file = path.join(outDir, `${name}.pdf`);
	fs.writeFileSync(file, await page.pdf({ preferCSSPageSize: true, printBackground: false }));
	const html = execFileSync('pdftotext', ['-bbox', file, '-'], { encoding: 'utf8' });
	const [, width, height] = /<page width="([\d.]+)" height="([\d.]+)"/.exec(html)!.map(Number);
	const words: Word[] = [
		...html.matchAll(
			/<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<\/word>/g,
		),
	].map((m) => ({
		xMin: Number(m[1]),
		yMin: Number(m[2]),
		xMax: Number(m[3]),
		yMax: Number(m[4]),
		text: m[5]!.replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>'),
	}));
	const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
	// An image of the first page, to look at when changing the print style.
	execFileSync('pdftoppm', [
		'-png',
		'-r',
		'50',
		'-f',
		'1',
		'-l',
		'1',
		file,
		path.join(outDir, name),
	]);
	return { file, width: width!, height: height!, words, text };
}

describe('print', () => {
	it('prints the address, the confidential mark, the contacts and page margins (French)', async () => {
		const page = await signIn(BRUNO);
		const url = `${server.url}/fr/case-studies/alpha-launch/`;
		await page.goto(url);
		await page.emulateMedia({ media: 'print' });
		const mark = page.locator('.cd-print-head__mark');
		expect(await mark.isVisible()).toBe(true);
		expect(await mark.textContent()).toBe('Confidentiel — usage interne');
		// The address is the absolute one the reader used, not a build-time localhost.
		await expect
			.poll(() => page.locator('.cd-print-head__url [data-cd-print-url]').textContent())
			.toBe(url);
		const card = page.locator('.cd-study__contacts li', { hasText: 'Anna Verdi' });
		await expect.poll(() => card.locator('.cd-person__print').textContent()).toContain(ANNA_PHONE);

		const pdf = await printToPdf(page, 'case-study-fr');
		// A4 portrait.
		expect(Math.round(pdf.width)).toBe(595);
		expect(Math.round(pdf.height)).toBe(842);
		const flat = pdf.text.replace(/\s+/g, ' ');
		// Long addresses wrap: compare without white space.
		const dense = pdf.text.replace(/\s+/g, '');
		expect(flat).toContain('CONFIDENTIEL — USAGE INTERNE');
		expect(dense).toContain(`Adressedelapage:${url}`);
		expect(flat).toContain('Anna Verdi');
		expect(flat).toContain('Sales director');
		expect(flat).toContain('E-mail : anna.verdi@it.fixture.example');
		expect(flat).toContain(`Téléphone : ${ANNA_PHONE}`);
		// Bruno did not choose to show his phone.
		expect(flat).not.toContain('+351');
		// Site chrome stays off paper.
		expect(flat).not.toContain('Se déconnecter');
		// Margins: no word closer to an edge than the @page margins (16 mm sides, 18 mm top).
		const minX = Math.min(...pdf.words.map((w) => w.xMin));
		const maxX = Math.max(...pdf.words.map((w) => w.xMax));
		const minY = Math.min(...pdf.words.map((w) => w.yMin));
		expect(minX).toBeGreaterThanOrEqual(15.5 * MM);
		expect(pdf.width - maxX).toBeGreaterThanOrEqual(15.5 * MM);
		expect(minY).toBeGreaterThanOrEqual(17.5 * MM);
		expect(fs.existsSync(path.join(outDir, 'case-study-fr-1.png'))).toBe(true);
		await page.context().close();
	});

	it('prints the English mark on English pages, with the address at the end too', async () => {
		const page = await signIn(BRUNO);
		await page.goto(`${server.url}/case-studies/beta-rally/`);
		await page.emulateMedia({ media: 'print' });
		const pdf = await printToPdf(page, 'case-study-en');
		const flat = pdf.text.replace(/\s+/g, ' ');
		const dense = pdf.text.replace(/\s+/g, '');
		expect(flat).toContain('CONFIDENTIAL — INTERNAL USE');
		expect(dense).toContain(`Pageaddress:${server.url}/case-studies/beta-rally/`);
		expect(dense).toContain(`Confidential—internaluse·${server.url}/case-studies/beta-rally/`);
		await page.context().close();
	});

	it('keeps the print-only parts off the screen', async () => {
		const page = await signIn(BRUNO);
		await page.goto(`${server.url}/case-studies/alpha-launch/`);
		expect(await page.locator('.cd-print-head').isVisible()).toBe(false);
		expect(await page.locator('.cd-person__print').first().isVisible()).toBe(false);
		await page.context().close();
	});
});

describe('captions', () => {
	it('starts French pages with French captions and English pages with English ones', async () => {
		const page = await signIn(BRUNO);
		const defaults = async () =>
			page
				.locator('video track[kind="captions"]')
				.evaluateAll((tracks) =>
					tracks.map((t) => `${t.getAttribute('srclang')}:${t.hasAttribute('default')}`),
				);
		await page.goto(`${server.url}/fr/case-studies/alpha-launch/`);
		expect(await defaults()).toEqual(['en:false', 'fr:true']);
		await page.goto(`${server.url}/case-studies/alpha-launch/`);
		expect(await defaults()).toEqual(['en:true', 'fr:false']);
		await page.context().close();
	});
});
