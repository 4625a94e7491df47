// The PostgreSQL store, behind the same synchronous interface as better-sqlite3, so every command
// runs unchanged on either store. Why synchronous: the portal's commands are synchronous functions
// that read, decide and write inside one transaction, and better-sqlite3 already runs them on the
// event loop. Here a worker thread owns the connection and the calling thread waits on a shared flag
// (Atomics.wait) while one statement makes its round trip; like SQLite, one process then runs one
// transaction at a time, and no other request's code can run in the middle of it. The cost is the
// round trip on the event loop (≈ 0.1–0.3 ms on loopback, measured in BENCHMARKS.md); several
// processes (cluster workers, instances) give the parallelism.
import { createRequire } from 'node:module';
import {
	MessageChannel,
	receiveMessageOnPort,
	Worker,
	type MessagePort,
} from 'node:worker_threads';
import type { Database } from 'better-sqlite3';
import { DEFAULT_LANG, LANGS } from '../../taxonomy';
import { createMemberNameFunctionSql, getReaderLang } from '../member-name';
import { PG_COMPAT_SQL } from './pg-compat';
import { PG_WORKER_SOURCE } from './pg-worker';
import { deferForwardReferences, translateSql, type TranslatedSql } from './translate';

/** A PostgreSQL error, with its SQLSTATE (`23505` unique violation, `40001` serialization failure…). */
export class PostgresError extends Error {
	override name = 'PostgresError';
	constructor(
		message: string,
		readonly code: string | null,
		readonly detail: string | null,
	) {
		super(message);
	}
}

interface Reply {
	id: number;
	rows?: unknown[];
	rowCount?: number;
	error?: { message: string; code: string | null; detail: string | null };
}

// Long enough for the heaviest dashboard query; a statement running longer is a bug or a stuck
// server, and the waiting thread must not hang for ever.
const STATEMENT_TIMEOUT_MS = 30_000;
const SERIALIZATION_RETRIES = 5;
const MAX_NAMED_STATEMENTS = 2000;
// Held while the schema is brought up to date: two instances starting together migrate once.
const MIGRATION_LOCK_KEY = 727_001;

class Bridge {
	private readonly worker: Worker;
	private readonly port: MessagePort;
	private readonly flag = new Int32Array(new SharedArrayBuffer(4));
	private nextId = 1;
	private readonly listeners = new Map<string, Set<(payload: string) => void>>();
	private readonly reconnectListeners = new Set<() => void>();
	closed = false;

	constructor(url: string, name: string) {
		const { port1, port2 } = new MessageChannel();
		this.port = port1;
		const pgPath = createRequire(import.meta.url).resolve('pg');
		this.worker = new Worker(PG_WORKER_SOURCE, {
			eval: true,
			workerData: {
				url,
				name,
				pgPath,
				signal: this.flag.buffer,
				port: port2,
				statementTimeoutMs: STATEMENT_TIMEOUT_MS,
			},
			transferList: [port2],
		});
		this.worker.on('message', (message: { type: string; channel?: string; payload?: string }) => {
			if (message.type === 'notification') {
				for (const listener of this.listeners.get(message.channel!) ?? [])
					listener(message.payload!);
			} else if (message.type === 'relisten') {
				for (const listener of this.reconnectListeners) listener();
			}
		});
		this.worker.on('error', (error) => console.error('PostgreSQL thread failed', error));
		// Neither keeps the process alive: a server that is done exits without closing the store.
		this.worker.unref();
		this.port.unref();
	}

	call(request: Record<string, unknown>): Reply {
		if (this.closed) throw new TypeError('The database connection is not open');
		const id = this.nextId++;
		Atomics.store(this.flag, 0, 0);
		this.port.postMessage({ ...request, id });
		const deadline = Date.now() + STATEMENT_TIMEOUT_MS + 5_000;
		for (;;) {
			const remaining = deadline - Date.now();
			if (remaining <= 0)
				throw new PostgresError('PostgreSQL did not answer in time', '57014', null);
			Atomics.wait(this.flag, 0, 0, remaining);
			let received = receiveMessageOnPort(this.port);
			while (received) {
				const reply = received.message as Reply;
				// An answer to a request that timed out earlier is dropped.
				if (reply.id === id) {
					if (reply.error) {
						throw new PostgresError(reply.error.message, reply.error.code, reply.error.detail);
					}
					return reply;
				}
				received = receiveMessageOnPort(this.port);
			}
			Atomics.store(this.flag, 0, 0);
		}
	}

	listen(channel: string, listener: (payload: string) => void): void {
		let set = this.listeners.get(channel);
		if (!set) {
			set = new Set();
			this.listeners.set(channel, set);
			this.call({ op: 'listen', channel });
		}
		set.add(listener);
	}

	onReconnect(listener: () => void): void {
		this.reconnectListeners.add(listener);
	}

	close(): void {
		if (this.closed) return;
		try {
			this.call({ op: 'close' });
		} finally {
			this.closed = true;
			void this.worker.terminate();
		}
	}
}

type Row = Record<string, unknown>;
type RunResult = { changes: number; lastInsertRowid: number };

class PostgresStatement {
	private readonly translated: TranslatedSql;
	private pluckMode = false;
	private runText: string | null = null;
	private returnsId = false;
	private rawMode = false;
	readonly reader: boolean;

	constructor(
		private readonly db: PostgresDatabase,
		readonly source: string,
	) {
		this.translated = translateSql(source);
		this.reader = /^\s*(SELECT|WITH|VALUES)\b/i.test(source) || this.translated.returning;
	}

	pluck(toggle = true): this {
		this.pluckMode = toggle;
		if (toggle) this.rawMode = false;
		return this;
	}

	raw(toggle = true): this {
		this.rawMode = toggle;
		if (toggle) this.pluckMode = false;
		return this;
	}

	get(...params: unknown[]): unknown {
		const rows = this.query(params);
		return rows[0] === undefined ? undefined : this.shape(rows[0]);
	}

	all(...params: unknown[]): unknown[] {
		return this.query(params).map((row) => this.shape(row));
	}

	*iterate(...params: unknown[]): IterableIterator<unknown> {
		yield* this.all(...params);
	}

	run(...params: unknown[]): RunResult {
		// An INSERT into a table with an identity id asks for it back (better-sqlite3's
		// lastInsertRowid); decided on the first run, once the schema is known.
		if (this.runText === null) {
			const { text, insertTable, returning } = this.translated;
			this.returnsId = insertTable !== null && !returning && this.db.hasIdentity(insertTable);
			this.runText = this.returnsId ? `${text.replace(/[\s;]*$/, '')} RETURNING id` : text;
		}
		const reply = this.db.send({
			text: this.runText,
			values: this.values(params),
			name: this.db.statementName(this.runText),
			array: true,
		});
		const last = (reply.rows as unknown[][]).at(-1);
		return {
			changes: reply.rowCount ?? 0,
			lastInsertRowid: this.returnsId && last ? Number(last[0]) : 0,
		};
	}

	private query(params: unknown[]): unknown[] {
		const reply = this.db.send({
			text: this.translated.text,
			values: this.values(params),
			name: this.db.statementName(this.translated.text),
			array: this.pluckMode || this.rawMode,
		});
		return reply.rows ?? [];
	}

	private shape(row: unknown): unknown {
		if (this.pluckMode) return (row as unknown[])[0];
		return row as Row;
	}

	private values(params: unknown[]): unknown[] {
		let flat = params.length === 1 && Array.isArray(params[0]) ? (params[0] as unknown[]) : params;
		// `{ 1: value }` binds `?1`, as better-sqlite3 allows.
		const only = params[0];
		if (
			params.length === 1 &&
			only !== null &&
			typeof only === 'object' &&
			!Array.isArray(only) &&
			!Buffer.isBuffer(only)
		) {
			const named = only as Record<string, unknown>;
			flat = Array.from({ length: this.translated.parameters }, (_, k) => named[k + 1]);
		}
		if (flat.length !== this.translated.parameters) {
			throw new RangeError(
				`Too ${flat.length < this.translated.parameters ? 'few' : 'many'} parameter values were provided`,
			);
		}
		return flat.map((value) => {
			if (value === undefined) throw new TypeError('SQL parameters cannot be undefined');
			if (typeof value === 'boolean') throw new TypeError('SQL parameters cannot be booleans');
			return value;
		});
	}
}

type TransactionFunction<F extends (...args: never[]) => unknown> = F & {
	deferred: F;
	immediate: F;
	exclusive: F;
};

/**
 * The PostgreSQL store with better-sqlite3's interface (the part the portal uses): `prepare` with
 * get/all/run/iterate/pluck/raw, `transaction` (nested ones become savepoints; serializable, retried
 * on a serialization failure), `exec`, and the pragmas `user_version` and `data_version`.
 */
export class PostgresDatabase {
	readonly dialect = 'postgres';
	readonly name: string;
	private readonly bridge: Bridge;
	private depth = 0;
	private identityTables = new Set<string>();
	private readonly statementNames = new Map<string, string>();
	private deferred: string[] = [];

	constructor(url: string, { name = 'coaching-dealer' }: { name?: string } = {}) {
		this.name = redactUrl(url);
		this.bridge = new Bridge(url, name);
	}

	get open(): boolean {
		return !this.bridge.closed;
	}

	get inTransaction(): boolean {
		return this.depth > 0;
	}

	/** @internal */
	send(request: { text: string; values?: unknown[]; name?: string; array?: boolean }) {
		try {
			return this.bridge.call({
				op: 'query',
				...request,
				// Statements that need no answer of their own (BEGIN, SAVEPOINT, RELEASE) go with this
				// one, in the same round trip; an error in them fails this one.
				prefix: this.deferred.splice(0),
				// Names of erased members follow the reader's language (member-name.ts): the thread sets
				// it on the connection when it differs, in the same round trip.
				lang: getReaderLang() ?? DEFAULT_LANG,
			});
		} catch (error) {
			// The statement (never its values) names the query in logs.
			if (error instanceof PostgresError && !error.message.includes('\n  in: ')) {
				error.message += `\n  in: ${request.text.replace(/\s+/g, ' ').slice(0, 400)}`;
			}
			throw error;
		}
	}

	/**
	 * @internal The server-side name of a statement: parsed once per connection, then reused. Names
	 * are per text, so a statement prepared again (not from the cache) reuses its plan; past the cap
	 * (SQL built with a varying number of placeholders), statements go unnamed rather than pile up.
	 */
	statementName(text: string): string | undefined {
		let name = this.statementNames.get(text);
		if (name === undefined && this.statementNames.size < MAX_NAMED_STATEMENTS) {
			name = `s${this.statementNames.size + 1}`;
			this.statementNames.set(text, name);
		}
		return name;
	}

	/** @internal */
	hasIdentity(table: string): boolean {
		return this.identityTables.has(table);
	}

	/** Reads which tables have an identity `id` (after migrations), for `lastInsertRowid`. */
	refreshSchema(): void {
		const rows = this.send({
			text: `SELECT table_name FROM information_schema.columns
				WHERE table_schema = current_schema() AND column_name = 'id' AND is_identity = 'YES'`,
			values: [],
			array: true,
		}).rows as string[][];
		this.identityTables = new Set(rows.map((row) => row[0]!));
	}

	prepare(sql: string): PostgresStatement {
		return new PostgresStatement(this, sql);
	}

	/** Runs a script of statements written in the SQLite dialect (migrations). */
	exec(sql: string): this {
		this.send({
			text: translateSql(deferForwardReferences(sql)).text,
			values: undefined,
			array: false,
		});
		return this;
	}

	/** Runs a script written for PostgreSQL as it is. */
	execNative(sql: string): this {
		this.send({ text: sql, values: undefined, array: false });
		return this;
	}

	pragma(source: string, options: { simple?: boolean } = {}): unknown {
		const set = /^\s*user_version\s*=\s*(\d+)\s*$/i.exec(source);
		if (set) {
			this.send({
				text: `INSERT INTO schema_version (singleton, version) VALUES (1, $1)
					ON CONFLICT (singleton) DO UPDATE SET version = excluded.version`,
				values: [Number(set[1])],
			});
			return [];
		}
		let value: number | string;
		if (/^\s*user_version\s*$/i.test(source)) {
			this.send({
				text: `CREATE TABLE IF NOT EXISTS schema_version (
					singleton INTEGER PRIMARY KEY CHECK (singleton = 1), version INTEGER NOT NULL)`,
			});
			const row = this.send({ text: 'SELECT version FROM schema_version', array: true })
				.rows as number[][];
			value = row[0]?.[0] ?? 0;
		} else if (/^\s*data_version\s*$/i.test(source)) {
			// The current snapshot (oldest running, next id, running ids) changes whenever any session
			// commits a write: a write takes a transaction id and leaves the running list on commit.
			const row = this.send({ text: 'SELECT pg_current_snapshot()::text', array: true })
				.rows as string[][];
			value = row[0]![0]!;
		} else {
			throw new Error(`PRAGMA ${source} has no PostgreSQL equivalent here`);
		}
		return options.simple ? value : [{ [source.trim()]: value }];
	}

	/**
	 * better-sqlite3's transaction function. Its `.immediate()` (SQLite's write lock taken up front)
	 * is the same transaction here: SERIALIZABLE already makes concurrent transactions behave as if
	 * one ran after the other, without making them wait in line.
	 */
	transaction<F extends (...args: never[]) => unknown>(fn: F): TransactionFunction<F> {
		const run = ((...args: Parameters<F>) => this.runTransaction(fn, args)) as F;
		return Object.assign(run, { deferred: run, immediate: run, exclusive: run });
	}

	private runTransaction<F extends (...args: never[]) => unknown>(
		fn: F,
		args: Parameters<F>,
	): ReturnType<F> {
		if (this.depth > 0) {
			const savepoint = `sp${this.depth}`;
			this.deferred.push(`SAVEPOINT ${savepoint}`);
			this.depth++;
			try {
				const result = fn(...args);
				this.deferred.push(`RELEASE SAVEPOINT ${savepoint}`);
				return result as ReturnType<F>;
			} catch (error) {
				if (this.deferred.at(-1) === `SAVEPOINT ${savepoint}`) this.deferred.pop();
				else
					this.send({ text: `ROLLBACK TO SAVEPOINT ${savepoint}; RELEASE SAVEPOINT ${savepoint}` });
				throw error;
			} finally {
				this.depth--;
			}
		}
		for (let attempt = 1; ; attempt++) {
			// SERIALIZABLE: a transaction that read, decided and wrote behaves as if it ran alone, as
			// it does on SQLite (one writer at a time); a conflict is retried from the start.
			// BEGIN leaves with the first statement: one round trip less.
			this.deferred = ['BEGIN ISOLATION LEVEL SERIALIZABLE'];
			this.depth = 1;
			try {
				const result = fn(...args);
				if (result instanceof Promise) {
					throw new TypeError('Transaction function cannot return a promise');
				}
				// A transaction that ran no statement has nothing to commit.
				if (this.deferred[0]?.startsWith('BEGIN')) this.deferred = [];
				else this.send({ text: 'COMMIT' });
				this.depth = 0;
				return result as ReturnType<F>;
			} catch (error) {
				this.depth = 0;
				const started = !this.deferred[0]?.startsWith('BEGIN');
				this.deferred = [];
				try {
					if (started) this.send({ text: 'ROLLBACK' });
				} catch {
					// The connection is gone; the server rolled back already.
				}
				const retry =
					error instanceof PostgresError &&
					(error.code === '40001' || error.code === '40P01') &&
					attempt < SERIALIZATION_RETRIES;
				if (!retry) throw error;
			}
		}
	}

	/** Calls `listener` with the payload of every NOTIFY on `channel` (from any instance). */
	listen(channel: string, listener: (payload: string) => void): void {
		this.bridge.listen(channel, listener);
	}

	/** Called after the listening connection was lost and restored (notifications may be missed). */
	onListenReconnect(listener: () => void): void {
		this.bridge.onReconnect(listener);
	}

	notify(channel: string, payload = ''): void {
		this.send({ text: 'SELECT pg_notify($1, $2)', values: [channel, payload] });
	}

	close(): this {
		this.bridge.close();
		return this;
	}
}

/**
 * Opens the PostgreSQL database at `url`, defines the SQLite functions the portal uses, and runs the
 * migrations (the same list as SQLite's, translated). Returned typed as better-sqlite3's Database:
 * the portal's code sees one interface.
 * @example const db = openPostgres('postgres://portal@127.0.0.1/portal', runMigrations)
 */
export function openPostgres(
	url: string,
	migrate: ((db: Database) => unknown) | null,
	options: { name?: string } = {},
): Database {
	const db = new PostgresDatabase(url, options);
	if (!migrate) return db as unknown as Database;
	try {
		// One transaction, under a lock: two instances starting together, the second waits for the
		// first and then finds nothing to do (the migrations' own transaction becomes a savepoint).
		db.transaction(() => {
			db.send({ text: `SELECT pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})` });
			db.execNative(PG_COMPAT_SQL);
			db.execNative(createMemberNameFunctionSql(LANGS));
			migrate(db as unknown as Database);
		})();
		db.refreshSchema();
	} catch (error) {
		db.close();
		throw new Error(`Could not open the database \`${db.name}\``, { cause: error });
	}
	return db as unknown as Database;
}

/** True when `db` is the PostgreSQL store. */
export function isPostgres(db: Database | PostgresDatabase): boolean {
	return (db as { dialect?: string }).dialect === 'postgres';
}

/** `postgres://user:secret@host/db` → `postgres://user:***@host/db`, for logs and errors. */
export function redactUrl(url: string): string {
	try {
		const parsed = new URL(url);
		if (parsed.password) parsed.password = '***';
		return parsed.toString();
	} catch {
		return 'postgres://…';
	}
}
