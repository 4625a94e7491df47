import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../../src/lib/server/db';
import { rebuildMembersIndex } from '../../../src/lib/server/members-search';
import { addUser, createTestDatabase, T0 } from './test-db';

// A real Pagefind build (the Node API and its binary) from a real SQLite file in a temp dir.

let t: ReturnType<typeof createTestDatabase>;
let db: Database;
const silent = { info: () => {}, error: () => {} };

beforeEach(() => {
	t = createTestDatabase();
	db = t.db;
});
afterEach(() => t.cleanup());

function addPostMortem(authorId: number, fields: Record<string, string | number>): number {
	const row = {
		author_id: authorId,
		status: 'published',
		created_at: T0,
		updated_at: T0,
		published_month: '2026-01',
		...fields,
	};
	const columns = Object.keys(row);
	return Number(
		db
			.prepare(
				`INSERT INTO post_mortem (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
			)
			.run(...Object.values(row)).lastInsertRowid,
	);
}

/** Every file of the index as text: raw, and gunzipped when it is a gzip stream (Pagefind's fragments). */
function readIndexTexts(dir: string): { file: string; text: string }[] {
	const out: { file: string; text: string }[] = [];
	for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
		if (!entry.isFile()) continue;
		const file = path.join(entry.parentPath, entry.name);
		const bytes = fs.readFileSync(file);
		out.push({ file, text: bytes.toString('utf8') });
		if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
			out.push({ file, text: zlib.gunzipSync(bytes).toString('utf8') });
		}
	}
	return out;
}

describe('rebuildMembersIndex', () => {
	it('indexes published post-mortems without anything about their authors', async () => {
		const author = addUser(db, 'hidden.author@example.com', 'Quillon Hiddenauthor');
		addPostMortem(author.id, {
			disclosure: 'anonymous',
			title: 'Tablets in the showroom',
			tried: 'Salespeople used tablets to configure cars with customers.',
			country: 'IT',
			topics: '["digital-tools"]',
			models: '["Model X"]',
			channel: 'showroom',
		});
		addPostMortem(author.id, {
			disclosure: 'country',
			title: 'Evening test drives',
			tried: 'Test drives after work.',
			country: 'PT',
			published_month: '2026-02',
		});
		addPostMortem(author.id, { disclosure: 'named', status: 'draft', title: 'Unfinished draft' });

		const result = await rebuildMembersIndex({ db, dataDir: t.dir, logger: silent });
		expect(result.records).toBe(2);

		const dir = path.join(t.dir, 'members-search');
		expect(fs.existsSync(path.join(dir, 'pagefind-entry.json'))).toBe(true);
		const texts = readIndexTexts(dir);
		const fragments = texts.filter(
			(x) => x.file.endsWith('.pf_fragment') && x.text.startsWith('pagefind_dcd'),
		);
		expect(fragments.length).toBe(2);
		const all = texts.map((x) => x.text).join('\n');
		expect(all).toContain('Tablets in the showroom');
		expect(all).toContain('/post-mortems/');
		expect(all).not.toContain('Unfinished draft');
		expect(all).not.toContain('Hiddenauthor');
		expect(all).not.toContain('hidden.author@example.com');
		expect(all).not.toContain(String(T0));
		// The country of the anonymous one is not disclosed; the 'country' one's is.
		const tablets = fragments.find((x) => x.text.includes('Tablets in the showroom'))!.text;
		expect(tablets).not.toContain('"IT"');
		expect(tablets).toContain('"post-mortem"');
		expect(fragments.find((x) => x.text.includes('Evening test drives'))!.text).toContain('"PT"');
	});

	it('writes beside the index a map of page id to date, and nothing else of the records', async () => {
		const author = addUser(db, 'hidden.author@example.com', 'Quillon Hiddenauthor');
		addPostMortem(author.id, {
			disclosure: 'anonymous',
			title: 'March one',
			published_month: '2025-03',
		});
		addPostMortem(author.id, { disclosure: 'named', title: 'Undated one', published_month: '' });
		await rebuildMembersIndex({ db, dataDir: t.dir, logger: silent });
		const dir = path.join(t.dir, 'members-search');
		const map = JSON.parse(fs.readFileSync(path.join(dir, 'cd-dates.json'), 'utf8'));
		// Its keys are the fragment hashes, which Pagefind's results call their id.
		const ids = fs
			.readdirSync(path.join(dir, 'fragment'))
			.map((f) => f.replace('.pf_fragment', ''));
		expect(Object.keys(map.dates).sort()).toEqual(ids.sort());
		expect(Object.values(map.dates).sort()).toEqual(['', '2025-03-01']);
		// It names the index it goes with.
		const entry = JSON.parse(fs.readFileSync(path.join(dir, 'pagefind-entry.json'), 'utf8'));
		expect(map.index).toBe(entry.languages.en.hash);
		expect(Object.keys(map)).toEqual(['index', 'dates']);
		const text = JSON.stringify(map);
		for (const secret of ['Hiddenauthor', 'hidden.author', String(T0), 'March one'])
			expect(text).not.toContain(secret);
	});
	it('swaps in a new index and removes it when nothing is published any more', async () => {
		const author = addUser(db, 'a@example.com', 'A');
		const id = addPostMortem(author.id, { disclosure: 'anonymous', title: 'First' });
		await rebuildMembersIndex({ db, dataDir: t.dir, logger: silent });
		db.prepare('UPDATE post_mortem SET title = ? WHERE id = ?').run('Renamed', id);
		await rebuildMembersIndex({ db, dataDir: t.dir, logger: silent });
		const all = readIndexTexts(path.join(t.dir, 'members-search'))
			.map((x) => x.text)
			.join('\n');
		expect(all).toContain('Renamed');
		expect(all).not.toContain('First');
		db.prepare("UPDATE post_mortem SET status = 'hidden' WHERE id = ?").run(id);
		expect((await rebuildMembersIndex({ db, dataDir: t.dir, logger: silent })).records).toBe(0);
		expect(fs.existsSync(path.join(t.dir, 'members-search'))).toBe(false);
	});
	it('never deletes a version another instance sharing DATA_DIR may still be writing, but drops old ones', async () => {
		const author = addUser(db, 'a@example.com', 'A');
		addPostMortem(author.id, { disclosure: 'anonymous', title: 'Shared' });
		const versions = path.join(t.dir, 'members-search-versions');
		const made = (agoMs: number, tag: string) => {
			const name = `${Date.now() - agoMs}-${tag}`;
			fs.mkdirSync(path.join(versions, name), { recursive: true });
			return name;
		};
		// Another instance started these a moment ago (one is still being written); the first is old.
		const old = made(10 * 60_000, 'aaaaaaaa');
		const writing = made(3_000, 'bbbbbbbb');
		const linked = made(2_000, 'cccccccc');
		await rebuildMembersIndex({ db, dataDir: t.dir, logger: silent });
		const left = fs.readdirSync(versions);
		expect(left).not.toContain(old);
		expect(left).toContain(writing);
		expect(left).toContain(linked);
		const current = path.basename(fs.readlinkSync(path.join(t.dir, 'members-search')));
		expect(left).toContain(current);
		expect(left).toHaveLength(3);
	});
});
