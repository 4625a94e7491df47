// Publishing renders the text once and stores it with the version; readers' pages copy that HTML.
// What an operator would notice: the stored HTML is exactly a fresh render, in each page language;
// a reader's page reads it instead of running the pipeline; versions published before it was stored,
// or stored by another release's renderer, are rendered on their first read and stored then.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from 'better-sqlite3';
import { addUser, createTestDatabase } from '../test-db';
import type { CommandContext } from '../../../../src/lib/server/context';
import { prepare } from '../../../../src/lib/server/db';
import type { User } from '../../../../src/lib/server/user';
import {
	createSubmissionCommand,
	publishSubmissionCommand,
	reviewSubmissionCommand,
	saveSubmissionCommand,
	submitSubmissionCommand,
	unpublishSubmissionCommand,
} from '../../../../src/lib/server/submissions/commands';
import {
	getRendererVersion,
	getVersionTexts,
	renderedOnRead,
} from '../../../../src/lib/server/submissions/rendered-body';
import {
	getSubmission,
	insertMedia,
	listLiveSubmissions,
} from '../../../../src/lib/server/submissions/store';
import { renderSubmissionText } from '../../../../src/lib/submission-text';
import type { SubmissionFields } from '../../../../src/lib/submission-form';

let t: ReturnType<typeof createTestDatabase>;
let db: Database;
let spain: User;
let hq: User;

function setUser(user: User, patch: { country: string; hq?: boolean }): User {
	prepare(db, 'UPDATE user SET country = ?, hq = ? WHERE id = ?').run(
		patch.country,
		patch.hq ? 1 : 0,
		user.id,
	);
	return { ...user, country: patch.country, hq: !!patch.hq };
}

beforeEach(() => {
	t = createTestDatabase();
	db = t.db;
	spain = setUser(addUser(db, 'lucia@example.com', 'Lucía', 'editor'), { country: 'ES' });
	hq = setUser(addUser(db, 'elodie@example.com', 'Élodie', 'editor'), { country: 'FR', hq: true });
});
afterEach(() => t.cleanup());

function ctx(user: User): CommandContext {
	return {
		db,
		user,
		lang: 'en',
		ip: '127.0.0.1',
		effects: { reindexMembersSearch() {}, processVideos() {}, sendMail() {} },
	};
}

const FOOTNOTED = 'Calls rose by a third.[^1]\n\n[^1]: The desk’s own log.';
const HOSTILE = [
	'<script>alert(1)</script>',
	'<img src=x onerror=alert(1)>',
	'[click](javascript:alert(1))',
	'{process.exit()}',
	'<div><b>unclosed',
].join('\n\n');

/** Publishes a case study with these blocks (written, submitted, approved by HQ); its version row. */
function publish(blocks: SubmissionFields['blocks']): { id: number; versionId: number } {
	const id = (createSubmissionCommand(ctx(spain)) as { id: number }).id;
	const media = `cover${id}`.padEnd(32, '0');
	insertMedia(
		db,
		{
			id: media,
			submissionId: id,
			kind: 'image',
			state: 'ready',
			originalName: 'cover.png',
			meta: { dir: media, variants: [{ file: 'image-1200.webp', width: 1200, height: 800 }] },
		},
		1,
	);
	const fields: SubmissionFields = {
		...getSubmission(db, id)!.fields,
		title: `Fleet desk ${id}`,
		summary: 'One phone number and one person for every small business customer.',
		country: 'ES',
		subsidiary: 'Spain – national sales company',
		lang: 'en',
		topics: ['fleet-business'],
		models: 'Kestrel',
		channels: ['phone'],
		reviewBy: '2099-01-01',
		contacts: [spain.id],
		results: [
			{
				label: 'Small fleet orders',
				unit: 'count',
				before: '120',
				after: '180',
				period: '2025',
				lowerIsBetter: false,
			},
		],
		cover: { media, alt: 'A fleet desk at the Madrid dealership' },
		blocks,
	};
	const revision = getSubmission(db, id)!.revision;
	expect(saveSubmissionCommand(ctx(spain), { id, fields, revision }).ok).toBe(true);
	expect(submitSubmissionCommand(ctx(spain), id)).toEqual({ ok: true });
	expect(reviewSubmissionCommand(ctx(hq), { id, decision: 'approve', note: '' }).ok).toBe(true);
	expect(publishSubmissionCommand(ctx(hq), { id, studySlugs: new Set() }).ok).toBe(true);
	const live = listLiveSubmissions(db).find((s) => s.id === id)!;
	return { id, versionId: live.versionId };
}

function storedRows(versionId: number) {
	return prepare(
		db,
		'SELECT lang, renderer, blocks FROM submission_version_render WHERE version_id = ? ORDER BY lang',
	).all(versionId) as { lang: string; renderer: string; blocks: string }[];
}

const BLOCKS: SubmissionFields['blocks'] = [
	{ type: 'text', markdown: '# Plan\n\nCall every lead.' },
	{ type: 'results' },
	{ type: 'callout', kind: 'tip', markdown: FOOTNOTED },
];

describe('text rendered at publication', () => {
	it('stores, for each page language, exactly what the page would render', () => {
		const { versionId } = publish(BLOCKS);
		const rows = storedRows(versionId);
		expect(rows.map((r) => [r.lang, r.renderer])).toEqual([
			['en', getRendererVersion()],
			['fr', getRendererVersion()],
		]);
		for (const row of rows) {
			const lang = row.lang as 'en' | 'fr';
			expect(JSON.parse(row.blocks)).toEqual({
				'b-1': renderSubmissionText('# Plan\n\nCall every lead.', 'b-1', lang),
				'b-3': renderSubmissionText(FOOTNOTED, 'b-3', lang),
			});
		}
		// The footnotes' heading is in the page's language.
		expect(JSON.parse(rows[0]!.blocks)['b-3']).toContain('Footnotes');
		expect(JSON.parse(rows[1]!.blocks)['b-3']).toMatch(/footnote-label"[^>]*>Notes</);
	});

	it('serves the stored HTML to readers without rendering', () => {
		const { versionId } = publish(BLOCKS);
		// Only the stored copy says this: a page showing it was not rendered on request.
		prepare(db, 'UPDATE submission_version_render SET blocks = ? WHERE version_id = ?').run(
			JSON.stringify({ 'b-1': '<p>only-in-the-stored-copy</p>' }),
			versionId,
		);
		const before = renderedOnRead.count;
		const texts = getVersionTexts(db, { id: versionId, blocks: BLOCKS }, 'fr', 1);
		expect(texts['b-1']).toBe('<p>only-in-the-stored-copy</p>');
		expect(renderedOnRead.count).toBe(before);
	});

	it('renders a version published before texts were stored on its first read, then stores it', () => {
		const { versionId } = publish(BLOCKS);
		prepare(db, 'DELETE FROM submission_version_render WHERE version_id = ?').run(versionId);
		const before = renderedOnRead.count;
		const texts = getVersionTexts(db, { id: versionId, blocks: BLOCKS }, 'en', 1);
		expect(texts['b-1']).toBe(renderSubmissionText('# Plan\n\nCall every lead.', 'b-1', 'en'));
		expect(renderedOnRead.count).toBe(before + 1);
		expect(storedRows(versionId).map((r) => r.lang)).toEqual(['en']);
		// The next reader, in any server process, gets the stored copy.
		getVersionTexts(db, { id: versionId, blocks: BLOCKS }, 'en', 2);
		expect(renderedOnRead.count).toBe(before + 1);
	});

	it('renders again what another release’s renderer stored, never serving it', () => {
		const { versionId } = publish(BLOCKS);
		prepare(
			db,
			"UPDATE submission_version_render SET renderer = 'older-release', blocks = ? WHERE version_id = ?",
		).run(JSON.stringify({ 'b-1': '<p>stale</p>' }), versionId);
		const texts = getVersionTexts(db, { id: versionId, blocks: BLOCKS }, 'en', 1);
		expect(texts['b-1']).toBe(renderSubmissionText('# Plan\n\nCall every lead.', 'b-1', 'en'));
		const en = storedRows(versionId).find((r) => r.lang === 'en')!;
		expect(en.renderer).toBe(getRendererVersion());
		expect(en.blocks).not.toContain('stale');
	});

	it('stores hostile text inert: no script, handler or javascript: link', () => {
		const { versionId } = publish([{ type: 'text', markdown: HOSTILE }]);
		for (const row of storedRows(versionId)) {
			const html = JSON.parse(row.blocks)['b-1'] as string;
			expect(html).not.toMatch(/<script|<img|onerror|javascript:|<div/i);
			expect(html).toContain('{process.exit()}');
		}
	});

	it('stores the texts of a kept version put back online when it has none', () => {
		const { id, versionId } = publish(BLOCKS);
		expect(unpublishSubmissionCommand(ctx(hq), { id, note: '' }).ok).toBe(true);
		prepare(db, 'DELETE FROM submission_version_render WHERE version_id = ?').run(versionId);
		expect(publishSubmissionCommand(ctx(hq), { id, studySlugs: new Set() }).ok).toBe(true);
		expect(listLiveSubmissions(db)[0]!.versionId).toBe(versionId);
		expect(storedRows(versionId).map((r) => r.lang)).toEqual(['en', 'fr']);
	});
});
