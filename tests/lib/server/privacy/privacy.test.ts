import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listAudit, recordAudit } from '../../../../src/lib/server/audit';
import { createContextFor } from '../../../../src/lib/server/context';
import { runMaintenance } from '../../../../src/lib/server/maintenance';
import { whenMembersIndexIdle } from '../../../../src/lib/server/members-search';
import {
	getThreadForUser,
	replyToThread,
	startRelayThread,
	startThread,
} from '../../../../src/lib/server/messages';
import { withReaderLang } from '../../../../src/lib/server/member-name';
import { listPostMortemComments } from '../../../../src/lib/server/post-mortems/comments';
import { saveProfilePhoto } from '../../../../src/lib/server/photos';
import { eraseMember, exportMemberData } from '../../../../src/lib/server/privacy/commands';
import {
	createSession,
	generateSessionToken,
	validateSessionToken,
} from '../../../../src/lib/server/session';
import { SECONDS_PER_DAY } from '../../../../src/lib/server/time';
import { getUserById, setUserPersonId, type User } from '../../../../src/lib/server/user';
import { addUser, createTestDatabase, T0 } from '../test-db';

const NOW = T0 + 400 * SECONDS_PER_DAY;

let t: ReturnType<typeof createTestDatabase>;
let dataDir: string;
let anna: User;
let bruno: User;
let admin: User;

beforeEach(() => {
	t = createTestDatabase();
	dataDir = t.dir;
	anna = addUser(t.db, 'anna.verdi@example.com', 'Anna Verdi');
	bruno = addUser(t.db, 'bruno.costa@example.com', 'Bruno Costa');
	admin = addUser(t.db, 'hannah@example.com', 'Hannah Price', 'admin');
});
afterEach(async () => {
	// An erasure asks for the members' index to be rebuilt: let it finish before the file goes.
	await whenMembersIndexIdle();
	t.cleanup();
});

function publishPostMortem(authorId: number, disclosure: string, title: string): number {
	return Number(
		t.db
			.prepare(
				`INSERT INTO post_mortem (author_id, disclosure, status, title, country, created_at, updated_at, published_month)
				VALUES (?, ?, 'published', ?, 'IT', ?, ?, '2026-01')`,
			)
			.run(authorId, disclosure, title, T0, T0).lastInsertRowid,
	);
}

/** Runs the export through the real ZIP stream and reads it back with Debian's unzip. */
async function exportAndUnzip(actor: User, userId?: number) {
	const ctx = createContextFor(t.db, actor, { dataDir });
	const result = exportMemberData(ctx, { userId, dataDir, nowSeconds: NOW });
	if (!result.ok) throw new Error(`export refused: ${result.kind}`);
	const chunks: Buffer[] = [];
	for await (const chunk of result.stream) chunks.push(chunk as Buffer);
	const zipFile = path.join(t.dir, `export-${Math.random().toString(36).slice(2)}.zip`);
	fs.writeFileSync(zipFile, Buffer.concat(chunks));
	const listing = execFileSync('unzip', ['-Z1', zipFile], { encoding: 'utf8' }).trim().split('\n');
	const dataText = execFileSync('unzip', ['-p', zipFile, 'data.json'], { encoding: 'utf8' });
	const readme = execFileSync('unzip', ['-p', zipFile, 'README.txt'], { encoding: 'utf8' });
	return { listing, dataText, data: JSON.parse(dataText), readme, zipFile };
}

describe('data export', () => {
	it("holds the member's data and files, and not another member's email", async () => {
		const photo = await saveProfilePhoto(dataDir, anna.id, Buffer.from('RIFFfakewebp'));
		t.db
			.prepare('UPDATE user SET photo = ?, bio = ? WHERE id = ?')
			.run(photo, 'Sales lead', anna.id);
		createSession(
			t.db,
			generateSessionToken(),
			anna.id,
			{ ip: '203.0.113.7', userAgent: 'Firefox' },
			NOW,
		);
		const { threadId } = startThread(t.db, {
			from: anna.id,
			to: bruno.id,
			subject: 'Leasing in Milan',
			caseStudy: null,
			body: 'How did your leasing launch go?',
			nowSeconds: NOW,
		});
		replyToThread(t.db, {
			threadId: threadId!,
			userId: bruno.id,
			body: 'Bruno secret reply',
			nowSeconds: NOW,
		});
		const pm = publishPostMortem(anna.id, 'country', 'The rally that rained out');
		t.db
			.prepare(
				"INSERT INTO adoption (user_id, case_study, country, status, note, created_at, updated_at) VALUES (?, 'beta-rally', 'IT', 'adopted', 'Worked well', ?, ?)",
			)
			.run(anna.id, NOW, NOW);

		const { listing, data, dataText, readme } = await exportAndUnzip(anna);
		expect(listing).toEqual(
			expect.arrayContaining(['README.txt', 'data.json', `files/photo/${photo}`]),
		);
		expect(data.profile).toMatchObject({
			email: 'anna.verdi@example.com',
			name: 'Anna Verdi',
			bio: 'Sales lead',
		});
		expect(data.sessions).toEqual([
			expect.objectContaining({ ip: '203.0.113.7', userAgent: 'Firefox', createdAt: NOW }),
		]);
		expect(data.threads[0]).toMatchObject({ subject: 'Leasing in Milan' });
		expect(data.threads[0].messagesYouWrote.map((m: { body: string }) => m.body)).toEqual([
			'How did your leasing launch go?',
		]);
		expect(data.postMortems).toEqual([
			expect.objectContaining({
				id: pm,
				title: 'The rally that rained out',
				disclosure: 'country',
			}),
		]);
		expect(data.appliedNotes).toEqual([
			expect.objectContaining({ caseStudy: 'beta-rally', note: 'Worked well' }),
		]);
		expect(dataText).not.toContain('bruno.costa@example.com');
		expect(dataText).not.toContain('Bruno secret reply');
		expect(readme).toContain('postMortems');
		// The download itself is audited: who, for whom.
		expect(listAudit(t.db)[0]).toMatchObject({
			action: 'privacy-export',
			actorId: anna.id,
			target: `user:${anna.id}`,
		});
	});

	it("does not reveal a relay thread's anonymous author in the reader's export", async () => {
		const pm = publishPostMortem(anna.id, 'anonymous', 'Quiet failure');
		const { threadId } = startRelayThread(t.db, {
			from: bruno.id,
			postMortemId: pm,
			subject: 'About your post-mortem',
			body: 'Can you tell me more?',
			nowSeconds: NOW,
		});
		replyToThread(t.db, {
			threadId: threadId!,
			userId: anna.id,
			body: 'Sure, here is more',
			nowSeconds: NOW,
		});
		const { dataText, data } = await exportAndUnzip(bruno);
		expect(data.threads[0].subject).toBe('About your post-mortem');
		for (const trace of ['Anna', 'anna.verdi', 'Sure, here is more', `"authorId"`])
			expect(dataText).not.toContain(trace);
		// The author's own export marks what she wrote as the anonymous author.
		const own = await exportAndUnzip(anna);
		expect(own.data.threads[0]).toMatchObject({ youWroteAsAnonymousAuthor: true });
		expect(own.dataText).not.toContain('bruno.costa@example.com');
	});

	it("is an admin's to take for someone else, nobody else's; and it is rate-limited", async () => {
		const ctx = createContextFor(t.db, bruno, { dataDir });
		expect(exportMemberData(ctx, { userId: anna.id, dataDir, nowSeconds: NOW })).toEqual({
			ok: false,
			kind: 'forbidden',
		});
		const { data } = await exportAndUnzip(admin, anna.id);
		expect(data.profile.email).toBe('anna.verdi@example.com');
		expect(listAudit(t.db)[0]).toMatchObject({ actorId: admin.id, target: `user:${anna.id}` });
		const own = createContextFor(t.db, bruno, { dataDir });
		const kinds = Array.from({ length: 6 }, () => {
			const r = exportMemberData(own, { dataDir, nowSeconds: NOW });
			if (r.ok) r.stream.resume();
			return r.ok ? 'ok' : r.kind;
		});
		expect(kinds).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', 'rate-limited']);
	});
});

describe('erasure', () => {
	it('keeps messages and post-mortems signed "Former member", deletes photo and sessions, scrubs the audit', async () => {
		const photo = await saveProfilePhoto(dataDir, anna.id, Buffer.from('RIFFfakewebp'));
		t.db
			.prepare('UPDATE user SET photo = ?, phone = ? WHERE id = ?')
			.run(photo, '+39 02 123', anna.id);
		const token = generateSessionToken();
		createSession(t.db, token, anna.id, { ip: '203.0.113.7' }, NOW);
		expect(validateSessionToken(t.db, token, NOW).user?.id).toBe(anna.id);
		const { threadId } = startThread(t.db, {
			from: anna.id,
			to: bruno.id,
			subject: 'Leasing',
			caseStudy: null,
			body: 'Message from Anna',
			nowSeconds: NOW,
		});
		const named = publishPostMortem(anna.id, 'named', 'Named failure');
		const hidden = publishPostMortem(anna.id, 'anonymous', 'Anonymous failure');
		t.db
			.prepare(
				"INSERT INTO post_mortem_comment (post_mortem_id, author_id, disclosure, body, created_at) VALUES (?, ?, 'named', 'Same here', ?)",
			)
			.run(named, anna.id, NOW);
		const { threadId: relay } = startRelayThread(t.db, {
			from: bruno.id,
			postMortemId: hidden,
			subject: 'Your anonymous one',
			body: 'Hello author',
			nowSeconds: NOW,
		});
		t.db
			.prepare("INSERT INTO focal_point (country, user_id, created_at) VALUES ('IT', ?, ?)")
			.run(anna.id, NOW);
		recordAudit(
			t.db,
			{
				actorId: admin.id,
				action: 'role-change',
				target: 'anna.verdi@example.com',
				detail: 'member → editor, Anna Verdi',
			},
			NOW,
		);
		const bruno0 = listAudit(t.db).length;

		// Anna is also a people entry of the git content, which the portal cannot rewrite: the admin is
		// told which one to have removed.
		setUserPersonId(t.db, anna.id, 'anna-verdi');
		const ctx = createContextFor(t.db, admin, { dataDir });
		expect(
			await eraseMember(ctx, {
				userId: String(anna.id),
				confirmEmail: 'wrong@example.com',
				dataDir,
			}),
		).toMatchObject({
			ok: false,
			kind: 'invalid',
		});
		expect(
			await eraseMember(ctx, {
				userId: String(anna.id),
				confirmEmail: ' Anna.Verdi@example.com ',
				dataDir,
				nowSeconds: NOW,
			}),
		).toEqual({
			ok: true,
			userId: anna.id,
			personId: 'anna-verdi',
		});

		const erased = getUserById(t.db, anna.id)!;
		expect(erased).toMatchObject({
			name: 'Former member',
			email: `erased-${anna.id}@invalid`,
			phone: null,
			photo: null,
			active: false,
		});
		expect(fs.existsSync(path.join(dataDir, 'photos', photo))).toBe(false);
		// Her cookie no longer works.
		expect(validateSessionToken(t.db, token, NOW).user).toBeNull();
		expect(
			t.db.prepare('SELECT count(*) AS n FROM focal_point WHERE user_id = ?').get(anna.id),
		).toEqual({ n: 0 });
		// Bruno still reads her message, signed "Former member".
		const thread = getThreadForUser(t.db, threadId!, bruno.id)!;
		expect(thread.messages.map((m) => m.body)).toContain('Message from Anna');
		expect(JSON.stringify(thread)).not.toContain('Anna Verdi');
		expect(JSON.stringify(thread)).toContain('Former member');
		expect(listPostMortemComments(t.db, named, bruno.id)[0]).toMatchObject({
			name: 'Former member',
			body: 'Same here',
		});
		// A page rendered for a French reader names her in French; the stored form stays English.
		const inFrench = withReaderLang('fr', () => ({
			thread: JSON.stringify(getThreadForUser(t.db, threadId!, bruno.id)),
			comment: listPostMortemComments(t.db, named, bruno.id)[0]?.name,
		}));
		expect(inFrench.thread).toContain('Ancien membre');
		expect(inFrench.thread).not.toContain('Former member');
		expect(inFrench.comment).toBe('Ancien membre');
		expect(t.db.prepare('SELECT name, erased_at FROM user WHERE id = ?').get(anna.id)).toEqual({
			name: 'Former member',
			erased_at: NOW,
		});
		// The anonymous author stays masked on the relay: nothing new for Bruno to learn.
		const relayView = JSON.stringify(getThreadForUser(t.db, relay!, bruno.id));
		expect(relayView).not.toContain('Former member');
		expect(relayView).not.toContain(String(`"id":${anna.id}`));
		expect(
			t.db.prepare('SELECT count(*) AS n FROM post_mortem WHERE author_id = ?').get(anna.id),
		).toEqual({ n: 2 });
		// The audit log says an erasure happened, and no longer names her.
		const audit = listAudit(t.db);
		expect(audit.length).toBe(bruno0 + 1);
		expect(audit[0]).toMatchObject({
			action: 'privacy-erase',
			actorId: admin.id,
			target: `user:${anna.id}`,
			detail: null,
		});
		const text = JSON.stringify(audit);
		expect(text).not.toContain('anna.verdi@example.com');
		expect(text).not.toContain('Anna Verdi');
		expect(text).toContain(`member → editor, user:${anna.id}`);
		// Erasing again, or oneself, is refused.
		expect(
			await eraseMember(ctx, { userId: String(anna.id), confirmEmail: erased.email, dataDir }),
		).toMatchObject({ kind: 'already-erased' });
		expect(
			await eraseMember(ctx, { userId: String(admin.id), confirmEmail: admin.email, dataDir }),
		).toMatchObject({ kind: 'self' });
	});

	it('is for admins only', async () => {
		const ctx = createContextFor(t.db, bruno, { dataDir });
		expect(
			await eraseMember(ctx, { userId: String(anna.id), confirmEmail: anna.email, dataDir }),
		).toEqual({
			ok: false,
			kind: 'forbidden',
		});
		expect(getUserById(t.db, anna.id)?.name).toBe('Anna Verdi');
	});
});

describe('retention', () => {
	it('clears old session IPs and browsers, deletes old audit entries and outbox mails', () => {
		const oldToken = generateSessionToken();
		createSession(
			t.db,
			oldToken,
			anna.id,
			{ ip: '198.51.100.1', userAgent: 'Old' },
			NOW - 91 * SECONDS_PER_DAY,
		);
		t.db.prepare('UPDATE session SET expires_at = ?').run(NOW + SECONDS_PER_DAY);
		createSession(
			t.db,
			generateSessionToken(),
			anna.id,
			{ ip: '198.51.100.2', userAgent: 'New' },
			NOW - 89 * SECONDS_PER_DAY,
		);
		t.db.prepare('UPDATE session SET expires_at = ?').run(NOW + SECONDS_PER_DAY);
		recordAudit(t.db, { action: 'sign-in', actorId: anna.id }, NOW - 740 * SECONDS_PER_DAY);
		recordAudit(t.db, { action: 'sign-in', actorId: anna.id }, NOW - 700 * SECONDS_PER_DAY);
		const outbox = path.join(dataDir, 'outbox');
		fs.mkdirSync(outbox);
		fs.writeFileSync(
			path.join(outbox, `${(NOW - 31 * SECONDS_PER_DAY) * 1000}-aaaaaaaa.eml`),
			'old',
		);
		fs.writeFileSync(
			path.join(outbox, `${(NOW - 29 * SECONDS_PER_DAY) * 1000}-bbbbbbbb.eml`),
			'new',
		);

		runMaintenance(t.db, {
			nowSeconds: NOW,
			dataDir,
			sessionMetaRetentionDays: 90,
			auditRetentionMonths: 24,
			outboxRetentionDays: 30,
		});

		const sessions = t.db.prepare('SELECT ip, user_agent FROM session ORDER BY created_at').all();
		expect(sessions).toEqual([
			{ ip: null, user_agent: null },
			{ ip: '198.51.100.2', user_agent: 'New' },
		]);
		// The session itself still works: only where it came from is forgotten.
		expect(validateSessionToken(t.db, oldToken, NOW).user?.id).toBe(anna.id);
		expect(listAudit(t.db).map((e) => e.at)).toEqual([NOW - 700 * SECONDS_PER_DAY]);
		expect(fs.readdirSync(outbox)).toEqual([`${(NOW - 29 * SECONDS_PER_DAY) * 1000}-bbbbbbbb.eml`]);
	});
});
