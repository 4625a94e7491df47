import type { APIRoute } from 'astro';
import { countUnreadThreads } from '../../lib/server/messages';
import { getLangFromPath, tPlural, useTranslations } from '../../lib/i18n';
import { hasPracticesToReview } from '../../lib/server/trust/store';
import { getNowSeconds } from '../../lib/server/time';

export const prerender = false;

/** The path of the page that asked, or '/' when the header is missing or not a URL. */
function refererPath(referer: string | null): string {
	if (!referer || !URL.canParse(referer)) return '/';
	return new URL(referer).pathname;
}

// For the header of prerendered pages: who is signed in and how many conversations are unread.
export const GET: APIRoute = ({ locals, request }) => {
	if (!locals.user)
		return new Response(JSON.stringify({ error: 'not signed in' }), {
			status: 401,
			headers: { 'Content-Type': 'application/json' },
		});
	const unread = countUnreadThreads(locals.command.db, locals.user.id);
	const lang = getLangFromPath(refererPath(request.headers.get('referer')));
	const body = {
		name: locals.user.name,
		role: locals.user.role,
		unread,
		unreadLabel: tPlural(useTranslations(lang), lang, 'members.unread', unread),
		review: hasPracticesToReview(locals.command.db, locals.user, getNowSeconds()),
	};
	return new Response(JSON.stringify(body), {
		headers: { 'Content-Type': 'application/json', 'Cache-Control': 'private, no-store' },
	});
};
