import type { APIRoute } from 'astro';
import { countUnreadThreads } from '../../lib/server/messages';
import { getLangFromPath, tPlural, useTranslations } from '../../lib/i18n';
import { hasPracticesToReview } from '../../lib/server/trust/store';
import { getNowSeconds } from '../../lib/server/time';
import { countUnreadNotifications } from '../../lib/server/notifications/store';
import { isFocalPoint } from '../../lib/server/practices/owed';

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
	const t = useTranslations(lang);
	const user = locals.user;
	const notifications = countUnreadNotifications(locals.command.db, user.id);
	// Focal points see what their country owes; admins and HQ editors what every country owes.
	const answersLabel =
		user.role === 'admin' || (user.role === 'editor' && user.hq)
			? t('answers.menuAll')
			: isFocalPoint(locals.command.db, user.id, user.country)
				? t('answers.menu')
				: null;
	const body = {
		name: locals.user.name,
		role: locals.user.role,
		unread,
		unreadLabel: tPlural(t, lang, 'members.unread', unread),
		notifications,
		notificationsLabel: tPlural(t, lang, 'notifications.unread', notifications),
		answersLabel,
		review: hasPracticesToReview(locals.command.db, locals.user, getNowSeconds()),
	};
	return new Response(JSON.stringify(body), {
		headers: { 'Content-Type': 'application/json', 'Cache-Control': 'private, no-store' },
	});
};
