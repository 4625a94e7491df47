import type { APIRoute } from 'astro';
import { getCollection } from 'astro:content';
import { getDiffusionCsvFileName, serializeDiffusionCsv } from '../lib/adoption';
import { getDatabase } from '../lib/server/db';
import { listAllAdoptions } from '../lib/server/adoption';

export const prerender = false;

// The diffusion matrix as a spreadsheet: one row per "we applied this" answer, without member names.
// Members only: the server gates it in members mode; the check here covers public mode.
export const GET: APIRoute = async ({ locals }) => {
	if (!locals.user) {
		return new Response('Sign in to the portal to see this.', {
			status: 401,
			headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' },
		});
	}
	// Every case study, drafts included, so a mark on one still has its title in the export.
	const titles = new Map((await getCollection('case-studies')).map((s) => [s.id, s.data.title]));
	const csv = serializeDiffusionCsv(listAllAdoptions(getDatabase()), titles);
	return new Response(csv, {
		headers: {
			'Content-Type': 'text/csv; charset=utf-8',
			'Content-Disposition': `attachment; filename="${getDiffusionCsvFileName(new Date())}"`,
			'Cache-Control': 'private, no-store',
		},
	});
};
