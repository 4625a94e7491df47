// The one i18n module: every UI string of the site, the members' layer and the MDX components goes
// through `useTranslations`. Dictionaries are flat JSON with dotted English keys, one file per area,
// and French must define every English key: a missing key fails at import, not on a page.
import enSite from '../i18n/en/site.json';
import frSite from '../i18n/fr/site.json';
import enComponents from '../i18n/en/components.json';
import frComponents from '../i18n/fr/components.json';
import enMembers from '../i18n/en/members.json';
import frMembers from '../i18n/fr/members.json';
import enMessages from '../i18n/en/messages.json';
import frMessages from '../i18n/fr/messages.json';
import enAdmin from '../i18n/en/admin.json';
import frAdmin from '../i18n/fr/admin.json';
import enPostMortems from '../i18n/en/postmortems.json';
import frPostMortems from '../i18n/fr/postmortems.json';
import enAdoption from '../i18n/en/adoption.json';
import frAdoption from '../i18n/fr/adoption.json';
import enRelay from '../i18n/en/relay.json';
import frRelay from '../i18n/fr/relay.json';
import enSubmissions from '../i18n/en/submissions.json';
import frSubmissions from '../i18n/fr/submissions.json';
import enAnswers from '../i18n/en/answers.json';
import frAnswers from '../i18n/fr/answers.json';
import enNotifications from '../i18n/en/notifications.json';
import frNotifications from '../i18n/fr/notifications.json';
import enTrust from '../i18n/en/trust.json';
import frTrust from '../i18n/fr/trust.json';
import enImpact from '../i18n/en/impact.json';
import frImpact from '../i18n/fr/impact.json';
import enRequests from '../i18n/en/requests.json';
import frRequests from '../i18n/fr/requests.json';
import enPrivacy from '../i18n/en/privacy.json';
import frPrivacy from '../i18n/fr/privacy.json';
import enSso from '../i18n/en/sso.json';
import frSso from '../i18n/fr/sso.json';
import enRendering from '../i18n/en/rendering.json';
import frRendering from '../i18n/fr/rendering.json';
import { COUNTRY_CODES, DEFAULT_LANG, LANGS, type Lang } from './taxonomy';

const en = {
	...enSite,
	...enComponents,
	...enMembers,
	...enMessages,
	...enAdmin,
	...enPostMortems,
	...enAdoption,
	...enRelay,
	...enSubmissions,
	...enAnswers,
	...enNotifications,
	...enTrust,
	...enImpact,
	...enRequests,
	...enPrivacy,
	...enSso,
	...enRendering,
};
export type UiKey = keyof typeof en;
type Dictionary = Record<UiKey, string>;

/** Dictionaries by language; parsed once when the module loads. */
export const dictionaries: Record<Lang, Dictionary> = {
	en,
	fr: assertComplete('fr', {
		...frSite,
		...frComponents,
		...frMembers,
		...frMessages,
		...frAdmin,
		...frPostMortems,
		...frAdoption,
		...frRelay,
		...frSubmissions,
		...frAnswers,
		...frNotifications,
		...frTrust,
		...frImpact,
		...frRequests,
		...frPrivacy,
		...frSso,
		...frRendering,
	}),
};

function assertComplete(lang: string, dict: Record<string, string>): Dictionary {
	const missing = Object.keys(en).filter((k) => typeof dict[k] !== 'string' || dict[k] === '');
	const extra = Object.keys(dict).filter((k) => !(k in en));
	if (missing.length || extra.length) {
		throw new Error(
			`src/i18n/${lang}: ${missing.length ? `missing keys ${missing.join(', ')}` : ''}${missing.length && extra.length ? '; ' : ''}${extra.length ? `keys unknown in English ${extra.join(', ')}` : ''}`,
		);
	}
	return dict as Dictionary;
}

/** True for a supported UI language code. */
export function isLang(value: unknown): value is Lang {
	return typeof value === 'string' && (LANGS as readonly string[]).includes(value);
}

/**
 * The UI language of a URL: `fr` under `/fr/`, English elsewhere.
 * @example getLangFromPath('/fr/case-studies/') // 'fr'
 */
export function getLangFromPath(pathname: string): Lang {
	const first = pathname.split('/')[1];
	return isLang(first) && first !== DEFAULT_LANG ? first : DEFAULT_LANG;
}

/**
 * The same page in another language: strips the current prefix and adds the target's.
 * @example localizePath('/fr/topics/training/', 'en') // '/topics/training/'
 */
export function localizePath(pathname: string, lang: Lang): string {
	const current = getLangFromPath(pathname);
	const bare = current === DEFAULT_LANG ? pathname : pathname.slice(current.length + 1) || '/';
	const withSlash = bare.startsWith('/') ? bare : `/${bare}`;
	return lang === DEFAULT_LANG ? withSlash : `/${lang}${withSlash}`;
}

export type Translate = (key: UiKey, vars?: Record<string, string | number>) => string;

/**
 * A translator for `lang`. `{name}` placeholders are replaced from `vars`; numbers are formatted for the locale.
 * @example useTranslations('fr')('list.count', { count: 3 })
 */
export function useTranslations(lang: Lang): Translate {
	// Intl objects are costly to build and pages ask for a translator in every component: one per language.
	let cached = translators.get(lang);
	if (!cached) translators.set(lang, (cached = createTranslator(lang)));
	return cached;
}

const translators = new Map<Lang, Translate>();

function createTranslator(lang: Lang): Translate {
	const dict = dictionaries[lang];
	const nf = new Intl.NumberFormat(lang);
	return (key, vars) => {
		const template = dict[key];
		if (template === undefined) throw new Error(`Unknown UI string key \`${key}\``);
		if (!vars) return template;
		return template.replace(/\{(\w+)\}/g, (m, name: string) => {
			const v = vars[name];
			if (v === undefined) return m;
			return typeof v === 'number' ? nf.format(v) : v;
		});
	};
}

/**
 * Picks the plural form: keys `<base>.one` and `<base>.other` (French treats 0 and 1 as singular).
 * @example plural(t, 'lang', 'count.studies', 2) // "2 case studies"
 */
export function tPlural(
	t: Translate,
	lang: Lang,
	base: string,
	count: number,
	vars: Record<string, string | number> = {},
): string {
	const form =
		memo(`plural:${lang}`, () => new Intl.PluralRules(lang)).select(count) === 'one'
			? 'one'
			: 'other';
	return t(`${base}.${form}` as UiKey, { count, ...vars });
}

/** A country's name in the UI language, from Intl (no hand-kept list to go stale). */
export function formatCountry(code: string, lang: Lang): string {
	try {
		return (
			memo(`region:${lang}`, () => new Intl.DisplayNames([lang], { type: 'region' })).of(code) ??
			code
		);
	} catch {
		return code;
	}
}

const intlCache = new Map<string, unknown>();
function memo<T>(key: string, create: () => T): T {
	let value = intlCache.get(key) as T | undefined;
	if (value === undefined) intlCache.set(key, (value = create()));
	return value;
}

/**
 * Every country as `{ code, name }` in the UI language, sorted as that language sorts names; built
 * once per language (249 names and a sort are too costly to redo on every form render).
 */
export function listCountryOptions(lang: Lang): readonly { code: string; name: string }[] {
	return memo(`countries:${lang}`, () => {
		const collator = new Intl.Collator(lang);
		return COUNTRY_CODES.map((code) => ({ code, name: formatCountry(code, lang) })).sort((a, b) =>
			collator.compare(a.name, b.name),
		);
	});
}

/** A language's name in the UI language, e.g. formatLanguage('it', 'fr') → "italien". */
export function formatLanguage(code: string, lang: Lang): string {
	try {
		return (
			memo(`language:${lang}`, () => new Intl.DisplayNames([lang], { type: 'language' })).of(
				code,
			) ?? code
		);
	} catch {
		return code;
	}
}

/** A date as the locale writes it, e.g. "12 March 2025" / "12 mars 2025". Dates are calendar dates: UTC. */
export function formatDate(
	date: Date,
	lang: Lang,
	style: 'long' | 'medium' | 'short' = 'long',
): string {
	return memo(
		`date:${lang}:${style}`,
		() =>
			new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : lang, {
				dateStyle: style,
				timeZone: 'UTC',
			}),
	).format(date);
}

/** A date and time in UTC as the locale writes it, e.g. "12 Mar 2025, 14:05". */
export function formatDateTimeUtc(date: Date, lang: Lang): string {
	return memo(
		`datetime:${lang}`,
		() =>
			new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : lang, {
				dateStyle: 'medium',
				timeStyle: 'short',
				timeZone: 'UTC',
			}),
	).format(date);
}

/** A number as the locale writes it. */
export function formatNumber(value: number, lang: Lang): string {
	return memo(`number:${lang}`, () => new Intl.NumberFormat(lang)).format(value);
}
