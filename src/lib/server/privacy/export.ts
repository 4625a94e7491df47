// A member's data, as one ZIP: data.json (everything the portal keeps about them as its author or
// subject), their files (profile photo, media of the case studies they wrote) and a README.txt that
// explains each part. What is left out is left out on purpose: other members' messages (they are
// those members' data; the thread's subject is kept so the member's own messages make sense), the
// members of a thread (a relay thread's masked author must stay unknown to the reader), and who hid
// or reviewed something beyond what the portal already shows the member.
import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { Database } from 'better-sqlite3';
import yazl from 'yazl';
import { prepare } from '../db';
import { getProfilePhotoPath } from '../photos';
import { MEDIA_DIR } from '../submissions/media-files';
import { getUserById } from '../user';
import { useTranslations } from '../../i18n';
import type { Lang } from '../../taxonomy';

export interface MemberExport {
	/** data.json's content. */
	data: Record<string, unknown>;
	/** Files of the member to put in the ZIP: name inside it → absolute path (existing files only). */
	files: { name: string; file: string }[];
}

const json = (text: string | null): unknown => {
	if (text === null) return null;
	try {
		return JSON.parse(text);
	} catch {
		return text;
	}
};

/**
 * Collects the member's data; `null` when there is no such member.
 * @example collectMemberData(db, '/srv/data', 12)?.data.profile
 */
export function collectMemberData(
	db: Database,
	dataDir: string,
	userId: number,
	nowSeconds: number,
): MemberExport | null {
	const user = getUserById(db, userId);
	if (!user) return null;
	const all = (sql: string, ...args: unknown[]) =>
		prepare(db, sql).all(...args) as Record<string, unknown>[];
	const prefs = prepare(
		db,
		'SELECT user.digest_day, user.mail_lang, user.mail_optout FROM user WHERE user.id = ?',
	).get(userId) as { digest_day: number; mail_lang: string; mail_optout: string };
	const files: MemberExport['files'] = [];
	const photoPath = getProfilePhotoPath(dataDir, user.photo);
	if (photoPath && fs.existsSync(photoPath)) {
		files.push({ name: `files/photo/${user.photo}`, file: photoPath });
	}

	const threads = all(
		`SELECT thread.id, thread.subject, thread.created_at, thread.post_mortem_id, me.masked
			FROM thread_member AS me JOIN thread ON thread.id = me.thread_id
			WHERE me.user_id = ? ORDER BY thread.created_at, thread.id`,
		userId,
	).map((row) => ({
		id: row.id,
		subject: row.subject,
		createdAt: row.created_at,
		// Only the member's own side: on a relay they wrote as the post-mortem's anonymous author.
		youWroteAsAnonymousAuthor: row.masked === 1,
		messagesYouWrote: all(
			`SELECT message.id, message.body, message.created_at AS createdAt FROM message
				WHERE message.thread_id = ? AND message.sender_id = ? ORDER BY message.created_at, message.id`,
			row.id,
			userId,
		),
	}));

	const postMortems = all(
		`SELECT post_mortem.* FROM post_mortem WHERE post_mortem.author_id = ? ORDER BY post_mortem.id`,
		userId,
	).map((row) => {
		const { hidden_by: _hiddenBy, author_id: _authorId, ...rest } = row;
		for (const key of ['models', 'topics', 'results', 'timeline', 'factors', 'photos'])
			rest[key] = json(rest[key] as string);
		return {
			...rest,
			actions: all(
				`SELECT a.text, a.due_date, a.status, a.position FROM post_mortem_action AS a
					WHERE a.post_mortem_id = ? ORDER BY a.position, a.id`,
				row.id,
			),
		};
	});

	const submissions = all(
		`SELECT submission.id, submission.slug, submission.country, submission.lang, submission.state,
				submission.fields, submission.revision, submission.created_at, submission.updated_at
			FROM submission WHERE submission.author_id = ? ORDER BY submission.id`,
		userId,
	).map((row) => {
		const media = all(
			`SELECT m.id, m.kind, m.state, m.original_name, m.created_at FROM submission_media AS m
				WHERE m.submission_id = ? ORDER BY m.created_at, m.id`,
			row.id,
		);
		for (const item of media) {
			const dir = path.join(dataDir, MEDIA_DIR, String(item.id));
			if (!/^[a-f0-9]{32}$/.test(String(item.id)) || !fs.existsSync(dir)) continue;
			for (const name of fs.readdirSync(dir)) {
				const file = path.join(dir, name);
				if (fs.statSync(file).isFile())
					files.push({ name: `files/submissions/${row.slug}/${item.id}/${name}`, file });
			}
		}
		return {
			...row,
			fields: json(row.fields as string),
			versions: all(
				`SELECT v.number, v.fields, v.published_at FROM submission_version AS v
					WHERE v.submission_id = ? ORDER BY v.number`,
				row.id,
			).map((v) => ({ ...v, fields: json(v.fields as string) })),
			media,
		};
	});

	const data = {
		exportedAt: nowSeconds,
		profile: {
			id: user.id,
			email: user.email,
			name: user.name,
			title: user.title,
			country: user.country,
			languages: user.languages,
			phone: user.phone,
			showPhone: user.showPhone,
			bio: user.bio,
			photo: user.photo,
			role: user.role,
			hqEditor: user.hq,
			active: user.active,
			timeZone: user.timeZone,
			digestDay: prefs.digest_day,
			mailLanguage: prefs.mail_lang,
			mailTurnedOff: json(prefs.mail_optout),
			createdAt: user.createdAt,
			updatedAt: user.updatedAt,
		},
		sessions: all(
			`SELECT session.created_at AS createdAt, session.expires_at AS expiresAt, session.ip,
					session.user_agent AS userAgent
				FROM session WHERE session.user_id = ? ORDER BY session.created_at`,
			userId,
		),
		privateFeed:
			prepare(
				db,
				'SELECT feed_token.created_at AS createdAt FROM feed_token WHERE feed_token.user_id = ?',
			).get(userId) ?? null,
		threads,
		postMortems,
		postMortemComments: all(
			`SELECT c.post_mortem_id AS postMortemId, c.disclosure, c.body, c.created_at AS createdAt
				FROM post_mortem_comment AS c WHERE c.author_id = ? ORDER BY c.created_at, c.id`,
			userId,
		),
		actionsAssignedToYou: all(
			`SELECT a.post_mortem_id AS postMortemId, post_mortem.title AS postMortemTitle, a.text,
					a.due_date AS dueDate, a.status
				FROM post_mortem_action AS a JOIN post_mortem ON post_mortem.id = a.post_mortem_id
				WHERE a.owner_id = ? ORDER BY a.post_mortem_id, a.position`,
			userId,
		),
		appliedNotes: all(
			`SELECT a.case_study AS caseStudy, a.country, a.status, a.period, a.change, a.note, a.kpi,
					a.created_at AS createdAt, a.updated_at AS updatedAt
				FROM adoption AS a WHERE a.user_id = ? ORDER BY a.created_at, a.id`,
			userId,
		).map((row) => ({ ...row, kpi: json(row.kpi as string | null) })),
		countryAnswers: all(
			`SELECT a.case_study AS caseStudy, a.country, a.status, a.period, a.change, a.reason, a.note,
					a.kpi, a.origin, a.created_at AS createdAt, a.updated_at AS updatedAt
				FROM country_answer AS a WHERE a.answered_by = ? ORDER BY a.created_at, a.id`,
			userId,
		).map((row) => ({ ...row, kpi: json(row.kpi as string | null) })),
		focalPointFor: all(
			`SELECT f.country, f.created_at AS since FROM focal_point AS f WHERE f.user_id = ? ORDER BY f.country`,
			userId,
		),
		practiceRequests: all(
			`SELECT r.id, r.title, r.detail, r.lang, r.country, r.state, r.answer_case_study AS answerCaseStudy,
					r.answer_note AS answerNote, r.created_at AS createdAt
				FROM practice_request AS r WHERE r.author_id = ? ORDER BY r.created_at, r.id`,
			userId,
		),
		practiceRequestPlusOnes: all(
			`SELECT v.request_id AS requestId, r.title, v.created_at AS createdAt
				FROM practice_request_vote AS v JOIN practice_request AS r ON r.id = v.request_id
				WHERE v.user_id = ? ORDER BY v.created_at`,
			userId,
		),
		notifications: all(
			`SELECT n.kind, n.payload, n.created_at AS createdAt, n.read_at AS readAt
				FROM notification AS n WHERE n.user_id = ? ORDER BY n.created_at, n.id`,
			userId,
		).map((row) => ({ ...row, payload: json(row.payload as string) })),
		webCaseStudies: submissions,
		reviewCommentsYouWrote: all(
			`SELECT c.submission_id AS submissionId, c.anchor, c.body, c.created_at AS createdAt,
					c.resolved_at AS resolvedAt
				FROM submission_comment AS c WHERE c.author_id = ? ORDER BY c.created_at, c.id`,
			userId,
		),
		auditEntriesOfYourActions: all(
			`SELECT a.at, a.action, a.target, a.ip, a.detail FROM audit_log AS a
				WHERE a.actor_id = ? ORDER BY a.id`,
			userId,
		),
	};
	return { data, files };
}

/**
 * The ZIP of a member's data as a stream (written while it is sent, so a large video never sits in
 * memory): data.json, README.txt in `lang`, and the files.
 * @example Readable.toWeb(createExportZip(collected, 'en'))
 */
export function createExportZip(collected: MemberExport, lang: Lang): Readable {
	const zip = new yazl.ZipFile();
	const mtime = new Date((collected.data.exportedAt as number) * 1000);
	zip.addBuffer(Buffer.from(renderExportReadme(lang), 'utf8'), 'README.txt', { mtime });
	zip.addBuffer(Buffer.from(JSON.stringify(collected.data, null, 2), 'utf8'), 'data.json', {
		mtime,
	});
	for (const { name, file } of collected.files) zip.addFile(file, name);
	zip.end();
	return zip.outputStream as Readable;
}

const README_PARTS = [
	'profile',
	'sessions',
	'privateFeed',
	'threads',
	'postMortems',
	'postMortemComments',
	'actionsAssignedToYou',
	'appliedNotes',
	'countryAnswers',
	'focalPointFor',
	'practiceRequests',
	'practiceRequestPlusOnes',
	'notifications',
	'webCaseStudies',
	'reviewCommentsYouWrote',
	'auditEntriesOfYourActions',
	'files',
] as const;

/** README.txt: what each part of data.json and the files are, in the member's language. */
export function renderExportReadme(lang: Lang): string {
	const t = useTranslations(lang);
	const lines = [t('privacy.readme.title'), '', t('privacy.readme.intro'), ''];
	for (const part of README_PARTS) {
		lines.push(`- ${part}: ${t(`privacy.readme.part.${part}`)}`);
	}
	lines.push('', t('privacy.readme.left'), '', t('privacy.readme.times'), '');
	return lines.join('\n');
}
