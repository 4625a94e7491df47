// Which paths need what, in one place: the Node server gates files with it and the Astro middleware
// gates pages with it, so the two can never disagree.

/** Reachable signed out, whatever PORTAL_ACCESS says: signing in needs them. */
const ALWAYS_OPEN = [
	/^\/healthz$/,
	/^\/favicon\.svg$/,
	/^(\/fr)?\/(login|reset-password|invite)(\/|$)/,
	// Single sign-on: start, the provider's redirect back, and the page saying why it failed.
	/^(\/fr)?\/auth\/oidc\/(start|callback|refused\/?)$/,
	// Unsubscribe links of mails: the signed token in the path is the authority, not a session.
	/^(\/fr)?\/unsubscribe\/[^/]+\/?$/,
	// The privacy notice: owed to anyone whose data the portal keeps, before they sign in (an invitee
	// deciding whether to accept, a former member); it shows configuration, never data.
	/^(\/fr)?\/privacy\/?$/,
	// Members' private feeds: feed readers do not sign in; the page answers 404 without a valid token.
	/^\/feeds\/[^/]+\.xml$/,
];

/**
 * APIs authorised by a bearer token, never by the session cookie: SCIM provisioning. Open at the
 * gate (the endpoint checks the token), and exempt from the Origin and form-body checks, which
 * protect cookie-authenticated forms (a browser cannot send another site's bearer token).
 * @example isBearerApi('/scim/v2/Users') // true
 */
export function isBearerApi(pathname: string): boolean {
	return /^\/scim\/v2(\/|$)/.test(pathname);
}

/** Code and styles of the pages above; content images and video under /_astro/ stay gated. */
const OPEN_ASSET = /^\/_astro\/[^/]+\.(css|js|woff2?)$/;

/** Members' features: signed in even when reading is public. */
const MEMBERS_ONLY = [
	/^(\/fr)?\/(messages|account|admin|dev|logout|post-mortems|member-photos|diffusion|submissions|notifications|answers|requests|impact)(\/|$)/,
	/^(\/fr)?\/case-studies\/[^/]+\/applied(\/|$)/,
	// Trust and reading figures: for the practice's owners and the admins, never the public.
	/^(\/fr)?\/practices(\/|$)/,
	/^(\/fr)?\/case-studies\/[^/]+\/analytics(\/|\.csv$|$)/,
	/^\/(api|data|members-search|submission-media)\//,
	/^\/diffusion\.csv$/,
];

/** Admin-only areas (non-admins get 404: their existence is none of their business). */
const ADMIN_ONLY = [/^(\/fr)?\/(admin|dev)(\/|$)/];

export type Access = 'open' | 'member' | 'admin';

/**
 * POSTs authorised by a signed token in the path, never by the session: the one-click unsubscribe of
 * RFC 8058, which mail providers send from their servers without an Origin header. The session plays
 * no part in them, so a cross-site request can do nothing the link's holder could not.
 * @example isTokenAuthorizedPost('/unsubscribe/3-digest-5f0c…/') // true
 */
export function isTokenAuthorizedPost(pathname: string): boolean {
	return /^(\/fr)?\/unsubscribe\/[^/]+\/$/.test(pathname);
}

/**
 * What a request path requires under an access mode.
 * @example requiredAccess('/case-studies/x/', 'members') // 'member'
 */
export function requiredAccess(pathname: string, mode: 'members' | 'public'): Access {
	if (ADMIN_ONLY.some((r) => r.test(pathname))) return 'admin';
	if (
		ALWAYS_OPEN.some((r) => r.test(pathname)) ||
		OPEN_ASSET.test(pathname) ||
		isBearerApi(pathname)
	)
		return 'open';
	if (MEMBERS_ONLY.some((r) => r.test(pathname))) return 'member';
	return mode === 'members' ? 'member' : 'open';
}

/** True when a request for this path wants a page (redirect to sign-in) rather than a file or API (401). */
export function isPageRequest(pathname: string, accept: string | null | undefined): boolean {
	if (
		pathname.startsWith('/api/') ||
		pathname.startsWith('/_astro/') ||
		pathname.startsWith('/pagefind/')
	)
		return false;
	const last = pathname.split('/').pop() ?? '';
	if (last.includes('.') && !last.endsWith('.html')) return false;
	return accept == null || accept.includes('text/html') || accept.includes('*/*');
}

/**
 * A safe post-sign-in destination: same-site paths only, never `//host` or `/\host`.
 * @example safeNextPath('https://evil.example/') // '/'
 */
export function safeNextPath(next: string | null | undefined, fallback = '/'): string {
	if (!next || next.length > 2000) return fallback;
	if (!next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return fallback;
	try {
		const url = new URL(next, 'http://portal.invalid');
		if (url.origin !== 'http://portal.invalid') return fallback;
		// Check what is returned, not what came in: `/..//evil.example` resolves to `//evil.example`.
		if (/^\/[/\\]/.test(url.pathname)) return fallback;
		return url.pathname + url.search + url.hash;
	} catch {
		return fallback;
	}
}
