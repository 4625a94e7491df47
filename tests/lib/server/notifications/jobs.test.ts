// The job runner and the adoption loop's mails on a real SQLite file and a real outbox directory:
// reminders go once to each focal point of each country that still owes an answer, whatever runs
// twice, at once, late or after a restart; the digest speaks the member's language; opting out stops
// the mail but not the notification; every mail has a text and an HTML part and one-click
// unsubscribe headers; a hidden post-mortem is told to its author only.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { addUser, createTestDatabase, useBuiltPractices, T0 } from '../test-db';
import { openDatabase, prepare, type Database } from '../../../../src/lib/server/db';
import { readMailConfig, type MailConfig } from '../../../../src/lib/server/mail';
import { registerPractice } from '../../../../src/lib/server/practices/registry';
import {
	claimNextJob,
	createJobRunner,
	deleteOldJobs,
	JOB_LOCK_SECONDS,
	listFailedJobs,
	retryDelaySeconds,
} from '../../../../src/lib/server/jobs/runner';
import { jobHandlers } from '../../../../src/lib/server/jobs/handlers';
import { enqueueJob, type JobHandler } from '../../../../src/lib/server/jobs/queue';
import { createContextFor } from '../../../../src/lib/server/context';
import {
	createPostMortemDraft,
	hidePostMortemCommand,
	publishPostMortem,
	publishPostMortemCommand,
	savePostMortemStep,
	saveStep,
} from '../../../../src/lib/server/post-mortems';
import { emptyFields, type PmFields } from '../../../../src/lib/post-mortem-form';
import { getNowSeconds } from '../../../../src/lib/server/time';
import { listNotifications } from '../../../../src/lib/server/notifications/store';
import { getMailRecipient } from '../../../../src/lib/server/notifications/prefs';
import { unsubscribeCommand } from '../../../../src/lib/server/notifications/commands';
import type { User } from '../../../../src/lib/server/user';
import { readOutbox, type ParsedMail } from './eml';

const DAY = 86_400;
const PORTAL = 'https://portal.example';
const SLUG = 'alpha-launch';
const TITLE = 'Alpha launch <street> events';

useBuiltPractices([
	{
		slug: SLUG,
		title: TITLE,
		lang: 'en',
		country: 'IT',
		published: '2026-01-01',
		reviewBy: '2026-06-01',
		contacts: ['anna-verdi'],
	},
]);
beforeAll(() => {
	process.env.PORTAL_URL = PORTAL;
});

let env: ReturnType<typeof createTestDatabase>;
let db: Database;
let mailConfig: MailConfig;
let anna: User; // IT, owns the practice
let rui: User; // PT focal point, reads French
let rita: User; // PT focal point
let eva: User; // ES focal point; Spain answered
let bruno: User; // PT member, not a focal point

function member(email: string, name: string, country: string, extra: Record<string, unknown> = {}) {
	const u = addUser(db, email, name);
	prepare(
		db,
		'UPDATE user SET country = ?, person_id = ?, languages = ?, time_zone = ? WHERE id = ?',
	).run(
		country,
		(extra.personId as string) ?? null,
		JSON.stringify(extra.languages ?? ['en']),
		(extra.timeZone as string) ?? '',
		u.id,
	);
	return u;
}

beforeEach(() => {
	env = createTestDatabase();
	db = env.db;
	process.env.DATA_DIR = env.dir;
	mailConfig = readMailConfig({ DATA_DIR: env.dir });
	anna = member('anna@example.com', 'Anna Verdi', 'IT', { personId: 'anna-verdi' });
	rui = member('rui@example.com', 'Rui Sousa', 'PT', {
		languages: ['pt', 'fr'],
		timeZone: 'Europe/Lisbon',
	});
	rita = member('rita@example.com', 'Rita Lopes', 'PT');
	eva = member('eva@example.com', 'Eva Ruiz', 'ES');
	bruno = member('bruno@example.com', 'Bruno Costa', 'PT');
	const name = prepare(
		db,
		'INSERT INTO focal_point (country, user_id, created_at) VALUES (?, ?, ?)',
	);
	name.run('PT', rui.id, T0);
	name.run('PT', rita.id, T0);
	name.run('ES', eva.id, T0);
	db.transaction(() =>
		registerPractice(
			db,
			{ slug: SLUG, country: 'IT', source: 'git', publishedAt: T0, reviewBy: '2026-06-01' },
			T0,
		),
	)();
	prepare(
		db,
		`INSERT INTO country_answer (case_study, country, status, answered_by, created_at, updated_at)
			VALUES (?, 'ES', 'adopted', ?, ?, ?)`,
	).run(SLUG, eva.id, T0 + DAY, T0 + DAY);
});
afterEach(() => env.cleanup());

/** The kind of mail, from its unsubscribe link. */
function kindOf(m: ParsedMail): string {
	return /\/unsubscribe\/\d+-([a-z]+)-/.exec(m.headers.get('list-unsubscribe') ?? '')?.[1] ?? '';
}

function outbox(): ParsedMail[] {
	return readOutbox(mailConfig.outboxDir);
}

function runnerAt(now: number, database: Database = db, handlers = jobHandlers) {
	return createJobRunner({ db: database, handlers, mailConfig, now: () => now });
}

function jobState(key: string) {
	return prepare(db, 'SELECT state, attempts, last_error FROM job WHERE key = ?').get(key) as {
		state: string;
		attempts: number;
		last_error: string | null;
	};
}

describe('answer reminders', () => {
	it('mails each focal point of each country that owes the answer, once, with a one-click link', async () => {
		const day7 = T0 + 7 * DAY + 60;
		expect(await runnerAt(day7).runDue()).toBeGreaterThan(0);
		const mails = outbox();
		expect(mails.map((m) => m.to).sort()).toEqual(['rita@example.com', 'rui@example.com']);

		const rita = mails.find((m) => m.to === 'rita@example.com')!;
		expect(rita.subject).toBe(`Portugal's answer on “${TITLE}” is due on January 31, 2026`);
		expect(rita.text).toContain('Hello Rita Lopes,');
		expect(rita.text).toContain(`${PORTAL}/case-studies/${SLUG}/answer/`);
		// The member-typed title is escaped in the HTML part, and the link is there too.
		expect(rita.html).toContain('Alpha launch &lt;street&gt; events');
		expect(rita.html).not.toContain('<street>');
		expect(rita.html).toContain(`href="${PORTAL}/case-studies/${SLUG}/answer/"`);
		// RFC 8058 headers, and the same link in the footer.
		const unsubscribe = /^<(https:\/\/portal\.example\/unsubscribe\/[^>]+\/)>$/.exec(
			rita.headers.get('list-unsubscribe') ?? '',
		)?.[1];
		expect(unsubscribe).toMatch(/\/unsubscribe\/\d+-reminders-[0-9a-f]{32}\/$/);
		expect(rita.headers.get('list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
		expect(rita.text).toContain(unsubscribe);

		// Rui reads French: subject, body and links in French.
		const ruiMail = mails.find((m) => m.to === 'rui@example.com')!;
		expect(ruiMail.subject).toBe(`Réponse attendue le 31 janvier 2026 : « ${TITLE} » (Portugal)`);
		expect(ruiMail.text).toContain(`${PORTAL}/fr/case-studies/${SLUG}/answer/`);
		expect(ruiMail.headers.get('list-unsubscribe')).toContain(`${PORTAL}/fr/unsubscribe/`);

		// Running again (the next poll) sends nothing more.
		await runnerAt(day7 + 30).runDue();
		expect(outbox()).toHaveLength(2);
		expect(jobState(`answer-reminder:${SLUG}:${T0}:7`).state).toBe('done');
		// Both are told in the portal too.
		expect(listNotifications(db, rui.id).map((n) => n.type)).toEqual(['answer-reminder']);
	});

	it('sends once when two runners on two connections poll at the same moment', async () => {
		const day7 = T0 + 7 * DAY + 60;
		const other = openDatabase(env.file);
		try {
			await Promise.all([
				runnerAt(day7).runDue(),
				runnerAt(day7, other).runDue(),
				runnerAt(day7).runDue(),
			]);
		} finally {
			other.close();
		}
		expect(
			outbox()
				.map((m) => m.to)
				.sort(),
		).toEqual(['rita@example.com', 'rui@example.com']);
	});

	it('runs a reminder missed while the server was down once at start, and not again after a restart', async () => {
		// Down from day 5 to day 25: both reminders are due; the later one speaks for both.
		await runnerAt(T0 + 25 * DAY).runDue();
		expect(
			outbox()
				.map((m) => m.to)
				.sort(),
		).toEqual(['rita@example.com', 'rui@example.com']);
		expect(outbox().find((m) => m.to === 'rita@example.com')!.text).toContain('January 31, 2026');

		// Restart: the database is closed and opened again, a new runner starts.
		db.close();
		db = openDatabase(env.file);
		await runnerAt(T0 + 25 * DAY + 5).runDue();
		await runnerAt(T0 + 26 * DAY).runDue();
		// (Monday's digests went out meanwhile; reminders did not.)
		expect(outbox().filter((m) => kindOf(m) === 'reminders')).toHaveLength(2);
	});

	it('sends nothing for a country that answered since the reminder was queued', async () => {
		prepare(
			db,
			`INSERT INTO country_answer (case_study, country, status, answered_by, created_at, updated_at)
				VALUES (?, 'PT', 'trying', ?, ?, ?)`,
		).run(SLUG, rui.id, T0 + 2 * DAY, T0 + 2 * DAY);
		await runnerAt(T0 + 60 * DAY).runDue();
		expect(outbox().filter((m) => m.subject.includes('answer'))).toEqual([]);
	});

	it('runs a job again after its runner died before finishing it, and mails once', async () => {
		const day7 = T0 + 7 * DAY + 60;
		// A runner claims the job and dies before its transaction committed: nothing was sent.
		const claimed = claimNextJob(db, day7);
		expect(claimed?.kind).toBe('answer-reminder');
		await runnerAt(day7 + 60).runDue();
		expect(outbox()).toEqual([]);
		await runnerAt(day7 + JOB_LOCK_SECONDS + 1).runDue();
		expect(outbox()).toHaveLength(2);
		expect(jobState(`answer-reminder:${SLUG}:${T0}:7`)).toMatchObject({
			state: 'done',
			attempts: 2,
		});
	});
});

describe('failures', () => {
	it('retries with a growing delay, then leaves the job failed for the admins', async () => {
		let calls = 0;
		const handlers: Record<string, JobHandler> = {
			...jobHandlers,
			boom: () => {
				calls++;
				throw new Error('SMTP is down');
			},
		};
		enqueueJob(db, { kind: 'boom', key: 'boom:1', runAt: T0 }, T0);
		await runnerAt(T0, db, handlers).runDue();
		expect(jobState('boom:1')).toEqual({
			state: 'pending',
			attempts: 1,
			last_error: 'SMTP is down',
		});
		await runnerAt(T0 + retryDelaySeconds(1) - 1, db, handlers).runDue();
		expect(calls).toBe(1);
		await runnerAt(T0 + retryDelaySeconds(1), db, handlers).runDue();
		expect(calls).toBe(2);
		await runnerAt(T0 + retryDelaySeconds(1) + retryDelaySeconds(2), db, handlers).runDue();
		expect(calls).toBe(3);
		expect(jobState('boom:1').state).toBe('failed');
		expect(listFailedJobs(db)).toMatchObject([
			{ kind: 'boom', attempts: 3, lastError: 'SMTP is down' },
		]);
		await runnerAt(T0 + 30 * DAY, db, handlers).runDue();
		expect(calls).toBe(3);
	});

	it('deletes done jobs after 90 days, keeping the failed ones', async () => {
		await runnerAt(T0 + 7 * DAY + 60).runDue();
		const before = prepare(db, "SELECT COUNT(*) FROM job WHERE state = 'done'")
			.pluck()
			.get() as number;
		expect(before).toBeGreaterThan(0);
		expect(deleteOldJobs(db, T0 + 7 * DAY + 89 * DAY)).toBe(0);
		expect(deleteOldJobs(db, T0 + 7 * DAY + 91 * DAY)).toBe(before);
	});
});

function postMortem(author: User, overrides: Partial<PmFields> = {}): number {
	const fields: PmFields = {
		...emptyFields(),
		title: 'Tablets <nobody> used',
		tried: 'We gave tablets to salespeople.',
		country: 'PT',
		models: ['Kadjar'],
		channel: 'showroom',
		topics: ['digital-tools'],
		period: '2025',
		practice: SLUG,
		results: [{ label: 'Demos', unit: 'demos', planned: '40', actual: '6' }],
		timeline: [{ when: 'March', what: 'Tablets handed out' }],
		signal: 'Tablets stayed in their boxes.',
		signalWhen: 'After three weeks',
		factors: ['training'],
		factorsNote: '',
		wentWrong: 'No training.',
		differently: 'Train first.',
		actions: [],
		disclosure: 'anonymous',
		...overrides,
	};
	const id = createPostMortemDraft(db, author.id, T0);
	for (const step of [1, 2, 3, 4, 5, 6] as const)
		saveStep(db, { id, authorId: author.id, step, fields, reached: step + 1 }, T0);
	return id;
}

describe('weekly digest', () => {
	it('goes out on the member’s day at 7:00 their time, in French for a French reader, once a week', async () => {
		prepare(db, 'UPDATE user SET digest_day = 1 WHERE id = ?').run(rui.id);
		// An anonymous post-mortem by Bruno, published this week: title and link only.
		const pm = postMortem(bruno);
		publishPostMortem(db, pm, bruno.id, T0 + 2 * DAY);
		// T0 is Thursday 1 January 2026; Rui's Monday 07:00 in Lisbon (UTC+0 in winter) is 5 January.
		await runnerAt(T0).runDue();
		const key = `weekly-digest:${rui.id}:2026-W02`;
		const monday = Date.UTC(2026, 0, 5, 7) / 1000;
		expect(prepare(db, 'SELECT run_at FROM job WHERE key = ?').pluck().get(key)).toBe(monday);
		await runnerAt(monday - 1).runDue();
		expect(outbox().filter((m) => m.to === 'rui@example.com')).toEqual([]);

		await runnerAt(monday + 5).runDue();
		const digests = outbox().filter((m) => m.to === 'rui@example.com');
		expect(digests).toHaveLength(1);
		const digest = digests[0]!;
		expect(digest.subject).toBe('Votre semaine sur Coaching Dealer (5 janvier 2026)');
		expect(digest.text).toContain('Bonjour Rui Sousa,');
		expect(digest.text).toContain('Nouvelles pratiques');
		expect(digest.text).toContain(`${TITLE} (Italie)`);
		expect(digest.text).toContain(
			'Votre pays n’a pas encore répondu : réponse attendue le 31 janvier 2026',
		);
		expect(digest.text).toContain(`${PORTAL}/fr/case-studies/${SLUG}/answer/`);
		expect(digest.text).toContain('Nouveaux retours d’échec');
		expect(digest.text).toContain('Tablets <nobody> used');
		expect(digest.html).toContain('Tablets &lt;nobody&gt; used');
		expect(digest.text).not.toContain('Bruno');
		expect(digest.html).not.toContain('Bruno');
		expect(digest.headers.get('list-unsubscribe')).toMatch(/\/fr\/unsubscribe\/\d+-digest-/);

		// The next daily schedule and polls of the same week never send a second one.
		await runnerAt(monday + DAY).runDue();
		await runnerAt(monday + 2 * DAY).runDue();
		expect(outbox().filter((m) => m.to === 'rui@example.com')).toHaveLength(1);
		expect(
			prepare(db, 'SELECT COUNT(*) FROM job WHERE key LIKE ?')
				.pluck()
				.get(`weekly-digest:${rui.id}:%`),
		).toBe(2); // this week's, done, and next week's, waiting
	});

	it('is not sent when there is nothing to say, nor to a member who turned it off', async () => {
		// Anna owns the practice and is no focal point: nothing new for her but her own practice.
		prepare(db, 'UPDATE user SET mail_optout = \'["digest"]\' WHERE id = ?').run(rui.id);
		await runnerAt(T0).runDue();
		await runnerAt(T0 + 8 * DAY).runDue();
		const isDigest = (m: ParsedMail) => /-digest-/.test(m.headers.get('list-unsubscribe') ?? '');
		const to = outbox()
			.filter(isDigest)
			.map((m) => m.to);
		expect(to).not.toContain('rui@example.com');
		// Rita (focal point, nothing opted out) gets hers; Eva's country answered, but the practice is new.
		expect(to).toContain('rita@example.com');
		// A week later nothing new happened for Bruno: no empty digest.
		const toBruno = () => outbox().filter((m) => isDigest(m) && m.to === 'bruno@example.com');
		const before = toBruno().length;
		await runnerAt(T0 + 15 * DAY).runDue();
		expect(toBruno()).toHaveLength(before);
	});
});

describe('weekly digest content', () => {
	it('tells an owner of answers on her practices and of requests she follows, and skips old practices first seen now', async () => {
		// An old git practice the portal meets for the first time this week is not "new".
		db.transaction(() =>
			registerPractice(
				db,
				{
					slug: 'old-one',
					country: 'PT',
					source: 'git',
					publishedAt: T0 - 400 * DAY,
					reviewBy: '',
				},
				T0,
			),
		)();
		prepare(
			db,
			`INSERT INTO country_answer (case_study, country, status, kpi, answered_by, created_at, updated_at)
				VALUES (?, 'PT', 'adopted', ?, ?, ?, ?)`,
		).run(
			SLUG,
			JSON.stringify({ label: 'Leads', unit: '%', before: 10, after: 12 }),
			rui.id,
			T0 + DAY,
			T0 + DAY,
		);
		const request = (title: string, state: string, answeredAt: number | null) =>
			prepare(
				db,
				`INSERT INTO practice_request (author_id, title, lang, state, answered_at, created_at, updated_at)
					VALUES (?, ?, 'en', ?, ?, ?, ?) RETURNING id`,
			)
				.pluck()
				.get(bruno.id, title, state, answeredAt, T0 - DAY, T0 + DAY) as number;
		const answered = request('A rural launch?', 'answered', T0 + 2 * DAY);
		const voted = request('Used-car events?', 'open', null);
		request('Nothing new here', 'open', null);
		const vote = prepare(
			db,
			'INSERT INTO practice_request_vote (request_id, user_id, created_at) VALUES (?, ?, ?)',
		);
		vote.run(answered, anna.id, T0 - DAY);
		vote.run(voted, anna.id, T0 - DAY);
		vote.run(voted, rita.id, T0 + 3 * DAY);

		await runnerAt(T0).runDue();
		await runnerAt(T0 + 5 * DAY).runDue();
		const digest = outbox().find((m) => m.to === 'anna@example.com' && kindOf(m) === 'digest')!;
		expect(digest.subject).toBe('Your week on Coaching Dealer (January 5, 2026)');
		expect(digest.text).toContain('Answers on your practices');
		expect(digest.text).toContain(`Portugal: adopted on “${TITLE}”`);
		expect(digest.text).toContain('Spain: adopted');
		expect(digest.text).toContain('Requests you follow');
		expect(digest.text).toMatch(
			/- A rural launch\?\n  Answered\n  https:\/\/portal\.example\/requests\/\d+\//,
		);
		expect(digest.text).toContain('Used-car events?\n  1 new supporter');
		expect(digest.text).not.toContain('Nothing new here');
		expect(digest.text).not.toContain('old-one');
		expect(digest.html).toContain('<h2');
		expect(digest.html).toContain('Requests you follow</h2>');
	});
});

describe('notifications', () => {
	it('records an answer for the practice’s owner even when she turned those mails off', async () => {
		prepare(db, 'UPDATE user SET mail_optout = \'["answers"]\' WHERE id = ?').run(anna.id);
		const answer = prepare(
			db,
			`INSERT INTO country_answer (case_study, country, status, change, kpi, answered_by, created_at, updated_at)
				VALUES (?, 'PT', 'adapted', 'Smaller events', ?, ?, ?, ?) RETURNING id`,
		)
			.pluck()
			.get(
				SLUG,
				JSON.stringify({ label: 'Test drives', unit: '', before: 40, after: 55 }),
				rui.id,
				T0 + DAY,
				T0 + DAY,
			) as number;
		enqueueJob(
			db,
			{
				kind: 'notify-answer',
				key: `notify-answer:${answer}`,
				runAt: T0 + DAY,
				payload: { answerId: answer },
			},
			T0 + DAY,
		);
		await runnerAt(T0 + DAY).runDue();
		expect(outbox().filter((m) => m.to === 'anna@example.com')).toEqual([]);
		expect(listNotifications(db, anna.id)).toMatchObject([
			{ type: 'answer', payload: { country: 'PT', status: 'adapted', title: TITLE }, read: false },
		]);

		// Turned back on, the next answer is mailed, with the KPI.
		prepare(db, "UPDATE user SET mail_optout = '[]' WHERE id = ?").run(anna.id);
		prepare(db, "UPDATE country_answer SET country = 'FR' WHERE id = ?").run(answer);
		enqueueJob(
			db,
			{
				kind: 'notify-answer',
				key: `notify-answer:${answer}:2`,
				runAt: T0 + DAY,
				payload: { answerId: answer },
			},
			T0 + DAY,
		);
		await runnerAt(T0 + DAY + 1).runDue();
		const mail = outbox().find((m) => m.to === 'anna@example.com')!;
		expect(mail.subject).toBe(`France answered on “${TITLE}”: adapted`);
		expect(mail.text).toContain('Measured: Test drives: 40 → 55');
		expect(mail.text).toContain('What changed: Smaller events');
		expect(mail.html).toContain('Measured: Test drives: 40 → 55');
	});

	it('tells only the author that their anonymous post-mortem was hidden, with the note', async () => {
		const pm = postMortem(bruno);
		publishPostMortem(db, pm, bruno.id, T0);
		const editor = addUser(db, 'edith@example.com', 'Edith Editor', 'editor');
		const result = hidePostMortemCommand(createContextFor(db, editor, { dataDir: env.dir }), {
			id: pm,
			note: 'It names a salesperson: remove the name, please.',
		});
		expect(result).toEqual({ ok: true });
		await runnerAt(getNowSeconds() + 1).runDue();
		const mails = outbox().filter((m) => m.subject.includes('hidden'));
		expect(mails.map((m) => m.to)).toEqual(['bruno@example.com']);
		expect(mails[0]!.text).toContain('It names a salesperson: remove the name, please.');
		expect(mails[0]!.text).toContain(`${PORTAL}/post-mortems/${pm}/`);
		expect(mails[0]!.html).toContain('Tablets &lt;nobody&gt; used');
		expect(mails[0]!.text).not.toContain('Edith');
		const told = prepare(db, "SELECT user_id FROM notification WHERE kind = 'post-mortem-hidden'")
			.pluck()
			.all();
		expect(told).toEqual([bruno.id]);
	});

	it('tells an action’s owner once when the post-mortem is published, without naming its author', async () => {
		const pm = postMortem(bruno, {
			actions: [
				{ text: 'Plan a training day', owner: String(anna.id), due: '2099-01-10', status: 'open' },
			],
		});
		const memberIds = [anna.id, bruno.id, rui.id, rita.id, eva.id];
		const aboutActions = () =>
			outbox().filter((m) => /-actions-/.test(m.headers.get('list-unsubscribe') ?? ''));
		const ctx = createContextFor(db, bruno, { dataDir: env.dir });
		const published = publishPostMortemCommand(ctx, pm, { practices: [SLUG], memberIds });
		expect(published).toEqual({ ok: true, id: pm });
		const now = getNowSeconds() + 1;
		await runnerAt(now).runDue();
		const mails = aboutActions();
		expect(mails.map((m) => [m.to, m.subject])).toEqual([
			['anna@example.com', 'A follow-up action is yours: Plan a training day'],
		]);
		expect(mails[0]!.text).toContain('Due: 2099-01-10');
		expect(mails[0]!.text).not.toContain('Bruno');
		// Saving the actions again rewrites their rows (new ids): no second mail for the same action.
		const saved = savePostMortemStep(ctx, {
			id: pm,
			step: 5,
			fields: {
				actions: [
					{
						text: 'Plan a training day',
						owner: String(anna.id),
						due: '2099-01-10',
						status: 'open',
					},
				],
			},
			reached: 6,
			memberIds,
		});
		expect(saved).toEqual({ ok: true });
		await runnerAt(now + 60).runDue();
		expect(aboutActions()).toHaveLength(1);
		// Past its due date, the daily scan tells the owner once.
		prepare(
			db,
			"UPDATE post_mortem_action SET due_date = '2020-01-01' WHERE post_mortem_id = ?",
		).run(pm);
		prepare(db, "DELETE FROM job WHERE kind = 'actions-overdue'").run();
		await runnerAt(now + 120).runDue();
		prepare(db, "DELETE FROM job WHERE kind = 'actions-overdue'").run();
		await runnerAt(now + 180).runDue();
		expect(aboutActions().map((m) => m.subject)).toEqual([
			'A follow-up action is yours: Plan a training day',
			'Overdue action: Plan a training day',
		]);
	});
});

describe('unsubscribe', () => {
	it('turns off the kind of mail the link names, for that member only; a forged link does nothing', async () => {
		await runnerAt(T0 + 7 * DAY + 60).runDue();
		const mail = outbox().find((m) => m.to === 'rita@example.com')!;
		const token = /\/unsubscribe\/([^/]+)\/>$/.exec(mail.headers.get('list-unsubscribe')!)![1]!;
		expect(unsubscribeCommand({ db }, token)).toEqual({ ok: true, kind: 'reminders' });
		expect(getMailRecipient(db, rita.id)?.optOut).toEqual(['reminders']);
		expect(getMailRecipient(db, rui.id)?.optOut).toEqual([]);
		const forged = token.replace(/^\d+/, String(rui.id));
		expect(unsubscribeCommand({ db }, forged)).toEqual({ ok: false, kind: 'not-found' });
		expect(getMailRecipient(db, rui.id)?.optOut).toEqual([]);
		// The key behind the links is the portal's own, readable by its account only.
		expect(fs.statSync(path.join(env.dir, 'unsubscribe.key')).mode & 0o777).toBe(0o600);
	});
});
