import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import { afterAll, beforeAll, inject } from 'vitest';
import { openDatabase, openStore, type Database } from '../../../src/lib/server/db';
import { createUser, type Role, type User } from '../../../src/lib/server/user';

// Real SQLite files in a fresh temp dir per test; only time is faked (by passing nowSeconds). In the
// `pg` project (TEST_STORE=postgres) the same tests get a fresh PostgreSQL database instead, copied
// from the template the project's global setup migrated (tests/pg/global-setup.ts).

/** The store these tests run on. */
export const TEST_STORE: 'sqlite' | 'postgres' =
	process.env.TEST_STORE === 'postgres' ? 'postgres' : 'sqlite';

export const T0 = 1_767_225_600; // 2026-01-01T00:00:00Z

/** A temp dir with a migrated `portal.db`; `cleanup` closes and removes both. */
export function createTestDatabase(): {
	db: Database;
	dir: string;
	file: string;
	cleanup: () => void;
} {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cd-'));
	if (TEST_STORE === 'postgres') return createPostgresTestDatabase(dir);
	const file = path.join(dir, 'portal.db');
	const db = openDatabase(file);
	return {
		db,
		dir,
		file,
		cleanup: () => {
			if (db.open) db.close();
			fs.rmSync(dir, { recursive: true, force: true });
		},
	};
}

// A fixed fake hash keeps tests fast; password.test.ts covers real argon2id.
export function addUser(db: Database, email: string, name: string, role: Role = 'member'): User {
	return createUser(db, { email, name, role, passwordHash: '$argon2id$fake' }, T0);
}

let admin: Database | null = null;

function createPostgresTestDatabase(dir: string) {
	const adminUrl = inject('pgAdminUrl');
	admin ??= openStore({ dataDir: '', databaseUrl: adminUrl, migrate: false });
	const name = `cd_test_${crypto.randomBytes(6).toString('hex')}`;
	admin.prepare(`CREATE DATABASE ${name} TEMPLATE cd_template`).run();
	const url = new URL(adminUrl);
	url.pathname = `/${name}`;
	const db = openStore({ dataDir: dir, databaseUrl: url.toString() });
	return {
		db,
		dir,
		file: url.toString(),
		cleanup: () => {
			if (db.open) db.close();
			admin!.prepare(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).run();
			fs.rmSync(dir, { recursive: true, force: true });
		},
	};
}

/**
 * Makes every insert into `table` (optionally only rows whose `kind` is `kind`) fail with `message`,
 * to prove an action writes all or nothing. A trigger in either dialect; call the result to lift it.
 */
export function refuseInserts(
	db: Database,
	table: string,
	message: string,
	kind?: string,
): () => void {
	if (TEST_STORE === 'postgres') {
		const when = kind ? `WHEN (NEW.kind = '${kind}')` : '';
		(db as unknown as { execNative(sql: string): void }).execNative(`
			CREATE FUNCTION refuse_${table}() RETURNS trigger LANGUAGE plpgsql AS $$
				BEGIN RAISE EXCEPTION '${message}'; END $$;
			CREATE TRIGGER refuse_${table} BEFORE INSERT ON ${table} FOR EACH ROW ${when}
				EXECUTE FUNCTION refuse_${table}();`);
		return () => db.exec(`DROP TRIGGER refuse_${table} ON ${table}`);
	}
	const when = kind ? `WHEN NEW.kind = '${kind}'` : '';
	db.exec(
		`CREATE TEMP TRIGGER refuse_${table} BEFORE INSERT ON ${table} ${when} BEGIN SELECT RAISE(ABORT, '${message}'); END`,
	);
	return () => db.exec(`DROP TRIGGER refuse_${table}`);
}

/** The columns of `table`, in order. */
export function listColumns(db: Database, table: string): string[] {
	const sql =
		TEST_STORE === 'postgres'
			? `SELECT column_name FROM information_schema.columns
				WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position`
			: 'SELECT name FROM pragma_table_info(?)';
	return db.prepare(sql).pluck().all(table) as string[];
}

/**
 * Whether `text` is stored anywhere: in the SQLite file's bytes (after a checkpoint), or in any row
 * of any table of the PostgreSQL database.
 */
export function storeContains(t: { db: Database; file: string }, text: string): boolean {
	if (TEST_STORE === 'postgres') {
		const tables = t.db
			.prepare(
				"SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'",
			)
			.pluck()
			.all() as string[];
		return tables.some(
			(table) =>
				(t.db
					.prepare(`SELECT count(*) FROM "${table}" AS r WHERE strpos(r::text, ?) > 0`)
					.pluck()
					.get(text) as number) > 0,
		);
	}
	t.db.pragma('wal_checkpoint(TRUNCATE)');
	return fs.readFileSync(t.file).includes(Buffer.from(text));
}

/** The error a second row with the same unique key gets, on either store. */
export const UNIQUE_VIOLATION = /UNIQUE constraint failed|duplicate key value violates unique/;

/**
 * A built site's manifest of git-authored practices (`data/practices.json`, what the build writes
 * and the server reads through PORTAL_CLIENT_DIR) holding `practices`, for the tests of this file.
 * @example useBuiltPractices([{ slug: 'alpha', title: 'Alpha', lang: 'en', country: 'IT', … }])
 */
export function useBuiltPractices(practices: Record<string, unknown>[]): void {
	let clientDir: string;
	beforeAll(() => {
		clientDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cd-client-'));
		fs.mkdirSync(path.join(clientDir, 'data'));
		fs.writeFileSync(path.join(clientDir, 'data', 'practices.json'), JSON.stringify(practices));
		process.env.PORTAL_CLIENT_DIR = clientDir;
	});
	afterAll(() => {
		delete process.env.PORTAL_CLIENT_DIR;
		fs.rmSync(clientDir, { recursive: true, force: true });
	});
}
