import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { closeDatabase, getDatabase, openDatabase } from '../../../src/lib/server/db';
import { migrations, runMigrations } from '../../../src/lib/server/migrations';
import { createTestDatabase } from './test-db';

const cleanups: (() => void)[] = [];
afterEach(() => {
	for (const cleanup of cleanups.splice(0)) cleanup();
});

describe('openDatabase', () => {
	it('applies every migration and records the version in user_version', () => {
		const t = createTestDatabase();
		cleanups.push(t.cleanup);
		expect(t.db.pragma('user_version', { simple: true })).toBe(migrations.length);
		const tables = t.db
			.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
			.pluck()
			.all();
		expect(tables).toEqual([
			'adoption',
			'audit_log',
			'country_answer',
			'feed_token',
			'focal_point',
			'invitation',
			'job',
			'login_failure',
			'message',
			'message_send_key',
			'notification',
			'oidc_identity',
			'oidc_login',
			'password_reset',
			'post_mortem',
			'post_mortem_action',
			'post_mortem_comment',
			'practice',
			'practice_read',
			'practice_read_seen',
			'practice_request',
			'practice_request_vote',
			'rate_limit',
			'scim_group',
			'scim_group_member',
			'search_miss',
			'session',
			'submission',
			'submission_comment',
			'submission_event',
			'submission_media',
			'submission_version',
			'submission_version_render',
			'thread',
			'thread_member',
			'user',
		]);
	});

	it('sets WAL, foreign keys, busy timeout and synchronous NORMAL', () => {
		const t = createTestDatabase();
		cleanups.push(t.cleanup);
		expect(t.db.pragma('journal_mode', { simple: true })).toBe('wal');
		expect(t.db.pragma('foreign_keys', { simple: true })).toBe(1);
		expect(t.db.pragma('busy_timeout', { simple: true })).toBe(5000);
		expect(t.db.pragma('synchronous', { simple: true })).toBe(1);
	});

	it('is idempotent: reopening the file keeps data and version', () => {
		const t = createTestDatabase();
		cleanups.push(t.cleanup);
		t.db.prepare("INSERT INTO rate_limit (key, tokens, refilled_at) VALUES ('k', 1, 0)").run();
		t.db.close();
		const again = openDatabase(t.file);
		expect(again.pragma('user_version', { simple: true })).toBe(migrations.length);
		expect(runMigrations(again)).toBe(migrations.length);
		expect(again.prepare('SELECT count(*) FROM rate_limit').pluck().get()).toBe(1);
		again.close();
	});

	it('makes every table STRICT', () => {
		const t = createTestDatabase();
		cleanups.push(t.cleanup);
		const rows = t.db
			.prepare(
				"SELECT name, strict FROM pragma_table_list WHERE schema = 'main' AND name NOT LIKE 'sqlite_%'",
			)
			.all() as { name: string; strict: number }[];
		expect(rows.length).toBe(36);
		expect(rows.every((r) => r.strict === 1)).toBe(true);
	});

	it('refuses a file from newer code, and rolls back a failing migration', () => {
		const t = createTestDatabase();
		cleanups.push(t.cleanup);
		t.db.pragma(`user_version = ${migrations.length + 1}`);
		expect(() => runMigrations(t.db)).toThrow(/newer than this code/);
		t.db.pragma(`user_version = ${migrations.length}`);
		const broken = [...migrations, 'CREATE TABLE extra (id INTEGER) STRICT;', 'NOT SQL'];
		expect(() => runMigrations(t.db, broken)).toThrow(
			new RegExp(`Migration ${migrations.length + 2} failed`),
		);
		expect(t.db.pragma('user_version', { simple: true })).toBe(migrations.length);
		expect(
			t.db.prepare("SELECT count(*) FROM sqlite_schema WHERE name = 'extra'").pluck().get(),
		).toBe(0);
	});
});

describe('getDatabase', () => {
	it('opens one shared connection under DATA_DIR, creating the directory', () => {
		const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cd-')), 'nested', 'data');
		const previous = process.env.DATA_DIR;
		process.env.DATA_DIR = dir;
		try {
			const db = getDatabase();
			expect(getDatabase()).toBe(db);
			expect(fs.existsSync(path.join(dir, 'portal.db'))).toBe(true);
			closeDatabase();
			expect(db.open).toBe(false);
			const reopened = getDatabase();
			expect(reopened).not.toBe(db);
			closeDatabase();
		} finally {
			if (previous === undefined) delete process.env.DATA_DIR;
			else process.env.DATA_DIR = previous;
			fs.rmSync(path.dirname(path.dirname(dir)), { recursive: true, force: true });
		}
	});
});
