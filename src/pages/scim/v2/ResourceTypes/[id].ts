import type { APIRoute } from 'astro';
import { authorizeScim } from '../../../../lib/server/scim/commands';
import { getResourceTypes } from '../../../../lib/server/scim/discovery';
import { scimResponse } from '../../../../lib/server/scim/http';

export const prerender = false;

export const GET: APIRoute = ({ locals, request, params }) =>
	scimResponse(
		authorizeScim(locals.command, request.headers.get('authorization')) ??
			getResourceTypes(params.id ?? ''),
	);
