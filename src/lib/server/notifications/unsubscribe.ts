// Unsubscribe links that work without signing in (RFC 8058 one-click from the mail client): the token
// is the member's id and the kind of mail, signed with a key kept in DATA_DIR. It cannot be guessed or
// altered to turn off another member's mail, and needs no table.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { localizePath } from '../../i18n';
import type { Lang } from '../../taxonomy';
import { getDataDir } from '../db';
import { absoluteUrl } from '../urls';
import { isMailKind, type MailKind } from './prefs';

const KEY_FILE = 'unsubscribe.key';
const TOKEN_PATTERN = /^([1-9]\d{0,14})-([a-z]+)-([0-9a-f]{32})$/;

const keys = new Map<string, Buffer>();

/**
 * The signing key of DATA_DIR, made on first use (mode 0600). Several processes may ask at once: the
 * key is written to a temporary file and linked into place, so every process reads the same whole key.
 */
function getKey(dataDir = getDataDir()): Buffer {
	const known = keys.get(dataDir);
	if (known) return known;
	const file = path.join(dataDir, KEY_FILE);
	if (!fs.existsSync(file)) {
		fs.mkdirSync(dataDir, { recursive: true });
		const temp = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}`;
		fs.writeFileSync(temp, crypto.randomBytes(32).toString('hex'), { mode: 0o600 });
		try {
			fs.linkSync(temp, file);
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
		} finally {
			fs.rmSync(temp, { force: true });
		}
	}
	const key = Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'hex');
	if (key.length < 32) throw new Error(`${file} is not a valid key`);
	keys.set(dataDir, key);
	return key;
}

function sign(userId: number, kind: MailKind, dataDir?: string): string {
	return crypto
		.createHmac('sha256', getKey(dataDir))
		.update(`unsubscribe:${userId}:${kind}`)
		.digest('hex')
		.slice(0, 32);
}

/**
 * The token of one member's kind of mail.
 * @example createUnsubscribeToken(3, 'digest') // '3-digest-5f0c…'
 */
export function createUnsubscribeToken(userId: number, kind: MailKind, dataDir?: string): string {
	return `${userId}-${kind}-${sign(userId, kind, dataDir)}`;
}

/**
 * Who and what a token turns off; `null` for anything not signed with this portal's key.
 * @example readUnsubscribeToken('3-digest-5f0c…') // { userId: 3, kind: 'digest' }
 */
export function readUnsubscribeToken(
	token: string,
	dataDir?: string,
): { userId: number; kind: MailKind } | null {
	const match = TOKEN_PATTERN.exec(token);
	if (!match) return null;
	const userId = Number(match[1]);
	const kind = match[2];
	if (!isMailKind(kind)) return null;
	const expected = Buffer.from(sign(userId, kind, dataDir));
	const given = Buffer.from(match[3]!);
	return crypto.timingSafeEqual(expected, given) ? { userId, kind } : null;
}

/**
 * The absolute unsubscribe link for mails (List-Unsubscribe and the mail's footer).
 * @example unsubscribeUrl(3, 'digest', 'fr') // 'https://portal.example/fr/unsubscribe/3-digest-…/'
 */
export function unsubscribeUrl(userId: number, kind: MailKind, lang: Lang): string {
	return absoluteUrl(localizePath(`/unsubscribe/${createUnsubscribeToken(userId, kind)}/`, lang));
}
