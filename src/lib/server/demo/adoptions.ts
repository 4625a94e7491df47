// Demo "we applied this" marks, so the diffusion matrix and the case-study islands have something to
// show on the demo portal. Only the demo content's practices get marks, and only those the built
// site has: a fixture site (other slugs) stays empty, which its tests rely on.
import fs from 'node:fs';
import path from 'node:path';
import type { Database } from 'better-sqlite3';
import { prepare } from '../db';
import { getNowSeconds, SECONDS_PER_DAY } from '../time';
import type { AdoptionKpi, AdoptionStatus } from '../../adoption';
import { getClientDir } from '../../config';

/** The demo case studies (content/case-studies/*) with their country: marks come from elsewhere. */
export const DEMO_PRACTICES: Readonly<Record<string, string>> = {
	'concession-zero-papier': 'BE',
	'connected-car-service-reminders': 'DE',
	'crm-right-employee-right-moment': 'BE',
	'dealer-coaching-academy': 'DE',
	'kestrel-launch-italy': 'IT',
	'micro-influenceurs-partenariats-longs': 'FR',
	'online-owners-club-netherlands': 'NL',
	'open-showroom-wifi': 'PL',
	'product-geniuses-showroom-tablets': 'GB',
	'rallyes-proprietaires-morbihan': 'FR',
	'small-business-fleet-desk': 'ES',
	'social-media-instead-of-ad-campaigns': 'PT',
	'taux-de-recommandation-pilotage': 'FR',
	'used-car-trade-in-valuation': 'PT',
	'video-at-every-touchpoint': 'ES',
	'volta-ev-financing': 'PL',
};

interface PlannedMark {
	slug: string;
	status: AdoptionStatus;
	period: string;
	change?: string;
	note?: string;
	kpi?: AdoptionKpi;
}

// Written as members would: short, concrete, some with a measured result.
const PLAN: readonly PlannedMark[] = [
	{
		slug: 'open-showroom-wifi',
		status: 'adopted',
		period: 'Since March 2025',
		note: 'Installed in all 14 showrooms; the tablets demo finally works everywhere.',
		kpi: {
			label: 'Configurator sessions in showroom per month',
			unit: 'count',
			before: 310,
			after: 540,
		},
	},
	{
		slug: 'open-showroom-wifi',
		status: 'adopted',
		period: '2025',
		note: 'IT security signed off after we copied the guest network design.',
	},
	{
		slug: 'open-showroom-wifi',
		status: 'adapted',
		period: 'Q2 2025',
		change: 'Guest Wi-Fi only in the delivery area, not the whole showroom.',
	},
	{
		slug: 'open-showroom-wifi',
		status: 'trying',
		period: 'Pilot in 3 dealerships since January 2026',
	},
	{
		slug: 'video-at-every-touchpoint',
		status: 'adopted',
		period: 'Since September 2024',
		kpi: { label: 'Workshop quotes accepted', unit: '%', before: 61, after: 72 },
	},
	{
		slug: 'video-at-every-touchpoint',
		status: 'adapted',
		period: '2025',
		change: 'Videos only for workshop quotes, filmed by the service advisor.',
		note: 'Sales staff did not want to film themselves.',
	},
	{
		slug: 'video-at-every-touchpoint',
		status: 'rejected',
		period: 'Tried in autumn 2024',
		change:
			'Our dealer management system cannot attach videos to quotes; the workaround took too long.',
	},
	{
		slug: 'video-at-every-touchpoint',
		status: 'on-hold',
		period: 'Waiting for the 2026 budget',
		note: 'Ready to start once phones are renewed.',
	},
	{
		slug: 'social-media-instead-of-ad-campaigns',
		status: 'adopted',
		period: 'Since spring 2025',
		kpi: { label: 'Cost per lead', unit: 'EUR', before: 48, after: 29 },
	},
	{
		slug: 'social-media-instead-of-ad-campaigns',
		status: 'adapted',
		period: '2025',
		change: 'We kept one national campaign for launches and moved the rest to dealer pages.',
	},
	{
		slug: 'social-media-instead-of-ad-campaigns',
		status: 'rejected',
		period: '2024',
		change: 'Dealers had nobody to post regularly; the pages went quiet within weeks.',
	},
	{
		slug: 'social-media-instead-of-ad-campaigns',
		status: 'trying',
		period: 'Since February 2026',
		note: 'Six dealers volunteered.',
	},
	{
		slug: 'dealer-coaching-academy',
		status: 'adopted',
		period: '2024–2025',
		kpi: {
			label: 'Coaching sessions per salesperson per quarter',
			unit: 'count',
			before: 0.5,
			after: 3,
		},
	},
	{
		slug: 'dealer-coaching-academy',
		status: 'adapted',
		period: 'Since October 2024',
		change: 'Remote sessions by video instead of travelling coaches: our network is spread out.',
	},
	{ slug: 'dealer-coaching-academy', status: 'trying', period: 'Q1 2026' },
	{
		slug: 'used-car-trade-in-valuation',
		status: 'adopted',
		period: 'Since June 2025',
		kpi: { label: 'Days to sell a used car', unit: 'days', before: 64, after: 41 },
	},
	{
		slug: 'used-car-trade-in-valuation',
		status: 'rejected',
		period: '2025',
		change:
			'Our used-car prices are negotiated by a central team; dealers could not commit on the spot.',
	},
	{
		slug: 'used-car-trade-in-valuation',
		status: 'on-hold',
		period: 'After the new stock system, late 2026',
	},
	{
		slug: 'crm-right-employee-right-moment',
		status: 'adapted',
		period: '2025',
		change: 'Leads are routed by model family, not by postcode.',
		kpi: { label: 'Leads contacted within 24 h', unit: '%', before: 54, after: 83 },
	},
	{ slug: 'crm-right-employee-right-moment', status: 'trying', period: 'Since November 2025' },
	{
		slug: 'online-owners-club-netherlands',
		status: 'adopted',
		period: 'Since 2024',
		note: 'The club now runs two rallies a year.',
	},
	{
		slug: 'online-owners-club-netherlands',
		status: 'on-hold',
		period: 'Paused in 2025',
		note: 'The moderator left; we are looking for a new one.',
	},
	{
		slug: 'rallyes-proprietaires-morbihan',
		status: 'adapted',
		period: 'Summer 2025',
		change: 'A half-day route ending at the dealership, with lunch there.',
	},
	{ slug: 'rallyes-proprietaires-morbihan', status: 'adopted', period: '2025' },
	{
		slug: 'kestrel-launch-italy',
		status: 'adapted',
		period: 'Kestrel launch, 2025',
		change: 'Fewer events, more test drives at the events.',
		kpi: { label: 'Test drives in launch month', unit: 'count', before: 420, after: 690 },
	},
	{
		slug: 'kestrel-launch-italy',
		status: 'rejected',
		period: '2025',
		change: 'Too expensive for a market of our size; we kept the social media part only.',
	},
	{
		slug: 'volta-ev-financing',
		status: 'trying',
		period: 'Since January 2026',
		note: 'With one bank partner for now.',
	},
	{ slug: 'small-business-fleet-desk', status: 'adopted', period: 'Since April 2025' },
	{
		slug: 'taux-de-recommandation-pilotage',
		status: 'adapted',
		period: '2025',
		change: 'Net Promoter Score alongside volumes, reviewed monthly rather than weekly.',
	},
	{
		slug: 'product-geniuses-showroom-tablets',
		status: 'rejected',
		period: '2024',
		change: 'Hiring dedicated staff was not possible; salespeople took the tablets instead.',
	},
];

/**
 * The case studies of a built site: the directories of `client/case-studies/` holding a page.
 * @example listBuiltCaseStudySlugs('/srv/portal/dist/client') // ['open-showroom-wifi', …]
 */
export function listBuiltCaseStudySlugs(clientDir = getClientDir()): string[] {
	if (!clientDir) return [];
	const dir = path.join(clientDir, 'case-studies');
	try {
		return fs
			.readdirSync(dir, { withFileTypes: true })
			.filter((e) => e.isDirectory() && fs.existsSync(path.join(dir, e.name, 'index.html')))
			.map((e) => e.name);
	} catch {
		return [];
	}
}

/**
 * Seeds demo marks when the adoption table is empty, in one transaction: each planned mark goes to
 * an active member with a country other than the practice's, never twice to the same member and
 * practice. Returns how many marks it created.
 * @example seedDemoAdoptions(db) // 30
 */
export function seedDemoAdoptions(
	db: Database,
	availableSlugs: readonly string[] = listBuiltCaseStudySlugs(),
	nowSeconds = getNowSeconds(),
): number {
	const count = (prepare(db, 'SELECT COUNT(*) AS n FROM adoption').get() as { n: number }).n;
	if (count > 0) return 0;
	const available = new Set(availableSlugs);
	const users = prepare(
		db,
		'SELECT user.id, user.country FROM user WHERE user.active = 1 AND user.country IS NOT NULL ORDER BY user.id',
	).all() as { id: number; country: string }[];
	if (users.length === 0) return 0;
	const insert = prepare(
		db,
		`INSERT INTO adoption (user_id, case_study, country, status, period, change, note, kpi, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
	);
	const taken = new Set<string>();
	const usedCountries = new Map<string, Set<string>>();
	let created = 0;
	let cursor = 0;
	db.transaction(() => {
		PLAN.forEach((mark, index) => {
			const home = DEMO_PRACTICES[mark.slug];
			if (!home || !available.has(mark.slug)) return;
			const countries = usedCountries.get(mark.slug) ?? new Set<string>();
			usedCountries.set(mark.slug, countries);
			// Spread the marks over members and countries: the next member, round robin, from a
			// country that has not answered this practice yet (any other country when all have).
			let pick: { id: number; country: string } | undefined;
			for (const preferNewCountry of [true, false]) {
				for (let step = 0; step < users.length && !pick; step++) {
					const user = users[(cursor + step) % users.length];
					if (user.country === home || taken.has(`${user.id}:${mark.slug}`)) continue;
					if (preferNewCountry && countries.has(user.country)) continue;
					pick = user;
					cursor = (cursor + step + 1) % users.length;
				}
				if (pick) break;
			}
			if (!pick) return;
			taken.add(`${pick.id}:${mark.slug}`);
			countries.add(pick.country);
			// Spread over the last months so "updated" dates look like a real history.
			const at = nowSeconds - (PLAN.length - index) * 5 * SECONDS_PER_DAY;
			insert.run(
				pick.id,
				mark.slug,
				pick.country,
				mark.status,
				mark.period,
				mark.change ?? '',
				mark.note ?? '',
				mark.kpi ? JSON.stringify(mark.kpi) : null,
				at,
				at,
			);
			created++;
		});
	})();
	return created;
}
