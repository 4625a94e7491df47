// Request state for pages rendered on demand. The Node server (server/app.ts) has already checked
// the session and the access rules before any file or page; under `astro dev` there is no such
// server, so this middleware does the same from the cookie.
import { defineMiddleware, sequence } from 'astro:middleware';
import { getDatabase } from './lib/server/db';
import { readSessionToken, validateSessionToken } from './lib/server/session';
import { requiredAccess } from './lib/access';
import { readServerConfig } from './lib/config';
import { getLangFromPath, useTranslations } from './lib/i18n';
import { langFromParam } from './lib/routes';
import { notFoundResponse } from './lib/server/not-found';
import { createCommandContext } from './lib/server/context';
import { withReaderLang } from './lib/server/member-name';

const authenticate = defineMiddleware((context, next) => {
	if (context.isPrerendered) return next();
	if (context.locals.user !== undefined) return next();
	const { locals } = context;
	locals.clientIp = context.clientAddress;
	locals.secure = context.url.protocol === 'https:';
	locals.user = null;
	locals.session = null;
	const token = readSessionToken(context.request.headers.get('cookie'));
	if (token) {
		const { session, user } = validateSessionToken(getDatabase(), token);
		locals.user = user;
		locals.session = session;
	}
	return next();
});

const guard = defineMiddleware((context, next) => {
	if (context.isPrerendered) return next();
	const access = requiredAccess(context.url.pathname, 'public');
	if (access === 'member' && !context.locals.user) {
		const prefix = context.url.pathname.startsWith('/fr/') ? '/fr' : '';
		return context.redirect(
			`${prefix}/login/?${new URLSearchParams({ next: context.url.pathname + context.url.search })}`,
			303,
		);
	}
	if (access === 'admin' && context.locals.user?.role !== 'admin')
		return new Response('Not found', { status: 404 });
	return next();
});

// The request context every page rendered on request reads instead of repeating it: the language
// and its translator from the URL, the configuration. A `[...lang]` segment that is no language is
// answered here with the 404 page, so pages never check it.
const context = defineMiddleware((context, next) => {
	if (context.isPrerendered) return next();
	const { locals, params } = context;
	locals.config ??= devConfig();
	if ('lang' in params) {
		const lang = langFromParam(params.lang);
		if (lang === null) return notFoundResponse(getLangFromPath(context.url.pathname));
		locals.lang = lang;
	} else {
		locals.lang = getLangFromPath(context.url.pathname);
	}
	locals.t = useTranslations(locals.lang);
	locals.command = createCommandContext(locals, locals.lang);
	// Erased members' names come out of the database in the reader's language (server/app.ts does
	// it for the whole response; this covers `astro dev`, which has no such server).
	return withReaderLang(locals.lang, () => next());
});

let devConfigCache: ReturnType<typeof readServerConfig> | undefined;
/** Under `astro dev` no server sets the configuration: read it once from the environment. */
function devConfig() {
	devConfigCache ??= readServerConfig(process.env);
	return devConfigCache;
}

export const onRequest = sequence(authenticate, guard, context);
