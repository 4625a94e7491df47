// Demo requested practices and searches that found nothing, so the requests page, the editors'
// triage and the dashboard's last two charts show something on a new demo database. Written once:
// nothing is added when any request exists.
import type { Database } from 'better-sqlite3';
import { prepare } from '../db';
import { getNowSeconds, SECONDS_PER_DAY } from '../time';

const REQUESTS: {
	by: string;
	title: string;
	detail: string;
	lang: 'en' | 'fr';
	daysAgo: number;
	voters: string[];
	answer?: { slug: string; by: string; note: string; daysAgo: number };
}[] = [
	{
		by: 'ines.carvalho@pt.brand.example',
		title: 'A rural launch for a compact SUV?',
		detail:
			'Our dealers outside Lisbon and Porto cover large areas with few showrooms. Has anyone launched a compact SUV where customers live an hour from the nearest dealer?',
		lang: 'en',
		daysAgo: 12,
		voters: ['giulia.conti@it.brand.example', 'katrin.vogel@de.brand.example'],
	},
	{
		by: 'camille.roux@fr.brand.example',
		title: 'Fidéliser les clients après la fin de la garantie',
		detail:
			'Nos clients quittent le réseau après-vente dès la troisième année. Qui a un programme qui les garde au-delà ?',
		lang: 'fr',
		daysAgo: 20,
		voters: ['ines.carvalho@pt.brand.example'],
	},
	{
		by: 'katrin.vogel@de.brand.example',
		title: 'Selling an electric car to a customer who has never driven one',
		detail: 'What do salespeople do in the first ten minutes of the test drive?',
		lang: 'en',
		daysAgo: 30,
		voters: ['lucia.herrera@es.brand.example'],
		answer: {
			slug: 'volta-ev-financing',
			by: 'elodie.garnier@hq.brand.example',
			note: 'Poland’s monthly offer includes a guided first drive; see its second part.',
			daysAgo: 25,
		},
	},
];

const MISSES: { query: string; lang: 'en' | 'fr'; country: string; daysAgo: number }[] = [
	{ query: 'rural launch', lang: 'en', country: 'PT', daysAgo: 13 },
	{ query: 'rural launch', lang: 'en', country: 'DE', daysAgo: 6 },
	{ query: 'pickup fleet', lang: 'en', country: 'ES', daysAgo: 4 },
	{ query: 'garantie prolongée', lang: 'fr', country: 'FR', daysAgo: 9 },
	{ query: 'b2b leasing', lang: 'en', country: 'NL', daysAgo: 2 },
];

/** Seeds the demo's requests, +1s, one answer, and searches that found nothing; returns how many requests. */
export function seedDemoRequests(
	db: Database,
	availableSlugs: ReadonlySet<string>,
	nowSeconds = getNowSeconds(),
): number {
	if (prepare(db, 'SELECT 1 FROM practice_request LIMIT 1').get()) return 0;
	const idOf = (email: string) =>
		(prepare(db, 'SELECT id FROM user WHERE email = ?').pluck().get(email) as number | undefined) ??
		null;
	let created = 0;
	db.transaction(() => {
		for (const r of REQUESTS) {
			const author = idOf(r.by);
			if (author === null) continue;
			const at = nowSeconds - r.daysAgo * SECONDS_PER_DAY;
			const answer = r.answer && availableSlugs.has(r.answer.slug) ? r.answer : null;
			const answeredAt = answer ? nowSeconds - answer.daysAgo * SECONDS_PER_DAY : null;
			const country = prepare(db, 'SELECT country FROM user WHERE id = ?').pluck().get(author);
			const { id } = prepare(
				db,
				`INSERT INTO practice_request (author_id, title, detail, lang, country, state, answer_case_study,
					answer_note, answered_by, answered_at, created_at, updated_at)
					VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			).get(
				author,
				r.title,
				r.detail,
				r.lang,
				country ?? '',
				answer ? 'answered' : 'open',
				answer?.slug ?? null,
				answer?.note ?? '',
				answer ? idOf(answer.by) : null,
				answeredAt,
				at,
				answeredAt ?? at,
			) as { id: number };
			for (const voter of [r.by, ...r.voters]) {
				const userId = idOf(voter);
				if (userId !== null)
					prepare(
						db,
						'INSERT OR IGNORE INTO practice_request_vote (request_id, user_id, created_at) VALUES (?, ?, ?)',
					).run(id, userId, at);
			}
			created++;
		}
		// Another site's people (a test fixture) get none of it.
		if (created === 0) return;
		for (const m of MISSES)
			prepare(
				db,
				'INSERT INTO search_miss (query, lang, country, created_at) VALUES (?, ?, ?, ?)',
			).run(m.query, m.lang, m.country, nowSeconds - m.daysAgo * SECONDS_PER_DAY);
	})();
	return created;
}
