// What a user action needs besides its input: the database, who acts, in which language, from
// where, and the effects it may trigger once its transaction has committed. Pages build one per
// request (createCommandContext); tests build one on a temp database with real effects.
import cluster from 'node:cluster';
import type { Database } from 'better-sqlite3';
import type { Lang } from '../taxonomy';
import { getDatabase, getDataDir, isPostgres } from './db';
import { sendMail, type Mail } from './mail';
import { notifyMembersIndexChanged, scheduleMembersIndexRebuild } from './members-search';
import { kickTranscoder } from './submissions/transcoder';
import type { User } from './user';

/** After-commit effects. Each returns at once and never throws: a failure is logged, not undone. */
export interface Effects {
	/**
	 * Published post-mortems changed: rebuild the members' search index soon (changes within a second
	 * share one rebuild), or now when something must leave search at once (`urgent`, e.g. a hide).
	 */
	reindexMembersSearch(options?: { urgent?: boolean }): void;
	/** Hand a mail to the outbox or SMTP; `what` names it in the log if it fails. */
	sendMail(mail: Mail, what: string): void;
	/** Uploaded videos wait in SQLite: make sure the (single) transcoder is working through them. */
	processVideos(): void;
}

export interface CommandContext {
	db: Database;
	user: User | null;
	lang: Lang;
	ip: string;
	effects: Effects;
}

/** The message a worker process sends the main process, which owns the members' index. */
export const REINDEX_MESSAGE = 'coaching-dealer:reindex-members-search';
/** Asks the main process, which runs the one transcoder, to look for queued videos. */
export const TRANSCODE_MESSAGE = 'coaching-dealer:transcode';

/**
 * The real effects. In an HTTP worker the members' index is rebuilt by the main process (one
 * Pagefind run for all workers), so the worker asks it; elsewhere it is scheduled here.
 */
export function createEffects(options: { db?: Database; dataDir?: string } = {}): Effects {
	return {
		reindexMembersSearch({ urgent = false } = {}) {
			if (cluster.isWorker && process.send) process.send({ type: REINDEX_MESSAGE, urgent });
			else scheduleMembersIndexRebuild({ ...options, ...(urgent ? { delayMs: 0 } : {}) });
			// Other instances on the same PostgreSQL database keep their own copy of the index.
			const db = options.db ?? getDatabase();
			if (isPostgres(db)) notifyMembersIndexChanged(db, urgent);
		},
		sendMail(mail, what) {
			void sendMail(mail).catch((error: unknown) => console.error(`Could not send ${what}`, error));
		},
		processVideos() {
			if (cluster.isWorker && process.send) process.send({ type: TRANSCODE_MESSAGE });
			else kickTranscoder(options);
		},
	};
}

const liveEffects = createEffects();

/**
 * The context of the member making this request.
 * @example const result = publishPostMortemCommand(createCommandContext(Astro.locals, lang), id)
 */
export function createCommandContext(
	locals: Pick<App.Locals, 'user' | 'clientIp'>,
	lang: Lang,
): CommandContext {
	return { db: getDatabase(), user: locals.user, lang, ip: locals.clientIp, effects: liveEffects };
}

/** For scripts and tests: a context on an explicit database and data directory. */
export function createContextFor(
	db: Database,
	user: User | null,
	options: { lang?: Lang; ip?: string; dataDir?: string } = {},
): CommandContext {
	return {
		db,
		user,
		lang: options.lang ?? 'en',
		ip: options.ip ?? '127.0.0.1',
		effects: createEffects({ db, dataDir: options.dataDir ?? getDataDir() }),
	};
}
