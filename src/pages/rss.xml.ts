import rss from '@astrojs/rss';
import type { APIContext } from 'astro';
import { getCaseStudies } from '../lib/content';
import { useTranslations } from '../lib/i18n';

// One feed for both content languages; each item says its language.
export async function GET(context: APIContext) {
	const t = useTranslations('en');
	const studies = (await getCaseStudies()).slice(0, 50);
	return rss({
		title: t('rss.title'),
		description: t('rss.description'),
		site: context.site ?? 'http://localhost:4321',
		items: studies.map((s) => ({
			title: s.data.title,
			description: s.data.summary,
			pubDate: s.data.published,
			link: `/case-studies/${s.id}/`,
			categories: [s.data.country, ...s.data.topics],
			customData: `<dc:language>${s.data.lang}</dc:language>`,
		})),
		xmlns: { dc: 'http://purl.org/dc/elements/1.1/' },
	});
}
