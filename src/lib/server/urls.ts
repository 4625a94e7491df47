// Links that leave the portal (mails, feeds) must be absolute. They are built from configuration
// (PORTAL_URL, read and checked by src/lib/config.ts), never from the request's Host header, which a
// client controls. Read at each call, so a server started with another PORTAL_URL uses it at once.
import { getPortalUrl } from '../config';

/**
 * An absolute URL on the portal for a site path (starting with `/`).
 * @example absoluteUrl('/invite/abc/') // 'http://localhost:4321/invite/abc/'
 */
export function absoluteUrl(path: string): string {
	return getPortalUrl() + (path.startsWith('/') ? path : `/${path}`);
}
