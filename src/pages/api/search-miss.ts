import type { APIRoute } from 'astro';
import { recordSearchMiss } from '../../lib/server/requests/commands';

export const prerender = false;

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
	new Response(JSON.stringify(body), {
		status,
		headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', ...headers },
	});

// The search page reports a query that found nothing (a form post; JSON is read too, though the
// Node server only lets form bodies through). Signed-in members only;
// the server has already refused a POST from another origin. Stored without the member's id.
export const POST: APIRoute = async ({ locals, request }) => {
	if (!locals.user) return json(401, { error: 'not signed in' });
	let query = '';
	let lang = '';
	const type = request.headers.get('content-type') ?? '';
	try {
		if (type.startsWith('application/json')) {
			const body = (await request.json()) as unknown;
			if (body && typeof body === 'object') {
				const b = body as Record<string, unknown>;
				query = typeof b.query === 'string' ? b.query : '';
				lang = typeof b.lang === 'string' ? b.lang : '';
			}
		} else {
			const form = await request.formData();
			query = String(form.get('query') ?? '');
			lang = String(form.get('lang') ?? '');
		}
	} catch {
		return json(400, { error: 'unreadable body' });
	}
	const result = recordSearchMiss(locals.command, { query, lang });
	if (result.ok) return json(result.recorded ? 201 : 200, { recorded: result.recorded });
	if (result.kind === 'rate-limited')
		return json(
			429,
			{ error: 'rate limited' },
			{ 'Retry-After': String(result.retryAfterSeconds) },
		);
	if (result.kind === 'invalid') return json(400, { error: 'invalid query' });
	return json(403, { error: 'forbidden' });
};
