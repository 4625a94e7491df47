// The network at the size issue 11 asks the dashboard and the diffusion page to handle: 100
// countries (members and a focal point in each), 1000 published web case studies (so the catalogue,
// which the diffusion page reads titles from, has them), each registered in `practice` and answered
// by 20 other countries with KPIs (and as many members' marks in `adoption`, which the diffusion page
// of this version still tallies), conversations, requests with +1s, searches that found nothing and
// post-mortems. Written straight into SQLite while the server is stopped; seeded, so every run is
// the same.
import crypto from 'node:crypto';
import path from 'node:path';
import Database from 'better-sqlite3';
import { createRng } from './prng.mjs';

// 100 ISO 3166-1 codes (the network's countries).
export const BENCH_COUNTRIES = (
	'AD AE AL AM AR AT AU AZ BA BE BG BH BR BY CA CH CL CN CO CR CY CZ DE DK DO DZ EC EE EG ES ' +
	'FI FR GB GE GR GT HK HR HU ID IE IL IN IQ IS IT JO JP KE KR KW KZ LB LT LU LV MA MD ME MK ' +
	'MT MX MY NG NL NO NZ OM PA PE PH PK PL PT PY QA RO RS RU SA SE SG SI SK SN TH TN TR TW UA ' +
	'US UY UZ VN ZA BO HN SV NI CI GH TZ UG AO CM'
).split(' ');

const DAY = 86_400;
const STATUSES = ['adopted', 'adapted', 'trying', 'rejected', 'on-hold', 'not-relevant'];
const MARK_STATUSES = ['adopted', 'adapted', 'trying', 'rejected', 'on-hold'];
const KPIS = [
	['Test drives per month', 'count'],
	['Conversion rate', '%'],
	['Orders', 'count'],
	['Days to follow up', 'days'],
	['Revenue per deal', 'EUR'],
	['Customer satisfaction', 'pts'],
];
const WORDS =
	'rural launch compact suv fleet owner rally test drive finance used car trade-in coaching hybrid charging van pickup leasing'.split(
		' ',
	);

/** A session for `userId`; returns the cookie to send. */
export function createSession(db, userId, now) {
	const token = Array.from(
		crypto.randomBytes(32),
		(b) => 'abcdefghijklmnopqrstuvwxyz234567'[b % 32],
	)
		.join('')
		.slice(0, 32);
	const hash = crypto.createHash('sha256').update(token).digest('hex');
	db.prepare('INSERT INTO session (id, user_id, expires_at, created_at) VALUES (?, ?, ?, ?)').run(
		hash,
		userId,
		now + 7 * DAY,
		now,
	);
	return `cd_session=${token}`;
}

/**
 * Seeds the network into `dataDir`/portal.db (already migrated by a first server start). Returns the
 * cookies of an admin and of a member of PT, and the row counts.
 */
export function seedImpactNetwork(dataDir, options = {}) {
	const countries = options.countries ?? 100;
	const practices = options.practices ?? 1000;
	const answersEach = options.answers ?? 20;
	const rng = createRng('impact-bench');
	const db = new Database(path.join(dataDir, 'portal.db'));
	db.pragma('busy_timeout = 5000');
	const now = Math.floor(Date.now() / 1000);
	const codes = BENCH_COUNTRIES.slice(0, countries);
	const counts = {};
	let admin;
	let ptMember;
	db.transaction(() => {
		const addUser = db.prepare(
			`INSERT INTO user (email, name, languages, role, country, password_hash, active, created_at, updated_at)
				VALUES (?, ?, '["en"]', ?, ?, '$argon2id$bench', 1, ?, ?)`,
		);
		const members = new Map();
		for (const c of codes) {
			const ids = [];
			for (let k = 0; k < 3; k++)
				ids.push(
					Number(
						addUser.run(
							`m${k}@${c.toLowerCase()}.bench.example`,
							`Member ${k} ${c}`,
							'member',
							c,
							now,
							now,
						).lastInsertRowid,
					),
				);
			members.set(c, ids);
			db.prepare('INSERT INTO focal_point (country, user_id, created_at) VALUES (?, ?, ?)').run(
				c,
				ids[0],
				now,
			);
		}
		admin = Number(
			addUser.run('admin@bench.example', 'Bench Admin', 'admin', 'IT', now, now).lastInsertRowid,
		);
		ptMember = members.get('PT')[1];
		const author = admin;

		const addSubmission = db.prepare(
			`INSERT INTO submission (slug, author_id, country, lang, state, fields, created_at, updated_at)
				VALUES (?, ?, ?, 'en', 'published', ?, ?, ?)`,
		);
		const addVersion = db.prepare(
			'INSERT INTO submission_version (submission_id, number, fields, published_at) VALUES (?, 1, ?, ?)',
		);
		const setLive = db.prepare('UPDATE submission SET live_version_id = ? WHERE id = ?');
		const addMedia = db.prepare(
			`INSERT INTO submission_media (id, submission_id, kind, state, progress, meta, original_name, created_at, updated_at)
				VALUES (?, ?, 'image', 'ready', 1, ?, 'cover.jpg', ?, ?)`,
		);
		const coverMeta = JSON.stringify({
			dir: 'bench-cover',
			width: 1600,
			height: 1000,
			variants: [480, 800, 1200].map((width) => ({
				file: `image-${width}.webp`,
				width,
				height: Math.round(width / 1.6),
			})),
		});
		const addPractice = db.prepare(
			`INSERT INTO practice (slug, country, source, published_at, first_seen_at, owed_from, review_by, verified_at)
				VALUES (?, ?, 'web', ?, ?, ?, ?, ?)`,
		);
		const addAnswer = db.prepare(
			`INSERT INTO country_answer (case_study, country, status, kpi, answered_by, created_at, updated_at)
				VALUES (?, ?, ?, ?, ?, ?, ?)`,
		);
		const addMark = db.prepare(
			`INSERT INTO adoption (user_id, case_study, country, status, kpi, created_at, updated_at)
				VALUES (?, ?, ?, ?, ?, ?, ?)`,
		);
		counts.answers = 0;
		for (let i = 0; i < practices; i++) {
			const slug = `bench-practice-${i}`;
			const country = codes[i % codes.length];
			// Spread over the last 400 days, a few in the last week.
			const publishedAt = now - Math.floor(((practices - i) / practices) * 400 * DAY) - 3600;
			const reviewBy = new Date((publishedAt + 365 * DAY) * 1000).toISOString().slice(0, 10);
			const fields = {
				title: `Bench practice ${i}: ${WORDS[i % WORDS.length]} ${WORDS[(i * 7) % WORDS.length]}`,
				summary: `A generated practice number ${i}.`,
				country,
				subsidiary: 'Bench subsidiary',
				lang: 'en',
				topics: ['launch-events'],
				models: 'Kestrel',
				channels: ['showroom'],
				reviewBy,
				results: [
					{
						label: 'Orders',
						unit: 'count',
						before: '100',
						after: String(100 + (i % 50)),
						period: '2025',
						lowerIsBetter: false,
					},
				],
				contacts: [author],
				blocks: [{ type: 'text', markdown: `Practice ${i}. ${WORDS.join(' ')}.` }],
			};
			// A cover (a ready image; its files are not needed by the pages benchmarked), without which
			// a web study is not in the catalogue.
			const media = crypto.createHash('sha256').update(slug).digest('hex').slice(0, 32);
			fields.cover = { media, alt: 'Bench cover' };
			const json = JSON.stringify(fields);
			const sid = Number(
				addSubmission.run(slug, author, country, json, publishedAt, publishedAt).lastInsertRowid,
			);
			setLive.run(addVersion.run(sid, json, publishedAt).lastInsertRowid, sid);
			addMedia.run(media, sid, coverMeta, publishedAt, publishedAt);
			addPractice.run(
				slug,
				country,
				publishedAt,
				publishedAt,
				publishedAt,
				reviewBy,
				rng.chance(0.5) ? publishedAt + rng.int(30, 500) * DAY : null,
			);
			const answerers = rng.sample(
				codes.filter((c) => c !== country),
				answersEach,
			);
			for (const c of answerers) {
				const answeredAt = Math.min(now, publishedAt + rng.int(1, 60) * DAY);
				if (answeredAt <= publishedAt) continue;
				const status = rng.pick(STATUSES);
				const [label, unit] = rng.pick(KPIS);
				const before = rng.int(10, 200);
				const kpi =
					status === 'adopted' || status === 'adapted'
						? JSON.stringify({ label, unit, before, after: before + rng.int(-20, 60) })
						: null;
				const focal = members.get(c)[0];
				addAnswer.run(slug, c, status, kpi, focal, answeredAt, answeredAt);
				if (status !== 'not-relevant')
					addMark.run(
						members.get(c)[2],
						slug,
						c,
						MARK_STATUSES.includes(status) ? status : 'trying',
						kpi,
						answeredAt,
						answeredAt,
					);
				counts.answers++;
			}
		}

		// Conversations between members of two countries: most answered, some late, some never.
		const addThread = db.prepare(
			'INSERT INTO thread (subject, created_at, updated_at) VALUES (?, ?, ?)',
		);
		const addMember = db.prepare('INSERT INTO thread_member (thread_id, user_id) VALUES (?, ?)');
		const addMessage = db.prepare(
			'INSERT INTO message (thread_id, sender_id, body, created_at) VALUES (?, ?, ?, ?)',
		);
		const threads = options.threads ?? 5000;
		for (let i = 0; i < threads; i++) {
			const from = rng.pick(members.get(rng.pick(codes)));
			const to = rng.pick(members.get(rng.pick(codes)));
			if (from === to) continue;
			const asked = now - rng.int(1, 170) * DAY - rng.int(0, DAY);
			const t = Number(addThread.run(`Question ${i}`, asked, asked).lastInsertRowid);
			addMember.run(t, from);
			addMember.run(t, to);
			addMessage.run(t, from, 'A question', asked);
			if (rng.chance(0.8)) addMessage.run(t, to, 'An answer', asked + rng.int(600, 12 * DAY));
		}
		counts.threads = threads;

		// Requests with +1s, searches that found nothing, post-mortems.
		const addRequest = db.prepare(
			`INSERT INTO practice_request (author_id, title, detail, lang, country, created_at, updated_at)
				VALUES (?, ?, '', 'en', ?, ?, ?)`,
		);
		const addVote = db.prepare(
			'INSERT OR IGNORE INTO practice_request_vote (request_id, user_id, created_at) VALUES (?, ?, ?)',
		);
		const allMembers = [...members.values()].flat();
		for (let i = 0; i < 300; i++) {
			const c = rng.pick(codes);
			const r = Number(
				addRequest.run(
					members.get(c)[1],
					`A ${rng.pick(WORDS)} ${rng.pick(WORDS)} practice? (${i})`,
					c,
					now - i * 3600,
					now - i * 3600,
				).lastInsertRowid,
			);
			for (const u of rng.sample(allMembers, rng.int(0, 40))) addVote.run(r, u, now);
		}
		const addMiss = db.prepare(
			'INSERT INTO search_miss (query, lang, country, created_at) VALUES (?, ?, ?, ?)',
		);
		for (let i = 0; i < 10_000; i++)
			addMiss.run(
				`${rng.zipf(WORDS)} ${rng.zipf(WORDS)}`,
				'en',
				rng.pick(codes),
				now - rng.int(0, 120 * DAY),
			);
		const addPm = db.prepare(
			`INSERT INTO post_mortem (author_id, status, title, created_at, updated_at, published_month)
				VALUES (?, 'published', ?, ?, ?, ?)`,
		);
		for (let i = 0; i < 300; i++) {
			const at = now - rng.int(0, 365 * DAY);
			addPm.run(
				rng.pick(allMembers),
				`Failure ${i}`,
				at,
				at,
				new Date(at * 1000).toISOString().slice(0, 7),
			);
		}
	})();
	const cookies = {
		admin: createSession(db, admin, now),
		member: createSession(db, ptMember, now),
	};
	const sizes = Object.fromEntries(
		[
			'user',
			'practice',
			'country_answer',
			'adoption',
			'thread',
			'message',
			'practice_request',
			'practice_request_vote',
			'search_miss',
			'post_mortem',
		].map((t) => [t, db.prepare(`SELECT count(*) FROM ${t}`).pluck().get()]),
	);
	db.pragma('wal_checkpoint(TRUNCATE)');
	db.close();
	return { cookies, sizes };
}
