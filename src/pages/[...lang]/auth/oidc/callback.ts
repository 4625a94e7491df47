import type { APIRoute } from 'astro';
import { localizePath } from '../../../../lib/i18n';
import { setSessionTokenCookie } from '../../../../lib/server/cookies';
import { completeSsoSignIn, OIDC_STATE_COOKIE } from '../../../../lib/server/sso/commands';

export const prerender = false;

// The provider's redirect back (registered as PORTAL_URL + /auth/oidc/callback).
export const GET: APIRoute = async ({ locals, url, cookies, request, redirect }) => {
	const result = await completeSsoSignIn(locals.command, {
		callbackUrl: url,
		cookieState: cookies.get(OIDC_STATE_COOKIE)?.value ?? null,
		userAgent: request.headers.get('user-agent'),
	});
	cookies.delete(OIDC_STATE_COOKIE, { path: '/auth/oidc/' });
	if (result.ok) {
		setSessionTokenCookie(cookies, result.token, result.session.expiresAt, locals.secure);
		return redirect(result.next, 303);
	}
	return redirect(`${localizePath('/auth/oidc/refused/', result.lang)}?reason=${result.kind}`, 303);
};
