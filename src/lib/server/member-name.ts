// How an erased member is called. The account row keeps a stable English name (what feeds, exports,
// mail and the members' search index show, since they are read outside any one reader's language),
// and `user.erased_at` says it was erased; queries that show a name select it through the SQL
// function `member_name(user.name, user.erased_at)`, which answers in the language of the request
// being rendered ("Former member" / "Ancien membre").
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Database } from 'better-sqlite3';
import { useTranslations } from '../i18n';
import { DEFAULT_LANG, type Lang } from '../taxonomy';

/** The name an erased account keeps in the database: the form read outside a request. */
export const ERASED_NAME = 'Former member';

// One store per process, shared through globalThis: the Node server (server/app.ts) and the Astro
// bundle it loads each have their own copy of this module, and the server is where a request's
// whole rendering, streamed body included, runs inside one async context.
const storeKey = Symbol.for('coaching-dealer.reader-lang');
const readerLang = ((globalThis as Record<symbol, unknown>)[storeKey] ??=
	new AsyncLocalStorage<Lang>()) as AsyncLocalStorage<Lang>;

/**
 * Runs `render` with `lang` as the reader's language for the names the database gives (the server
 * wraps each page in it; async continuations of `render` keep it).
 * @example return withReaderLang('fr', () => next())
 */
export function withReaderLang<T>(lang: Lang, render: () => T): T {
	return readerLang.run(lang, render);
}

/**
 * Runs `work` outside any reader's language (the stored English form), for work a request only
 * schedules: a timer set while rendering a French page would otherwise inherit French.
 * @example setTimeout(() => outsideReaderLang(() => rebuild()), 1000)
 */
export function outsideReaderLang<T>(work: () => T): T {
	return readerLang.exit(work);
}

/**
 * A member's name as a reader sees it: theirs, or "former member" in the reader's language.
 * @example displayMemberName('Ana', 1767225600, 'fr') // 'Ancien membre'
 */
export function displayMemberName(
	name: string,
	erasedAt: number | null,
	lang: Lang = readerLang.getStore() ?? DEFAULT_LANG,
): string {
	return erasedAt === null ? name : useTranslations(lang)('privacy.formerMemberName');
}

/** Declares `member_name(name, erased_at)` on a connection (a pure function of the request's language). */
export function registerMemberNameFunction(db: Database): void {
	db.function('member_name', { deterministic: false }, (name: unknown, erasedAt: unknown) =>
		name === null
			? null
			: displayMemberName(String(name), erasedAt === null ? null : Number(erasedAt)),
	);
}

/** The language of the request being rendered, or null outside one (for the PostgreSQL store). */
export function getReaderLang(): Lang | null {
	return readerLang.getStore() ?? null;
}

/**
 * `member_name(name, erased_at)` for PostgreSQL, which cannot call back into Node: the names in every
 * language are written into the function, and the store sets `portal.reader_lang` on its connection
 * to the request's language before a statement runs (store/postgres.ts).
 */
export function createMemberNameFunctionSql(langs: readonly Lang[]): string {
	const quote = (text: string) => `'${text.replace(/'/g, "''")}'`;
	const cases = langs
		.map(
			(lang) =>
				`WHEN ${quote(lang)} THEN ${quote(useTranslations(lang)('privacy.formerMemberName'))}`,
		)
		.join(' ');
	return `CREATE OR REPLACE FUNCTION member_name(name text, erased_at bigint) RETURNS text
	LANGUAGE sql STABLE AS $$
	SELECT CASE WHEN name IS NULL OR erased_at IS NULL THEN name
		ELSE CASE coalesce(current_setting('portal.reader_lang', true), '') ${cases} ELSE name END
	END
$$;`;
}
