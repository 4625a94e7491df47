import { describe, expect, it } from 'vitest';
import {
	isPageRequest,
	isTokenAuthorizedPost,
	requiredAccess,
	safeNextPath,
} from '../../src/lib/access';

describe('access rules', () => {
	it('gates everything in members mode but what signing in needs', () => {
		for (const p of [
			'/',
			'/case-studies/x/',
			'/pagefind/pagefind.js',
			'/_astro/cover.webp',
			'/rss.xml',
			'/_astro/clip.mp4',
			'/fr/rss.xml',
			'/feeds/',
			'/feeds/a/b.xml',
			'/feeds/abc.json',
		]) {
			expect(requiredAccess(p, 'members'), p).toBe('member');
		}
		for (const p of [
			'/login/',
			'/fr/login/',
			'/reset-password/abc/',
			'/invite/tok/',
			'/healthz',
			'/_astro/index.abc.css',
			'/_astro/Header.js',
			// Private feeds: the handler answers 404 without a valid token.
			'/feeds/abcdefghijklmnopqrstuvwxyz234567.xml',
			'/feeds/abcdefghijklmnopqrstuvwxyz234567.fr.xml',
			// Unsubscribe links of mails: the signed token is the authority.
			'/unsubscribe/3-digest-0123456789abcdef0123456789abcdef/',
			'/fr/unsubscribe/3-digest-0123456789abcdef0123456789abcdef/',
			// The privacy notice is owed before signing in.
			'/privacy/',
			'/fr/privacy/',
		]) {
			expect(requiredAccess(p, 'members'), p).toBe('open');
		}
		for (const p of ['/unsubscribe/', '/unsubscribe/a/b/', '/privacy/x/', '/account/data.zip'])
			expect(requiredAccess(p, 'members'), p).toBe('member');
		for (const p of ['/notifications/', '/fr/notifications/'])
			expect(requiredAccess(p, 'public'), p).toBe('member');
		// Only the unsubscribe POST goes without the Origin check (RFC 8058 one-click from mail servers).
		expect(isTokenAuthorizedPost('/unsubscribe/3-digest-0123456789abcdef0123456789abcdef/')).toBe(
			true,
		);
		expect(isTokenAuthorizedPost('/fr/unsubscribe/x/')).toBe(true);
		for (const p of ['/account/', '/unsubscribe/', '/unsubscribe/a/b/', '/x/unsubscribe/a/'])
			expect(isTokenAuthorizedPost(p), p).toBe(false);
	});

	it('keeps members features behind sign-in in public mode, and admin areas for admins', () => {
		expect(requiredAccess('/case-studies/x/', 'public')).toBe('open');
		for (const p of [
			'/messages/',
			'/fr/account/',
			'/post-mortems/3/',
			'/diffusion/',
			'/diffusion.csv',
			'/case-studies/x/applied/',
			'/case-studies/x/analytics/',
			'/fr/case-studies/x/analytics/',
			'/case-studies/x/analytics.csv',
			'/practices/review/',
			'/fr/practices/review/',
			'/api/trust/x',
			'/api/me',
			'/members-search/pagefind.js',
			'/data/people.json',
		]) {
			expect(requiredAccess(p, 'public'), p).toBe('member');
		}
		expect(requiredAccess('/admin/audit/', 'public')).toBe('admin');
		expect(requiredAccess('/fr/dev/outbox/', 'members')).toBe('admin');
	});

	it('redirects pages and answers 401 to files and APIs', () => {
		expect(isPageRequest('/case-studies/x/', 'text/html')).toBe(true);
		expect(isPageRequest('/pagefind/pf_meta', '*/*')).toBe(false);
		expect(isPageRequest('/api/me', 'text/html')).toBe(false);
		expect(isPageRequest('/rss.xml', 'text/html')).toBe(false);
	});

	it('follows only same-site next paths', () => {
		expect(safeNextPath('/case-studies/?country=IT')).toBe('/case-studies/?country=IT');
		for (const bad of [
			'https://evil.example/',
			'//evil.example',
			'/\\evil.example',
			'javascript:alert(1)',
			'',
		]) {
			expect(safeNextPath(bad), bad).toBe('/');
		}
	});
});
