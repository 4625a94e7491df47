// Whether the member of a request may fetch a media directory: one used by a published case study,
// or by a submission they may see (its author, its reviewers, admins).
import type { CommandContext } from '../context';
import { prepare } from '../db';
import { canSeeSubmission } from './access';
import { getSubmission } from './store';

export function canSeeMediaDirectory(
	ctx: Pick<CommandContext, 'db' | 'user'>,
	dir: string,
): boolean {
	if (!ctx.user) return false;
	const rows = prepare(
		ctx.db,
		`SELECT DISTINCT m.submission_id AS id, s.live_version_id IS NOT NULL AS live
		FROM submission_media m JOIN submission s ON s.id = m.submission_id
		WHERE json_extract(m.meta, '$.dir') = ?`,
	).all(dir) as { id: number; live: number }[];
	return rows.some((r) => {
		if (r.live) return true;
		const s = getSubmission(ctx.db, r.id);
		return !!s && canSeeSubmission(ctx.user, s);
	});
}
