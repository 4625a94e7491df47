// Links to a practice's answer page, for the mails (reminders, digests): one click from the mail to
// the form, in the member's language, absolute from PORTAL_URL.
import { localizePath } from '../../i18n';
import type { Lang } from '../../taxonomy';
import { absoluteUrl } from '../urls';

/** The answer page's path on the site. */
export function answerPath(slug: string, lang: Lang): string {
	return localizePath(`/case-studies/${encodeURIComponent(slug)}/answer/`, lang);
}

/**
 * The answer page of a practice as an absolute URL.
 * @example answerUrl('alpha-launch', 'fr') // 'https://portal.example/fr/case-studies/alpha-launch/answer/'
 */
export function answerUrl(slug: string, lang: Lang): string {
	return absoluteUrl(answerPath(slug, lang));
}
