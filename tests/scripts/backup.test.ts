import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../e2e/harness';

let server: RunningServer;
beforeAll(async () => {
	server = await startServer({ DEMO: 'true', DEMO_ADMINS: 'claire-martin' });
});
afterAll(async () => {
	await server?.stop();
});

it('copies the live database consistently while the server runs, and the copy restores', async () => {
	const res = await fetch(`${server.url}/login/`, {
		method: 'POST',
		redirect: 'manual',
		headers: { Origin: server.url, 'Content-Type': 'application/x-www-form-urlencoded' },
		body: new URLSearchParams({
			email: 'anna.verdi@it.fixture.example',
			password: 'kestrel-rally-lisbon-2026',
		}),
	});
	expect(res.status).toBe(303);
	const target = fs.mkdtempSync(path.join(os.tmpdir(), 'cd-backup-'));
	const out = execFileSync(process.execPath, ['scripts/backup.mjs', target], {
		env: { ...process.env, DATA_DIR: server.dataDir },
		encoding: 'utf8',
	});
	expect(out).toMatch(/Backed up 3 accounts .* \(integrity: ok\)/);
	const copy = new Database(path.join(target, 'portal.db'), { readonly: true });
	expect((copy.prepare('SELECT COUNT(*) AS n FROM session').get() as { n: number }).n).toBe(1);
	expect(copy.pragma('user_version', { simple: true })).toBeGreaterThanOrEqual(1);
	copy.close();
	// The server still answers after the backup.
	expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
});
