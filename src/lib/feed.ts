// RSS 2.0 feeds, rendered on request so every link is absolute on PORTAL_URL (the address readers
// use), never on the build machine's localhost. One renderer for the public feeds (/rss.xml,
// /fr/rss.xml) and the members' private feeds (/feeds/<token>.xml).
import { getRssString } from '@astrojs/rss';
import { formatCountry, localizePath, useTranslations, type UiKey } from './i18n';
import type { Lang } from './taxonomy';

/** One item of a feed, with an absolute link. */
export interface FeedEntry {
	title: string;
	summary: string;
	link: string;
	pubDate: Date;
	categories: string[];
	/** Language the item is written in. */
	language: string;
}

/** What a case study gives a feed. */
export interface FeedCaseStudy {
	id: string;
	data: {
		title: string;
		summary: string;
		published: Date;
		country: string;
		topics: readonly string[];
		lang: string;
	};
}

/** What a post-mortem gives a feed: no author field, the month of publication only. */
export interface FeedPostMortem {
	id: number;
	title: string;
	summary: string;
	country: string | null;
	topics: readonly string[];
	/** 'YYYY-MM'. */
	publishedMonth: string;
}

const SUMMARY_MAX = 400;

/**
 * Absolute link to a page of the portal in a UI language.
 * @example feedLink('https://portal.example', '/case-studies/x/', 'fr') // 'https://portal.example/fr/case-studies/x/'
 */
export function feedLink(portalUrl: string, path: string, lang: Lang): string {
	return portalUrl.replace(/\/+$/, '') + localizePath(path, lang);
}

function categories(country: string | null, topics: readonly string[], lang: Lang): string[] {
	const t = useTranslations(lang);
	return [
		...(country ? [formatCountry(country, lang)] : []),
		...topics.map((topic) => t(`topic.${topic}` as UiKey)),
	];
}

/**
 * Feed items for case studies, newest first, linking to the page in the feed's UI language.
 * @example caseStudyFeedEntries(studies, 'fr', 'https://portal.example')[0].link
 */
export function caseStudyFeedEntries(
	studies: readonly FeedCaseStudy[],
	lang: Lang,
	portalUrl: string,
): FeedEntry[] {
	return [...studies]
		.sort((a, b) => b.data.published.getTime() - a.data.published.getTime())
		.map((s) => ({
			title: s.data.title,
			summary: s.data.summary,
			link: feedLink(portalUrl, `/case-studies/${s.id}/`, lang),
			pubDate: s.data.published,
			categories: categories(s.data.country, s.data.topics, lang),
			language: s.data.lang,
		}));
}

/**
 * Feed items for post-mortems. The date is the first day of the month of publication: an exact time
 * could identify the author of a country-only or anonymous post-mortem.
 * @example postMortemFeedEntries(pms, 'en', 'https://portal.example')[0].title // 'Post-mortem: …'
 */
export function postMortemFeedEntries(
	postMortems: readonly FeedPostMortem[],
	lang: Lang,
	portalUrl: string,
): FeedEntry[] {
	const t = useTranslations(lang);
	return postMortems
		.filter((pm) => /^\d{4}-\d{2}$/.test(pm.publishedMonth))
		.map((pm) => ({
			title: t('feed.postMortemTitle', { title: pm.title }),
			summary: clipText(pm.summary, SUMMARY_MAX),
			link: feedLink(portalUrl, `/post-mortems/${pm.id}/`, lang),
			pubDate: new Date(`${pm.publishedMonth}-01T00:00:00Z`),
			categories: [t('feed.postMortemCategory'), ...categories(pm.country, pm.topics, lang)],
			// Post-mortems are written in any language; the feed does not guess.
			language: '',
		}));
}

function clipText(text: string, max: number): string {
	const chars = [...text.replace(/\s+/g, ' ').trim()];
	return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : chars.join('');
}

function escapeXml(text: string): string {
	return text
		.replace(/&/g, '&amp;')
		.replace(/</g, '&lt;')
		.replace(/>/g, '&gt;')
		.replace(/"/g, '&quot;');
}

/**
 * The RSS 2.0 document: channel in the UI language (`<language>`), items newest first, every link
 * absolute on `portalUrl`, an `atom:link rel="self"` for readers that check it.
 * @example await renderFeed({ lang: 'fr', title, description, portalUrl, selfUrl, items })
 */
export async function renderFeed(options: {
	lang: Lang;
	title: string;
	description: string;
	portalUrl: string;
	selfUrl: string;
	items: readonly FeedEntry[];
	/** Newest items kept. */
	limit?: number;
}): Promise<string> {
	const items = [...options.items]
		.sort((a, b) => b.pubDate.getTime() - a.pubDate.getTime())
		.slice(0, options.limit ?? 50);
	return getRssString({
		title: options.title,
		description: options.description,
		site: feedLink(options.portalUrl, '/', options.lang),
		xmlns: { dc: 'http://purl.org/dc/elements/1.1/', atom: 'http://www.w3.org/2005/Atom' },
		customData:
			`<language>${options.lang}</language>` +
			`<atom:link href="${escapeXml(options.selfUrl)}" rel="self" type="application/rss+xml"/>`,
		items: items.map((item) => ({
			title: item.title,
			description: item.summary,
			link: item.link,
			pubDate: item.pubDate,
			categories: item.categories,
			...(item.language
				? { customData: `<dc:language>${escapeXml(item.language)}</dc:language>` }
				: {}),
		})),
	});
}

/** The HTTP answer for a feed document. */
export function feedResponse(xml: string, cacheControl: string): Response {
	return new Response(xml, {
		headers: {
			'Content-Type': 'application/rss+xml; charset=utf-8',
			'Cache-Control': cacheControl,
		},
	});
}
