import type { Database } from 'better-sqlite3';
import { deleteFullBuckets } from './rate-limit';
import { deleteExpiredSessions } from './session';
import { deleteStaleInvitations } from './invitation';
import { deleteStalePasswordResets } from './password-reset';
import { deleteStaleFailures } from './login-throttle';
import { deleteStaleSendKeys } from './messages';
import { deleteOldReadWeeks, deleteStaleReadSeen } from './analytics/reads';
import { getAnalyticsRetentionMonths } from '../config';
import { getNowSeconds } from './time';
import { deleteOldJobs } from './jobs/runner';
import { deleteOldNotifications } from './notifications/store';

/**
 * Deletes what can no longer be used (expired sessions, links, refilled limiter rows, message form
 * keys older than a day, the two-day "already counted" read hashes, jobs done more than 90 days ago,
 * notifications read a year ago)
 * and what is kept no longer (reading figures older than ANALYTICS_RETENTION_MONTHS); hourly.
 */
export function runMaintenance(
	db: Database,
	options: { nowSeconds?: number; analyticsRetentionMonths?: number } = {},
): void {
	const now = options.nowSeconds ?? getNowSeconds();
	deleteExpiredSessions(db);
	deleteStaleInvitations(db);
	deleteStalePasswordResets(db);
	deleteFullBuckets(db);
	deleteStaleFailures(db);
	deleteStaleSendKeys(db);
	deleteStaleReadSeen(db, now);
	deleteOldReadWeeks(db, now, options.analyticsRetentionMonths ?? getAnalyticsRetentionMonths());
	deleteOldJobs(db);
	deleteOldNotifications(db, now);
}
