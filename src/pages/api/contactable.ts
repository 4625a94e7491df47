import type { APIRoute } from 'astro';
import { listContactablePeople } from '../../lib/server/messages';
import { getPersonRecord } from '../../lib/server/people';

export const prerender = false;

const PERSON_ID = /^[a-z0-9-]{1,100}$/;
const MAX_PEOPLE = 50;

// For the "Write to" / "Contact" buttons of prerendered pages (people, case studies): which of these
// people the signed-in member can write to, i.e. who has an active account and is not themselves.
// The pages are the same for everyone, so the buttons of the others are removed by a small script.
// GET /api/contactable?people=anna-verdi,bruno-costa → { "contactable": ["bruno-costa"] }
export const GET: APIRoute = ({ locals, url }) => {
	if (!locals.user)
		return new Response(JSON.stringify({ error: 'not signed in' }), {
			status: 401,
			headers: { 'Content-Type': 'application/json' },
		});
	const ids = [...new Set((url.searchParams.get('people') ?? '').split(','))]
		.filter((id) => PERSON_ID.test(id))
		.slice(0, MAX_PEOPLE);
	const people = ids.flatMap((id) => {
		const person = getPersonRecord(id);
		return person ? [{ id, email: person.email }] : [];
	});
	const contactable = listContactablePeople(locals.command.db, people, locals.user.id);
	return new Response(JSON.stringify({ contactable }), {
		headers: { 'Content-Type': 'application/json', 'Cache-Control': 'private, no-store' },
	});
};
