import type { APIRoute } from 'astro';
import { authorizeScim, createScimUser, listScimUsers } from '../../../../lib/server/scim/commands';
import { readScimBody, scimResponse } from '../../../../lib/server/scim/http';

export const prerender = false;

export const GET: APIRoute = ({ locals, request, url }) => {
	const denied = authorizeScim(locals.command, request.headers.get('authorization'));
	if (denied) return scimResponse(denied);
	return scimResponse(
		listScimUsers(locals.command, {
			filter: url.searchParams.get('filter'),
			startIndex: url.searchParams.get('startIndex'),
			count: url.searchParams.get('count'),
		}),
	);
};

export const POST: APIRoute = async ({ locals, request }) => {
	const denied = authorizeScim(locals.command, request.headers.get('authorization'));
	if (denied) return scimResponse(denied);
	return scimResponse(createScimUser(locals.command, await readScimBody(request)));
};
