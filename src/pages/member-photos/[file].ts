import fs from 'node:fs/promises';
import type { APIRoute } from 'astro';
import { getDataDir } from '../../lib/server/db';
import { getProfilePhotoPath } from '../../lib/server/photos';

export const prerender = false;

// Members' photos, for signed-in members only (src/lib/access.ts gates /member-photos/ before this
// runs). Only names of the form we write are looked up, so no other file of DATA_DIR is reachable.
export const GET: APIRoute = async ({ params }) => {
	const file = getProfilePhotoPath(getDataDir(), params.file);
	if (!file) return notFound();
	let body: Buffer;
	try {
		body = await fs.readFile(file);
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') return notFound();
		throw error;
	}
	return new Response(new Uint8Array(body), {
		headers: {
			'Content-Type': 'image/webp',
			'Content-Length': String(body.byteLength),
			// A new upload gets a new name, so a name's bytes never change; private: members only.
			'Cache-Control': 'private, max-age=31536000, immutable',
			'X-Content-Type-Options': 'nosniff',
		},
	});
};

function notFound(): Response {
	return new Response('Not found', {
		status: 404,
		headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' },
	});
}
