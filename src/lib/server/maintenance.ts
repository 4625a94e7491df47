import type { Database } from 'better-sqlite3';
import { deleteFullBuckets } from './rate-limit';
import { deleteExpiredSessions } from './session';
import { deleteStaleInvitations } from './invitation';
import { deleteStalePasswordResets } from './password-reset';
import { deleteStaleFailures } from './login-throttle';
import { deleteStaleSendKeys } from './messages';
import { deleteOldJobs } from './jobs/runner';

/**
 * Deletes what can no longer be used (expired sessions, links, refilled limiter rows, message form
 * keys older than a day, jobs done more than 90 days ago); hourly.
 */
export function runMaintenance(db: Database): void {
	deleteExpiredSessions(db);
	deleteStaleInvitations(db);
	deleteStalePasswordResets(db);
	deleteFullBuckets(db);
	deleteStaleFailures(db);
	deleteStaleSendKeys(db);
	deleteOldJobs(db);
}
