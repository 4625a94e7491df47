import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase, type Database } from '../../../src/lib/server/db';
import { createUser, type Role, type User } from '../../../src/lib/server/user';

// Real SQLite files in a fresh temp dir per test; only time is faked (by passing nowSeconds).

export const T0 = 1_767_225_600; // 2026-01-01T00:00:00Z

/** A temp dir with a migrated `portal.db`; `cleanup` closes and removes both. */
export function createTestDatabase(): {
	db: Database;
	dir: string;
	file: string;
	cleanup: () => void;
} {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cd-'));
	const file = path.join(dir, 'portal.db');
	const db = openDatabase(file);
	return {
		db,
		dir,
		file,
		cleanup: () => {
			if (db.open) db.close();
			fs.rmSync(dir, { recursive: true, force: true });
		},
	};
}

// A fixed fake hash keeps tests fast; password.test.ts covers real argon2id.
export function addUser(db: Database, email: string, name: string, role: Role = 'member'): User {
	return createUser(db, { email, name, role, passwordHash: '$argon2id$fake' }, T0);
}
