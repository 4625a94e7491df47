// The job runner: claims due jobs and runs their handlers, in the main process only (HTTP workers
// only queue jobs). It polls at start and then every JOBS_POLL_MS (30 s by default).
//
// Never twice: a job is claimed in an IMMEDIATE transaction (state 'pending' → 'running' with a lock
// time; on PostgreSQL a SERIALIZABLE one, whose conflict is retried and then finds the job taken), so
// two runners, in one process or two, or in two instances, never both get it. A handler's writes (notification
// rows) and the job's 'done' are committed in ONE transaction, and the mails it asked for are handed
// to the outbox or SMTP only after that commit. A crash before the commit leaves nothing behind: the
// lock expires and the job runs again from scratch, mailing for the first time. A crash between the
// commit and the hand-over loses those mails: mail is at most once, never twice, by design (the
// notifications stay visible in the portal).
import type { Database } from 'better-sqlite3';
import { prepare } from '../db';
import { readMailConfig, sendMail, type Mail, type MailConfig } from '../mail';
import { getNowSeconds, SECONDS_PER_DAY } from '../time';
import { enqueueJob, type JobContext, type JobHandler } from './queue';

/** A failing job is tried this many times, then left 'failed' for the admins. */
export const MAX_JOB_ATTEMPTS = 3;
/** How long a claim holds before another runner may take the job (a runner that died). */
export const JOB_LOCK_SECONDS = 10 * 60;
/** Done jobs are kept this long (their keys keep the same occurrence from being queued again). */
export const DONE_JOB_RETENTION_DAYS = 90;

/** Seconds to wait before the next try after `attempts` failures: 5 minutes, then 25. */
export function retryDelaySeconds(attempts: number): number {
	return 60 * 5 ** attempts;
}

interface ClaimedJob {
	id: number;
	kind: string;
	payload: Record<string, unknown>;
	attempts: number;
	lockedUntil: number;
}

/**
 * Claims the next due job: a pending one whose time has come, or one whose runner died holding it.
 * `null` when there is none.
 */
export function claimNextJob(db: Database, nowSeconds: number): ClaimedJob | null {
	return db
		.transaction((): ClaimedJob | null => {
			const row = prepare(
				db,
				`SELECT id, kind, payload, attempts FROM job
					WHERE (state = 'pending' AND run_at <= ?) OR (state = 'running' AND locked_until < ?)
					ORDER BY run_at, id LIMIT 1`,
			).get(nowSeconds, nowSeconds) as
				| { id: number; kind: string; payload: string; attempts: number }
				| undefined;
			if (!row) return null;
			const lockedUntil = nowSeconds + JOB_LOCK_SECONDS;
			const claimed = prepare(
				db,
				`UPDATE job SET state = 'running', locked_until = ?, attempts = attempts + 1
					WHERE id = ? AND ((state = 'pending' AND run_at <= ?) OR (state = 'running' AND locked_until < ?))`,
			).run(lockedUntil, row.id, nowSeconds, nowSeconds).changes;
			if (claimed === 0) return null;
			return {
				id: row.id,
				kind: row.kind,
				payload: JSON.parse(row.payload) as Record<string, unknown>,
				attempts: row.attempts + 1,
				lockedUntil,
			};
		})
		.immediate();
}

/** Mails a handler asked for; sent once its transaction committed. */
type QueuedMail = { mail: Mail; what: string };

class LostClaimError extends Error {}

function recordFailure(db: Database, job: ClaimedJob, error: unknown, nowSeconds: number): void {
	const message = error instanceof Error ? error.message : String(error);
	const failed = job.attempts >= MAX_JOB_ATTEMPTS;
	prepare(
		db,
		`UPDATE job SET state = ?, run_at = CASE WHEN ? THEN run_at ELSE CAST(? AS INTEGER) END, last_error = ?,
				locked_until = NULL, finished_at = CASE WHEN ? THEN CAST(? AS INTEGER) ELSE NULL END
			WHERE id = ? AND state = 'running' AND locked_until = ?`,
	).run(
		failed ? 'failed' : 'pending',
		failed ? 1 : 0,
		nowSeconds + retryDelaySeconds(job.attempts),
		message.slice(0, 2000),
		failed ? 1 : 0,
		nowSeconds,
		job.id,
		job.lockedUntil,
	);
	console.error(`Job ${job.id} (${job.kind}) failed, attempt ${job.attempts}:`, error);
}

/**
 * Runs one claimed job; returns the mails to hand over (empty when it failed).
 */
async function runClaimed(
	db: Database,
	job: ClaimedJob,
	handlers: Readonly<Record<string, JobHandler>>,
	nowSeconds: number,
): Promise<QueuedMail[]> {
	const mails: QueuedMail[] = [];
	const ctx: JobContext = {
		db,
		nowSeconds,
		effects: { sendMail: (mail, what) => mails.push({ mail, what }) },
	};
	const markDone = () => {
		const done = prepare(
			db,
			`UPDATE job SET state = 'done', finished_at = ?, locked_until = NULL, last_error = NULL
				WHERE id = ? AND state = 'running' AND locked_until = ?`,
		).run(nowSeconds, job.id, job.lockedUntil).changes;
		// Another runner took the job over (this one was too slow): its run counts, not this one.
		if (done === 0) throw new LostClaimError(`job ${job.id} was taken over`);
	};
	try {
		const handler = handlers[job.kind];
		if (!handler) throw new Error(`no handler for job kind '${job.kind}'`);
		const pending = db
			.transaction((): Promise<void> | null => {
				const result = handler(ctx, job.payload);
				if (result instanceof Promise) return result;
				markDone();
				return null;
			})
			.immediate();
		// An asynchronous handler writes in its own transactions; it is marked done once it resolved.
		if (pending) {
			await pending;
			db.transaction(markDone).immediate();
		}
		return mails;
	} catch (error) {
		if (error instanceof LostClaimError) return [];
		try {
			db.transaction(() => recordFailure(db, job, error, nowSeconds)).immediate();
		} catch (writeError) {
			console.error(`Could not record the failure of job ${job.id}`, writeError);
		}
		return [];
	}
}

/**
 * Jobs that repeat every day: the digest scheduler and the overdue-actions scan. One per UTC day
 * (their key carries the date), queued at each poll, so a day the server was down is simply skipped
 * and today's runs once.
 */
export function queueDailyJobs(db: Database, nowSeconds: number): void {
	const dayStart = nowSeconds - (nowSeconds % SECONDS_PER_DAY);
	const day = new Date(dayStart * 1000).toISOString().slice(0, 10);
	db.transaction(() => {
		for (const kind of ['schedule-digests', 'actions-overdue'])
			enqueueJob(
				db,
				{ kind, key: `${kind}:${day}`, runAt: dayStart, payload: { day } },
				nowSeconds,
			);
	})();
}

export interface JobRunnerOptions {
	db: Database | (() => Database);
	handlers: Readonly<Record<string, JobHandler>>;
	/** Milliseconds between polls. */
	pollMs?: number;
	/** Where mails go; the environment's (outbox or SMTP) by default. */
	mailConfig?: MailConfig;
	/** The clock, in unix seconds (tests move it). */
	now?: () => number;
}

export interface JobRunner {
	/** Runs every due job now; resolves with how many ran, once their mails were handed over. */
	runDue(): Promise<number>;
	/** Polls now and every pollMs. */
	start(): void;
	/** Stops polling and waits for the run in progress. */
	stop(): Promise<void>;
}

/**
 * A runner over a database.
 * @example const runner = createJobRunner({ db, handlers: jobHandlers }); runner.start();
 */
export function createJobRunner(options: JobRunnerOptions): JobRunner {
	const getDb = typeof options.db === 'function' ? options.db : () => options.db as Database;
	const now = options.now ?? getNowSeconds;
	const pollMs = options.pollMs ?? 30_000;
	let timer: NodeJS.Timeout | null = null;
	let current: Promise<number> | null = null;

	const runAll = async (): Promise<number> => {
		const db = getDb();
		queueDailyJobs(db, now());
		let ran = 0;
		for (;;) {
			const nowSeconds = now();
			const job = claimNextJob(db, nowSeconds);
			if (!job) return ran;
			const mails = await runClaimed(db, job, options.handlers, nowSeconds);
			ran++;
			const config = options.mailConfig ?? readMailConfig();
			for (const { mail, what } of mails) {
				try {
					await sendMail(mail, config);
				} catch (error) {
					// Already recorded as done: at most once. The notification stays in the portal.
					console.error(`Could not send ${what}`, error);
				}
			}
		}
	};

	const runDue = (): Promise<number> => {
		// One pass at a time in this process; other processes are kept out by the claim.
		current ??= runAll().finally(() => {
			current = null;
		});
		return current;
	};

	const tick = () => {
		void runDue()
			.catch((error: unknown) => console.error('The job runner failed:', error))
			.finally(() => {
				if (timer) timer = setTimeout(tick, pollMs).unref();
			});
	};

	return {
		runDue,
		start() {
			if (timer) return;
			timer = setTimeout(tick, 0).unref();
		},
		async stop() {
			if (timer) clearTimeout(timer);
			timer = null;
			await current?.catch(() => undefined);
		},
	};
}

/**
 * Deletes done jobs older than 90 days (maintenance). Failed ones stay until an admin looks.
 * @example deleteOldJobs(db, getNowSeconds())
 */
export function deleteOldJobs(db: Database, nowSeconds = getNowSeconds()): number {
	return prepare(db, "DELETE FROM job WHERE state = 'done' AND finished_at < ?").run(
		nowSeconds - DONE_JOB_RETENTION_DAYS * SECONDS_PER_DAY,
	).changes;
}

/** Jobs that failed for good, newest first, for the admins' page. */
export function listFailedJobs(db: Database): {
	id: number;
	kind: string;
	key: string;
	attempts: number;
	lastError: string;
	finishedAt: number | null;
}[] {
	return (
		prepare(
			db,
			`SELECT id, kind, key, attempts, last_error, finished_at FROM job WHERE state = 'failed'
				ORDER BY finished_at DESC, id DESC LIMIT 200`,
		).all() as {
			id: number;
			kind: string;
			key: string;
			attempts: number;
			last_error: string | null;
			finished_at: number | null;
		}[]
	).map((r) => ({
		id: r.id,
		kind: r.kind,
		key: r.key,
		attempts: r.attempts,
		lastError: r.last_error ?? '',
		finishedAt: r.finished_at,
	}));
}

/** How many jobs wait or run, for the admins' page. */
export function countQueuedJobs(db: Database, nowSeconds: number): { due: number; later: number } {
	const row = prepare(
		db,
		`SELECT SUM(state = 'running' OR run_at <= ?) AS due, SUM(state = 'pending' AND run_at > ?) AS later
			FROM job WHERE state IN ('pending', 'running')`,
	).get(nowSeconds, nowSeconds) as { due: number | null; later: number | null };
	return { due: row.due ?? 0, later: row.later ?? 0 };
}
