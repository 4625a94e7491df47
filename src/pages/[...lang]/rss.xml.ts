// The public feeds of new case studies, rendered on request so links are absolute on PORTAL_URL
// (not the build's localhost): /rss.xml in English lists every case study, each item saying its
// language; /fr/rss.xml is in French — French channel, the case studies written in French, French
// page URLs. Gated like every page in members mode; feed readers use the private feed instead.
import type { APIRoute } from 'astro';
import { getAllCaseStudies } from '../../lib/server/submissions/catalogue';
import { caseStudyFeedEntries, feedLink, feedResponse, renderFeed } from '../../lib/feed';
import { useTranslations } from '../../lib/i18n';
import { langFromParam } from '../../lib/routes';

export const prerender = false;

export const GET: APIRoute = async ({ params, locals }) => {
	const lang = langFromParam(params.lang);
	if (!lang) return new Response('Not found', { status: 404 });
	const t = useTranslations(lang);
	const portalUrl = locals.config.portalUrl;
	const studies = (await getAllCaseStudies(locals.command.db)).filter(
		(s) => lang === 'en' || s.data.lang === lang,
	);
	const xml = await renderFeed({
		lang,
		title: t('rss.title'),
		description: t('rss.description'),
		portalUrl,
		selfUrl: feedLink(portalUrl, '/rss.xml', lang),
		items: caseStudyFeedEntries(studies, lang, portalUrl),
	});
	return feedResponse(xml, 'no-cache');
};
