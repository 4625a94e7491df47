// A web case study's text is rendered when it is published and stored with the version, so the
// first reader of a long, densely formatted study on a freshly started server gets the page without
// waiting for the Markdown pipeline. Also: the page shows the stored copy (not a render of its own),
// a version without a stored copy (published before it existed) and a copy made by another release
// are rendered on the first read and stored.
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { denseBlocks } from '../lib/dense-markdown';
import {
	createMemberClient,
	openServerStore,
	setRoles,
	startServer,
	type MemberClient,
	type RunningServer,
} from './harness';

const ANNA = 'anna.verdi@it.fixture.example'; // an editor in Spain here
const CLAIRE = 'claire.martin@fr.fixture.example'; // HQ editor
const BRUNO = 'bruno.costa@pt.fixture.example'; // member

let server: RunningServer;
let client: MemberClient;
let dataDir: string;
let slug: string;
let versionId: number;
// About as long as a body may be (100,000 characters), in text blocks as long as the form takes.
const TEXTS = denseBlocks(98_000, 19_500);
const BODY = TEXTS.join('\n\n');

// The server's store (SQLite file, or PostgreSQL in the e2e-pg project).
function openDb() {
	return openServerStore(server);
}

async function restart(): Promise<void> {
	expect(await server.stop()).toBe(0);
	server = await startServer({
		DEMO: 'true',
		DATA_DIR: dataDir,
		...(server.databaseUrl ? { DATABASE_URL: server.databaseUrl } : {}),
	});
	client = createMemberClient(server);
	// Signed in before the clock starts: only the page is timed.
	await client.tokenFor(BRUNO);
}

async function timePage(pathname: string): Promise<{ ms: number; html: string }> {
	const start = performance.now();
	const res = await client.get(pathname, BRUNO);
	const html = await res.text();
	expect(res.status).toBe(200);
	return { ms: Math.round(performance.now() - start), html };
}

beforeAll(async () => {
	server = await startServer({ DEMO: 'true' });
	dataDir = server.dataDir;
	setRoles(server, {
		[ANNA]: { role: 'editor', country: 'ES' },
		[CLAIRE]: { role: 'editor', country: 'FR', hq: true },
	});
	const db = openDb();
	const annaId = db.prepare('SELECT id FROM user WHERE email = ?').pluck().get(ANNA) as number;
	db.close();
	client = createMemberClient(server);
	const cover = await sharp({
		create: { width: 1400, height: 900, channels: 3, background: '#335577' },
	})
		.jpeg()
		.toBuffer();
	const created = await client.post('/submissions/', ANNA, {});
	const workspace = created.headers.get('location')!;
	const form = new FormData();
	const fields: Record<string, string> = {
		editor: '1',
		revision: '1',
		title: 'Dense fleet desk study',
		summary: 'Every step of the fleet desk, written down by the team that ran it.',
		country: 'ES',
		subsidiary: 'Spain – national sales company',
		lang: 'en',
		topics: 'fleet-business',
		channels: 'phone',
		models: 'Kestrel',
		reviewBy: '2031-01-01',
		contacts: String(annaId),
		'result.0.label': 'Calls',
		'result.0.unit': 'count',
		'result.0.before': '10',
		'result.0.after': '20',
		'result.0.period': '2025',
		'cover.alt': 'The fleet desk',
		action: 'submit',
	};
	TEXTS.forEach((text, i) => {
		fields[`block.${i}.type`] = 'text';
		fields[`block.${i}.markdown`] = text;
	});
	for (const [k, v] of Object.entries(fields)) form.append(k, v);
	form.append('cover.file', new Blob([new Uint8Array(cover)], { type: 'image/jpeg' }), 'c.jpg');
	const saved = await fetch(server.url + workspace, {
		method: 'POST',
		headers: { Origin: server.url, Cookie: `cd_session=${await client.tokenFor(ANNA)}` },
		body: form,
		redirect: 'manual',
	});
	if (saved.status !== 303) {
		const html = await saved.text();
		const errors = [...html.matchAll(/class="[^"]*error[^"]*"[^>]*>([^<]+)</g)].map((m) => m[1]);
		throw new Error(`submit refused (${saved.status}): ${errors.join(' | ')}`);
	}
	expect(saved.headers.get('location')).toContain('submitted=1');
	expect((await client.post(workspace, CLAIRE, { action: 'approve', note: '' })).status).toBe(303);
	await client.tokenFor(CLAIRE);
	const start = performance.now();
	const published = await client.post(workspace, CLAIRE, { action: 'publish' });
	const publishMs = Math.round(performance.now() - start);
	expect(published.status).toBe(303);
	console.log(
		`publish of a ${BODY.length}-character dense body (${TEXTS.length} text blocks): ${publishMs} ms`,
	);
	const read = openDb();
	const row = read
		.prepare(
			`SELECT s.slug, s.live_version_id AS v FROM submission s WHERE s.live_version_id IS NOT NULL
			AND json_extract(s.fields, '$.title') = 'Dense fleet desk study'`,
		)
		.get() as { slug: string; v: number };
	read.close();
	slug = row.slug;
	versionId = row.v;
}, 120_000);

afterAll(async () => {
	expect(await server?.stop()).toBe(0);
});

describe('text rendered at publication', () => {
	it('stores the rendered text with the published version, for each page language', () => {
		const db = openDb();
		const rows = db
			.prepare(
				'SELECT lang, length(blocks) AS n FROM submission_version_render WHERE version_id = ? ORDER BY lang',
			)
			.all(versionId) as { lang: string; n: number }[];
		db.close();
		expect(rows.map((r) => r.lang)).toEqual(['en', 'fr']);
		// The HTML of 100 kB of dense Markdown is larger than the text.
		expect(rows.every((r) => r.n > BODY.length)).toBe(true);
	});

	it('answers the first reader of a freshly started server quickly, from the stored copy', async () => {
		await restart();
		const stored = await timePage(`/case-studies/${slug}/`);
		const fr = await timePage(`/fr/case-studies/${slug}/`);
		// What every version published before this change did: no stored copy, rendered on request.
		const db = openDb();
		db.prepare('DELETE FROM submission_version_render WHERE version_id = ?').run(versionId);
		db.close();
		await restart();
		const rendered = await timePage(`/case-studies/${slug}/`);
		console.log(
			`first request after a start: stored ${stored.ms} ms (fr ${fr.ms} ms); rendered on request ${rendered.ms} ms`,
		);
		// Same page either way (the CSP nonce, if any, aside).
		const body = (html: string) => html.slice(html.indexOf('<article'), html.indexOf('</article>'));
		expect(body(stored.html)).toBe(body(rendered.html));
		expect(body(stored.html)).toContain('id="b-1-1"');
		expect(fr.html).toMatch(/footnote-label"[^>]*>Notes</);
		// …and the render is stored on that first read: the next start serves the stored copy again.
		const again = openDb();
		expect(
			again
				.prepare('SELECT lang FROM submission_version_render WHERE version_id = ?')
				.pluck()
				.all(versionId),
		).toEqual(['en']);
		again.close();
	});

	it('serves what is stored, and renders again what another release stored', async () => {
		const db = openDb();
		const marker = '<p>only-in-the-stored-copy</p>';
		db.prepare(
			"UPDATE submission_version_render SET blocks = ? WHERE version_id = ? AND lang = 'en'",
		).run(JSON.stringify({ 'b-1': marker }), versionId);
		expect((await timePage(`/case-studies/${slug}/`)).html).toContain(marker);
		db.prepare(
			"UPDATE submission_version_render SET renderer = 'older-release' WHERE version_id = ? AND lang = 'en'",
		).run(versionId);
		const fresh = (await timePage(`/case-studies/${slug}/`)).html;
		expect(fresh).not.toContain(marker);
		expect(fresh).toContain('id="b-1-1"');
		expect(
			db
				.prepare(
					"SELECT renderer FROM submission_version_render WHERE version_id = ? AND lang = 'en'",
				)
				.pluck()
				.get(versionId),
		).not.toBe('older-release');
		db.close();
	});
});
