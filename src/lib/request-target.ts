// One reading of a request target, used by the gate, the static files and Astro's routing alike.
// When two layers parse a path differently, one of them can be steered around the other: `//admin/`
// was read as host `admin` by `new URL()` while Astro routed it to the admin page. So the server
// turns every target into one canonical path before anything else looks at it, and refuses what has
// no unambiguous reading.

export interface RequestTarget {
	/** Decoded path with dot segments resolved and no empty segments, e.g. `/fr/admin/`. */
	pathname: string;
	/** The query as received, with its `?`, or ''. */
	search: string;
	/** `pathname` percent-encoded again, plus `search`: what the rest of the server is given. */
	url: string;
}

// Characters a path segment may carry unencoded (RFC 3986 pchar without '%').
const SEGMENT_SAFE = /[A-Za-z0-9\-._~!$&'()*+,;=:@]/;

function encodeSegment(segment: string): string {
	let out = '';
	for (const ch of segment) {
		out += SEGMENT_SAFE.test(ch) ? ch : encodeURIComponent(ch);
	}
	return out;
}

/**
 * The canonical form of a raw request target, or `null` when it has none (answer 400): not
 * starting with a single `/`, a backslash, an encoded `/` or `\`, a NUL, or bad percent-encoding.
 * Percent-decoding happens exactly once, so `%2561` stays the text `%61`.
 * @example normalizeRequestTarget('/a/./b/../c?x=1')?.url // '/a/c?x=1'
 * @example normalizeRequestTarget('//admin/') // null
 */
export function normalizeRequestTarget(raw: string | undefined): RequestTarget | null {
	if (!raw || raw[0] !== '/' || raw[1] === '/' || raw.length > 8192) return null;
	const q = raw.indexOf('?');
	const rawPath = q === -1 ? raw : raw.slice(0, q);
	const search = q === -1 ? '' : raw.slice(q);
	if (rawPath.includes('\\') || rawPath.includes('#')) return null;
	const segments: string[] = [];
	const parts = rawPath.split('/');
	for (let i = 1; i < parts.length; i++) {
		let segment: string;
		try {
			segment = decodeURIComponent(parts[i]!);
		} catch {
			return null;
		}
		if (/[/\\\0]/.test(segment)) return null;
		if (segment === '' || segment === '.') continue;
		if (segment === '..') {
			segments.pop();
			continue;
		}
		segments.push(segment);
	}
	// A trailing slash (or a trailing dot segment) means a directory, as Astro's routes expect.
	const last = parts[parts.length - 1];
	const trailing = segments.length > 0 && (last === '' || last === '.' || last === '..');
	const pathname = '/' + segments.join('/') + (trailing ? '/' : '');
	const encoded = '/' + segments.map(encodeSegment).join('/') + (trailing ? '/' : '');
	return { pathname, search, url: encoded + search };
}
