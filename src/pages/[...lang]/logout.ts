import type { APIRoute } from 'astro';
import { signOut } from '../../lib/server/auth/commands';
import { deleteSessionTokenCookie } from '../../lib/server/cookies';
import { localizePath } from '../../lib/i18n';
import { getProviderLogoutUrl } from '../../lib/server/sso/commands';

export const prerender = false;

// POST only: a link or an image must not be able to sign a member out.
export const POST: APIRoute = async ({ locals, cookies, request, redirect }) => {
	const everywhere = (await request.formData()).get('scope') === 'everywhere';
	// Read before the session row (which holds the ID token used as hint) is deleted.
	const { providerLogoutUrl } = await getProviderLogoutUrl(locals.command, {
		session: locals.session,
		afterLogout: '/login/',
	});
	signOut(locals.command, { session: locals.session, everywhere });
	deleteSessionTokenCookie(cookies, locals.secure);
	if (providerLogoutUrl) return redirect(providerLogoutUrl, 303);
	return redirect(
		localizePath('/login/', locals.lang) + (everywhere ? '?notice=everywhere' : ''),
		303,
	);
};
