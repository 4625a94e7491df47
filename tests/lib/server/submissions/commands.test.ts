import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from 'better-sqlite3';
import { addUser, createTestDatabase } from '../test-db';
import type { CommandContext, Effects } from '../../../../src/lib/server/context';
import { DEFAULT_MAIL_FROM, sendMail } from '../../../../src/lib/server/mail';
import { prepare } from '../../../../src/lib/server/db';
import type { User } from '../../../../src/lib/server/user';
import {
	commentSubmissionCommand,
	createSubmissionCommand,
	getCheckContext,
	publishSubmissionCommand,
	reviewSubmissionCommand,
	saveSubmissionCommand,
	submitSubmissionCommand,
	unpublishSubmissionCommand,
} from '../../../../src/lib/server/submissions/commands';
import {
	getSubmission,
	insertMedia,
	listEvents,
	listLiveSubmissions,
	listVersions,
} from '../../../../src/lib/server/submissions/store';
import { diffSubmissionFields } from '../../../../src/lib/server/submissions/views';
import { rebuildMembersIndex } from '../../../../src/lib/server/members-search';
import type { SubmissionFields } from '../../../../src/lib/submission-form';

let t: ReturnType<typeof createTestDatabase>;
let db: Database;
let spain: User; // country editor, ES
let italy: User; // country editor, IT
let spain2: User; // another ES editor
let hq: User;
let member: User;
let reindexed: number;
let pending: Promise<unknown>[];

function setUser(user: User, patch: { country?: string; hq?: boolean }): User {
	prepare(db, 'UPDATE user SET country = ?, hq = ? WHERE id = ?').run(
		patch.country ?? null,
		patch.hq ? 1 : 0,
		user.id,
	);
	return { ...user, country: patch.country ?? null, hq: !!patch.hq };
}

beforeEach(() => {
	t = createTestDatabase();
	db = t.db;
	spain = setUser(addUser(db, 'lucia@example.com', 'Lucía', 'editor'), { country: 'ES' });
	spain2 = setUser(addUser(db, 'javier@example.com', 'Javier', 'editor'), { country: 'ES' });
	italy = setUser(addUser(db, 'giulia@example.com', 'Giulia', 'editor'), { country: 'IT' });
	hq = setUser(addUser(db, 'elodie@example.com', 'Élodie', 'editor'), { country: 'FR', hq: true });
	member = setUser(addUser(db, 'ines@example.com', 'Inês'), { country: 'PT' });
	reindexed = 0;
	pending = [];
});
afterEach(() => t.cleanup());

function ctx(user: User | null): CommandContext {
	const effects: Effects = {
		reindexMembersSearch() {
			reindexed++;
		},
		processVideos() {},
		sendMail(mail) {
			pending.push(
				sendMail(mail, {
					smtpUrl: null,
					from: DEFAULT_MAIL_FROM,
					outboxDir: path.join(t.dir, 'outbox'),
				}),
			);
		},
	};
	return { db, user, lang: 'en', ip: '127.0.0.1', effects };
}

async function outbox(): Promise<string[]> {
	await Promise.all(pending);
	const dir = path.join(t.dir, 'outbox');
	return fs.existsSync(dir)
		? fs.readdirSync(dir).map((f) => fs.readFileSync(path.join(dir, f), 'utf8'))
		: [];
}

/** A complete case study, with its cover already uploaded. */
function complete(id: number, patch: Partial<SubmissionFields> = {}): SubmissionFields {
	const exists = prepare(db, 'SELECT 1 FROM submission_media WHERE id = ?').get(
		`cover${id}`.padEnd(32, '0'),
	);
	if (!exists)
		insertMedia(
			db,
			{
				id: `cover${id}`.padEnd(32, '0'),
				submissionId: id,
				kind: 'image',
				state: 'ready',
				originalName: 'cover.png',
				meta: {
					dir: `cover${id}`.padEnd(32, '0'),
					variants: [{ file: 'image-1200.webp', width: 1200, height: 800 }],
				},
			},
			1,
		);
	return {
		title: 'Fleet desk for small businesses',
		summary: 'One phone number and one person for every small business customer.',
		country: 'ES',
		subsidiary: 'Spain – national sales company',
		lang: 'en',
		topics: ['fleet-business'],
		models: 'Kestrel, Volta',
		channels: ['phone'],
		reviewBy: '2099-01-01',
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
		contacts: [spain.id],
		cover: { media: `cover${id}`.padEnd(32, '0'), alt: 'A fleet desk at the Madrid dealership' },
		blocks: [
			{ type: 'text', markdown: 'First paragraph.\n\nSecond paragraph, about the phone line.' },
			{ type: 'results' },
		],
		...patch,
	};
}

function save(user: User, id: number, fields: SubmissionFields) {
	const revision = getSubmission(db, id)!.revision;
	const r = saveSubmissionCommand(ctx(user), { id, fields, revision });
	expect(r.ok).toBe(true);
}

describe('who may write and review', () => {
	it('refuses members without the editor role, and another country for a country editor', () => {
		expect(createSubmissionCommand(ctx(member))).toEqual({ ok: false, kind: 'forbidden' });
		expect(createSubmissionCommand(ctx(null))).toEqual({ ok: false, kind: 'forbidden' });
		const created = createSubmissionCommand(ctx(spain));
		expect(created.ok).toBe(true);
		const id = (created as { id: number }).id;
		expect(getSubmission(db, id)!.fields.country).toBe('ES');
		const r = saveSubmissionCommand(ctx(spain), {
			id,
			fields: { ...getSubmission(db, id)!.fields, country: 'IT' },
			revision: getSubmission(db, id)!.revision,
		});
		expect(r).toEqual({ ok: false, kind: 'country', country: 'ES' });
		// Another member cannot even see it: not-found, not forbidden.
		expect(
			saveSubmissionCommand(ctx(member), {
				id,
				fields: getSubmission(db, id)!.fields,
				revision: 1,
			}),
		).toEqual({ ok: false, kind: 'not-found' });
	});

	it('keeps the text of a second tab from overwriting newer text unnoticed', () => {
		const id = (createSubmissionCommand(ctx(spain)) as { id: number }).id;
		const first = getSubmission(db, id)!;
		save(spain, id, { ...first.fields, title: 'From tab A' });
		const stale = saveSubmissionCommand(ctx(spain), {
			id,
			fields: { ...first.fields, title: 'From tab B' },
			revision: first.revision,
		});
		expect(stale).toMatchObject({ ok: false, kind: 'stale' });
		expect(getSubmission(db, id)!.fields.title).toBe('From tab A');
	});
});

describe('the review flow', () => {
	it('goes draft → submitted → changes requested → submitted → approved → published, recording who and when', async () => {
		const id = (createSubmissionCommand(ctx(spain)) as { id: number }).id;
		// Incomplete: each missing field is named.
		const incomplete = submitSubmissionCommand(ctx(spain), id);
		expect(incomplete).toMatchObject({ ok: false, kind: 'invalid' });
		expect(Object.keys((incomplete as { errors: object }).errors)).toEqual(
			expect.arrayContaining(['title', 'summary', 'topics', 'cover.media', 'contacts']),
		);
		save(spain, id, complete(id));
		expect(submitSubmissionCommand(ctx(spain), id)).toEqual({ ok: true });
		// HQ editors are told by mail.
		expect((await outbox()).some((m) => m.includes('To review: Fleet desk'))).toBe(true);

		// Nobody reviews their own, nor a colleague of the same country; members cannot review at all.
		for (const who of [spain, spain2, member]) {
			expect(reviewSubmissionCommand(ctx(who), { id, decision: 'approve', note: '' }).ok).toBe(
				false,
			);
		}
		expect(reviewSubmissionCommand(ctx(hq), { id, decision: 'request-changes', note: '' })).toEqual(
			{ ok: false, kind: 'invalid', errors: { note: 'required' } },
		);
		expect(
			commentSubmissionCommand(ctx(hq), {
				id,
				anchor: 'b-1-2',
				body: 'Give the number of calls.',
			}),
		).toMatchObject({ ok: true });
		expect(
			reviewSubmissionCommand(ctx(hq), {
				id,
				decision: 'request-changes',
				note: 'See my comment.',
			}),
		).toEqual({ ok: true });
		expect((await outbox()).some((m) => m.includes('Changes requested: Fleet desk'))).toBe(true);

		save(
			spain,
			id,
			complete(id, {
				blocks: [
					{ type: 'text', markdown: 'First paragraph.\n\nSecond paragraph: 240 calls a month.' },
				],
			}),
		);
		expect(submitSubmissionCommand(ctx(spain), id)).toEqual({ ok: true });
		expect(
			reviewSubmissionCommand(ctx(italy), { id, decision: 'approve', note: 'Clear.' }),
		).toEqual({ ok: true });
		// The author cannot publish their own, even once approved.
		expect(publishSubmissionCommand(ctx(spain), { id, studySlugs: new Set() }).ok).toBe(false);
		const published = publishSubmissionCommand(ctx(hq), {
			id,
			studySlugs: new Set(['fleet-desk-for-small-businesses']),
		});
		// The slug comes from the title and never takes a git-authored study's.
		expect(published).toEqual({ ok: true, slug: 'fleet-desk-for-small-businesses-2' });
		expect(reindexed).toBe(1);
		expect(listLiveSubmissions(db).map((s) => s.slug)).toEqual([
			'fleet-desk-for-small-businesses-2',
		]);
		expect(listEvents(db, id).map((e) => [e.toState, e.actorName])).toEqual([
			['draft', 'Lucía'],
			['submitted', 'Lucía'],
			['changes_requested', 'Élodie'],
			['submitted', 'Lucía'],
			['approved', 'Giulia'],
			['published', 'Élodie'],
		]);

		// The members' index holds it at once, with its country and topic as filters.
		const built = await rebuildMembersIndex({
			db,
			dataDir: t.dir,
			logger: { info() {}, error() {} },
		});
		expect(built.records).toBe(1);
		expect(fs.existsSync(path.join(t.dir, 'members-search', 'pagefind-entry.json'))).toBe(true);
	});

	it('keeps the published version online during a revision, then shows reviewers the diff', () => {
		const id = (createSubmissionCommand(ctx(spain)) as { id: number }).id;
		save(spain, id, complete(id));
		submitSubmissionCommand(ctx(spain), id);
		reviewSubmissionCommand(ctx(hq), { id, decision: 'approve', note: '' });
		publishSubmissionCommand(ctx(hq), { id, studySlugs: new Set() });
		save(spain, id, complete(id, { summary: 'One phone number for every small fleet.' }));
		const s = getSubmission(db, id)!;
		expect(s.state).toBe('draft');
		// Readers still see version 1.
		expect(listLiveSubmissions(db)[0]!.fields.summary).toBe(
			'One phone number and one person for every small business customer.',
		);
		const diff = diffSubmissionFields(listVersions(db, id)[0]!.fields, s.fields);
		expect(diff.map((d) => d.field)).toEqual(['summary']);
		expect(diff[0]!.parts.filter((p) => p.added).map((p) => p.value.trim())).toContain('fleet');
		expect(
			diff[0]!.parts
				.filter((p) => p.removed)
				.map((p) => p.value)
				.join(''),
		).toContain('business');
		submitSubmissionCommand(ctx(spain), id);
		reviewSubmissionCommand(ctx(hq), { id, decision: 'approve', note: '' });
		publishSubmissionCommand(ctx(hq), { id, studySlugs: new Set() });
		expect(listVersions(db, id).map((v) => v.number)).toEqual([2, 1]);
		expect(listLiveSubmissions(db)[0]!.fields.summary).toBe(
			'One phone number for every small fleet.',
		);
		expect(unpublishSubmissionCommand(ctx(hq), { id, note: 'Outdated' })).toEqual({ ok: true });
		expect(listLiveSubmissions(db)).toEqual([]);
		// Put back online as it was: the kept version 2 again, not a third copy.
		expect(publishSubmissionCommand(ctx(hq), { id, studySlugs: new Set() })).toMatchObject({
			ok: true,
		});
		expect(listLiveSubmissions(db).map((l) => l.versionNumber)).toEqual([2]);
		expect(listVersions(db, id)).toHaveLength(2);
	});

	it('stores hostile text as typed and never lets it change the state of another submission', () => {
		const id = (createSubmissionCommand(ctx(spain)) as { id: number }).id;
		const hostile = `<script>alert(1)</script>{process.exit()} '); DROP TABLE submission; --`;
		save(spain, id, { ...complete(id), title: hostile });
		expect(getSubmission(db, id)!.fields.title).toBe(hostile);
		expect(
			commentSubmissionCommand(ctx(spain), { id, anchor: '"><script>', body: 'x' }),
		).toMatchObject({ ok: false, kind: 'invalid' });
	});

	it('starts a translation from the original, in the other language, with its photos', () => {
		const id = (createSubmissionCommand(ctx(spain)) as { id: number }).id;
		save(spain, id, complete(id));
		const created = createSubmissionCommand(ctx(spain), { translationOf: id });
		expect(created.ok).toBe(true);
		const translation = getSubmission(db, (created as { id: number }).id)!;
		expect(translation.translationOf).toBe(id);
		expect(translation.fields.lang).toBe('fr');
		expect(translation.fields.title).toBe('Fleet desk for small businesses');
		// Its own media row, pointing at the same files.
		expect(translation.fields.cover.media).not.toBe(getSubmission(db, id)!.fields.cover.media);
		const ready = getCheckContext(db, translation.id).media;
		expect(ready.get(translation.fields.cover.media)).toBe('image');
		// Another member cannot start a translation of a submission they cannot see.
		expect(createSubmissionCommand(ctx(italy), { translationOf: id })).toEqual({
			ok: false,
			kind: 'not-found',
		});
	});
});
