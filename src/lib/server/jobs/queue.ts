// Jobs are rows, queued inside the transaction of the action that causes them (a transactional
// outbox): if the action rolls back, the job was never queued; if it commits, the job survives any
// restart. The runner (jobs/runner.ts) claims due jobs in the main process.
import type { Database } from 'better-sqlite3';
import { prepare } from '../db';
import type { Effects } from '../context';

export interface JobInput {
	/** What runs it: a handler registered under this name. */
	kind: string;
	/** Unique per occurrence ('reminder:alpha-launch:IT:7'): queuing the same key again does nothing. */
	key: string;
	/** Unix seconds; a job whose time passed while the server was down runs once when it is back. */
	runAt: number;
	payload?: Record<string, unknown>;
}

/**
 * Queues a job unless one with the same key exists (whatever its state); `true` when queued.
 * Call it inside the action's transaction.
 * @example enqueueJob(db, { kind: 'answer-reminder', key: 'reminder:alpha:IT:7', runAt: due - 23 * 86400 }, now)
 */
export function enqueueJob(db: Database, job: JobInput, nowSeconds: number): boolean {
	return (
		prepare(
			db,
			`INSERT INTO job (kind, key, payload, run_at, created_at) VALUES (?, ?, ?, ?, ?)
				ON CONFLICT (key) DO NOTHING`,
		).run(job.kind, job.key, JSON.stringify(job.payload ?? {}), job.runAt, nowSeconds).changes > 0
	);
}

/** What a job handler gets: the database, the time it runs at, and the after-commit effects. */
export interface JobContext {
	db: Database;
	nowSeconds: number;
	effects: Pick<Effects, 'sendMail'>;
}

/**
 * Runs one job. It may write (in its own transaction) and send mail; it throws to say the job failed
 * (the runner records the error and retries a few times). Each feature exports its handlers as
 * `jobHandlers` from `src/lib/server/<feature>/jobs.ts`; `jobs/handlers.ts` gathers them.
 */
export type JobHandler = (
	ctx: JobContext,
	payload: Record<string, unknown>,
) => void | Promise<void>;
