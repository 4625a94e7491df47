// What the submission pages show, read in one place: the workspace of one case study (its form,
// media, comments, history, versions and what the member may do), and the lists.
import { diffWords } from 'diff';
import type { CommandContext } from '../context';
import { listUsers } from '../user';
import type { SubmissionFields } from '../../submission-form';
import {
	canEditSubmission,
	canReviewSubmission,
	canSeeSubmission,
	canWriteCaseStudies,
	canWriteForCountry,
} from './access';
import {
	getSubmission,
	listComments,
	listEvents,
	listMedia,
	listReviewQueue,
	listSubmissionsOfAuthor,
	listVersions,
	type Submission,
	type SubmissionComment,
	type SubmissionEvent,
	type SubmissionMedia,
	type SubmissionSummary,
	type SubmissionVersion,
} from './store';

export interface Workspace {
	submission: Submission;
	media: SubmissionMedia[];
	comments: SubmissionComment[];
	events: SubmissionEvent[];
	versions: SubmissionVersion[];
	members: { id: number; name: string; country: string | null }[];
	isAuthor: boolean;
	canEdit: boolean;
	canReview: boolean;
	/** Country editors write for their own country only. */
	countryLocked: boolean;
}

/** The workspace of a submission the member may see, or null (404 for everyone else). */
export function getWorkspace(ctx: CommandContext, id: number): Workspace | null {
	const s = getSubmission(ctx.db, id);
	const user = ctx.user;
	if (!s || !user || !canSeeSubmission(user, s)) return null;
	return {
		submission: s,
		media: listMedia(ctx.db, id),
		comments: listComments(ctx.db, id),
		events: listEvents(ctx.db, id),
		versions: listVersions(ctx.db, id),
		members: listUsers(ctx.db).map((u) => ({ id: u.id, name: u.name, country: u.country })),
		isAuthor: user.id === s.authorId,
		canEdit: canEditSubmission(user, s),
		canReview: canReviewSubmission(user, s),
		countryLocked: !canWriteForCountry(user, '__any__'),
	};
}

/** The member's own submissions and, for reviewers, the queue. */
export function getSubmissionLists(ctx: CommandContext): {
	canWrite: boolean;
	mine: SubmissionSummary[];
	queue: SubmissionSummary[];
} {
	const user = ctx.user;
	if (!user) return { canWrite: false, mine: [], queue: [] };
	const canWrite = canWriteCaseStudies(user);
	const reviewer = user.role === 'admin' || user.role === 'editor';
	return {
		canWrite,
		mine: listSubmissionsOfAuthor(ctx.db, user.id),
		queue: reviewer
			? listReviewQueue(ctx.db, {
					excludeAuthor: user.id,
					excludeCountry: user.role === 'admin' || user.hq ? null : user.country,
				})
			: [],
	};
}

export interface FieldDiff {
	/** A form field name, or `block-N`. */
	field: string;
	parts: { value: string; added?: boolean; removed?: boolean }[];
}

/** The text a reviewer compares, field by field, flattened from the structured form. */
function comparableTexts(f: SubmissionFields): Map<string, string> {
	const texts = new Map<string, string>([
		['title', f.title],
		['summary', f.summary],
		['country', f.country],
		['subsidiary', f.subsidiary],
		['lang', f.lang],
		['topics', f.topics.join(', ')],
		['models', f.models],
		['channels', f.channels.join(', ')],
		['reviewBy', f.reviewBy],
		['contacts', f.contacts.join(', ')],
		['cover.alt', f.cover.alt],
		[
			'results',
			f.results
				.map((r) => `${r.label}: ${r.before} → ${r.after} ${r.unit} (${r.period})`)
				.join('\n'),
		],
	]);
	f.blocks.forEach((b, i) => {
		const text =
			b.type === 'text'
				? b.markdown
				: b.type === 'callout'
					? `[${b.kind}] ${b.markdown}`
					: b.type === 'quote'
						? `“${b.text}” — ${b.author}${b.role ? `, ${b.role}` : ''}`
						: b.type === 'gallery'
							? b.photos.map((p) => `[${p.alt}] ${p.caption}`).join('\n')
							: b.type === 'video'
								? `[${b.title}] ${b.captions.map((c) => c.srclang).join(', ')}`
								: '[results]';
		texts.set(`b-${i + 1}`, text);
	});
	return texts;
}

/** Word-level differences between two versions, only for fields that changed. */
export function diffSubmissionFields(
	before: SubmissionFields,
	after: SubmissionFields,
): FieldDiff[] {
	const a = comparableTexts(before);
	const b = comparableTexts(after);
	const fields = [...new Set([...a.keys(), ...b.keys()])];
	return fields.flatMap((field) => {
		const from = a.get(field) ?? '';
		const to = b.get(field) ?? '';
		return from === to ? [] : [{ field, parts: diffWords(from, to) }];
	});
}

/**
 * Places a review comment can point at: the form's fields and each paragraph of the story's text
 * blocks (`b-2-3`, the id the paragraph carries on the page and in the preview).
 */
export function listAnchors(
	f: SubmissionFields,
): { anchor: string; block?: number; n?: number; text?: string; type?: string }[] {
	const anchors: { anchor: string; block?: number; n?: number; text?: string; type?: string }[] = [
		'title',
		'summary',
		'country',
		'subsidiary',
		'topics',
		'models',
		'channels',
		'reviewBy',
		'contacts',
		'results',
		'cover.alt',
	].map((anchor) => ({ anchor }));
	f.blocks.forEach((b, i) => {
		const block = i + 1;
		if (b.type === 'text' || b.type === 'callout') {
			splitParagraphs(b.markdown).forEach((text, j) =>
				anchors.push({ anchor: `b-${block}-${j + 1}`, block, n: j + 1, text }),
			);
		} else anchors.push({ anchor: `b-${block}`, block, type: b.type });
	});
	return anchors;
}

/** Top-level Markdown blocks, as the renderer numbers them: separated by blank lines. */
export function splitParagraphs(markdown: string): string[] {
	return markdown
		.split(/\n\s*\n/)
		.map((p) => p.trim())
		.filter(Boolean)
		.map((p) => (p.length > 70 ? `${p.slice(0, 67)}…` : p));
}
