import type { APIRoute } from 'astro';
import { getDatabase } from '../../lib/server/db';
import { countUnreadThreads } from '../../lib/server/messages';
import { getLangFromPath, tPlural, useTranslations } from '../../lib/i18n';

export const prerender = false;

// For the header of prerendered pages: who is signed in and how many conversations are unread.
export const GET: APIRoute = ({ locals, request }) => {
	if (!locals.user)
		return new Response(JSON.stringify({ error: 'not signed in' }), {
			status: 401,
			headers: { 'Content-Type': 'application/json' },
		});
	const unread = countUnreadThreads(getDatabase(), locals.user.id);
	const referer = request.headers.get('referer');
	const lang = getLangFromPath(referer ? new URL(referer).pathname : '/');
	const body = {
		name: locals.user.name,
		role: locals.user.role,
		unread,
		unreadLabel: tPlural(useTranslations(lang), lang, 'members.unread', unread),
	};
	return new Response(JSON.stringify(body), {
		headers: { 'Content-Type': 'application/json', 'Cache-Control': 'private, no-store' },
	});
};
