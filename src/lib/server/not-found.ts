// The 404 page in the reader's language, as a Response a page or the middleware can return. The
// built pages are read once per language: `404.html` and `fr/404.html` from the client directory.
import fs from 'node:fs';
import path from 'node:path';
import { getClientDir } from '../config';
import type { Lang } from '../taxonomy';

const pages = new Map<Lang, string>();

function pageFor(lang: Lang): string {
	const cached = pages.get(lang);
	if (cached) return cached;
	const dir = getClientDir();
	const candidates = lang === 'en' ? ['404.html'] : [`${lang}/404.html`, '404.html'];
	for (const name of candidates) {
		try {
			const html = fs.readFileSync(path.join(dir ?? '', name), 'utf8');
			pages.set(lang, html);
			return html;
		} catch {
			// try the next one
		}
	}
	return 'Not found';
}

/**
 * A 404 answer with the portal's not-found page in `lang`.
 * @example if (!thread) return notFoundResponse(Astro.locals.lang)
 */
export function notFoundResponse(lang: Lang): Response {
	return new Response(pageFor(lang), {
		status: 404,
		headers: {
			'Content-Type': 'text/html; charset=utf-8',
			'Cache-Control': 'no-cache',
			// A finished page, not a request for Astro to reroute to its own 404 route.
			'X-Astro-Reroute': 'no',
		},
	});
}
