// Post-mortems on a real SQLite file: drafts saved step by step (as typed, even with errors),
// publication month set once, hiding and unhiding, list filters, the per-practice count, and the
// search-index export that must never carry the author.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addUser, createTestDatabase, T0 } from './test-db';
import type { Database } from '../../../src/lib/server/db';
import type { User } from '../../../src/lib/server/user';
import {
	addPostMortemComment,
	createPostMortemDraft,
	getPostMortemDraft,
	getPostMortemForViewer,
	getPublishedPostMortemForIndex,
	hidePostMortem,
	listActionsForOwner,
	listMyPostMortems,
	listPostMortemComments,
	listPostMortemFilterOptions,
	listPostMortemsForPractice,
	listPublishedPostMortems,
	publishPostMortem,
	saveStep,
	unhidePostMortem,
} from '../../../src/lib/server/post-mortems';
import { emptyFields, findIncompleteStep, type PmFields } from '../../../src/lib/post-mortem-form';

const DAY = 86_400;
let env: ReturnType<typeof createTestDatabase>;
let db: Database;
let anna: User;
let bruno: User;
let editor: User;

beforeEach(() => {
	env = createTestDatabase();
	db = env.db;
	anna = addUser(db, 'anna@example.com', 'Anna Verdi');
	bruno = addUser(db, 'bruno@example.com', 'Bruno Costa');
	editor = addUser(db, 'edith@example.com', 'Edith Editor', 'editor');
});
afterEach(() => env.cleanup());

function complete(overrides: Partial<PmFields> = {}): PmFields {
	return {
		...emptyFields(),
		title: 'Tablets nobody used',
		tried: 'We gave tablets to salespeople.',
		country: 'IT',
		models: ['Kadjar'],
		channel: 'showroom',
		topics: ['digital-tools'],
		period: '2024',
		practice: 'alpha-launch',
		results: [{ label: 'Demos per week', unit: 'demos', planned: '40', actual: '6' }],
		timeline: [{ when: 'March', what: 'Tablets handed out' }],
		signal: 'Tablets stayed in their boxes.',
		signalWhen: 'After three weeks',
		factors: ['content', 'training'],
		factorsNote: '',
		wentWrong: 'Nothing a customer could not see at home.',
		differently: 'Start from the content.',
		actions: [
			{ text: 'Rework the content', owner: String(bruno.id), due: '2025-01-15', status: 'open' },
		],
		disclosure: 'anonymous',
		...overrides,
	};
}

/** Files a post-mortem through every step, as the form would, and publishes it. */
function file(author: User, fields: PmFields, nowSeconds = T0): number {
	const id = createPostMortemDraft(db, author.id, nowSeconds);
	for (const step of [1, 2, 3, 4, 5, 6] as const) {
		saveStep(db, { id, authorId: author.id, step, fields, reached: step + 1 }, nowSeconds);
	}
	expect(publishPostMortem(db, id, author.id, nowSeconds)).toBe(true);
	return id;
}

describe('drafts', () => {
	it('keeps each step as typed, errors included, and only for its author', () => {
		const id = createPostMortemDraft(db, anna.id, T0);
		saveStep(
			db,
			{
				id,
				authorId: anna.id,
				step: 1,
				fields: {
					title: 'Pop-up <b>store</b>',
					tried: '',
					country: 'ZZ',
					models: ['Clio'],
					channel: '',
					topics: [],
					period: '',
					practice: '',
				},
				reached: 1,
			},
			T0,
		);
		saveStep(
			db,
			{
				id,
				authorId: anna.id,
				step: 2,
				fields: {
					results: [{ label: 'Leads', unit: '', planned: 'ten', actual: '3' }],
					timeline: [],
				},
			},
			T0,
		);
		const draft = getPostMortemDraft(db, id, anna.id)!;
		expect(draft.status).toBe('draft');
		expect(draft.fields.title).toBe('Pop-up <b>store</b>');
		expect(draft.fields.country).toBe('ZZ');
		expect(draft.fields.results).toEqual([
			{ label: 'Leads', unit: '', planned: 'ten', actual: '3' },
		]);
		expect(draft.step).toBe(2);
		expect(getPostMortemDraft(db, id, bruno.id)).toBeNull();
		expect(saveStep(db, { id, authorId: bruno.id, step: 1, fields: { title: 'Mine now' } })).toBe(
			false,
		);
		expect(getPostMortemDraft(db, id, anna.id)!.fields.title).toBe('Pop-up <b>store</b>');
		// A draft is nobody's reading but its author's.
		expect(getPostMortemForViewer(db, id, bruno)).toBeNull();
		expect(getPostMortemForViewer(db, id, editor)).toBeNull();
		expect(listPublishedPostMortems(db)).toEqual([]);
		expect(listMyPostMortems(db, anna.id).map((p) => p.id)).toEqual([id]);
		expect(listMyPostMortems(db, bruno.id)).toEqual([]);
	});

	it('keeps only photo names of the form the server writes', () => {
		const id = createPostMortemDraft(db, anna.id, T0);
		saveStep(db, {
			id,
			authorId: anna.id,
			step: 2,
			fields: { results: [], timeline: [] },
			photos: [
				{ file: '0-0123456789abcdef.webp', alt: 'Shelf' },
				{ file: '../portal.db', alt: 'Nope' },
			],
		});
		expect(getPostMortemDraft(db, id, anna.id)!.photos).toEqual([
			{ file: '0-0123456789abcdef.webp', alt: 'Shelf' },
		]);
		file(anna, complete());
		expect(getPostMortemForViewer(db, id, anna)!.photos).toHaveLength(1);
	});

	it('drops action owners that are not active members and invalid statuses, keeping the text', () => {
		const id = createPostMortemDraft(db, anna.id, T0);
		saveStep(
			db,
			{
				id,
				authorId: anna.id,
				step: 5,
				fields: { actions: [{ text: 'Call back', owner: '9999', due: 'soon', status: 'maybe' }] },
			},
			T0,
		);
		expect(getPostMortemDraft(db, id, anna.id)!.fields.actions).toEqual([
			{ text: 'Call back', owner: '', due: 'soon', status: 'open' },
		]);
	});

	it('tells which step blocks publishing', () => {
		const ctx = { practices: ['alpha-launch'], memberIds: [bruno.id] };
		expect(findIncompleteStep(complete(), ctx)).toBeNull();
		expect(
			findIncompleteStep(
				complete({ results: [{ label: 'Leads', unit: '', planned: 'ten', actual: '1' }] }),
				ctx,
			)?.step,
		).toBe(2);
	});
});

describe('publishing and hiding', () => {
	it('sets published_month on the first publication only', () => {
		const id = file(anna, complete(), T0 + 40 * DAY); // February 2026
		expect(getPostMortemForViewer(db, id, bruno)!.publishedMonth).toBe('2026-02');
		publishPostMortem(db, id, anna.id, T0 + 100 * DAY);
		expect(getPostMortemForViewer(db, id, bruno)!.publishedMonth).toBe('2026-02');
	});

	it('hides for everyone but the author (with the note) and editors, and republishing clears it', () => {
		const id = file(anna, complete());
		expect(hidePostMortem(db, { id, editor: bruno, note: 'Names someone' })).toBe(false);
		expect(hidePostMortem(db, { id, editor, note: '' })).toBe(false);
		expect(hidePostMortem(db, { id, editor, note: 'It names a salesperson.' })).toBe(true);
		expect(getPostMortemForViewer(db, id, bruno)).toBeNull();
		expect(listPublishedPostMortems(db)).toEqual([]);
		const forEditor = getPostMortemForViewer(db, id, editor)!;
		expect(forEditor.status).toBe('hidden');
		expect(forEditor.hiddenNote).toBeNull();
		expect(forEditor.authorName).toBeNull();
		expect(getPostMortemForViewer(db, id, anna)!.hiddenNote).toBe('It names a salesperson.');

		expect(unhidePostMortem(db, id, editor)).toBe(true);
		expect(getPostMortemForViewer(db, id, bruno)?.status).toBe('published');
		hidePostMortem(db, { id, editor, note: 'Again' });
		publishPostMortem(db, id, anna.id);
		const row = db
			.prepare('SELECT status, hidden_note, hidden_by FROM post_mortem WHERE id = ?')
			.get(id);
		expect(row).toEqual({ status: 'published', hidden_note: null, hidden_by: null });
	});
});

describe('reading', () => {
	it('shows the author only when named, and the country only when disclosed', () => {
		const named = file(anna, complete({ disclosure: 'named' }));
		const country = file(anna, complete({ disclosure: 'country' }));
		const anonymous = file(anna, complete({ disclosure: 'anonymous' }));
		expect(getPostMortemForViewer(db, named, bruno)).toMatchObject({
			authorName: 'Anna Verdi',
			country: 'IT',
			isMine: false,
		});
		expect(getPostMortemForViewer(db, country, bruno)).toMatchObject({
			authorName: null,
			country: 'IT',
		});
		expect(getPostMortemForViewer(db, anonymous, bruno)).toMatchObject({
			authorName: null,
			country: null,
		});
		expect(getPostMortemForViewer(db, anonymous, anna)!.isMine).toBe(true);
		// Action owners are named on named post-mortems only (an author often owns their own).
		expect(getPostMortemForViewer(db, named, editor)!.actions[0]!.ownerName).toBe('Bruno Costa');
		expect(getPostMortemForViewer(db, anonymous, editor)!.actions[0]!.ownerName).toBeNull();
		expect(JSON.stringify(getPostMortemForViewer(db, anonymous, bruno))).not.toMatch(/anna/i);
	});

	it('filters the list by disclosed country, topic, factor, model and year, newest first', () => {
		const a = file(
			anna,
			complete({
				disclosure: 'country',
				country: 'PL',
				topics: ['social-media'],
				factors: ['timing'],
				models: ['Clio'],
			}),
			T0 - 300 * DAY,
		);
		const b = file(bruno, complete({ disclosure: 'anonymous', country: 'PL' }), T0 + 10 * DAY);
		const c = file(anna, complete({ disclosure: 'named', country: 'IT' }), T0 + 50 * DAY);
		expect(listPublishedPostMortems(db).map((i) => i.id)).toEqual([c, b, a]);
		expect(listPublishedPostMortems(db, { country: 'PL' }).map((i) => i.id)).toEqual([a]);
		expect(listPublishedPostMortems(db, { topic: 'social-media' }).map((i) => i.id)).toEqual([a]);
		expect(listPublishedPostMortems(db, { factor: 'content' }).map((i) => i.id)).toEqual([c, b]);
		expect(listPublishedPostMortems(db, { model: 'clio' }).map((i) => i.id)).toEqual([a]);
		expect(listPublishedPostMortems(db, { year: '2025' }).map((i) => i.id)).toEqual([a]);
		expect(listPublishedPostMortems(db, {}, anna.id).map((i) => i.isMine)).toEqual([
			true,
			false,
			true,
		]);
		expect(listPostMortemFilterOptions(db)).toMatchObject({
			countries: ['IT', 'PL'],
			years: ['2026', '2025'],
		});
	});

	it('counts published post-mortems per practice', () => {
		const a = file(anna, complete({ practice: 'alpha-launch', title: 'First' }), T0);
		file(bruno, complete({ practice: 'beta-rally' }), T0);
		const hidden = file(bruno, complete({ practice: 'alpha-launch' }), T0);
		hidePostMortem(db, { id: hidden, editor, note: 'Blames a person' });
		createPostMortemDraft(db, anna.id);
		expect(listPostMortemsForPractice(db, 'alpha-launch')).toEqual({
			count: 1,
			items: [{ id: a, title: 'First' }],
		});
		expect(listPostMortemsForPractice(db, 'nothing')).toEqual({ count: 0, items: [] });
	});

	it('exports published ones for the index without any author field', () => {
		const id = file(anna, complete({ disclosure: 'anonymous' }), T0);
		file(anna, complete({ disclosure: 'named', country: 'FR' }), T0);
		createPostMortemDraft(db, anna.id);
		const entries = getPublishedPostMortemForIndex(db);
		expect(entries).toHaveLength(2);
		const anonymous = entries.find((e) => e.id === id)!;
		expect(anonymous.country).toBeNull();
		expect(anonymous.publishedMonth).toBe('2026-01');
		const json = JSON.stringify(entries);
		expect(json).not.toMatch(/anna|author|created|updated|hidden/i);
		expect(json).not.toContain(`"${anna.id}"`);
		for (const entry of entries) expect(Object.keys(entry)).not.toContain('authorId');
	});

	it('discloses comments as each writer chose, with a month only when not named', () => {
		const id = file(anna, complete());
		addPostMortemComment(
			db,
			{ postMortemId: id, author: bruno, disclosure: 'named', body: 'Same here' },
			T0 + 3 * DAY,
		);
		addPostMortemComment(
			db,
			{ postMortemId: id, author: bruno, disclosure: 'country', body: 'Us too' },
			T0 + 4 * DAY,
		);
		addPostMortemComment(
			db,
			{ postMortemId: id, author: bruno, disclosure: 'anonymous', body: 'And us' },
			T0 + 5 * DAY,
		);
		db.prepare("UPDATE user SET country = 'PT' WHERE id = ?").run(bruno.id);
		const list = listPostMortemComments(db, id, anna.id);
		expect(list.map((c) => [c.name, c.country, c.when, c.isMine])).toEqual([
			['Bruno Costa', 'PT', { kind: 'date', seconds: T0 + 3 * DAY }, false],
			[null, 'PT', { kind: 'month', month: '2026-01' }, false],
			[null, null, { kind: 'month', month: '2026-01' }, false],
		]);
		expect(listPostMortemComments(db, id, bruno.id).every((c) => c.isMine)).toBe(true);
	});

	it("lists an owner's actions with overdue ones marked", () => {
		file(
			anna,
			complete({
				actions: [
					{ text: 'Late one', owner: String(bruno.id), due: '2025-12-01', status: 'open' },
					{ text: 'Done one', owner: String(bruno.id), due: '2025-11-01', status: 'done' },
					{ text: 'Future one', owner: String(bruno.id), due: '2026-06-01', status: 'open' },
				],
			}),
			T0,
		);
		const draft = createPostMortemDraft(db, anna.id, T0);
		saveStep(db, {
			id: draft,
			authorId: anna.id,
			step: 5,
			fields: {
				actions: [
					{ text: 'On a draft', owner: String(bruno.id), due: '2025-01-01', status: 'open' },
				],
			},
		});
		const actions = listActionsForOwner(db, bruno.id, T0);
		expect(actions.map((a) => [a.text, a.overdue])).toEqual([
			['Late one', true],
			['Future one', false],
			['Done one', false],
		]);
	});
});

describe('demo post-mortems', () => {
	it('seeds published ones with every disclosure, once, falling back to active members', async () => {
		const { seedDemoPostMortems } = await import('../../../src/lib/server/demo/post-mortems');
		const people = [
			{
				id: 'oliver-bennett',
				name: 'Oliver Bennett',
				email: 'BRUNO@example.com',
				title: '',
				country: 'GB',
				languages: [],
			},
		];
		const created = seedDemoPostMortems(db, people);
		expect(created).toBeGreaterThanOrEqual(8);
		expect(seedDemoPostMortems(db, people)).toBe(0);
		const items = listPublishedPostMortems(db);
		expect(items).toHaveLength(created);
		const rows = db
			.prepare('SELECT disclosure, author_id, published_month FROM post_mortem')
			.all() as { disclosure: string; author_id: number; published_month: string }[];
		expect(new Set(rows.map((r) => r.disclosure))).toEqual(
			new Set(['named', 'country', 'anonymous']),
		);
		expect(rows.every((r) => /^202[4-6]-\d{2}$/.test(r.published_month))).toBe(true);
		// The tablets one was written by the person whose email is Bruno's account.
		const tablets = listPostMortemsForPractice(db, 'product-geniuses-showroom-tablets');
		expect(tablets.count).toBe(1);
		expect(getPostMortemForViewer(db, tablets.items[0]!.id, bruno)!.isMine).toBe(true);
		expect(
			listActionsForOwner(db, anna.id, T0).length +
				listActionsForOwner(db, bruno.id, T0).length +
				listActionsForOwner(db, editor.id, T0).length,
		).toBeGreaterThan(8);
		expect(
			listActionsForOwner(db, anna.id, T0).some((a) => a.overdue) ||
				listActionsForOwner(db, editor.id, T0).some((a) => a.overdue),
		).toBe(true);
		expect(listPostMortemComments(db, tablets.items[0]!.id, anna.id).length).toBeGreaterThan(0);
	});
});
