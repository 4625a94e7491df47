import type { APIRoute } from 'astro';
import { canSeeSubmission } from '../../../lib/server/submissions/access';
import { getMedia, getSubmission } from '../../../lib/server/submissions/store';
import { useTranslations, type UiKey } from '../../../lib/i18n';

export const prerender = false;

// The conversion progress of an uploaded video, polled by the case-study form (editor.ts).
export const GET: APIRoute = ({ params, locals }) => {
	const { command } = locals;
	const media = /^[a-f0-9]{32}(-\d+)?$/.test(params.id ?? '')
		? getMedia(command.db, params.id!)
		: null;
	const submission = media ? getSubmission(command.db, media.submissionId) : null;
	if (!media || !submission || !canSeeSubmission(command.user, submission)) {
		return new Response(JSON.stringify({ error: 'not-found' }), {
			status: 404,
			headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' },
		});
	}
	const t = useTranslations(locals.lang);
	return new Response(
		JSON.stringify({
			state: media.state,
			progress: media.progress,
			error: media.error ? t(`sub.media.error.${media.error}` as UiKey) : null,
		}),
		{ headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' } },
	);
};
