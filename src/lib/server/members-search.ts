import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import * as pagefind from 'pagefind';
import { getContentDir } from '../config';
import type { Database } from 'better-sqlite3';
import { getDatabase, getDataDir, isPostgres } from './db';
import type { PostgresDatabase } from './store/postgres';
import { getPublishedPostMortemForIndex } from './post-mortems';
import { listLiveSubmissions } from './submissions/store';
import { toWebStudyRecord } from './submissions/search-record';
import { parseSynonyms, synonymsFor, type SynonymGroups } from '../search-synonyms';
import { outsideReaderLang } from './member-name';
import { sortDate } from '../date-merge';

// The members-only search index: published post-mortems as a second Pagefind index, served from
// DATA_DIR/members-search/ to signed-in members only (src/lib/access.ts) and merged into the public
// case-study index by the search page. Built at run time, because post-mortems live in SQLite.
//
// Anonymity: the index is built from getPublishedPostMortemForIndex (post-mortems.ts), a projection
// without author_id, created_at, updated_at, hidden_by or anything of the author's user row. A record carries the post-mortem's own
// text, its filters, the country only when disclosed, and `published_month` as the only time.
//
// Swapping: every build is written to a fresh directory under DATA_DIR/members-search-versions/,
// then DATA_DIR/members-search (a symlink) is renamed over atomically, so a reader never sees a
// half-written index. The previous version is kept, so a member who loaded the old entry file a
// moment ago can still fetch its fragments; older ones are deleted.
//
// Date map: beside each version's index, cd-dates.json maps every page id (its fragment's hash, the
// `id` of a Pagefind result) to its sort date. Merged into the public index, these records come out
// by score, not by date; with the map the search page puts them in date order without fetching a
// fragment per result. It holds only what a member's search already shows (ids and the dates in the
// records' meta), is served and gated with the index, and names the index it belongs to.

/** The date map's file name inside a version of the index. */
export const DATE_MAP_FILE = 'cd-dates.json';

export const MEMBERS_INDEX_DIR = 'members-search';
const VERSIONS_DIR = 'members-search-versions';
/** Changes within this window share one rebuild. */
export const REBUILD_DEBOUNCE_MS = 1000;

interface Logger {
	info(message: string): void;
	error(message: string, error?: unknown): void;
}

const consoleLogger: Logger = {
	info: (message) => console.log(`[members-search] ${message}`),
	error: (message, error) => console.error(`[members-search] ${message}`, error ?? ''),
};

/** One published post-mortem as the index may see it: no author, no exact time. */
export interface IndexablePostMortem {
	id: number;
	title: string;
	tried: string;
	/** Only when the author disclosed it ('named' or 'country'). */
	country: string | null;
	models: string[];
	channel: string | null;
	topics: string[];
	period: string;
	practice: string | null;
	results: { label?: string; unit?: string; planned?: unknown; actual?: unknown }[];
	timeline: { when?: string; what?: string }[];
	signal: string;
	factors: string[];
	factors_note: string;
	went_well: string;
	went_wrong: string;
	lucky: string;
	fail_again: string;
	differently: string;
	published_month: string | null;
}

/**
 * The published post-mortems, with only what an index may hold: read through the post-mortem
 * module's own no-author projection, so there is one place deciding what is disclosed.
 * @example listPostMortemsForIndex(db).map((p) => p.title)
 */
export function listPostMortemsForIndex(db: Database): IndexablePostMortem[] {
	return getPublishedPostMortemForIndex(db).map((p) => ({
		id: p.id,
		title: p.title,
		tried: p.tried,
		country: p.country,
		models: p.models,
		channel: p.channel,
		topics: p.topics,
		period: p.period,
		practice: p.practice,
		results: p.results,
		timeline: p.timeline,
		signal: p.signal,
		factors: p.factors,
		factors_note: p.factorsNote,
		went_well: p.wentWell,
		went_wrong: p.wentWrong,
		lucky: p.lucky,
		fail_again: p.failAgain,
		differently: p.differently,
		published_month: p.publishedMonth || null,
	}));
}

/**
 * Builds the Pagefind index of published post-mortems and swaps it in at DATA_DIR/members-search/.
 * With no published post-mortem, the index is removed (the search page then uses the public one
 * alone). Resolves with the number of records; throws when Pagefind fails (the old index stays).
 * @example await rebuildMembersIndex({ db: getDatabase(), dataDir: getDataDir() })
 */
export async function rebuildMembersIndex({
	db,
	dataDir,
	logger = consoleLogger,
	synonyms = readSynonyms(logger),
}: {
	db: Database;
	dataDir: string;
	logger?: Logger;
	/** Search synonyms (content/search/synonyms.txt), as the case-study index uses them. */
	synonyms?: SynonymGroups;
}): Promise<{ records: number; ms: number }> {
	const started = performance.now();
	const postMortems = listPostMortemsForIndex(db);
	// Case studies published from the web form live in SQLite too: the same run indexes them, so a
	// publication is searchable as soon as this index is swapped in (seconds, not a site build).
	const webStudies = listLiveSubmissions(db);
	const link = path.join(dataDir, MEMBERS_INDEX_DIR);
	const versions = path.join(dataDir, VERSIONS_DIR);
	if (postMortems.length === 0 && webStudies.length === 0) {
		await fs.promises.rm(link, { recursive: true, force: true });
		// Versions are pruned, not wiped: another instance sharing DATA_DIR may be writing one.
		if (fs.existsSync(versions)) await pruneVersions(versions, null);
		return { records: 0, ms: Math.round(performance.now() - started) };
	}
	await fs.promises.mkdir(versions, { recursive: true });
	const version = `${Date.now()}-${crypto.randomBytes(4).toString('hex')}`;
	const outputPath = path.join(versions, version);
	try {
		const created = await pagefind.createIndex({ forceLanguage: 'en' });
		assertNoErrors('createIndex', created);
		const index = created.index!;
		for (const postMortem of postMortems) {
			assertNoErrors(
				'addCustomRecord',
				await index.addCustomRecord(toRecord(postMortem, synonyms)),
			);
		}
		for (const study of webStudies) {
			assertNoErrors(
				'addCustomRecord',
				await index.addCustomRecord(toWebStudyRecord(study, synonyms)),
			);
		}
		assertNoErrors('writeFiles', await index.writeFiles({ outputPath }));
		// Written before the swap, so the map and the index a reader gets are always of one version.
		await writeDateMap(outputPath);
	} catch (error) {
		await fs.promises.rm(outputPath, { recursive: true, force: true });
		throw new Error('Building the members’ search index failed', { cause: error });
	} finally {
		await pagefind.close();
	}
	await swapLink(link, path.join(VERSIONS_DIR, version));
	await pruneVersions(versions, version);
	const ms = Math.round(performance.now() - started);
	logger.info(
		`indexed ${postMortems.length} post-mortems and ${webStudies.length} web case studies in ${ms} ms`,
	);
	return { records: postMortems.length + webStudies.length, ms };
}

/** The date map of a written index: see DATE_MAP_FILE. */
export interface DateMap {
	/** The entry's index hash (pagefind-entry.json), so a reader can tell a map of another version. */
	index: string;
	/** Page id → sort date, `YYYY-MM-DD` (a month-only date is its first day), or '' when undated. */
	dates: Record<string, string>;
}

// Fragments read at once: 10,000 open files would run into the descriptor limit.
const FRAGMENT_BATCH = 64;

/**
 * Writes DATE_MAP_FILE in the index at `outputPath`, from its own fragment files: the ids are the
 * fragment hashes the search page sees, whatever Pagefind named them.
 * @example await writeDateMap('/data/members-search-versions/1700000000000-ab12cd34')
 */
export async function writeDateMap(outputPath: string): Promise<DateMap> {
	const entry = JSON.parse(
		await fs.promises.readFile(path.join(outputPath, 'pagefind-entry.json'), 'utf8'),
	) as { languages?: Record<string, { hash?: string }> };
	const index = Object.values(entry.languages ?? {})
		.map((l) => l.hash ?? '')
		.join(' ');
	const dir = path.join(outputPath, 'fragment');
	const names = (await fs.promises.readdir(dir)).filter((n) => n.endsWith('.pf_fragment'));
	const dates: Record<string, string> = {};
	for (let i = 0; i < names.length; i += FRAGMENT_BATCH) {
		await Promise.all(
			names.slice(i, i + FRAGMENT_BATCH).map(async (name) => {
				const text = zlib
					.gunzipSync(await fs.promises.readFile(path.join(dir, name)))
					.toString('utf8');
				// A fragment is Pagefind's signature then the page's JSON; a fragment group (Pagefind
				// may bundle small ones) is an object of such pages by id.
				const json = JSON.parse(text.slice(text.indexOf('{'))) as Record<string, unknown>;
				const pages =
					typeof json.url === 'string'
						? [[name.slice(0, -'.pf_fragment'.length), json] as const]
						: Object.entries(json);
				for (const [id, page] of pages) {
					const meta = (page as { meta?: Record<string, string> } | null)?.meta;
					dates[id] = sortDate(meta?.date ?? '');
				}
			}),
		);
	}
	const map: DateMap = { index, dates };
	await fs.promises.writeFile(path.join(outputPath, DATE_MAP_FILE), JSON.stringify(map));
	return map;
}

/**
 * The synonyms of the case-study index, read where the server runs (the build has already checked
 * the file); none when it is absent or unreadable, which only makes search less forgiving.
 */
function readSynonyms(logger: Logger): SynonymGroups {
	const file = path.resolve(getContentDir(), 'search', 'synonyms.txt');
	try {
		return fs.existsSync(file) ? parseSynonyms(fs.readFileSync(file, 'utf8'), file) : [];
	} catch (error) {
		logger.error('search synonyms not used', error);
		return [];
	}
}

/**
 * The Pagefind record of one post-mortem: its text, title, filters and month; nothing about its author.
 * The synonyms of the terms it uses end its text (a custom record has no weights).
 * @example toRecord(postMortem).url // '/post-mortems/12/'
 */
export function toRecord(
	postMortem: IndexablePostMortem,
	synonyms: SynonymGroups = [],
): pagefind.CustomRecord {
	const date = postMortem.published_month ?? '';
	const text = [
		postMortem.title,
		postMortem.tried,
		postMortem.period,
		...postMortem.results.map((r) => [r.label, r.unit].filter(Boolean).join(' ')),
		...postMortem.timeline.map((item) => [item.when, item.what].filter(Boolean).join(': ')),
		postMortem.signal,
		postMortem.factors_note,
		postMortem.went_well,
		postMortem.went_wrong,
		postMortem.lucky,
		postMortem.fail_again,
		postMortem.differently,
	]
		.map((text) => (text ?? '').trim())
		.filter(Boolean)
		.join('\n\n');
	const extra = synonymsFor(text, synonyms);
	const content = extra.length ? `${text}\n\n${extra.join(', ')}` : text;
	const meta: Record<string, string> = { title: postMortem.title, kind: 'post-mortem' };
	if (date) meta.date = date;
	if (postMortem.country) meta.country = postMortem.country;
	const filters: Record<string, string[]> = {
		kind: ['post-mortem'],
		topic: postMortem.topics,
		model: postMortem.models,
		channel: postMortem.channel ? [postMortem.channel] : [],
		lang: ['en'],
	};
	if (postMortem.country) filters.country = [postMortem.country];
	return {
		url: `/post-mortems/${postMortem.id}/`,
		content,
		language: 'en',
		meta,
		filters,
		...(date ? { sort: { date: `${date}-01` } } : {}),
	};
}

// One scheduler per process, even when the Astro bundle and the server entry each load this module:
// two builds at once would share Pagefind's service, and one's close() would end the other's.
const schedulerKey = Symbol.for('coaching-dealer.members-search');
interface SchedulerState {
	timer: NodeJS.Timeout | null;
	running: Promise<void> | null;
	dirty: boolean;
}
function getScheduler(): SchedulerState {
	const store = globalThis as typeof globalThis & { [schedulerKey]?: SchedulerState };
	store[schedulerKey] ??= { timer: null, running: null, dirty: false };
	return store[schedulerKey];
}

/**
 * Asks for a rebuild of the members' index soon (after publish, edit, hide, unhide, delete, and at
 * server start). Calls within a second share one rebuild; only one runs at a time, and a change
 * arriving during a rebuild triggers another right after. Never throws; failures are logged.
 * @example scheduleMembersIndexRebuild()
 */
export function scheduleMembersIndexRebuild(
	options: { db?: Database; dataDir?: string; logger?: Logger; delayMs?: number } = {},
): void {
	const state = getScheduler();
	state.dirty = true;
	if (state.timer) clearTimeout(state.timer);
	state.timer = setTimeout(() => {
		state.timer = null;
		// The index is English, whichever page's action asked for the rebuild.
		void outsideReaderLang(() => runScheduled(options));
	}, options.delayMs ?? REBUILD_DEBOUNCE_MS);
	state.timer.unref();
}

/**
 * Resolves once no rebuild is waiting or running (for tests and a clean shutdown).
 * @example await whenMembersIndexIdle()
 */
export async function whenMembersIndexIdle(): Promise<void> {
	const state = getScheduler();
	while (state.timer || state.running) {
		await (state.running ?? new Promise((resolve) => setTimeout(resolve, 50)));
	}
}

async function runScheduled(options: { db?: Database; dataDir?: string; logger?: Logger }) {
	const state = getScheduler();
	// The rebuild in progress schedules the next one when it ends.
	if (state.running) return;
	state.dirty = false;
	const logger = options.logger ?? consoleLogger;
	state.running = rebuildMembersIndex({
		db: options.db ?? getDatabase(),
		dataDir: options.dataDir ?? getDataDir(),
		logger,
	})
		.then(() => undefined)
		.catch((error: unknown) => logger.error('rebuild failed; the previous index stays', error))
		.finally(() => {
			state.running = null;
			if (state.dirty && !state.timer) scheduleMembersIndexRebuild({ ...options, delayMs: 0 });
		});
}

/** The PostgreSQL channel on which an instance tells the others that the index is out of date. */
export const MEMBERS_INDEX_CHANNEL = 'coaching_dealer_members_search';

const INSTANCE_ENV = 'COACHING_DEALER_INSTANCE_ID';

/**
 * Names this instance (its main process and the HTTP workers it forks, which inherit the
 * environment), so that it can tell its own notifications from other instances'.
 */
function getInstanceId(): string {
	process.env[INSTANCE_ENV] ??= `${process.pid}.${crypto.randomBytes(6).toString('hex')}`;
	return process.env[INSTANCE_ENV];
}

/**
 * Tells every other instance on this PostgreSQL database to rebuild its members' index; called after the change committed. Never throws: the change is made, and each instance
 * also rebuilds at start and when its listening connection comes back.
 * @example notifyMembersIndexChanged(db, true)
 */
export function notifyMembersIndexChanged(db: Database, urgent = false): void {
	try {
		(db as unknown as PostgresDatabase).notify(
			MEMBERS_INDEX_CHANNEL,
			`${getInstanceId()}${urgent ? ' urgent' : ''}`,
		);
	} catch (error) {
		consoleLogger.error('could not tell the other instances to rebuild', error);
	}
}

/**
 * In the process that owns the index (the main process): rebuild when any instance sharing the
 * PostgreSQL database changes what the index holds, and once more when the listening connection
 * was lost and restored, since notifications sent meanwhile are gone. Nothing to do on SQLite.
 * @example listenForMembersIndexChanges(getDatabase())
 */
export function listenForMembersIndexChanges(db: Database): void {
	if (!isPostgres(db)) return;
	const pg = db as unknown as PostgresDatabase;
	const own = getInstanceId();
	pg.listen(MEMBERS_INDEX_CHANNEL, (payload) => {
		const [from, urgent] = payload.split(' ');
		// This instance's own changes were scheduled already (context.ts), without the round trip.
		if (from === own) return;
		scheduleMembersIndexRebuild(urgent === 'urgent' ? { delayMs: 0 } : {});
	});
	pg.onListenReconnect(() => scheduleMembersIndexRebuild({ delayMs: 0 }));
}

async function swapLink(link: string, target: string): Promise<void> {
	const temp = `${link}.${crypto.randomBytes(4).toString('hex')}.tmp`;
	await fs.promises.symlink(target, temp, 'dir');
	// A real directory in the way (copied by hand, an older layout) cannot be renamed over.
	const current = await fs.promises.lstat(link).catch(() => null);
	if (current && !current.isSymbolicLink())
		await fs.promises.rm(link, { recursive: true, force: true });
	await fs.promises.rename(temp, link);
}

/**
 * Instances sharing DATA_DIR rebuild into the same folder: a version younger than this may be one
 * another instance is still writing, or has just linked, so it is never deleted.
 */
const VERSION_GRACE_MS = 60_000;

async function pruneVersions(versions: string, keep: string | null): Promise<void> {
	const names = (await fs.promises.readdir(versions)).sort();
	// What the link points to now, which may be another instance's version swapped in after ours.
	const linked = await fs.promises
		.readlink(path.join(path.dirname(versions), MEMBERS_INDEX_DIR))
		.then((target) => path.basename(target))
		.catch(() => null);
	const cutoff = Date.now() - VERSION_GRACE_MS;
	// Keep the new one and the one before it: a search page opened a moment ago may still read it.
	const stale = names
		.filter((name) => name !== keep && name !== linked)
		.slice(0, keep === null ? undefined : -1)
		.filter((name) => Number(name.split('-')[0]) < cutoff);
	await Promise.all(
		stale.map((name) =>
			fs.promises.rm(path.join(versions, name), { recursive: true, force: true }),
		),
	);
}

function assertNoErrors(step: string, response: { errors: string[] }) {
	if (response.errors.length > 0) {
		throw new Error(`Pagefind ${step}: ${response.errors.join('; ')}`);
	}
}
