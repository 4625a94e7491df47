// The git-authored practices of this build, for the server: it registers them in SQLite (when answers
// became owed, their review-by date, who owns them) at start and whenever a new release goes live.
import { getCaseStudies } from '../../lib/content';

export async function GET() {
	const practices = (await getCaseStudies()).map((s) => ({
		slug: s.id,
		title: s.data.title,
		lang: s.data.lang,
		country: s.data.country,
		published: s.data.published.toISOString().slice(0, 10),
		reviewBy: s.data.reviewBy.toISOString().slice(0, 10),
		contacts: s.data.contacts.map((c) => c.id),
	}));
	return new Response(JSON.stringify(practices), {
		headers: { 'Content-Type': 'application/json' },
	});
}
