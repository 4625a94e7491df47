import { localizePath } from '../../i18n';
import type { Lang } from '../../taxonomy';
import { absoluteUrl } from '../urls';

/**
 * The one-click link to a practice's answer form, for mails.
 * @example answerUrl('alpha-launch', 'fr') // 'https://portal.example/fr/case-studies/alpha-launch/answer/'
 */
export function answerUrl(slug: string, lang: Lang): string {
	return absoluteUrl(localizePath(`/case-studies/${slug}/answer/`, lang));
}
