// Demo focal points and countries' answers, so the adoption loop has something to show: focal points
// for Portugal, Italy, France, Spain and Germany, answers of several kinds (some with a measured
// result), and a few practices owed answers for 40 days, so the overdue lists are not empty. Only
// the demo content's practices, and only those the built site has (a fixture site stays empty).
import type { Database } from 'better-sqlite3';
import { prepare } from '../db';
import { getNowSeconds, SECONDS_PER_DAY } from '../time';
import type { AdoptionKpi, AnswerStatus } from '../../adoption';
import { DEMO_PRACTICES, listBuiltCaseStudySlugs } from './adoptions';

/** Person ids of the demo focal points, by country. */
export const DEMO_FOCAL_POINTS: Readonly<Record<string, string>> = {
	PT: 'ines-carvalho',
	IT: 'giulia-conti',
	FR: 'camille-roux',
	ES: 'lucia-herrera',
	DE: 'katrin-vogel',
};

interface PlannedAnswer {
	slug: string;
	country: string;
	status: AnswerStatus;
	period?: string;
	change?: string;
	reason?: string;
	note?: string;
	kpi?: AdoptionKpi;
}

const PLAN: readonly PlannedAnswer[] = [
	{
		slug: 'open-showroom-wifi',
		country: 'PT',
		status: 'adopted',
		period: 'Since March 2025',
		note: 'All 14 showrooms; the tablet demos finally work everywhere.',
		kpi: {
			label: 'Configurator sessions in showroom per month',
			unit: 'count',
			before: 310,
			after: 540,
		},
	},
	{
		slug: 'open-showroom-wifi',
		country: 'IT',
		status: 'adapted',
		period: 'Q2 2025',
		change: 'Guest Wi-Fi only in the delivery area, not the whole showroom.',
		kpi: { label: 'Delivery satisfaction', unit: '%', before: 84, after: 89 },
	},
	{
		slug: 'video-at-every-touchpoint',
		country: 'FR',
		status: 'adopted',
		period: 'Since September 2024',
		kpi: { label: 'Workshop quotes accepted', unit: '%', before: 61, after: 72 },
	},
	{
		slug: 'kestrel-launch-italy',
		country: 'ES',
		status: 'rejected',
		period: '2025',
		reason: 'Our launch budget went to fleet customers; street events did not fit the plan.',
	},
	{
		slug: 'kestrel-launch-italy',
		country: 'DE',
		status: 'trying',
		period: 'Pilot in Munich since January 2026',
	},
	{
		slug: 'online-owners-club-netherlands',
		country: 'PT',
		status: 'not-relevant',
		reason: 'Our owners already meet in the brand clubs run by the dealers.',
	},
	{
		slug: 'small-business-fleet-desk',
		country: 'IT',
		status: 'on-hold',
		period: 'Decision after the 2026 budget',
	},
];

/** Practices owed answers for 40 days in the demo (so some answers are overdue). */
const OVERDUE_PRACTICES = [
	'kestrel-launch-italy',
	'social-media-instead-of-ad-campaigns',
	'concession-zero-papier',
];

/**
 * Names the demo focal points, seeds the countries' answers and backdates a few practices, when no
 * focal point exists yet. Call it before the practice register syncs with the build: the sync keeps
 * the backdated `owed_from`. Returns how many answers it seeded.
 */
export function seedDemoAnswers(
	db: Database,
	availableSlugs: readonly string[] = listBuiltCaseStudySlugs(),
	nowSeconds = getNowSeconds(),
): number {
	const existing = (prepare(db, 'SELECT COUNT(*) AS n FROM focal_point').get() as { n: number }).n;
	if (existing > 0) return 0;
	const available = new Set(availableSlugs.filter((s) => s in DEMO_PRACTICES));
	if (available.size === 0) return 0;
	const focal = new Map<string, number>();
	let created = 0;
	db.transaction(() => {
		for (const [country, personId] of Object.entries(DEMO_FOCAL_POINTS)) {
			const user = prepare(
				db,
				'SELECT user.id FROM user WHERE user.person_id = ? AND user.country = ? AND user.active = 1',
			).get(personId, country) as { id: number } | undefined;
			if (!user) continue;
			prepare(
				db,
				'INSERT INTO focal_point (country, user_id, named_by, created_at) VALUES (?, ?, NULL, ?)',
			).run(country, user.id, nowSeconds - 60 * SECONDS_PER_DAY);
			focal.set(country, user.id);
		}
		const insert = prepare(
			db,
			`INSERT INTO country_answer (case_study, country, status, period, change, reason, note, kpi,
					answered_by, origin, created_at, updated_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'focal-point', ?, ?)
				ON CONFLICT (case_study, country) DO NOTHING`,
		);
		PLAN.forEach((a, i) => {
			const by = focal.get(a.country);
			if (!by || !available.has(a.slug) || DEMO_PRACTICES[a.slug] === a.country) return;
			const at = nowSeconds - (PLAN.length - i) * 3 * SECONDS_PER_DAY;
			created += insert.run(
				a.slug,
				a.country,
				a.status,
				a.period ?? '',
				a.change ?? '',
				a.reason ?? '',
				a.note ?? '',
				a.kpi ? JSON.stringify(a.kpi) : null,
				by,
				at,
				at,
			).changes;
		});
		const since = nowSeconds - 40 * SECONDS_PER_DAY;
		for (const slug of OVERDUE_PRACTICES) {
			if (!available.has(slug)) continue;
			prepare(
				db,
				`INSERT INTO practice (slug, country, source, published_at, first_seen_at, owed_from, review_by)
					VALUES (?, ?, 'git', ?, ?, ?, '')
					ON CONFLICT (slug) DO UPDATE SET owed_from = excluded.owed_from`,
			).run(slug, DEMO_PRACTICES[slug], since, since, since);
		}
	})();
	return created;
}
