import type { APIRoute } from 'astro';
import { notFoundResponse } from '../../../../lib/server/not-found';
import { exportSubmissionCommand } from '../../../../lib/server/submissions/export';
import { parseSubmissionId } from '../../../../lib/server/submissions/store';

export const prerender = false;

// An admin downloads a published web case study as a folder for content/ (a tar of <slug>/…).
export const GET: APIRoute = ({ params, locals }) => {
	const id = parseSubmissionId(params.id);
	const result = id === null ? null : exportSubmissionCommand(locals.command, id);
	if (!result?.ok) return notFoundResponse(locals.lang);
	return new Response(new Uint8Array(result.body), {
		headers: {
			'Content-Type': 'application/x-tar',
			'Content-Disposition': `attachment; filename="${result.filename}"`,
			'Content-Length': String(result.body.length),
			'Cache-Control': 'private, no-store',
		},
	});
};
