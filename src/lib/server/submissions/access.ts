// Who may do what with a web-submitted case study. Country editors write for their own country and
// review other countries' work; HQ editors write for any country and review everything; admins can
// do anything except approve or publish what they wrote themselves: nobody reviews their own work.
import type { User } from '../user';
import type { Submission, SubmissionState } from './store';

type Actor = Pick<User, 'id' | 'role' | 'country' | 'hq' | 'active'>;

/** Editors (of a country or HQ) and admins write case studies. */
export function canWriteCaseStudies(user: Actor | null): user is Actor {
	return !!user && user.active && (user.role === 'editor' || user.role === 'admin');
}

/** Whether `user` may set `country` on a case study they write. */
export function canWriteForCountry(user: Actor, country: string): boolean {
	return user.role === 'admin' || user.hq || user.country === country;
}

/** The author (or an admin) edits; a submission waiting for review is frozen until withdrawn. */
export const EDITABLE_STATES: readonly SubmissionState[] = [
	'draft',
	'changes_requested',
	'published',
	'unpublished',
];

export function canEditSubmission(
	user: Actor | null,
	s: Pick<Submission, 'authorId' | 'state'>,
): boolean {
	if (!user?.active) return false;
	if (user.id !== s.authorId && user.role !== 'admin') return false;
	return EDITABLE_STATES.includes(s.state);
}

/** A reviewer is an editor of another country, an HQ editor or an admin, and never the author. */
export function canReviewSubmission(
	user: Actor | null,
	s: Pick<Submission, 'authorId' | 'country'>,
): boolean {
	if (!user?.active || user.id === s.authorId) return false;
	if (user.role === 'admin') return true;
	return user.role === 'editor' && (user.hq || (!!user.country && user.country !== s.country));
}

/**
 * The author and admins see a submission from its first draft; reviewers once it has been sent for
 * review (a draft is the author's own until then).
 */
export function canSeeSubmission(
	user: Actor | null,
	s: Pick<Submission, 'authorId' | 'country' | 'state' | 'liveVersionId'>,
): boolean {
	if (!user?.active) return false;
	if (user.id === s.authorId || user.role === 'admin') return true;
	// A published case study being revised stays in reach: reviewers can still unpublish it.
	return (s.state !== 'draft' || s.liveVersionId !== null) && canReviewSubmission(user, s);
}
