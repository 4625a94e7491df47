// Comments under a published post-mortem, each with its writer's own disclosure choice.
import type { Database } from 'better-sqlite3';
import { prepare } from '../db';
import { getNowSeconds } from '../time';
import { PM_DISCLOSURES, type PmDisclosure } from '../../post-mortem-form';
import { type PmCommentView, type PmViewer, monthOf, clip, getRow } from './store';
import { showsAuthorName } from './disclosure';

/**
 * Adds a comment to a post-mortem the member may read and that is published; false otherwise.
 * @example addPostMortemComment(db, { postMortemId: 7, author: me, disclosure: 'anonymous', body: 'Same here.' })
 */
export function addPostMortemComment(
	db: Database,
	input: { postMortemId: number; author: PmViewer; disclosure: PmDisclosure; body: string },
	nowSeconds = getNowSeconds(),
): boolean {
	if (!(PM_DISCLOSURES as readonly string[]).includes(input.disclosure) || input.body.trim() === '')
		return false;
	const add = db.transaction((): boolean => {
		const row = getRow(db, input.postMortemId);
		if (!row || row.status !== 'published') return false;
		prepare(
			db,
			'INSERT INTO post_mortem_comment (post_mortem_id, author_id, disclosure, body, created_at) VALUES (?, ?, ?, ?, ?)',
		).run(input.postMortemId, input.author.id, input.disclosure, clip(input.body), nowSeconds);
		return true;
	});
	return add.immediate();
}

/**
 * Comments oldest first, each disclosed as its writer chose.
 * @example listPostMortemComments(db, 7, me.id)
 */
export function listPostMortemComments(
	db: Database,
	postMortemId: number,
	viewerId: number,
): PmCommentView[] {
	const rows = prepare(
		db,
		`SELECT c.id, c.body, c.disclosure, c.created_at, c.author_id, member_name(u.name, u.erased_at) AS name, u.country
		FROM post_mortem_comment AS c JOIN user AS u ON u.id = c.author_id
		WHERE c.post_mortem_id = ? ORDER BY c.created_at, c.id`,
	).all(postMortemId) as {
		id: number;
		body: string;
		disclosure: PmDisclosure;
		created_at: number;
		author_id: number;
		name: string;
		country: string | null;
	}[];
	return rows.map((r) => ({
		id: r.id,
		body: r.body,
		disclosure: r.disclosure,
		name: showsAuthorName(r.disclosure) ? r.name : null,
		country: r.disclosure === 'anonymous' ? null : r.country,
		when: showsAuthorName(r.disclosure)
			? { kind: 'date', seconds: r.created_at }
			: { kind: 'month', month: monthOf(r.created_at) },
		isMine: r.author_id === viewerId,
	}));
}
