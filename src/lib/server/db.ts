import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type { Database, Statement } from 'better-sqlite3';
import { registerMemberNameFunction } from './member-name';
import { runMigrations } from './migrations';
import { getDataDirFromEnv, readDatabaseUrl } from '../config';
import { isPostgres, openPostgres } from './store/postgres';

export type { Database };

/**
 * Opens (or creates) a SQLite file with the portal's pragmas and brings its schema up to date.
 * @example const db = openDatabase('/tmp/test.db')
 */
export function openDatabase(file: string): Database {
	// A postgres:// address opens that store instead (tests open a second connection this way).
	if (/^postgres(ql)?:\/\//.test(file)) return openPostgres(file, (db) => runMigrations(db));
	const db = new BetterSqlite3(file);
	try {
		// WAL lets page renders read while a write is in flight; NORMAL is durable enough under WAL
		// (a power cut can lose the last commits, never corrupt the file).
		db.pragma('journal_mode = WAL');
		db.pragma('synchronous = NORMAL');
		db.pragma('foreign_keys = ON');
		db.pragma('busy_timeout = 5000');
		registerMemberNameFunction(db);
		runMigrations(db);
	} catch (error) {
		db.close();
		throw new Error(`Could not open the database \`${file}\``, { cause: error });
	}
	return db;
}

/**
 * The data directory: `DATA_DIR` or `./data`, resolved against the working directory.
 * @example getDataDir() // '/srv/portal/data'
 */
export function getDataDir(env?: NodeJS.ProcessEnv): string {
	return getDataDirFromEnv(env);
}

// Kept on globalThis because Vite's dev server re-evaluates modules on edit, and a module-level
// variable would open a new connection each time.
const singletonKey = Symbol.for('coaching-dealer.database');
type GlobalWithDatabase = typeof globalThis & { [singletonKey]?: Database };

/**
 * Opens the store the configuration names: PostgreSQL at `DATABASE_URL` when it is set, else the
 * SQLite file `DATA_DIR/portal.db`; migrated either way.
 * @example openStore({ dataDir: '/srv/portal/data', databaseUrl: null })
 */
export function openStore({
	dataDir,
	databaseUrl,
	migrate = true,
}: {
	dataDir: string;
	databaseUrl: string | null;
	/** false: connect only (PostgreSQL's maintenance database, to create others). */
	migrate?: boolean;
}): Database {
	if (databaseUrl) {
		return openPostgres(databaseUrl, migrate ? (db) => runMigrations(db) : null);
	}
	fs.mkdirSync(dataDir, { recursive: true });
	return openDatabase(path.join(dataDir, 'portal.db'));
}

/**
 * The statement for this store: `sqlite` as written, or `postgres` for PostgreSQL, where the two
 * dialects cannot say it the same way (the rest is translated; see store/translate.ts).
 * @example prepare(db, sqlFor(db, { sqlite: "… GLOB '[0-9]*'", postgres: "… ~ '^[0-9]'" }))
 */
export function sqlFor(db: Database, variants: { sqlite: string; postgres: string }): string {
	return isPostgres(db) ? variants.postgres : variants.sqlite;
}

export { isPostgres };

/**
 * The process-wide connection (PostgreSQL at `DATABASE_URL`, else `DATA_DIR/portal.db`), opened
 * (and migrated) on first use.
 * @example getDatabase().prepare('SELECT 1').get()
 */
export function getDatabase(): Database {
	const store = globalThis as GlobalWithDatabase;
	const existing = store[singletonKey];
	if (existing?.open) return existing;
	const db = openStore({ dataDir: getDataDir(), databaseUrl: readDatabaseUrl(process.env) });
	store[singletonKey] = db;
	return db;
}

/** Closes the process-wide connection, if open; the next `getDatabase()` reopens it. */
export function closeDatabase(): void {
	const store = globalThis as GlobalWithDatabase;
	const db = store[singletonKey];
	store[singletonKey] = undefined;
	if (db?.open) db.close();
}

// better-sqlite3 compiles SQL on every `prepare`; modules call this instead so each statement is
// compiled once per connection. Keyed weakly, so a closed test database takes its cache with it.
const statementCache = new WeakMap<Database, Map<string, Statement>>();

/**
 * A prepared statement for `sql` on `db`, compiled on first use and reused afterwards.
 * @example prepare(db, 'SELECT 1 FROM user WHERE user.id = ?').get(1)
 */
export function prepare(db: Database, sql: string): Statement {
	let cache = statementCache.get(db);
	if (!cache) {
		cache = new Map();
		statementCache.set(db, cache);
	}
	let statement = cache.get(sql);
	if (!statement) {
		statement = db.prepare(sql);
		cache.set(sql, statement);
	}
	return statement;
}
