// Links that leave the portal (mails) must be absolute. They are built from configuration, never
// from the request's Host header, which a client controls.

/**
 * An absolute URL on the portal for a site path (starting with `/`).
 * @example absoluteUrl('/invite/abc/') // 'http://localhost:4321/invite/abc/'
 */
export function absoluteUrl(path: string): string {
	const base = process.env.PORTAL_URL ?? `http://localhost:${process.env.PORT ?? 4321}`;
	return base.replace(/\/+$/, '') + (path.startsWith('/') ? path : `/${path}`);
}
