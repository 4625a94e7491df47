import type { APIRoute } from 'astro';
import {
	authorizeScim,
	deleteScimUser,
	getScimUser,
	updateScimUser,
} from '../../../../lib/server/scim/commands';
import { readScimBody, scimResponse } from '../../../../lib/server/scim/http';

export const prerender = false;

export const GET: APIRoute = ({ locals, request, params }) => {
	const denied = authorizeScim(locals.command, request.headers.get('authorization'));
	return scimResponse(denied ?? getScimUser(locals.command, params.id ?? ''));
};

export const PUT: APIRoute = async ({ locals, request, params }) => {
	const denied = authorizeScim(locals.command, request.headers.get('authorization'));
	if (denied) return scimResponse(denied);
	const body = await readScimBody(request);
	return scimResponse(updateScimUser(locals.command, params.id ?? '', body, 'put'));
};

export const PATCH: APIRoute = async ({ locals, request, params }) => {
	const denied = authorizeScim(locals.command, request.headers.get('authorization'));
	if (denied) return scimResponse(denied);
	const body = await readScimBody(request);
	return scimResponse(updateScimUser(locals.command, params.id ?? '', body, 'patch'));
};

export const DELETE: APIRoute = ({ locals, request, params }) => {
	const denied = authorizeScim(locals.command, request.headers.get('authorization'));
	return scimResponse(denied ?? deleteScimUser(locals.command, params.id ?? ''));
};
