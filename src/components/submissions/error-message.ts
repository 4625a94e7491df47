import type { Translate, UiKey } from '../../lib/i18n';

/**
 * The sentence for a field error of the case-study form: a code (`required`), a key (`sub.…`), or a
 * sentence already written in the member's language (`sub.raw:…`, from a refused upload).
 */
export function errorMessage(t: Translate, code: string): string {
	if (code.startsWith('sub.raw:')) return code.slice('sub.raw:'.length);
	return t((code.startsWith('sub.') ? code : `sub.error.${code}`) as UiKey);
}

/** The label of a form field by its name (`title`, `result.0.before`, `block.2.photo.1.alt`). */
export function fieldLabel(t: Translate, name: string): string {
	const result = /^result\.(\d+)\.(\w+)$/.exec(name);
	if (result)
		return `${t('sub.result.legend', { n: Number(result[1]) + 1 })}, ${t(`sub.result.${result[2]}` as UiKey)}`;
	const block = /^block\.(\d+)\.(.+)$/.exec(name);
	if (block) {
		const n = Number(block[1]) + 1;
		const photo = /^photo\.(\d+)\.(\w+)$/.exec(block[2]!);
		const what = photo
			? `${t('sub.block.legend.gallery')} ${Number(photo[1]) + 1}, ${t(photo[2] === 'caption' ? 'sub.field.caption' : 'sub.field.alt')}`
			: ((
					{
						markdown: t('sub.block.legend.text'),
						title: t('sub.block.videoTitle'),
						media: t('sub.block.legend.video'),
						photos: t('sub.block.legend.gallery'),
						text: t('sub.block.quote.text'),
						author: t('sub.block.quote.author'),
						role: t('sub.block.quote.role'),
						kind: t('sub.block.callout.kind'),
						type: t('sub.block.legend.results'),
					} as Record<string, string>
				)[block[2]!] ?? block[2]!);
		return `${t('sub.section.body')} ${n}: ${what}`;
	}
	const keys: Record<string, UiKey> = {
		'cover.media': 'sub.section.cover',
		'cover.alt': 'sub.field.coverAlt',
		body: 'sub.section.body',
		blocks: 'sub.section.body',
		results: 'sub.section.results',
		media: 'sub.block.legend.video',
		note: 'sub.review.note',
		comment: 'sub.comments.body',
		anchor: 'sub.comments.anchor',
	};
	return t(keys[name] ?? (`sub.field.${name}` as UiKey));
}
