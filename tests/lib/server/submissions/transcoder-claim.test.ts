// Which transcoder converts a video when several share the database (two instances on
// PostgreSQL, or a restart): each queued video is taken once; one being converted stays with its
// transcoder while its progress moves, and is taken over once it has stopped moving.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../../../src/lib/server/db';
import { claimVideo, listPendingVideos } from '../../../../src/lib/server/submissions/store';
import { addUser, createTestDatabase, T0 } from '../test-db';

let t: ReturnType<typeof createTestDatabase>;
let db: Database;

beforeEach(() => {
	t = createTestDatabase();
	db = t.db;
	const author = addUser(db, 'ana@example.com', 'Ana', 'editor');
	const submission = db
		.prepare(
			`INSERT INTO submission (slug, author_id, country, lang, fields, created_at, updated_at)
				VALUES ('launch', ?, 'PT', 'en', '{}', ?, ?)`,
		)
		.run(author.id, T0, T0).lastInsertRowid;
	const insert = db.prepare(
		`INSERT INTO submission_media (id, submission_id, kind, state, meta, original_name, created_at, updated_at)
			VALUES (?, ?, 'video', ?, '{}', 'clip.mp4', ?, ?)`,
	);
	insert.run('v-queued', submission, 'queued', T0, T0);
	insert.run('v-running', submission, 'processing', T0, T0 + 100);
});

afterEach(() => t.cleanup());

describe('claimVideo', () => {
	it('gives a queued video to one transcoder only', () => {
		expect(claimVideo(db, 'v-queued', T0 + 101, 120)).toBe(true);
		expect(claimVideo(db, 'v-queued', T0 + 101, 120)).toBe(false);
		expect(listPendingVideos(db).map((m) => [m.id, m.state])).toEqual([
			['v-queued', 'processing'],
			['v-running', 'processing'],
		]);
	});

	it('leaves a video whose progress is moving to its transcoder, and takes over a stalled one', () => {
		expect(claimVideo(db, 'v-running', T0 + 150, 120)).toBe(false);
		expect(claimVideo(db, 'v-running', T0 + 220, 120)).toBe(true);
		expect(claimVideo(db, 'v-running', T0 + 221, 120)).toBe(false);
	});
});
