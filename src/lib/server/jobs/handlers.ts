// Every feature's job handlers, by job kind. A feature with jobs exports `jobHandlers` from its
// jobs.ts and is added here; a kind handled twice is a bug, found at start.
import type { JobHandler } from './queue';
import { jobHandlers as notificationJobs } from '../notifications/jobs';

function gather(...sets: Record<string, JobHandler>[]): Record<string, JobHandler> {
	const all: Record<string, JobHandler> = {};
	for (const set of sets)
		for (const [kind, handler] of Object.entries(set)) {
			if (kind in all) throw new Error(`job kind '${kind}' has two handlers`);
			all[kind] = handler;
		}
	return all;
}

export const jobHandlers: Readonly<Record<string, JobHandler>> = gather(notificationJobs);
