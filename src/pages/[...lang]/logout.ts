import type { APIRoute } from 'astro';
import { getDatabase } from '../../lib/server/db';
import { invalidateSession, invalidateUserSessions } from '../../lib/server/session';
import { deleteSessionTokenCookie } from '../../lib/server/cookies';
import { recordAudit } from '../../lib/server/audit';
import { localizePath } from '../../lib/i18n';
import { langFromParam } from '../../lib/routes';

export const prerender = false;

// POST only: a link or an image must not be able to sign a member out.
export const POST: APIRoute = async ({ locals, cookies, request, redirect, params }) => {
	const lang = langFromParam(params.lang) ?? 'en';
	const db = getDatabase();
	const form = await request.formData();
	const everywhere = form.get('scope') === 'everywhere';
	if (locals.session && locals.user) {
		if (everywhere) invalidateUserSessions(db, locals.user.id);
		else invalidateSession(db, locals.session.id);
		recordAudit(db, {
			actorId: locals.user.id,
			action: 'sign-out',
			target: locals.user.email,
			ip: locals.clientIp,
			detail: String(form.get('scope') ?? 'this device'),
		});
	}
	deleteSessionTokenCookie(cookies, locals.secure);
	return redirect(localizePath('/login/', lang) + (everywhere ? '?notice=everywhere' : ''), 303);
};
