// A member's private feed, /feeds/<token>.xml (English) or /feeds/<token>.fr.xml (French): readable
// without a session cookie — feed readers do not sign in — but only with a valid, unrevoked token;
// anything else is a 404 that says nothing about whether the address ever existed. It lists the
// published case studies and the post-mortems every member may read, without any author data.
import type { APIRoute } from 'astro';
import { getAllCaseStudies } from '../../lib/server/submissions/catalogue';
import {
	caseStudyFeedEntries,
	feedResponse,
	postMortemFeedEntries,
	renderFeed,
} from '../../lib/feed';
import { useTranslations } from '../../lib/i18n';
import { findFeedOwner, listPostMortemsForFeed } from '../../lib/server/feeds';
import type { Lang } from '../../lib/taxonomy';

export const prerender = false;

const FILE = /^([a-z2-7]{32})(\.fr)?\.xml$/;

export const GET: APIRoute = async ({ params, locals }) => {
	const match = FILE.exec(params.file ?? '');
	const db = locals.command.db;
	const owner = match ? findFeedOwner(db, match[1]!) : null;
	if (!match || !owner) {
		return new Response('Not found', {
			status: 404,
			headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' },
		});
	}
	const lang: Lang = match[2] ? 'fr' : 'en';
	const t = useTranslations(lang);
	const portalUrl = locals.config.portalUrl;
	const items = [
		...caseStudyFeedEntries(await getAllCaseStudies(locals.command.db), lang, portalUrl),
		...postMortemFeedEntries(listPostMortemsForFeed(db), lang, portalUrl),
	];
	const xml = await renderFeed({
		lang,
		title: t('feed.private.title'),
		description: t('feed.private.description'),
		portalUrl,
		selfUrl: `${portalUrl}/feeds/${params.file}`,
		items,
		limit: 100,
	});
	const response = feedResponse(xml, 'private, no-cache');
	response.headers.set('X-Robots-Tag', 'noindex, nofollow');
	return response;
};
