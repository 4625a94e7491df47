// The trust badge rendered by Astro itself (Container API): a study rendered on request gets the whole
// badge in its HTML (readable without JavaScript, the reason of a retirement as inert text); a
// prerendered one gets the placeholder its island fills from /api/trust/<slug>.
import { experimental_AstroContainer as AstroContainer } from 'astro/container';
import { beforeAll, describe, expect, it } from 'vitest';
import TrustBadge from '../../src/components/trust/TrustBadge.astro';
import type { TrustBadgeData } from '../../src/lib/server/trust/store';

const BADGE: TrustBadgeData = {
	slug: 'web-study',
	country: 'ES',
	reviewBy: '2026-01-31',
	verifiedAt: Date.UTC(2025, 1, 1) / 1000,
	verifiedByName: 'Élodie Garnier',
	retiredAt: null,
	retiredByName: null,
	retiredReason: '',
	gone: false,
	expired: true,
	tally: [
		{ status: 'adopted', count: 2 },
		{ status: 'not-relevant', count: 1 },
	],
	answers: 3,
	postMortems: 1,
	canManage: true,
};

let container: AstroContainer;
beforeAll(async () => {
	container = await AstroContainer.create();
});

const render = (props: Record<string, unknown>, path = '/case-studies/web-study/') =>
	container.renderToString(TrustBadge, { props, request: new Request(`http://x${path}`) });

describe('trust badge', () => {
	it('is in the HTML of a study rendered on request, with no island to load', async () => {
		const html = await render({ slug: 'web-study', badge: BADGE });
		expect(html).not.toContain('data-cd-trust=');
		expect(html).toContain('Verified by Élodie Garnier on 1 Feb 2025');
		expect(html).toContain('<time datetime="2026-01-31">31 Jan 2026</time>');
		expect(html).toContain('Expired');
		expect(html).toContain('2 adopted, 1 not relevant');
		expect(html).toContain('1 published post-mortem linked');
		expect(html).toContain('href="/case-studies/web-study/analytics/"');
	});

	it('says "Not verified yet", and shows a retirement with its reason as text', async () => {
		const html = await render({
			slug: 'web-study',
			badge: {
				...BADGE,
				verifiedAt: null,
				verifiedByName: null,
				retiredAt: Date.UTC(2026, 2, 1) / 1000,
				retiredReason: '<img src=x onerror=alert(1)> replaced',
				canManage: false,
			},
		});
		expect(html).toContain('Not verified yet');
		expect(html).toContain('Retired');
		expect(html).toContain('Why: &lt;img src=x onerror=alert(1)&gt; replaced');
		expect(html).not.toContain('analytics/');
	});

	it('is a placeholder filled by its island on a prerendered study, in the page’s language', async () => {
		const html = await render({ slug: 'alpha-launch' }, '/fr/case-studies/alpha-launch/');
		expect(html).toContain('data-cd-trust="/api/trust/alpha-launch?lang=fr"');
		expect(html).toContain('Fiabilité');
		expect(html).not.toContain('data-cd-trust-badge');
	});

	it('is left out when a study rendered on request has no badge for the reader', async () => {
		expect((await render({ slug: 'web-study', badge: null })).trim()).not.toContain('cd-trust');
	});
});
