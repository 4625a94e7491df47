// The portal on PostgreSQL when the database goes away and comes back: /healthz says 503 at once
// (the load balancer takes the instance out), pages that need no data still answer, and the same
// process is healthy again as soon as the database is back, without a restart.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { openStore } from '../../src/lib/server/db';
import { createPgDatabase, startServer, type RunningServer } from './harness';

let server: RunningServer;
let database: { url: string; drop: () => void };

beforeAll(async () => {
	database = createPgDatabase();
	server = await startServer({ DATABASE_URL: database.url });
});

afterAll(async () => {
	await server?.stop();
});

/** Runs `sql` on the cluster's maintenance database (CREATE/DROP DATABASE cannot run elsewhere). */
function admin(sql: string) {
	const db = openStore({ dataDir: '', databaseUrl: inject('pgAdminUrl'), migrate: false });
	try {
		db.prepare(sql).run();
	} finally {
		db.close();
	}
}

async function health(): Promise<{ status: number; ms: number }> {
	const started = Date.now();
	const res = await fetch(`${server.url}/healthz`);
	await res.text();
	return { status: res.status, ms: Date.now() - started };
}

describe('the portal on PostgreSQL, when the database goes away', () => {
	it('answers 503 at once while it is gone and 200 again once it is back, in the same process', async () => {
		expect((await health()).status).toBe(200);
		const name = new URL(database.url).pathname.slice(1);
		admin(`DROP DATABASE ${name} WITH (FORCE)`);
		const down = await health();
		expect(down.status).toBe(503);
		expect(down.ms).toBeLessThan(5000);
		// The sign-in page needs no data: it still answers.
		expect((await fetch(`${server.url}/login/`)).status).toBe(200);

		admin(`CREATE DATABASE ${name} TEMPLATE cd_template`);
		const deadline = Date.now() + 10_000;
		let up = await health();
		while (up.status !== 200 && Date.now() < deadline) {
			await new Promise((r) => setTimeout(r, 200));
			up = await health();
		}
		expect(up.status).toBe(200);
		expect(server.output()).not.toMatch(/exited|Uncaught exception/);
	});
});
