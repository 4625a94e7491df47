// The people of the content, for the server: it links member accounts to person pages by email,
// resolves the "Contact" button's person to a member, and seeds the demo accounts.
import { getPeople } from '../../lib/content';

export async function GET() {
	const people = (await getPeople()).map((p) => ({
		id: p.id,
		name: p.data.name,
		email: p.data.email.toLowerCase(),
		title: p.data.title,
		country: p.data.country,
		languages: p.data.languages,
	}));
	return new Response(JSON.stringify(people), { headers: { 'Content-Type': 'application/json' } });
}
