import type { AstroCookies } from 'astro';
import { SESSION_COOKIE_NAME, sessionCookieOptions } from './session';

/** Sets the session cookie after sign-in (attributes from the one helper in session.ts). */
export function setSessionTokenCookie(
	cookies: AstroCookies,
	token: string,
	expiresAt: number,
	secure: boolean,
) {
	cookies.set(SESSION_COOKIE_NAME, token, sessionCookieOptions(expiresAt, secure));
}

/** Clears the session cookie on sign-out, with the same attributes it was set with. */
export function deleteSessionTokenCookie(cookies: AstroCookies, secure: boolean) {
	cookies.set(SESSION_COOKIE_NAME, '', sessionCookieOptions(null, secure));
}
