import type { APIRoute } from 'astro';
import { getDataDir } from '../../../lib/server/db';
import { canSeeMediaDirectory } from '../../../lib/server/submissions/media-access';
import { resolveMediaFile, serveMediaFile } from '../../../lib/server/submissions/media-files';

export const prerender = false;

// Photos, videos and captions of web case studies, for signed-in members (src/lib/access.ts gates
// /submission-media/ first): those of a published case study, or of a submission the member may see.
export const GET: APIRoute = async ({ params, request, locals }) => {
	const file = resolveMediaFile(getDataDir(), params.dir ?? '', params.file ?? '');
	if (!file || !canSeeMediaDirectory(locals.command, params.dir!)) {
		return new Response('Not found', {
			status: 404,
			headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' },
		});
	}
	return serveMediaFile(request, file);
};
