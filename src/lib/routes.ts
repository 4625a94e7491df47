// Every public page exists in each UI language: English at the root, French under /fr/.
// Pages live under src/pages/[...lang]/ and take `lang` as undefined (English) or 'fr'.
import { DEFAULT_LANG, LANGS, type Lang } from './taxonomy';

/** The `lang` route params of every UI language, for getStaticPaths. */
export function langParams(): { lang: string | undefined }[] {
	return LANGS.map((l) => ({ lang: l === DEFAULT_LANG ? undefined : l }));
}

/** The UI language of a `[...lang]` param, or null when the param is not a language (→ 404). */
export function langFromParam(param: string | undefined): Lang | null {
	if (param === undefined || param === '') return DEFAULT_LANG;
	return (LANGS as readonly string[]).includes(param) && param !== DEFAULT_LANG
		? (param as Lang)
		: null;
}

/** Lower-case URL segment for a country code (IT → it). */
export function countrySegment(code: string): string {
	return code.toLowerCase();
}
