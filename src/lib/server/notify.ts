import type { Database } from 'better-sqlite3';
import { localizePath, useTranslations } from '../i18n';
import type { Lang } from '../taxonomy';
import { sendMail, type Mail } from './mail';
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
 * Emails the other members of a thread that `sender` just wrote in, at most once per thread and
 * recipient per hour (`threadsToNotify` claims the slots before anything is sent, so two messages
 * at once cannot both mail). Resolves once every mail was handed over or failed; never rejects.
 * @example void notifyNewMessage(db, { threadId, sender: me, body })
 */
export async function notifyNewMessage(
	db: Database,
	input: { threadId: number; sender: { id: number; name: string }; body: string },
): Promise<void> {
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
	await Promise.all(
		mails.map((mail) =>
			sendMail(mail).catch((error: unknown) => {
				console.error(
					`Could not send the message notification for thread ${input.threadId}`,
					error,
				);
			}),
		),
	);
}

/**
 * The language of a member's mails: French when French is the first language they listed, else English.
 * @example pickMailLang(['fr', 'en']) // 'fr'
 */
export function pickMailLang(languages: readonly string[]): Lang {
	return languages[0]?.toLowerCase().startsWith('fr') ? 'fr' : 'en';
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
