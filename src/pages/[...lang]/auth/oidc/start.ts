import type { APIRoute } from 'astro';
import { safeNextPath } from '../../../../lib/access';
import { localizePath } from '../../../../lib/i18n';
import { notFoundResponse } from '../../../../lib/server/not-found';
import {
	OIDC_LOGIN_TTL_SECONDS,
	OIDC_STATE_COOKIE,
	startSsoSignIn,
} from '../../../../lib/server/sso/commands';

export const prerender = false;

// GET, like the link on the sign-in page: it only sends the browser to the provider.
export const GET: APIRoute = async ({ locals, url, cookies, redirect }) => {
	const next = safeNextPath(url.searchParams.get('next'), localizePath('/', locals.lang));
	const result = await startSsoSignIn(locals.command, { next });
	if (result.ok) {
		// Binds the sign-in to this browser: the callback must bring back the state it holds.
		cookies.set(OIDC_STATE_COOKIE, result.state, {
			httpOnly: true,
			sameSite: 'lax',
			secure: locals.secure,
			path: '/auth/oidc/',
			maxAge: OIDC_LOGIN_TTL_SECONDS,
		});
		return redirect(result.url, 303);
	}
	if (result.kind === 'not-configured') return notFoundResponse(locals.lang);
	if (result.kind === 'rate-limited')
		return new Response(locals.t('members.rateLimited'), {
			status: 429,
			headers: {
				'Retry-After': String(result.retryAfterSeconds),
				'Content-Type': 'text/plain; charset=utf-8',
			},
		});
	return redirect(`${localizePath('/auth/oidc/refused/', locals.lang)}?reason=unavailable`, 303);
};
