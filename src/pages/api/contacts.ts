import type { APIRoute } from 'astro';
import { listShownPhones } from '../../lib/server/people';

export const prerender = false;

// For the contact cards of prerendered pages: the phone numbers the contacts chose to show to other
// members (`?ids=anna-verdi,bruno-costa`). Members only: the server gates /api/ in every mode.
export const GET: APIRoute = ({ locals, url }) => {
	if (!locals.user)
		return new Response(JSON.stringify({ error: 'not signed in' }), {
			status: 401,
			headers: { 'Content-Type': 'application/json' },
		});
	const ids = (url.searchParams.get('ids') ?? '').split(',').map((id) => id.trim());
	return new Response(JSON.stringify({ phones: listShownPhones(locals.command.db, ids) }), {
		headers: { 'Content-Type': 'application/json', 'Cache-Control': 'private, no-store' },
	});
};
