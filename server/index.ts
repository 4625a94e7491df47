// Node entry: read the configuration, prepare the data, serve, stop cleanly on SIGTERM/SIGINT.
// With WEB_CONCURRENCY > 1 the main process prepares the data, runs the hourly maintenance and the
// members' search index, and forks that many HTTP workers sharing the port (SQLite in WAL mode
// takes readers and a writer from several processes; sessions and rate limits live in it).
import cluster from 'node:cluster';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, readServerConfig, type ServerConfig } from '../src/lib/config';
import { closeDatabase, getDatabase } from '../src/lib/server/db';
import { redactUrl } from '../src/lib/server/store/postgres';
import { startPortalServer } from './app';
import { resolveReleaseDir, watchReleases } from './release-watcher';
import { DEMO_ROLES, seedDemoAccounts } from '../src/lib/server/demo/accounts';
import { getPeopleRecords, linkMembersToPeople, readPeopleRecords } from '../src/lib/server/people';
import { runMaintenance } from '../src/lib/server/maintenance';
import {
	getPracticeRecords,
	readPracticeRecords,
	syncGitPractices,
} from '../src/lib/server/practices/registry';
import { getNowSeconds } from '../src/lib/server/time';
import type { Role } from '../src/lib/server/user';
import {
	listenForMembersIndexChanges,
	scheduleMembersIndexRebuild,
	whenMembersIndexIdle,
} from '../src/lib/server/members-search';
import { listBuiltCaseStudySlugs, seedDemoAdoptions } from '../src/lib/server/demo/adoptions';
import { seedDemoRequests } from '../src/lib/server/demo/requests';
import { seedDemoAnswers } from '../src/lib/server/demo/answers';
import { REINDEX_MESSAGE, TRANSCODE_MESSAGE } from '../src/lib/server/context';
import { kickTranscoder } from '../src/lib/server/submissions/transcoder';
import { seedDemoSubmissions } from '../src/lib/server/demo/submissions';
import { seedDemoPostMortems } from '../src/lib/server/demo/post-mortems';
import { createJobRunner } from '../src/lib/server/jobs/runner';
import { jobHandlers } from '../src/lib/server/jobs/handlers';

// The bundle lives in dist/, next to client/ and server/.
const distDir = process.env.PORTAL_DIST_DIR ?? path.dirname(fileURLToPath(import.meta.url));

/**
 * sha-256 of the running bundle (dist/portal.mjs), to tell a release built with other server code;
 * null when not running from a bundle (tests import server/app.ts).
 */
function readServerBundleHash(): string | null {
	const file = fileURLToPath(import.meta.url);
	if (!file.endsWith('.mjs')) return null;
	return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}
const serverBundle = readServerBundleHash();

/** A new release may list other people: link the members to them as at start. */
function relinkPeople(releaseDir: string) {
	try {
		linkMembersToPeople(getDatabase(), readPeopleRecords(path.join(releaseDir, 'client')));
		syncGitPractices(
			getDatabase(),
			readPracticeRecords(path.join(releaseDir, 'client')),
			getNowSeconds(),
		);
	} catch (error) {
		console.error('Linking members to the people of the new release failed:', error);
	}
}

function fail(message: string): never {
	// Workers hand the line to the main process, so it is printed once, not once per worker.
	if (cluster.isWorker && process.send)
		process.send({ configError: message }, undefined, undefined, () => process.exit(1));
	else {
		console.error(`Configuration error: ${message}`);
		process.exit(1);
	}
	throw new Error(message);
}

function readConfig(): ServerConfig {
	try {
		return readServerConfig(process.env);
	} catch (error) {
		if (error instanceof ConfigError) fail(error.message);
		throw error;
	}
}

/** Opens and migrates the database, seeds the demo, links members to people, starts upkeep. */
async function prepareData(config: ServerConfig) {
	try {
		const db = getDatabase();
		const people = getPeopleRecords();
		if (config.demo) {
			// DEMO_ADMINS (person ids, comma-separated) lets a fixture site name its own admin.
			const admins = process.env.DEMO_ADMINS?.split(',')
				.map((s) => s.trim())
				.filter(Boolean);
			const roles: Record<string, Role> = admins
				? Object.fromEntries(admins.map((id) => [id, 'admin' as Role]))
				: { ...DEMO_ROLES };
			const created = await seedDemoAccounts(db, people, roles);
			if (created) console.log(`Demo: created ${created} accounts (password in the README)`);
			seedDemoPostMortems(db, people);
			seedDemoAdoptions(db);
			seedDemoRequests(db, new Set(listBuiltCaseStudySlugs()));
			// Before the register syncs: it keeps the owed dates the demo backdates.
			seedDemoAnswers(db);
			await seedDemoSubmissions(db, config.dataDir);
		}
		linkMembersToPeople(db, people);
		syncGitPractices(db, getPracticeRecords(), getNowSeconds());
		const upkeep = {
			dataDir: config.dataDir,
			analyticsRetentionMonths: config.analyticsRetentionMonths,
			sessionMetaRetentionDays: config.sessionMetaRetentionDays,
			auditRetentionMonths: config.auditRetentionMonths,
			outboxRetentionDays: config.outboxRetentionDays,
		};
		runMaintenance(db, upkeep);
		// The members-only search index lives in DATA_DIR: bring it up to date with the database.
		scheduleMembersIndexRebuild({ delayMs: 0 });
		// Several instances on one PostgreSQL database: a change made on another reaches this index.
		listenForMembersIndexChanges(db);
		setInterval(() => runMaintenance(db, upkeep), 3600_000).unref();
	} catch (error) {
		const where = config.databaseUrl
			? `at DATABASE_URL (${redactUrl(config.databaseUrl)})`
			: `in DATA_DIR (${config.dataDir})`;
		const cause = (error as Error).cause as Error | undefined;
		// The first line only: the store's errors add the statement on the next ones.
		const reason = String(cause?.message ?? cause ?? (error as Error).message).split('\n')[0];
		fail(`cannot open the database ${where}: ${reason}`);
	}
}

/**
 * The one job runner (reminders, digests, notifications), in the main process: it polls at start, so
 * a job missed while the server was down runs now, once. JOBS_POLL_MS shortens the poll for tests.
 */
function startJobs(pollMs: number): () => Promise<void> {
	const runner = createJobRunner({ db: getDatabase, handlers: jobHandlers, pollMs });
	runner.start();
	return () => runner.stop();
}

/** Starts the HTTP server in this process; a port that cannot be had is a configuration error. */
async function serve(config: ServerConfig) {
	try {
		// The process that prepared the data also keeps the members linked to each release's people.
		return await startPortalServer(distDir, config, {
			serverBundle,
			onRelease: cluster.isWorker ? undefined : relinkPeople,
		});
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
			fail(`cannot listen on ${config.host}:${config.port} (${code})`);
		}
		throw error;
	}
}

function onStopSignal(stop: (signal: string) => Promise<void>) {
	let stopping = false;
	const once = (signal: string) => {
		if (stopping) return;
		stopping = true;
		const timer = setTimeout(() => process.exit(1), 10_000);
		void stop(signal).then(() => {
			clearTimeout(timer);
			process.exit(0);
		});
	};
	process.on('SIGTERM', () => once('SIGTERM'));
	process.on('SIGINT', () => once('SIGINT'));
}

function announce(config: ServerConfig, url: string) {
	const workers = config.workers > 1 ? `, ${config.workers} workers` : '';
	const store = config.databaseUrl
		? `database ${redactUrl(config.databaseUrl)}, files in ${config.dataDir}`
		: `data in ${config.dataDir}`;
	console.log(
		`Coaching Dealer is serving at ${url.replace('127.0.0.1', 'localhost')} (${store}${workers})`,
	);
}

/**
 * DATA_DIR holds the database, its backups and mails with reset links: nobody but this account may
 * read them. Files are created 0600 and folders 0700 from here on, and a DATA_DIR made before this
 * rule (0755) is closed, which also closes everything below it.
 */
function restrictDataDir(dataDir: string) {
	process.umask(0o077);
	try {
		fs.chmodSync(dataDir, 0o700);
	} catch (error) {
		console.warn(`Could not restrict DATA_DIR to its owner: ${(error as Error).message}`);
	}
}

/** A bug in one request must not stop the portal for everyone: log it and keep serving. */
function keepServingOnErrors() {
	process.on('uncaughtException', (error) => console.error('Uncaught exception:', error));
	process.on('unhandledRejection', (reason) => console.error('Unhandled rejection:', reason));
}

async function main() {
	const config = readConfig();
	restrictDataDir(config.dataDir);
	process.env.DATA_DIR = config.dataDir;
	process.env.PORTAL_CLIENT_DIR = path.join(distDir, 'client');

	if (cluster.isWorker) {
		const portal = await serve(config);
		keepServingOnErrors();
		onStopSignal(async () => {
			await portal.close();
			await whenMembersIndexIdle();
			closeDatabase();
		});
		return;
	}

	await prepareData(config);
	// Videos queued or half-converted when the server last stopped are converted now, once.
	kickTranscoder();
	const stopJobs = startJobs(config.jobsPollMs);
	if (config.workers === 1) {
		const portal = await serve(config);
		keepServingOnErrors();
		announce(config, portal.url);
		onStopSignal(async (signal) => {
			console.log(`${signal}: finishing in-flight requests…`);
			await portal.close();
			await stopJobs();
			await whenMembersIndexIdle();
			closeDatabase();
		});
		return;
	}

	let stopping = false;
	let listening = 0;
	cluster.on('listening', (_worker, address) => {
		if (++listening === config.workers) {
			const host = address.address?.includes(':') ? `[${address.address}]` : address.address;
			announce(config, `http://${host ?? config.host}:${address.port}`);
		}
	});
	cluster.on(
		'message',
		(_worker, message: { configError?: string; type?: string; urgent?: boolean }) => {
			// Workers ask; the main process owns the members' index and rebuilds it once for all.
			if (message?.type === REINDEX_MESSAGE)
				return scheduleMembersIndexRebuild(message.urgent ? { delayMs: 0 } : {});
			if (message?.type === TRANSCODE_MESSAGE) return kickTranscoder();
			if (!message?.configError || stopping) return;
			stopping = true;
			console.error(`Configuration error: ${message.configError}`);
			for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGTERM');
			process.exit(1);
		},
	);
	cluster.on('exit', (worker, code) => {
		if (stopping) return;
		// A worker that could not start (port taken) stops everything; a crash later is replaced.
		if (listening < config.workers) process.exit(code || 1);
		console.error(`worker ${worker.process.pid} exited (${code}); starting another`);
		cluster.fork();
	});
	for (let i = 0; i < config.workers; i++) cluster.fork();
	// Workers swap releases themselves; the main process owns the data tied to them.
	const stopWatching = watchReleases(distDir, resolveReleaseDir(distDir), relinkPeople);
	onStopSignal(async (signal) => {
		stopping = true;
		stopWatching();
		console.log(`${signal}: finishing in-flight requests…`);
		const workers = Object.values(cluster.workers ?? {}).filter((w) => w !== undefined);
		await Promise.all(
			workers.map(
				(w) =>
					new Promise<void>((resolve) => {
						w.once('exit', () => resolve());
						w.process.kill('SIGTERM');
					}),
			),
		);
		await stopJobs();
		await whenMembersIndexIdle();
		closeDatabase();
	});
}

await main();
