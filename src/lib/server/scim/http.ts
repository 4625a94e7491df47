// Request and response plumbing of the SCIM endpoints, shared by the two route files.
import type { ScimResponse } from './commands';

/** A SCIM answer as a Response (`application/scim+json`, never cached). */
export function scimResponse(answer: ScimResponse): Response {
	return new Response(answer.body === null ? null : JSON.stringify(answer.body), {
		status: answer.status,
		headers: {
			'Content-Type': 'application/scim+json; charset=utf-8',
			'Cache-Control': 'no-store',
			...answer.headers,
		},
	});
}

/** The JSON body, at most 64 KiB; `undefined` when it is not JSON (the command answers 400). */
export async function readScimBody(request: Request): Promise<unknown> {
	const text = await request.text();
	if (text.length > 65_536) return undefined;
	try {
		return JSON.parse(text) as unknown;
	} catch {
		return undefined;
	}
}
