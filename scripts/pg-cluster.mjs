#!/usr/bin/env node
// A throwaway PostgreSQL 15 cluster from Debian's packages (postgresql-15), on 127.0.0.1 and a port
// of its own, for the tests and the bench: initdb into a temp folder, start, stop and remove. As
// root (CI containers) the server runs as the `postgres` account, which PostgreSQL requires.
//
//   node scripts/pg-cluster.mjs start /tmp/pg 55432   # prints the admin URL; stays running
//   node scripts/pg-cluster.mjs stop /tmp/pg
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** The folder of initdb/pg_ctl: Debian's postgresql-15, or whatever `pg_config` points to. */
export function findPgBin() {
	const candidates = ['/usr/lib/postgresql/15/bin'];
	try {
		candidates.push(execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim());
	} catch {
		// no pg_config on PATH
	}
	const bin = candidates.find((dir) => fs.existsSync(path.join(dir, 'pg_ctl')));
	if (!bin) {
		throw new Error(
			'PostgreSQL 15 is not installed (apt install postgresql-15; .ci/run does it for you)',
		);
	}
	return bin;
}

function asServerUser(command, args) {
	const root = process.getuid?.() === 0;
	return root ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
}

function run(command, args) {
	const [cmd, argv] = asServerUser(command, args);
	const result = spawnSync(cmd, argv, { encoding: 'utf8' });
	if (result.status !== 0) {
		throw new Error(`${command} ${args.join(' ')} failed:\n${result.stdout}\n${result.stderr}`);
	}
	return result.stdout;
}

export async function freePort() {
	return new Promise((resolve, reject) => {
		const srv = net.createServer();
		srv.unref();
		srv.on('error', reject);
		srv.listen(0, '127.0.0.1', () => {
			const { port } = srv.address();
			srv.close(() => resolve(port));
		});
	});
}

/**
 * Creates and starts a cluster in `dir` (a new temp folder when omitted). `durable: false` turns
 * fsync off: for tests, whose data dies with the run; the bench keeps PostgreSQL's defaults.
 * Resolves with the superuser URL and a `stop` that stops the server and removes the folder.
 */
export async function startPgCluster({ dir, port, durable = false } = {}) {
	const bin = findPgBin();
	const base = dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'cd-pg-'));
	const data = path.join(base, 'data');
	fs.mkdirSync(base, { recursive: true });
	if (process.getuid?.() === 0) execFileSync('chown', ['-R', 'postgres', base]);
	const listenPort = port ?? (await freePort());
	run(path.join(bin, 'initdb'), [
		'-D',
		data,
		'-A',
		'trust',
		'-U',
		'postgres',
		'-E',
		'UTF8',
		'--locale=C.UTF-8',
		'--no-sync',
	]);
	const options = [
		`-p ${listenPort}`,
		'-c listen_addresses=127.0.0.1',
		`-k ${base}`,
		'-c max_connections=200',
		...(durable ? [] : ['-c fsync=off', '-c synchronous_commit=off', '-c full_page_writes=off']),
	].join(' ');
	run(path.join(bin, 'pg_ctl'), [
		'-D',
		data,
		'-o',
		options,
		'-l',
		path.join(base, 'log'),
		'-w',
		'start',
	]);
	const url = `postgres://postgres@127.0.0.1:${listenPort}/postgres`;
	return {
		url,
		port: listenPort,
		dir: base,
		stop: () => stopPgCluster(base),
	};
}

/** Stops the cluster in `dir` (fast shutdown) and removes the folder. */
export function stopPgCluster(dir) {
	const bin = findPgBin();
	const data = path.join(dir, 'data');
	if (fs.existsSync(path.join(data, 'postmaster.pid'))) {
		try {
			run(path.join(bin, 'pg_ctl'), ['-D', data, '-m', 'fast', '-w', 'stop']);
		} catch (error) {
			console.error(String(error));
		}
	}
	fs.rmSync(dir, { recursive: true, force: true });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
	const [command, dir, port] = process.argv.slice(2);
	if (command === 'start') {
		const cluster = await startPgCluster({
			dir,
			port: port ? Number(port) : undefined,
			durable: true,
		});
		console.log(cluster.url);
	} else if (command === 'stop' && dir) {
		stopPgCluster(dir);
	} else {
		console.error('usage: node scripts/pg-cluster.mjs start [dir] [port] | stop <dir>');
		process.exit(2);
	}
}
