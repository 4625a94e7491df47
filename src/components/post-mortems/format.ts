// Formatting shared by the post-mortem pages. Readers only ever see months of publication.
import { formatDate, formatNumber, type Translate } from '../../lib/i18n';
import type { Lang } from '../../lib/taxonomy';

/**
 * A 'YYYY-MM' month as the locale writes it.
 * @example formatMonth('2025-03', 'en') // 'March 2025'
 */
export function formatMonth(month: string | null | undefined, lang: Lang): string {
	if (!month || !/^\d{4}-\d{2}$/.test(month)) return '';
	return new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : lang, {
		month: 'long',
		year: 'numeric',
		timeZone: 'UTC',
	}).format(new Date(`${month}-01T00:00:00Z`));
}

/** A 'YYYY-MM-DD' due date as the locale writes it (as typed when it is not a date). */
export function formatDueDate(day: string | null, lang: Lang): string {
	if (!day) return '';
	const d = new Date(`${day}T00:00:00Z`);
	return /^\d{4}-\d{2}-\d{2}$/.test(day) && !Number.isNaN(d.getTime())
		? formatDate(d, lang, 'medium')
		: day;
}

/** A signed gap ("+3", "−28"), empty when unknown. */
export function formatGap(gap: number | null, lang: Lang): string {
	if (gap === null) return '';
	const abs = formatNumber(Math.abs(gap), lang);
	return gap > 0 ? `+${abs}` : gap < 0 ? `−${abs}` : abs;
}

/** The label of a factor key, or the key itself when unknown. */
export function factorLabel(t: Translate, key: string): string {
	const known = [
		'content',
		'training',
		'timing',
		'budget',
		'tools',
		'customer-fit',
		'dealer-buy-in',
		'other',
	];
	return known.includes(key) ? t(`pm.factor.${key}` as Parameters<Translate>[0]) : key;
}
