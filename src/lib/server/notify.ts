import type { Database } from 'better-sqlite3';
import { localizePath, useTranslations } from '../i18n';
import { LANGS, type Lang } from '../taxonomy';
import type { Effects } from './context';
import type { Mail } from './mail';
import { maskedAuthorName, threadsToNotify } from './messages';
import { absoluteUrl } from './urls';
import { getUserById } from './user';

// Notification mails for new messages. Callers run this after the message's transaction committed:
// the message is safe in the database whatever happens to the mail, and a mail failure is logged,
// never thrown back at the member who wrote.
// In a relay thread the anonymous author's mails go to their own address as usual, but a mail to the
// reader names the author only as "The author of «title»": From stays the portal's no-reply address,
// To is the reader, and nothing else (no Reply-To, no Cc) carries the author's address.

/** How much of the message a notification quotes; the rest is read on the portal. */
export const NOTIFY_EXCERPT_CHARS = 500;

/**
 * Queues a mail to each other member of a thread that `sender` just wrote in, at most once per
 * thread and recipient per hour (`threadsToNotify` claims the slots before anything is sent, so two
 * messages at once cannot both mail). Each mail is in its recipient's language, with a link to the
 * thread in that language. Call it after the message's transaction committed; it never throws.
 * @example notifyNewMessage(ctx.db, { threadId, sender: me, body }, ctx.effects)
 */
export function notifyNewMessage(
	db: Database,
	input: { threadId: number; sender: { id: number; name: string }; body: string },
	effects: Pick<Effects, 'sendMail'>,
): void {
	let mails: Mail[];
	try {
		mails = threadsToNotify(db, input.threadId, input.sender.id).map((recipient) => {
			const lang = pickMailLang(getUserById(db, recipient.id)?.languages ?? []);
			return composeNotification(lang, {
				to: recipient.email,
				recipientName: recipient.name,
				senderName: recipient.maskedSender
					? maskedAuthorName(lang, recipient.maskedSender.postMortemTitle)
					: input.sender.name,
				subject: recipient.subject,
				body: input.body,
				threadId: input.threadId,
				toMaskedAuthor: recipient.masked,
			});
		});
	} catch (error) {
		console.error(`Could not prepare notifications for thread ${input.threadId}`, error);
		return;
	}
	for (const mail of mails)
		effects.sendMail(mail, `the message notification for thread ${input.threadId}`);
}

/**
 * The language of a member's mails: the first of the languages they listed (in their order) that the
 * portal speaks, else English.
 * @example pickMailLang(['it', 'fr', 'en']) // 'fr'
 */
export function pickMailLang(languages: readonly string[]): Lang {
	for (const language of languages) {
		const code = language.trim().toLowerCase();
		const lang = LANGS.find((l) => code === l || code.startsWith(`${l}-`));
		if (lang) return lang;
	}
	return 'en';
}

/**
 * The notification mail itself: sender, subject, the start of the message and an absolute link.
 * @example composeNotification('en', { to, recipientName, senderName, subject, body, threadId: 3 }).subject
 */
export function composeNotification(
	lang: Lang,
	input: {
		to: string;
		recipientName: string;
		senderName: string;
		subject: string;
		body: string;
		threadId: number;
		/**
		 * The recipient is the masked author of the thread's post-mortem: whoever sees mail headers (a
		 * mail log, the demo outbox list) would read their address next to the title, so the subject
		 * names no post-mortem and no thread.
		 */
		toMaskedAuthor?: boolean;
	},
): Mail {
	const t = useTranslations(lang);
	// A subject typed by a member must stay one header line, whatever it contains.
	const subject = input.subject.replace(/\s+/g, ' ').trim();
	return {
		to: input.to,
		subject: input.toMaskedAuthor
			? t('messages.mail.subjectToMaskedAuthor')
			: t('messages.mail.subject', { sender: input.senderName, subject }),
		text: t('messages.mail.body', {
			recipient: input.recipientName,
			sender: input.senderName,
			subject,
			excerpt: excerpt(input.body, NOTIFY_EXCERPT_CHARS),
			link: absoluteUrl(localizePath(`/messages/${input.threadId}/`, lang)),
		}),
	};
}

// Cuts at a code point (never inside an emoji) and says when something was left out.
function excerpt(text: string, maxChars: number): string {
	const chars = [...text.trim()];
	return chars.length <= maxChars ? chars.join('') : `${chars.slice(0, maxChars).join('')}…`;
}
