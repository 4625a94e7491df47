import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { APIRoute } from 'astro';
import { getDataDir } from '../../lib/server/db';
import { MEMBERS_INDEX_DIR } from '../../lib/server/members-search';

export const prerender = false;

// The members' Pagefind index (post-mortems), read from DATA_DIR/members-search/. Only members get
// here: src/lib/access.ts gates /members-search/ in both access modes. Paths are checked segment by
// segment and the resolved file must stay inside the index directory, so `..`, encoded slashes or a
// symlink cannot reach other files of DATA_DIR (the database sits next to it).

const CONTENT_TYPES: Record<string, string> = {
	'.js': 'application/javascript; charset=utf-8',
	'.mjs': 'application/javascript; charset=utf-8',
	'.json': 'application/json; charset=utf-8',
	'.css': 'text/css; charset=utf-8',
	'.wasm': 'application/wasm',
};
const SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,199}$/;

export const GET: APIRoute = async ({ params, locals, request }) => {
	if (!locals.user) return answer(401, 'Sign in to the portal to see this.');
	const segments = (params.path ?? '').split('/');
	if (segments.length > 4 || !segments.every((s) => SEGMENT.test(s) && !s.includes('..'))) {
		return answer(404, 'Not found');
	}
	let base: string;
	let file: string;
	let stat: fs.Stats;
	try {
		base = await fs.promises.realpath(path.join(getDataDir(), MEMBERS_INDEX_DIR));
		file = await fs.promises.realpath(path.join(base, ...segments));
		if (!file.startsWith(base + path.sep)) return answer(404, 'Not found');
		stat = await fs.promises.stat(file);
		if (!stat.isFile()) return answer(404, 'Not found');
	} catch {
		// No index yet (no published post-mortem) or a file of a version pruned since.
		return answer(404, 'Not found');
	}
	// The ETag is a hash of the bytes: one made of the file's time would tell every member when the
	// index was last rebuilt, that is when an anonymous author last published or edited.
	const body = await fs.promises.readFile(file);
	const etag = `"${crypto.createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
	const headers = {
		'Content-Type': contentTypeOf(file),
		'Cache-Control': 'private, no-cache',
		ETag: etag,
		'X-Content-Type-Options': 'nosniff',
	};
	if (request.headers.get('if-none-match') === etag)
		return new Response(null, { status: 304, headers });
	return new Response(body, { headers: { ...headers, 'Content-Length': String(body.length) } });
};

/**
 * The Content-Type of an index file: Pagefind's own `.pagefind` and `.pf_*` files are binary.
 * @example contentTypeOf('fragment/en_1a2b.pf_fragment') // 'application/octet-stream'
 */
function contentTypeOf(file: string): string {
	return CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

function answer(status: number, text: string): Response {
	return new Response(text, {
		status,
		headers: {
			'Content-Type': 'text/plain; charset=utf-8',
			'Cache-Control': 'no-store',
			// A plain answer for the search script, not Astro's rendered 404 page.
			'X-Astro-Reroute': 'no',
		},
	});
}
