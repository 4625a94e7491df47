import type { APIRoute } from 'astro';
import { canManagePractice, getPracticeTrust } from '../../../../lib/server/trust/store';
import { getPracticeFigures, serializeFiguresCsv } from '../../../../lib/server/analytics/figures';

export const prerender = false;

// A practice's figures as RFC 4180 CSV (reads per country and week, contacts and answers per week),
// for the same readers as its figures page: owners, admins and HQ editors.
export const GET: APIRoute = ({ locals, params }) => {
	const text = (status: number, body: string) =>
		new Response(body, {
			status,
			headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' },
		});
	if (!locals.user) return text(401, 'Sign in to the portal to see this.');
	const slug = params.slug ?? '';
	if (!getPracticeTrust(locals.command.db, slug)) return text(404, 'Not found');
	if (!canManagePractice(locals.command.db, locals.user, slug))
		return text(403, 'Only the owners of this practice and the admins see its figures.');
	const csv = serializeFiguresCsv(slug, getPracticeFigures(locals.command.db, slug));
	const day = new Date().toISOString().slice(0, 10);
	return new Response(csv, {
		headers: {
			'Content-Type': 'text/csv; charset=utf-8; header=present',
			'Content-Disposition': `attachment; filename="coaching-dealer-figures-${slug}-${day}.csv"`,
			'Cache-Control': 'private, no-store',
		},
	});
};
