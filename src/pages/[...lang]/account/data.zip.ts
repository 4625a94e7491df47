import { Readable } from 'node:stream';
import type { APIRoute } from 'astro';
import { localizePath } from '../../../lib/i18n';
import { notFoundResponse } from '../../../lib/server/not-found';
import { exportMemberData } from '../../../lib/server/privacy/commands';

export const prerender = false;

// "Download my data" (account page) and an admin's "Download data" for a member (admin page, with
// `userId`). POST only: the download is audited and rate-limited, so a link or a prefetch must not
// start one.
export const POST: APIRoute = async ({ locals, request, redirect }) => {
	const form = await request.formData();
	const userId = form.get('userId');
	const result = exportMemberData(locals.command, {
		userId: typeof userId === 'string' ? userId : null,
	});
	if (result.ok) {
		return new Response(Readable.toWeb(result.stream) as ReadableStream, {
			headers: {
				'Content-Type': 'application/zip',
				'Content-Disposition': `attachment; filename="${result.fileName}"`,
				'Cache-Control': 'private, no-store',
			},
		});
	}
	if (result.kind === 'rate-limited') {
		const back = typeof userId === 'string' && userId ? '/admin/' : '/account/';
		return redirect(`${localizePath(back, locals.lang)}?notice=export-limited`, 303);
	}
	return notFoundResponse(locals.lang);
};
