import type { Database } from 'better-sqlite3';
import { prepare } from '../db';
import { hashPassword } from '../password';
import type { PersonRecord } from '../people';
import type { Role } from '../user';

/** The password of every demo account (listed in the README). Demo only: never on a real portal. */
export const DEMO_PASSWORD = 'kestrel-rally-lisbon-2026';

/** Demo roles by person id; everyone else is a member. */
export const DEMO_ROLES: Readonly<Record<string, Role>> = {
	'hannah-price': 'admin',
	'elodie-garnier': 'editor',
	'javier-ortega': 'editor',
	'marco-ferretti': 'editor',
};

/** Demo HQ editors: they review case studies of every country. */
export const DEMO_HQ: readonly string[] = ['elodie-garnier'];

/**
 * Creates an account for every person of the content, only when the database has no account yet,
 * in one transaction. Returns how many accounts it created.
 */
export async function seedDemoAccounts(
	db: Database,
	people: readonly PersonRecord[],
	roles: Readonly<Record<string, Role>> = DEMO_ROLES,
	nowSeconds = Math.floor(Date.now() / 1000),
): Promise<number> {
	const count = (prepare(db, 'SELECT COUNT(*) AS n FROM user').get() as { n: number }).n;
	if (count > 0 || people.length === 0) return 0;
	// One hash for the shared demo password: the demo needs no per-account salt.
	const passwordHash = await hashPassword(DEMO_PASSWORD);
	const insert = prepare(
		db,
		`INSERT INTO user (email, name, title, country, languages, phone, show_phone, bio, photo, role, password_hash, person_id, active, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, NULL, 0, NULL, NULL, ?, ?, ?, 1, ?, ?)`,
	);
	db.transaction(() => {
		for (const p of people) {
			insert.run(
				p.email,
				p.name,
				p.title,
				p.country,
				JSON.stringify(p.languages),
				roles[p.id] ?? 'member',
				passwordHash,
				p.id,
				nowSeconds,
				nowSeconds,
			);
		}
		const hq = prepare(db, 'UPDATE user SET hq = 1 WHERE person_id = ?');
		for (const id of DEMO_HQ) hq.run(id);
	})();
	return people.length;
}
