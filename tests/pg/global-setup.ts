// The PostgreSQL half of `npm test`: a throwaway PostgreSQL 15 cluster on 127.0.0.1 for this run,
// with one database migrated by the portal's own code (the template). Each test then gets a copy of
// it (CREATE DATABASE … TEMPLATE, tests/lib/server/test-db.ts), as each SQLite test gets a new file.
import type { TestProject } from 'vitest/node';
import { startPgCluster } from '../../scripts/pg-cluster.mjs';
import { openStore } from '../../src/lib/server/db';

declare module 'vitest' {
	export interface ProvidedContext {
		pgAdminUrl: string;
	}
}

export const TEMPLATE_DATABASE = 'cd_template';

export default async function setup(project: TestProject) {
	const started = Date.now();
	const cluster = (await startPgCluster()) as { url: string; stop: () => void };
	try {
		const admin = openStore({ dataDir: '', databaseUrl: cluster.url, migrate: false });
		admin.prepare(`CREATE DATABASE ${TEMPLATE_DATABASE}`).run();
		admin.close();
		const template = openStore({
			dataDir: '',
			databaseUrl: withDatabase(cluster.url, TEMPLATE_DATABASE),
		});
		template.close();
	} catch (error) {
		// A migration that fails on PostgreSQL fails the run here; the cluster must not outlive it.
		cluster.stop();
		throw error;
	}
	console.log(`PostgreSQL cluster ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
	project.provide('pgAdminUrl', cluster.url);
	return () => cluster.stop();
}

export function withDatabase(url: string, database: string): string {
	const parsed = new URL(url);
	parsed.pathname = `/${database}`;
	return parsed.toString();
}
