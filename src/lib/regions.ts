// Countries grouped by region (UN M49 sub-regions, with their continent), so a diffusion view of a
// hundred countries reads region by region and a member can narrow it to their own region. A small
// hand-kept map: M49 changes rarely, and tests check that every code of the taxonomy has a region.
import { COUNTRY_CODES } from './taxonomy';

/** Regions in reading order: continent by continent, then sub-region. */
export const REGIONS = [
	'northern-europe',
	'western-europe',
	'southern-europe',
	'eastern-europe',
	'northern-africa',
	'western-africa',
	'middle-africa',
	'eastern-africa',
	'southern-africa',
	'northern-america',
	'central-america',
	'caribbean',
	'south-america',
	'western-asia',
	'central-asia',
	'southern-asia',
	'eastern-asia',
	'south-eastern-asia',
	'australia-new-zealand',
	'melanesia',
	'micronesia',
	'polynesia',
	'antarctica',
] as const;
export type Region = (typeof REGIONS)[number];

// Codes per region, as in the UN M49 standard (Antarctica and a few territories M49 leaves out
// are placed where a reader would look for them).
const MEMBERS: Readonly<Record<Region, string>> = {
	'northern-europe': 'AX DK EE FI FO GB GG IE IM IS JE LT LV NO SE SJ',
	'western-europe': 'AT BE CH DE FR LI LU MC NL',
	'southern-europe': 'AD AL BA ES GI GR HR IT ME MK MT PT RS SI SM VA',
	'eastern-europe': 'BG BY CZ HU MD PL RO RU SK UA',
	'northern-africa': 'DZ EG EH LY MA SD TN',
	'western-africa': 'BF BJ CI CV GH GM GN GW LR ML MR NE NG SH SL SN TG',
	'middle-africa': 'AO CD CF CG CM GA GQ ST TD',
	'eastern-africa': 'BI DJ ER ET IO KE KM MG MU MW MZ RE RW SC SO SS TF TZ UG YT ZM ZW',
	'southern-africa': 'BW LS NA SZ ZA',
	'northern-america': 'BM CA GL PM US',
	'central-america': 'BZ CR GT HN MX NI PA SV',
	caribbean: 'AG AI AW BB BL BQ BS CU CW DM DO GD GP HT JM KN KY LC MF MQ MS PR SX TC TT VC VG VI',
	'south-america': 'AR BO BR BV CL CO EC FK GF GS GY PE PY SR UY VE',
	'western-asia': 'AE AM AZ BH CY GE IL IQ JO KW LB OM PS QA SA SY TR YE',
	'central-asia': 'KG KZ TJ TM UZ',
	'southern-asia': 'AF BD BT IN IR LK MV NP PK',
	'eastern-asia': 'CN HK JP KP KR MN MO TW',
	'south-eastern-asia': 'BN ID KH LA MM MY PH SG TH TL VN',
	'australia-new-zealand': 'AU CC CX HM NF NZ',
	melanesia: 'FJ NC PG SB VU',
	micronesia: 'FM GU KI MH MP NR PW UM',
	polynesia: 'AS CK NU PF PN TK TO TV WF WS',
	antarctica: 'AQ',
};

const regionOf = new Map<string, Region>();
for (const region of REGIONS)
	for (const code of MEMBERS[region].split(' ')) regionOf.set(code, region);

/**
 * The region of an ISO 3166-1 alpha-2 code; `null` for a code outside the taxonomy.
 * @example getRegion('PT') // 'southern-europe'
 */
export function getRegion(code: string | null | undefined): Region | null {
	return (code && regionOf.get(code)) || null;
}

/** True for a region id (a query parameter, say). */
export function isRegion(value: unknown): value is Region {
	return typeof value === 'string' && (REGIONS as readonly string[]).includes(value);
}

/** Codes of the taxonomy without a region: [] (a test keeps it so). */
export function listCountriesWithoutRegion(): string[] {
	return COUNTRY_CODES.filter((code) => !regionOf.has(code));
}

/**
 * Countries grouped by region, regions in `REGIONS` order, countries inside sorted by `sortKey`
 * (their name in the reader's language, say); regions without a country are left out.
 * @example groupCountriesByRegion(['PT', 'DE', 'IT'], (c) => c) // [{ region: 'western-europe', countries: ['DE'] }, { region: 'southern-europe', countries: ['IT', 'PT'] }]
 */
export function groupCountriesByRegion(
	codes: readonly string[],
	sortKey: (code: string) => string = (code) => code,
	locale?: string,
): { region: Region; countries: string[] }[] {
	const groups = new Map<Region, string[]>();
	for (const code of codes) {
		const region = getRegion(code) ?? 'antarctica';
		let list = groups.get(region);
		if (!list) groups.set(region, (list = []));
		list.push(code);
	}
	return REGIONS.filter((r) => groups.has(r)).map((region) => ({
		region,
		countries: groups
			.get(region)!
			.map((code) => ({ code, key: sortKey(code) }))
			.sort((a, b) => a.key.localeCompare(b.key, locale))
			.map((c) => c.code),
	}));
}
