import { afterEach, describe, expect, it } from 'vitest';
import BetterSqlite3 from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { migrations, runMigrations } from '../../../src/lib/server/migrations';

// Members' marks made before focal points existed become their country's answer when the database
// is upgraded: the latest mark per practice and country, and none of the marks is deleted.
const dirs: string[] = [];
afterEach(() => {
	for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe('migration 8', () => {
	it("turns the latest member mark of each country into the country's answer and keeps every mark", () => {
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cd-mig8-'));
		dirs.push(dir);
		const db = new BetterSqlite3(path.join(dir, 'portal.db'));
		db.pragma('foreign_keys = ON');
		runMigrations(db, migrations.slice(0, 7));
		const addUser = db.prepare(
			"INSERT INTO user (email, name, password_hash, country, created_at, updated_at) VALUES (?, ?, 'x', ?, 0, 0)",
		);
		const anna = Number(addUser.run('anna@example.com', 'Anna', 'IT').lastInsertRowid);
		const bruno = Number(addUser.run('bruno@example.com', 'Bruno', 'IT').lastInsertRowid);
		const rui = Number(addUser.run('rui@example.com', 'Rui', 'PT').lastInsertRowid);
		const mark = db.prepare(
			'INSERT INTO adoption (user_id, case_study, country, status, change, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
		);
		mark.run(anna, 'alpha', 'IT', 'trying', '', 100, 100);
		mark.run(bruno, 'alpha', 'IT', 'adopted', '', 150, 200);
		mark.run(rui, 'alpha', 'PT', 'rejected', 'No dealer network for it', 120, 120);

		expect(runMigrations(db)).toBe(migrations.length);

		const answers = db
			.prepare(
				'SELECT case_study, country, status, reason, answered_by, origin FROM country_answer ORDER BY country',
			)
			.all();
		expect(answers).toEqual([
			{
				case_study: 'alpha',
				country: 'IT',
				status: 'adopted',
				reason: '',
				answered_by: bruno,
				origin: 'migrated',
			},
			{
				case_study: 'alpha',
				country: 'PT',
				status: 'rejected',
				reason: 'No dealer network for it',
				answered_by: rui,
				origin: 'migrated',
			},
		]);
		expect(db.prepare('SELECT count(*) FROM adoption').pluck().get()).toBe(3);
		db.close();
	});
});
