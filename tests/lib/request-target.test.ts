import { describe, expect, it } from 'vitest';
import { normalizeRequestTarget } from '../../src/lib/request-target';
import { requiredAccess, safeNextPath } from '../../src/lib/access';

describe('normalizeRequestTarget', () => {
	it.each([
		['/', '/', '/'],
		['/case-studies/alpha/?country=IT', '/case-studies/alpha/', '/case-studies/alpha/?country=IT'],
		['/a/./b/../c/', '/a/c/', '/a/c/'],
		['/a//b', '/a/b', '/a/b'],
		['/%61dmin/', '/admin/', '/admin/'],
		['/x/%2e%2e/admin/', '/admin/', '/admin/'],
		['/../../etc/passwd', '/etc/passwd', '/etc/passwd'],
		['/fr/recherche%20rapide', '/fr/recherche rapide', '/fr/recherche%20rapide'],
		['/%2561dmin/', '/%61dmin/', '/%2561dmin/'],
	])('reads %s as the path %s', (raw, pathname, url) => {
		const target = normalizeRequestTarget(raw);
		expect(target?.pathname).toBe(pathname);
		expect(target?.url).toBe(url);
	});

	it.each([
		'//admin/',
		'///admin/',
		'/\\admin/',
		'/admin\\x',
		'/a%2Fb',
		'/a%2fadmin',
		'/%5Cadmin/',
		'/a%00b',
		'/%E0%A4%A',
		'admin/',
		'*',
		'http://evil.example/admin/',
		'',
	])('refuses %j', (raw) => {
		expect(normalizeRequestTarget(raw)).toBeNull();
	});

	it('leaves no way around the admin rule: every accepted variant of /admin/ is gated as admin', () => {
		for (const raw of [
			'/admin/',
			'/%61dmin/',
			'/x/../admin/',
			'/./admin',
			'/fr/%61dmin/',
			'/a//../admin',
		]) {
			const target = normalizeRequestTarget(raw);
			expect(target, raw).not.toBeNull();
			expect(requiredAccess(target!.pathname, 'members'), raw).toBe('admin');
		}
	});
});

describe('safeNextPath', () => {
	it.each([
		'/..//evil.example/phish',
		'/.././/evil.example/',
		'/%2e%2e//evil.example/',
		'//evil.example/',
		'/\\evil.example/',
		'https://evil.example/',
	])('never sends a signed-in member off-site after %j', (next) => {
		const safe = safeNextPath(next);
		expect(safe.startsWith('/')).toBe(true);
		expect(safe.startsWith('//')).toBe(false);
		expect(new URL(safe, 'https://portal.example').host).toBe('portal.example');
	});

	it('keeps a same-site destination with its query', () => {
		expect(safeNextPath('/case-studies/?country=IT')).toBe('/case-studies/?country=IT');
	});
});
