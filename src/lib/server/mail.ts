import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import nodemailer from 'nodemailer';
import type { Transporter } from 'nodemailer';
import { getMailEnv } from '../config';

// Outgoing mail. With `SMTP_URL` set, mail goes to that server; without it (development, tests, a
// demo box) each message is written as an `.eml` file to `DATA_DIR/outbox/`, readable in any mail
// client and listed by `listOutbox`. Functions take their config explicitly; `readMailConfig` is the
// only place that reads the environment.

export const DEFAULT_MAIL_FROM = 'Coaching Dealer <no-reply@coaching-dealer.example>';

/**
 * Mail settings from the environment: `SMTP_URL`, `MAIL_FROM`, and `DATA_DIR` for the outbox.
 * @example readMailConfig({ DATA_DIR: '/tmp/x' }) // { smtpUrl: null, from: DEFAULT_MAIL_FROM, outboxDir: '/tmp/x/outbox' }
 */
export function readMailConfig(env?: NodeJS.ProcessEnv): MailConfig {
	const settings = getMailEnv(env);
	return {
		smtpUrl: settings.smtpUrl,
		from: settings.from ?? DEFAULT_MAIL_FROM,
		outboxDir: path.join(settings.dataDir, 'outbox'),
	};
}

/**
 * Sends one mail through SMTP, or writes it to the outbox when no SMTP server is configured.
 * Returns the outbox file name (`null` when sent over SMTP). Transport failures throw with `{ cause }`.
 * @example await sendMail({ to: user.email, subject: 'Your invitation', text })
 */
export async function sendMail(
	mail: Mail,
	config: MailConfig = readMailConfig(),
): Promise<SentMail> {
	const message = {
		from: config.from,
		to: mail.to,
		subject: mail.subject,
		text: mail.text,
		html: mail.html,
		// Extra headers (List-Unsubscribe…) go into the message as given, so the outbox keeps them too.
		headers: mail.headers,
	};
	if (config.smtpUrl) {
		try {
			const info = await getSmtpTransport(config.smtpUrl).sendMail(message);
			return { messageId: info.messageId, file: null };
		} catch (error) {
			throw new Error(`Could not send mail to ${mail.to} over SMTP`, { cause: error });
		}
	}
	const info = (await streamTransport.sendMail(message)) as { messageId: string; message: Buffer };
	await fs.promises.mkdir(config.outboxDir, { recursive: true });
	// Millisecond prefix sorts files by send time; the random part keeps same-millisecond mails apart.
	const file = `${Date.now()}-${crypto.randomBytes(4).toString('hex')}.eml`;
	await fs.promises.writeFile(path.join(config.outboxDir, file), info.message, { flag: 'wx' });
	return { messageId: info.messageId, file };
}

/**
 * The outbox, newest first: recipient, subject, date (unix seconds) and file name of each mail.
 * @example (await listOutbox(readMailConfig().outboxDir))[0]?.subject
 */
export async function listOutbox(outboxDir = readMailConfig().outboxDir): Promise<OutboxSummary[]> {
	let names: string[];
	try {
		names = await fs.promises.readdir(outboxDir);
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
		throw error;
	}
	const files = names.filter((name) => OUTBOX_FILE_PATTERN.test(name)).sort(compareNewestFirst);
	return Promise.all(
		files.map(async (file) => {
			const raw = await fs.promises.readFile(path.join(outboxDir, file), 'utf8');
			return summarizeMail(file, raw);
		}),
	);
}

/**
 * One outbox mail with its raw source; `null` for a name that is not an outbox file (no `..`, no
 * slashes: the name comes from a URL) or does not exist.
 * @example await readOutboxMail('1767225600000-a1b2c3d4.eml')
 */
export async function readOutboxMail(
	file: string,
	outboxDir = readMailConfig().outboxDir,
): Promise<OutboxMail | null> {
	if (!OUTBOX_FILE_PATTERN.test(file)) return null;
	const dir = path.resolve(outboxDir);
	const full = path.resolve(dir, file);
	if (path.dirname(full) !== dir) return null;
	let raw: string;
	try {
		raw = await fs.promises.readFile(full, 'utf8');
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
		throw error;
	}
	return { ...summarizeMail(file, raw), raw };
}

const OUTBOX_FILE_PATTERN = /^\d{13}-[0-9a-f]{8}\.eml$/;

const streamTransport = nodemailer.createTransport({
	streamTransport: true,
	buffer: true,
	newline: 'unix',
});

const smtpTransports = new Map<string, Transporter>();
function getSmtpTransport(smtpUrl: string): Transporter {
	let transport = smtpTransports.get(smtpUrl);
	if (!transport) {
		transport = nodemailer.createTransport(smtpUrl);
		smtpTransports.set(smtpUrl, transport);
	}
	return transport;
}

function compareNewestFirst(a: string, b: string): number {
	return a < b ? 1 : a > b ? -1 : 0;
}

function summarizeMail(file: string, raw: string): OutboxSummary {
	const headers = parseHeaders(raw);
	const dateMs = Date.parse(headers.get('date') ?? '');
	return {
		file,
		to: decodeEncodedWords(headers.get('to') ?? ''),
		subject: decodeEncodedWords(headers.get('subject') ?? ''),
		sentAt: Math.floor((Number.isNaN(dateMs) ? Number(file.slice(0, 13)) : dateMs) / 1000),
	};
}

// Header block up to the first blank line; folded lines (starting with white space) are unfolded.
function parseHeaders(raw: string): Map<string, string> {
	const end = raw.search(/\r?\n\r?\n/);
	const block = (end === -1 ? raw : raw.slice(0, end)).replace(/\r?\n[ \t]+/g, ' ');
	const headers = new Map<string, string>();
	for (const line of block.split(/\r?\n/)) {
		const colon = line.indexOf(':');
		if (colon <= 0) continue;
		const name = line.slice(0, colon).trim().toLowerCase();
		if (!headers.has(name)) headers.set(name, line.slice(colon + 1).trim());
	}
	return headers;
}

// RFC 2047 encoded words (`=?UTF-8?Q?…?=` / `?B?`), as nodemailer writes non-ASCII subjects and names.
function decodeEncodedWords(value: string): string {
	return value
		.replace(/(\?=)\s+(=\?)/g, '$1$2')
		.replace(
			/=\?([^?]+)\?([bBqQ])\?([^?]*)\?=/g,
			(_, charset: string, encoding: string, text: string) => {
				const bytes =
					encoding.toUpperCase() === 'B'
						? Buffer.from(text, 'base64')
						: Buffer.from(
								text
									.replace(/_/g, ' ')
									.replace(/=([0-9a-fA-F]{2})/g, (_m, hex: string) =>
										String.fromCharCode(parseInt(hex, 16)),
									),
								'latin1',
							);
				try {
					return new TextDecoder(charset).decode(bytes);
				} catch {
					return bytes.toString('latin1');
				}
			},
		);
}

export interface Mail {
	to: string;
	subject: string;
	text: string;
	html?: string;
	/** Extra header lines, e.g. `List-Unsubscribe`; values must be one line (no CR/LF). */
	headers?: Record<string, string>;
}

export interface MailConfig {
	/** `smtp://user:pass@host:587` or `smtps://…`; `null` writes to the outbox instead. */
	smtpUrl: string | null;
	from: string;
	outboxDir: string;
}

export interface SentMail {
	messageId: string;
	/** Outbox file name, or `null` when sent over SMTP. */
	file: string | null;
}

export interface OutboxSummary {
	file: string;
	to: string;
	subject: string;
	/** Unix seconds, from the Date header. */
	sentAt: number;
}

export interface OutboxMail extends OutboxSummary {
	/** The full RFC 5322 source. */
	raw: string;
}
