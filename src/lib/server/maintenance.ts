import path from 'node:path';
import type { Database } from 'better-sqlite3';
import { deleteFullBuckets } from './rate-limit';
import { deleteExpiredSessions } from './session';
import { deleteStaleInvitations } from './invitation';
import { deleteStalePasswordResets } from './password-reset';
import { deleteStaleFailures } from './login-throttle';
import { deleteStaleSendKeys } from './messages';
import { deleteOldReadWeeks, deleteStaleReadSeen } from './analytics/reads';
import { getRetention, type Retention } from '../config';
import { getDataDir } from './db';
import { getNowSeconds } from './time';
import { deleteOldJobs } from './jobs/runner';
import { deleteOldNotifications } from './notifications/store';
import { clearOldSessionMeta, deleteOldAudit, deleteOldOutboxMail } from './privacy/retention';

/**
 * Deletes what can no longer be used (expired sessions, links, refilled limiter rows, message form
 * keys older than a day, the two-day "already counted" read hashes, jobs done more than 90 days ago,
 * notifications read a year ago) and what is kept no longer, as the privacy page states it: reading
 * figures (ANALYTICS_RETENTION_MONTHS), sessions' IP and browser (SESSION_META_RETENTION_DAYS), the
 * audit log (AUDIT_RETENTION_MONTHS) and outbox mails (OUTBOX_RETENTION_DAYS); hourly.
 */
export function runMaintenance(
	db: Database,
	options: { nowSeconds?: number; dataDir?: string } & Partial<Retention> = {},
): void {
	const now = options.nowSeconds ?? getNowSeconds();
	const retention = { ...getRetention(), ...definedOnly(options) };
	deleteExpiredSessions(db);
	deleteStaleInvitations(db);
	deleteStalePasswordResets(db);
	deleteFullBuckets(db);
	deleteStaleFailures(db);
	deleteStaleSendKeys(db);
	deleteStaleReadSeen(db, now);
	deleteOldReadWeeks(db, now, retention.analyticsRetentionMonths);
	deleteOldJobs(db);
	deleteOldNotifications(db, now);
	clearOldSessionMeta(db, now, retention.sessionMetaRetentionDays);
	deleteOldAudit(db, now, retention.auditRetentionMonths);
	deleteOldOutboxMail(
		path.join(options.dataDir ?? getDataDir(), 'outbox'),
		now,
		retention.outboxRetentionDays,
	);
}

function definedOnly(options: Partial<Retention>): Partial<Retention> {
	return Object.fromEntries(
		Object.entries(options).filter(([, value]) => value !== undefined),
	) as Partial<Retention>;
}
