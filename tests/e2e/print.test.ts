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
import { launchBrowser, startServer, type RunningServer, signInPage } from './harness';

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
	return signInPage(browser, server, email, { viewport: { width: 1024, height: 900 } });
}

interface Word {
	text: string;
	xMin: number;
	yMin: number;
	xMax: number;
	yMax: number;
}

/** Prints the page with Chromium, reads it back with poppler: each page's size and words with boxes. */
async function printToPdf(page: Page, name: string) {
	const file = path.join(outDir, `${name}.pdf`);
	fs.writeFileSync(file, await page.pdf({ preferCSSPageSize: true, printBackground: false }));
	const bbox = execFileSync('pdftotext', ['-bbox', file, '-'], { encoding: 'utf8' });
	const pages = [
		...bbox.matchAll(/<page width="([\d.]+)" height="([\d.]+)">([\s\S]*?)<\/page>/g),
	].map((p) => ({
		width: Number(p[1]),
		height: Number(p[2]),
		words: [
			...p[3]!.matchAll(
				/<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<\/word>/g,
			),
		].map(
			(m): Word => ({
				xMin: Number(m[1]),
				yMin: Number(m[2]),
				xMax: Number(m[3]),
				yMax: Number(m[4]),
				text: m[5]!.replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>'),
			}),
		),
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
	return { file, pages, text };
}

/** The words of a page in the top margin, the bottom margin and between (the page area). */
function bands(p: { height: number; words: Word[] }, top: number, bottom: number) {
	const join = (ws: Word[]) => ws.map((w) => w.text).join(' ');
	return {
		head: join(p.words.filter((w) => w.yMax <= top)),
		foot: join(p.words.filter((w) => w.yMin >= p.height - bottom)),
		body: p.words.filter((w) => w.yMin > top && w.yMax < p.height - bottom),
	};
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
		expect(pdf.pages.length).toBeGreaterThan(1);
		const flat = pdf.text.replace(/\s+/g, ' ');
		// Long addresses wrap: compare without white space.
		const dense = pdf.text.replace(/\s+/g, '');
		expect(dense).toContain(`Adressedelapage:${url}`);
		expect(flat).toContain('Anna Verdi');
		expect(flat).toContain('Sales director');
		expect(flat).toContain('E-mail : anna.verdi@it.fixture.example');
		expect(flat).toContain(`Téléphone : ${ANNA_PHONE}`);
		// Bruno did not choose to show his phone.
		expect(flat).not.toContain('+351');
		// Site chrome stays off paper.
		expect(flat).not.toContain('Se déconnecter');
		pdf.pages.forEach((p, i) => {
			// A4 portrait.
			expect([Math.round(p.width), Math.round(p.height)]).toEqual([595, 842]);
			// Every page: the mark in the top margin (18 mm), address and page number in the bottom one.
			const { head, foot, body } = bands(p, 18 * MM, 20 * MM);
			expect(head).toBe('CONFIDENTIEL — USAGE INTERNE');
			expect(foot.replace(/\s+/g, '')).toBe(`${url}${i + 1}/${pdf.pages.length}`);
			// The page area keeps the 16 mm side margins.
			expect(body.length).toBeGreaterThan(0);
			for (const w of p.words) {
				expect(w.xMin, w.text).toBeGreaterThanOrEqual(15.5 * MM);
				expect(p.width - w.xMax, w.text).toBeGreaterThanOrEqual(15.5 * MM);
			}
		});
		expect(fs.existsSync(path.join(outDir, 'case-study-fr-1.png'))).toBe(true);
		await page.context().close();
	});

	it('prints the English mark on every page of English pages, with the address at the end too', async () => {
		const page = await signIn(BRUNO);
		await page.goto(`${server.url}/case-studies/beta-rally/`);
		await page.emulateMedia({ media: 'print' });
		const pdf = await printToPdf(page, 'case-study-en');
		const flat = pdf.text.replace(/\s+/g, ' ');
		const dense = pdf.text.replace(/\s+/g, '');
		expect(flat).toContain('CONFIDENTIAL — INTERNAL USE');
		expect(dense).toContain(`Pageaddress:${server.url}/case-studies/beta-rally/`);
		expect(dense).toContain(`Confidential—internaluse·${server.url}/case-studies/beta-rally/`);
		for (const p of pdf.pages)
			expect(bands(p, 18 * MM, 20 * MM).head).toBe('CONFIDENTIAL — INTERNAL USE');
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
