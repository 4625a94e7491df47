import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from 'better-sqlite3';
import { createTestDatabase, refuseInserts, T0 } from './test-db';
import { createUser, type User } from '../../../src/lib/server/user';
import type { CommandContext } from '../../../src/lib/server/context';
import {
	answerRequest,
	dismissSearchMiss,
	normalizeSearchQuery,
	postRequest,
	recordSearchMiss,
	toggleRequestVote,
	turnSearchMissIntoRequest,
} from '../../../src/lib/server/requests/commands';
import {
	getRequest,
	listRequests,
	listSearchMissGroups,
} from '../../../src/lib/server/requests/store';
import { listAudit } from '../../../src/lib/server/audit';

let db: Database;
let cleanup: () => void;
let ana: User; // PT member
let giulia: User; // IT member
let editor: User;
let hq: User; // HQ editor with the member role

const ctxOf = (user: User | null): CommandContext => ({
	db,
	user,
	lang: 'en',
	ip: '127.0.0.1',
	effects: { reindexMembersSearch() {}, sendMail() {}, processVideos() {} },
});
const known = async (_db: Database, slug: string) => slug === 'kestrel-launch-italy';

beforeEach(() => {
	({ db, cleanup } = createTestDatabase());
	const make = (email: string, role: 'member' | 'editor', country: string) =>
		createUser(db, { email, name: email, role, passwordHash: 'x', country }, T0);
	ana = make('ana@pt.example', 'member', 'PT');
	giulia = make('giulia@it.example', 'member', 'IT');
	editor = make('ed@hq.example', 'editor', 'FR');
	hq = make('hq@hq.example', 'member', 'FR');
	db.prepare('UPDATE user SET hq = 1 WHERE id = ?').run(hq.id);
	hq = { ...hq, hq: true };
});

afterEach(() => cleanup());

describe('searches that found nothing', () => {
	it('stores the normalised words, language and country, never who searched', () => {
		const result = recordSearchMiss(ctxOf(ana), { query: '  Rural   SUV Launch ', lang: 'fr' }, T0);
		expect(result).toEqual({ ok: true, recorded: true });
		const rows = db.prepare('SELECT * FROM search_miss').all();
		expect(rows).toEqual([
			{
				id: 1,
				query: 'rural suv launch',
				lang: 'fr',
				country: 'PT',
				triage: 'new',
				request_id: null,
				created_at: T0,
			},
		]);
		// No column could hold the member: the row has no user id and no name or email in it.
		expect(JSON.stringify(rows)).not.toContain(String(ana.email));
		expect(Object.keys(rows[0] as object)).not.toContain('user_id');
	});

	it('keeps one per query and country an hour; another country still counts', () => {
		const ctx = ctxOf(ana);
		expect(recordSearchMiss(ctx, { query: 'rural suv', lang: 'en' }, T0)).toMatchObject({
			recorded: true,
		});
		expect(recordSearchMiss(ctx, { query: 'Rural SUV', lang: 'en' }, T0 + 600)).toMatchObject({
			recorded: false,
		});
		expect(
			recordSearchMiss(ctxOf(giulia), { query: 'rural suv', lang: 'en' }, T0 + 700),
		).toMatchObject({
			recorded: true,
		});
		expect(recordSearchMiss(ctx, { query: 'rural suv', lang: 'en' }, T0 + 3601)).toMatchObject({
			recorded: true,
		});
		expect(listSearchMissGroups(db)).toEqual([
			expect.objectContaining({
				query: 'rural suv',
				count: 3,
				countries: [
					{ country: 'PT', count: 2 },
					{ country: 'IT', count: 1 },
				],
			}),
		]);
	});

	it('refuses signed-out visitors, too short or too long queries, and floods', () => {
		expect(recordSearchMiss(ctxOf(null), { query: 'rural', lang: 'en' }, T0)).toMatchObject({
			kind: 'forbidden',
		});
		expect(recordSearchMiss(ctxOf(ana), { query: ' ab ', lang: 'en' }, T0)).toMatchObject({
			kind: 'invalid',
		});
		expect(recordSearchMiss(ctxOf(ana), { query: 'x'.repeat(201), lang: 'en' }, T0)).toMatchObject({
			kind: 'invalid',
		});
		let last;
		for (let i = 0; i < 31; i++)
			last = recordSearchMiss(ctxOf(ana), { query: `word ${i}`, lang: 'en' }, T0);
		expect(last).toMatchObject({ kind: 'rate-limited' });
	});

	it('lets editors dismiss a query or turn it into a request; members cannot', () => {
		recordSearchMiss(ctxOf(ana), { query: 'Rural SUV', lang: 'en' }, T0);
		recordSearchMiss(ctxOf(giulia), { query: 'pickup fleet', lang: 'en' }, T0);
		expect(dismissSearchMiss(ctxOf(ana), 'pickup fleet', T0)).toMatchObject({ kind: 'forbidden' });
		expect(dismissSearchMiss(ctxOf(editor), 'pickup fleet', T0)).toEqual({ ok: true, count: 1 });
		const made = turnSearchMissIntoRequest(
			ctxOf(hq),
			{ query: 'rural suv', title: '', detail: '' },
			T0,
		);
		expect(made.ok).toBe(true);
		const id = (made as { id: number }).id;
		expect(getRequest(db, id, hq.id)).toMatchObject({
			title: 'rural suv',
			state: 'open',
			votes: 1,
		});
		expect(db.prepare('SELECT triage, request_id FROM search_miss ORDER BY id').all()).toEqual([
			{ triage: 'requested', request_id: id },
			{ triage: 'dismissed', request_id: null },
		]);
		expect(listSearchMissGroups(db, { triage: 'new' })).toEqual([]);
		expect(listAudit(db).map((e) => e.action)).toEqual([
			'search-miss-request',
			'search-miss-dismiss',
		]);
	});

	it('normalises like a person reads', () => {
		expect(normalizeSearchQuery('  ＲＵＲＡＬ\tSuv  ')).toBe('rural suv');
	});
});

describe('requested practices', () => {
	it('validates in the member’s language and keeps hostile text as text', () => {
		const fr = { ...ctxOf(ana), lang: 'fr' as const };
		expect(postRequest(fr, { title: '', detail: '', lang: 'en' }, T0)).toEqual({
			ok: false,
			kind: 'invalid',
			errors: { title: 'Dites ce que vous cherchez.' },
		});
		expect(
			postRequest(ctxOf(ana), { title: 'x'.repeat(161), detail: '', lang: 'en' }, T0),
		).toMatchObject({
			kind: 'invalid',
		});
		const hostile = '<img src=x onerror=alert(1)>';
		const posted = postRequest(
			ctxOf(ana),
			{ title: hostile, detail: '<script>x</script>', lang: 'en' },
			T0,
		);
		expect(posted.ok).toBe(true);
		expect(getRequest(db, (posted as { id: number }).id, ana.id)).toMatchObject({
			title: hostile,
			country: 'PT',
			mine: true,
			voted: true,
		});
	});

	it('toggles a +1 and lists open requests by votes', () => {
		const a = postRequest(ctxOf(ana), { title: 'Rural launch?', detail: '', lang: 'en' }, T0) as {
			id: number;
		};
		const b = postRequest(
			ctxOf(giulia),
			{ title: 'Fleet day?', detail: '', lang: 'en' },
			T0 + 1,
		) as {
			id: number;
		};
		expect(toggleRequestVote(ctxOf(editor), a.id, T0 + 2)).toEqual({ ok: true, voted: true });
		expect(listRequests(db, editor.id).map((r) => [r.id, r.votes, r.voted])).toEqual([
			[a.id, 2, true],
			[b.id, 1, false],
		]);
		expect(toggleRequestVote(ctxOf(editor), a.id, T0 + 3)).toEqual({ ok: true, voted: false });
		expect(getRequest(db, a.id, editor.id)).toMatchObject({ votes: 1, voted: false });
		expect(toggleRequestVote(ctxOf(editor), 999, T0)).toMatchObject({ kind: 'not-found' });
	});

	it('answers with a practice and queues the notification in the same transaction', async () => {
		const r = postRequest(ctxOf(ana), { title: 'Rural launch?', detail: '', lang: 'en' }, T0) as {
			id: number;
		};
		expect(
			await answerRequest(
				ctxOf(ana),
				{ id: r.id, caseStudy: 'kestrel-launch-italy', postMortem: '', note: '' },
				T0,
				known,
			),
		).toMatchObject({ kind: 'forbidden' });
		expect(
			await answerRequest(
				ctxOf(editor),
				{ id: r.id, caseStudy: 'nope', postMortem: '', note: '' },
				T0,
				known,
			),
		).toEqual({
			ok: false,
			kind: 'invalid',
			errors: { caseStudy: 'No published practice has this name.' },
		});
		// A failing job insert must undo the answer: both are one transaction.
		const allowJobs = refuseInserts(db, 'job', 'no jobs');
		await expect(
			answerRequest(
				ctxOf(editor),
				{ id: r.id, caseStudy: 'kestrel-launch-italy', postMortem: '', note: '' },
				T0,
				known,
			),
		).rejects.toThrow('no jobs');
		expect(getRequest(db, r.id, ana.id)).toMatchObject({ state: 'open', answer: null });
		allowJobs();

		const done = await answerRequest(
			ctxOf(editor),
			{ id: r.id, caseStudy: 'kestrel-launch-italy', postMortem: '', note: 'See Italy' },
			T0 + 10,
			known,
		);
		expect(done).toEqual({ ok: true, id: r.id });
		expect(getRequest(db, r.id, ana.id)).toMatchObject({
			state: 'answered',
			answer: {
				caseStudy: 'kestrel-launch-italy',
				postMortem: null,
				note: 'See Italy',
				answeredAt: T0 + 10,
			},
		});
		expect(db.prepare('SELECT kind, key, payload, run_at FROM job').all()).toEqual([
			{
				kind: 'notify-request-answered',
				key: `request-answered:${r.id}`,
				payload: JSON.stringify({ requestId: r.id }),
				run_at: T0 + 10,
			},
		]);
		// Answered: no second answer, no more +1s.
		expect(
			await answerRequest(
				ctxOf(hq),
				{ id: r.id, caseStudy: 'kestrel-launch-italy', postMortem: '', note: '' },
				T0,
				known,
			),
		).toMatchObject({ kind: 'not-open' });
		expect(toggleRequestVote(ctxOf(giulia), r.id, T0 + 11)).toMatchObject({ kind: 'closed' });
		expect(listAudit(db).map((e) => e.action)).toEqual(['request-answer', 'request-post']);
	});

	it('answers with a published post-mortem, shown by its title only', async () => {
		const pm = Number(
			db
				.prepare(
					`INSERT INTO post_mortem (author_id, status, title, created_at, updated_at, published_month)
						VALUES (?, 'published', 'The launch that stalled', ?, ?, '2026-01')`,
				)
				.run(giulia.id, T0, T0).lastInsertRowid,
		);
		const draft = Number(
			db
				.prepare(
					`INSERT INTO post_mortem (author_id, status, title, created_at, updated_at) VALUES (?, 'draft', 'D', ?, ?)`,
				)
				.run(giulia.id, T0, T0).lastInsertRowid,
		);
		const r = postRequest(
			ctxOf(ana),
			{ title: 'Launch failures?', detail: '', lang: 'en' },
			T0,
		) as { id: number };
		expect(
			await answerRequest(
				ctxOf(hq),
				{ id: r.id, caseStudy: '', postMortem: String(draft), note: '' },
				T0,
				known,
			),
		).toMatchObject({ kind: 'invalid', errors: { postMortem: 'Choose a published post-mortem.' } });
		expect(
			await answerRequest(
				ctxOf(hq),
				{ id: r.id, caseStudy: '', postMortem: String(pm), note: '' },
				T0,
				known,
			),
		).toEqual({
			ok: true,
			id: r.id,
		});
		const answered = getRequest(db, r.id, ana.id)!;
		expect(answered.answer?.postMortem).toEqual({ id: pm, title: 'The launch that stalled' });
		expect(JSON.stringify(answered)).not.toContain(giulia.email);
	});
});
