import fs from 'node:fs';
import path from 'node:path';
import type { Database } from 'better-sqlite3';
import { prepare } from './db';
import { getClientDir } from '../config';

/** A person of the content as the server sees it (from the build's data/people.json). */
export interface PersonRecord {
	id: string;
	name: string;
	email: string;
	title: string;
	country: string;
	languages: string[];
}

let cached: PersonRecord[] | undefined;

/** The people of the built site; empty when there is no build (dev server without one). */
export function getPeopleRecords(clientDir = getClientDir()): PersonRecord[] {
	if (cached) return cached;
	if (!clientDir) return [];
	cached = readPeopleRecords(clientDir);
	return cached;
}

/** The people of the build in `clientDir`, read now (a new release may list others); [] if none. */
export function readPeopleRecords(clientDir: string): PersonRecord[] {
	try {
		return JSON.parse(
			fs.readFileSync(path.join(clientDir, 'data', 'people.json'), 'utf8'),
		) as PersonRecord[];
	} catch {
		return [];
	}
}

/** A person by content id, or null. */
export function getPersonRecord(id: string): PersonRecord | null {
	return getPeopleRecords().find((p) => p.id === id) ?? null;
}

/**
 * Links every account whose email is a person's to that person (and unlinks stale links), so the
 * Contact button of a case study reaches the member. Runs at start, in one transaction.
 */
export function linkMembersToPeople(db: Database, people: readonly PersonRecord[]): number {
	const byEmail = new Map(people.map((p) => [p.email.toLowerCase(), p.id]));
	const users = prepare(db, 'SELECT user.id, user.email, user.person_id FROM user').all() as {
		id: number;
		email: string;
		person_id: string | null;
	}[];
	const update = prepare(db, 'UPDATE user SET person_id = ? WHERE user.id = ?');
	let changed = 0;
	db.transaction(() => {
		for (const u of users) {
			const personId = byEmail.get(u.email.toLowerCase()) ?? null;
			if (personId !== u.person_id) {
				update.run(personId, u.id);
				changed++;
			}
		}
	})();
	return changed;
}

/**
 * The phone numbers members chose to show ("Show my phone number to other members"), for the people
 * of the content among `personIds`: active members linked to a person, with a phone, only.
 * @example listShownPhones(db, ['anna-verdi']) // { 'anna-verdi': '+39 02 1234 5678' }
 */
export function listShownPhones(
	db: Database,
	personIds: readonly string[],
): Record<string, string> {
	const ids = [...new Set(personIds)].filter((id) => /^[a-z0-9-]{1,100}$/.test(id)).slice(0, 20);
	if (ids.length === 0) return {};
	const rows = prepare(
		db,
		`SELECT user.person_id, user.phone FROM user
			WHERE user.person_id IN (${ids.map(() => '?').join(', ')})
				AND user.active = 1 AND user.show_phone = 1 AND user.phone IS NOT NULL AND user.phone != ''`,
	).all(...ids) as { person_id: string; phone: string }[];
	return Object.fromEntries(rows.map((r) => [r.person_id, r.phone]));
}
