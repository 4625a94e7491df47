// Personal data kept only as long as the privacy page says: the hourly upkeep calls these with the
// configured retention (src/lib/config.ts readRetention).
import fs from 'node:fs';
import path from 'node:path';
import type { Database } from 'better-sqlite3';
import { deleteAuditBefore } from '../audit';
import { prepare } from '../db';
import { SECONDS_PER_DAY } from '../time';

/**
 * The same day `months` calendar months before `nowSeconds` (UTC), as unix seconds.
 * @example monthsBefore(1_767_225_600, 24) // 2024-01-01T00:00:00Z
 */
export function monthsBefore(nowSeconds: number, months: number): number {
	const now = new Date(nowSeconds * 1000);
	return Math.floor(
		Date.UTC(
			now.getUTCFullYear(),
			now.getUTCMonth() - months,
			now.getUTCDate(),
			now.getUTCHours(),
			now.getUTCMinutes(),
			now.getUTCSeconds(),
		) / 1000,
	);
}

/**
 * Forgets where and with what browser sessions were opened once they are older than `days`: the
 * session itself keeps working (it expires on its own), the "your devices" list just says less.
 * @example clearOldSessionMeta(db, now, 90) // sessions cleared
 */
export function clearOldSessionMeta(db: Database, nowSeconds: number, days: number): number {
	return prepare(
		db,
		`UPDATE session SET ip = NULL, user_agent = NULL
			WHERE session.created_at < ? AND (session.ip IS NOT NULL OR session.user_agent IS NOT NULL)`,
	).run(nowSeconds - days * SECONDS_PER_DAY).changes;
}

/**
 * Deletes audit entries older than `months` calendar months.
 * @example deleteOldAudit(db, now, 24)
 */
export function deleteOldAudit(db: Database, nowSeconds: number, months: number): number {
	return deleteAuditBefore(db, monthsBefore(nowSeconds, months));
}

/**
 * Deletes outbox mails (DATA_DIR/outbox/<ms>-<hex>.eml) older than `days`, dated by the name's
 * millisecond prefix (the send time), or by the file's modification time for any other name.
 * Returns how many were deleted; a missing outbox is nothing to do.
 * @example deleteOldOutboxMail('/srv/data/outbox', now, 30)
 */
export function deleteOldOutboxMail(outboxDir: string, nowSeconds: number, days: number): number {
	let names: string[];
	try {
		names = fs.readdirSync(outboxDir);
	} catch {
		return 0;
	}
	const cutoffMs = (nowSeconds - days * SECONDS_PER_DAY) * 1000;
	let deleted = 0;
	for (const name of names) {
		if (!name.endsWith('.eml')) continue;
		const file = path.join(outboxDir, name);
		const prefix = /^(\d{10,16})-/.exec(name)?.[1];
		let sentMs = prefix ? Number(prefix) : NaN;
		if (!Number.isFinite(sentMs)) {
			try {
				sentMs = fs.statSync(file).mtimeMs;
			} catch {
				continue;
			}
		}
		if (sentMs >= cutoffMs) continue;
		try {
			fs.rmSync(file, { force: true });
			deleted++;
		} catch (error) {
			// One undeletable file must not stop the upkeep; it is tried again next hour.
			console.error(`Could not delete outbox mail ${name}`, error);
		}
	}
	return deleted;
}
