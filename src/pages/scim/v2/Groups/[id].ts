import type { APIRoute } from 'astro';
import { authorizeScim } from '../../../../lib/server/scim/commands';
import {
	deleteScimGroup,
	getScimGroup,
	patchScimGroup,
	replaceScimGroup,
} from '../../../../lib/server/scim/groups';
import { readScimBody, scimResponse } from '../../../../lib/server/scim/http';

export const prerender = false;

export const GET: APIRoute = ({ locals, request, params, url }) => {
	const denied = authorizeScim(locals.command, request.headers.get('authorization'));
	return scimResponse(
		denied ??
			getScimGroup(locals.command, params.id ?? '', url.searchParams.get('excludedAttributes')),
	);
};

export const PUT: APIRoute = async ({ locals, request, params }) => {
	const denied = authorizeScim(locals.command, request.headers.get('authorization'));
	if (denied) return scimResponse(denied);
	const body = await readScimBody(request);
	return scimResponse(replaceScimGroup(locals.command, params.id ?? '', body));
};

export const PATCH: APIRoute = async ({ locals, request, params }) => {
	const denied = authorizeScim(locals.command, request.headers.get('authorization'));
	if (denied) return scimResponse(denied);
	const body = await readScimBody(request);
	return scimResponse(patchScimGroup(locals.command, params.id ?? '', body));
};

export const DELETE: APIRoute = ({ locals, request, params }) => {
	const denied = authorizeScim(locals.command, request.headers.get('authorization'));
	return scimResponse(denied ?? deleteScimGroup(locals.command, params.id ?? ''));
};
