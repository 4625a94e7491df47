// `npm run backup [-- <target dir>]`: a consistent copy of the portal's data while the server runs.
// The database goes through SQLite's online backup API (safe under concurrent writes in WAL mode);
// profile photos are copied next to it. Restore: stop the server, copy the backup folder's
// portal.db (and photos/) into DATA_DIR, start the server.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

// A backup is the whole database: readable by this account only, like DATA_DIR itself.
process.umask(0o077);
const dataDir = path.resolve(process.env.DATA_DIR ?? './data');
if (process.env.DATABASE_URL?.trim()) {
	// PostgreSQL has its own consistent online dump; this script only knows SQLite's file.
	console.error(
		'DATABASE_URL is set: the members\' data are in PostgreSQL. Back them up with `pg_dump --format=custom "$DATABASE_URL" > portal.dump` and copy DATA_DIR (photos, media) beside it (README, "Members\' data on PostgreSQL").',
	);
	process.exit(2);
}
const source = path.join(dataDir, 'portal.db');
if (!fs.existsSync(source)) {
	console.error(`No database at ${source}: set DATA_DIR to the portal's data directory.`);
	process.exit(1);
}
const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
const target = path.resolve(process.argv[2] ?? path.join(dataDir, 'backups', `portal-${stamp}`));
fs.mkdirSync(target, { recursive: true });

const started = Date.now();
const db = new Database(source, { readonly: true, fileMustExist: true });
db.pragma('busy_timeout = 5000');
try {
	await db.backup(path.join(target, 'portal.db'));
} finally {
	db.close();
}
const copy = new Database(path.join(target, 'portal.db'), { readonly: true });
const check = copy.pragma('integrity_check', { simple: true });
const users = copy.prepare('SELECT COUNT(*) AS n FROM user').get().n;
copy.close();
if (check !== 'ok') {
	console.error(`Backup written but its integrity check says: ${check}`);
	process.exit(1);
}
for (const dir of ['photos']) {
	const from = path.join(dataDir, dir);
	if (fs.existsSync(from)) fs.cpSync(from, path.join(target, dir), { recursive: true });
}
console.log(
	`Backed up ${users} accounts to ${target} in ${Date.now() - started} ms (integrity: ok)`,
);
