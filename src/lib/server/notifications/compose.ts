// One layout for every notification mail: a plain-text part and a simple HTML part with the same
// content (everything a member typed is escaped), the footer saying why the mail came and how to turn
// it off, and the RFC 8058 headers so mail clients offer a one-click unsubscribe.
import { localizePath, useTranslations, type UiKey } from '../../i18n';
import type { Lang } from '../../taxonomy';
import type { Mail } from '../mail';
import { absoluteUrl } from '../urls';
import type { MailKind, MailRecipient } from './prefs';
import { unsubscribeUrl } from './unsubscribe';

/** A piece of a mail's body. */
export type MailBlock =
	| { type: 'heading'; text: string }
	| { type: 'paragraph'; text: string }
	/** A call to action: the label, then the absolute link. */
	| { type: 'link'; label: string; href: string }
	| { type: 'list'; items: { text: string; href?: string; note?: string }[] };

/**
 * A finished mail to `recipient` in their language.
 * @example composeMail(recipient, 'answers', { subject, blocks: [{ type: 'paragraph', text }] })
 */
export function composeMail(
	recipient: Pick<MailRecipient, 'id' | 'email' | 'name' | 'lang'>,
	kind: MailKind,
	content: { subject: string; blocks: readonly MailBlock[] },
): Mail {
	const lang = recipient.lang;
	const t = useTranslations(lang);
	const unsubscribe = unsubscribeUrl(recipient.id, kind, lang);
	const settings = absoluteUrl(localizePath('/account/#cd-mail-heading', lang));
	const greeting = t('notifications.mail.greeting', { name: recipient.name });
	const why = t(`notifications.mail.why.${kind}` as UiKey);
	const footer: MailBlock[] = [
		{ type: 'paragraph', text: why },
		{ type: 'link', label: t('notifications.mail.unsubscribe'), href: unsubscribe },
		{ type: 'link', label: t('notifications.mail.settings'), href: settings },
	];
	return {
		to: recipient.email,
		// A title typed by a member must stay one header line, whatever it contains.
		subject: oneLine(content.subject),
		text: [greeting, ...content.blocks.map(toText), '-- ', footer.map(toText).join('\n\n')].join(
			'\n\n',
		),
		html: toHtml(lang, content.subject, greeting, content.blocks, footer),
		headers: {
			'List-Unsubscribe': `<${unsubscribe}>`,
			'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
		},
	};
}

function oneLine(text: string): string {
	return text.replace(/\s+/g, ' ').trim();
}

function toText(block: MailBlock): string {
	switch (block.type) {
		case 'heading':
			return `${block.text}\n${'='.repeat(Math.min([...block.text].length, 60))}`;
		case 'paragraph':
			return block.text;
		case 'link':
			return `${block.label}\n${block.href}`;
		case 'list':
			return block.items
				.map(
					(item) =>
						`- ${item.text}${item.note ? `\n  ${item.note}` : ''}${item.href ? `\n  ${item.href}` : ''}`,
				)
				.join('\n');
	}
}

/**
 * Escapes text for HTML content and attribute values.
 * @example escapeHtml('<b>"x"</b>') // '&lt;b&gt;&quot;x&quot;&lt;/b&gt;'
 */
export function escapeHtml(text: string): string {
	return text
		.replace(/&/g, '&amp;')
		.replace(/</g, '&lt;')
		.replace(/>/g, '&gt;')
		.replace(/"/g, '&quot;')
		.replace(/'/g, '&#39;');
}

// Links are built by the portal from PORTAL_URL, never typed by members; still, only http(s) ones.
function safeHref(href: string): string {
	return /^https?:\/\//i.test(href) ? escapeHtml(href) : '#';
}

function paragraphs(text: string): string {
	return text
		.split(/\n{2,}/)
		.map((p) => `<p>${escapeHtml(p).replace(/\n/g, '<br>')}</p>`)
		.join('\n');
}

function blockToHtml(block: MailBlock): string {
	switch (block.type) {
		case 'heading':
			return `<h2 style="font-size:1.1em;margin:1.5em 0 0.5em">${escapeHtml(block.text)}</h2>`;
		case 'paragraph':
			return paragraphs(block.text);
		case 'link':
			return `<p><a href="${safeHref(block.href)}">${escapeHtml(block.label)}</a></p>`;
		case 'list':
			return `<ul>\n${block.items
				.map((item) => {
					const text = item.href
						? `<a href="${safeHref(item.href)}">${escapeHtml(item.text)}</a>`
						: escapeHtml(item.text);
					return `<li>${text}${item.note ? `<br>${escapeHtml(item.note)}` : ''}</li>`;
				})
				.join('\n')}\n</ul>`;
	}
}

function toHtml(
	lang: Lang,
	subject: string,
	greeting: string,
	blocks: readonly MailBlock[],
	footer: readonly MailBlock[],
): string {
	return `<!doctype html>
<html lang="${lang}">
<head><meta charset="utf-8"><title>${escapeHtml(oneLine(subject))}</title></head>
<body style="font-family:sans-serif;line-height:1.5;max-width:40em">
${paragraphs(greeting)}
${blocks.map(blockToHtml).join('\n')}
<hr>
<footer style="font-size:0.9em;color:#555">
${footer.map(blockToHtml).join('\n')}
</footer>
</body>
</html>
`;
}
