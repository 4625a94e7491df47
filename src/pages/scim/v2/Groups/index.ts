import type { APIRoute } from 'astro';
import { authorizeScim } from '../../../../lib/server/scim/commands';
import { createScimGroup, listScimGroups } from '../../../../lib/server/scim/groups';
import { readScimBody, scimResponse } from '../../../../lib/server/scim/http';

export const prerender = false;

export const GET: APIRoute = ({ locals, request, url }) => {
	const denied = authorizeScim(locals.command, request.headers.get('authorization'));
	if (denied) return scimResponse(denied);
	return scimResponse(
		listScimGroups(locals.command, {
			filter: url.searchParams.get('filter'),
			startIndex: url.searchParams.get('startIndex'),
			count: url.searchParams.get('count'),
			excludedAttributes: url.searchParams.get('excludedAttributes'),
		}),
	);
};

export const POST: APIRoute = async ({ locals, request }) => {
	const denied = authorizeScim(locals.command, request.headers.get('authorization'));
	if (denied) return scimResponse(denied);
	return scimResponse(createScimGroup(locals.command, await readScimBody(request)));
};
