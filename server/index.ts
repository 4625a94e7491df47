// Node entry: read the configuration, start the server, stop cleanly on SIGTERM/SIGINT.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, readServerConfig } from '../src/lib/config';
import { closeDatabase, getDatabase } from '../src/lib/server/db';
import { startPortalServer } from './app';
import { DEMO_ROLES, seedDemoAccounts } from '../src/lib/server/demo-seed';
import { getPeopleRecords, linkMembersToPeople } from '../src/lib/server/people';
import { runMaintenance } from '../src/lib/server/maintenance';
import type { Role } from '../src/lib/server/user';
import {
	scheduleMembersIndexRebuild,
	whenMembersIndexIdle,
} from '../src/lib/server/members-search';
import { seedDemoAdoptions } from '../src/lib/server/demo-adoptions';
import { seedDemoPostMortems } from '../src/lib/server/demo-post-mortems';

// The bundle lives in dist/, next to client/ and server/.
const distDir = process.env.PORTAL_DIST_DIR ?? path.dirname(fileURLToPath(import.meta.url));

async function main() {
	let config;
	try {
		config = readServerConfig(process.env);
	} catch (error) {
		if (error instanceof ConfigError) {
			console.error(`Configuration error: ${error.message}`);
			process.exit(1);
		}
		throw error;
	}
	process.env.DATA_DIR = config.dataDir;
	process.env.PORTAL_CLIENT_DIR = path.join(distDir, 'client');
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
		}
		linkMembersToPeople(db, people);
		runMaintenance(db);
		// The members-only search index lives in DATA_DIR: bring it up to date with the database.
		scheduleMembersIndexRebuild({ delayMs: 0 });
		setInterval(() => runMaintenance(db), 3600_000).unref();
	} catch (error) {
		console.error(
			`Configuration error: cannot open the database in DATA_DIR (${config.dataDir}): ${(error as Error).cause ?? (error as Error).message}`,
		);
		process.exit(1);
	}
	let portal;
	try {
		portal = await startPortalServer(distDir, config);
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
			console.error(
				`Configuration error: cannot listen on ${config.host}:${config.port} (${code})`,
			);
			process.exit(1);
		}
		throw error;
	}
	console.log(
		`Coaching Dealer is serving at ${portal.url.replace('127.0.0.1', 'localhost')} (data in ${config.dataDir})`,
	);
	let stopping = false;
	const stop = async (signal: string) => {
		if (stopping) return;
		stopping = true;
		console.log(`${signal}: finishing in-flight requests…`);
		const timer = setTimeout(() => process.exit(1), 10_000);
		await portal.close();
		await whenMembersIndexIdle();
		closeDatabase();
		clearTimeout(timer);
		process.exit(0);
	};
	process.on('SIGTERM', () => void stop('SIGTERM'));
	process.on('SIGINT', () => void stop('SIGINT'));
}

await main();
