// Who gets which mail: a member's mail language, digest day and the kinds of mail they turned off.
// Opting out stops the mail only: the notification is still recorded and shown in the portal.
import type { Database } from 'better-sqlite3';
import { isLang } from '../../i18n';
import type { Lang } from '../../taxonomy';
import { prepare } from '../db';
import { pickMailLang } from '../notify';

/** The kinds of mail a member can turn off, each with its own unsubscribe link. */
export const MAIL_KINDS = [
	'digest',
	'reminders',
	'answers',
	'requests',
	'actions',
	'reviews',
	'moderation',
] as const;
export type MailKind = (typeof MAIL_KINDS)[number];

export function isMailKind(value: unknown): value is MailKind {
	return typeof value === 'string' && (MAIL_KINDS as readonly string[]).includes(value);
}

/** A member as mails need them. */
export interface MailRecipient {
	id: number;
	email: string;
	name: string;
	country: string | null;
	role: string;
	active: boolean;
	/** 1 = Monday … 7 = Sunday. */
	digestDay: number;
	/** What the member chose; '' = from their languages. */
	mailLang: Lang | '';
	/** The language their mails are written in. */
	lang: Lang;
	optOut: MailKind[];
	/** IANA name; '' = UTC. */
	timeZone: string;
}

interface RecipientRow {
	id: number;
	email: string;
	name: string;
	country: string | null;
	role: string;
	active: number;
	digest_day: number;
	mail_lang: string;
	mail_optout: string;
	languages: string;
	time_zone: string;
}

const RECIPIENT_SQL = `SELECT id, email, name, country, role, active, digest_day, mail_lang, mail_optout,
	languages, time_zone FROM user`;

function toRecipient(row: RecipientRow): MailRecipient {
	const mailLang = isLang(row.mail_lang) ? row.mail_lang : '';
	let optOut: MailKind[] = [];
	try {
		optOut = (JSON.parse(row.mail_optout) as unknown[]).filter(isMailKind);
	} catch {
		// The column is checked JSON; an unknown shape means nothing is turned off.
	}
	return {
		id: row.id,
		email: row.email,
		name: row.name,
		country: row.country,
		role: row.role,
		active: row.active === 1,
		digestDay: row.digest_day,
		mailLang,
		lang: mailLang || pickMailLang(JSON.parse(row.languages) as string[]),
		optOut,
		timeZone: row.time_zone,
	};
}

/**
 * A member with their mail settings; `null` when unknown.
 * @example getMailRecipient(db, 3)?.lang // 'fr'
 */
export function getMailRecipient(db: Database, userId: number): MailRecipient | null {
	const row = prepare(db, `${RECIPIENT_SQL} WHERE id = ?`).get(userId) as RecipientRow | undefined;
	return row ? toRecipient(row) : null;
}

/** Every active member with their mail settings (the digest scheduler). */
export function listActiveRecipients(db: Database): MailRecipient[] {
	return (prepare(db, `${RECIPIENT_SQL} WHERE active = 1 ORDER BY id`).all() as RecipientRow[]).map(
		toRecipient,
	);
}

/** True when the member still wants this kind of mail. */
export function wantsMail(recipient: MailRecipient, kind: MailKind): boolean {
	return recipient.active && !recipient.optOut.includes(kind);
}

/**
 * Stores the member's mail settings as chosen on the account page.
 * @example saveMailSettings(db, 3, { digestDay: 5, mailLang: 'fr', optOut: ['digest'] }, now)
 */
export function saveMailSettings(
	db: Database,
	userId: number,
	settings: { digestDay: number; mailLang: Lang | ''; optOut: readonly MailKind[] },
	nowSeconds: number,
): void {
	prepare(
		db,
		`UPDATE user SET digest_day = ?, mail_lang = ?, mail_optout = ?, updated_at = ? WHERE id = ?`,
	).run(
		settings.digestDay,
		settings.mailLang,
		JSON.stringify(MAIL_KINDS.filter((k) => settings.optOut.includes(k))),
		nowSeconds,
		userId,
	);
}

/**
 * Turns one kind of mail off (the unsubscribe link); true when it was on.
 * @example turnOffMail(db, 3, 'digest', now) // true
 */
export function turnOffMail(
	db: Database,
	userId: number,
	kind: MailKind,
	nowSeconds: number,
): boolean {
	return db.transaction(() => {
		const recipient = getMailRecipient(db, userId);
		if (!recipient || recipient.optOut.includes(kind)) return false;
		saveMailSettings(
			db,
			userId,
			{
				digestDay: recipient.digestDay,
				mailLang: recipient.mailLang,
				optOut: [...recipient.optOut, kind],
			},
			nowSeconds,
		);
		return true;
	})();
}
