import type { Database } from 'better-sqlite3';

// Numbered migrations: entry i brings the schema from version i to i + 1, and `PRAGMA user_version`
// records the last one applied. Append only; never edit a migration that has shipped.
// Every table is STRICT, times are INTEGER unix seconds and flags are 0/1 with a CHECK.
export const migrations: readonly string[] = [
	// 1: members, sessions, invitations, password resets, limiter, audit log, messages.
	`
	CREATE TABLE user (
		id INTEGER PRIMARY KEY,
		email TEXT NOT NULL UNIQUE COLLATE NOCASE,
		name TEXT NOT NULL,
		title TEXT,
		country TEXT,
		languages TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(languages) AND json_type(languages) = 'array'),
		phone TEXT,
		show_phone INTEGER NOT NULL DEFAULT 0 CHECK (show_phone IN (0, 1)),
		bio TEXT,
		photo TEXT,
		role TEXT NOT NULL DEFAULT 'member' CHECK (role IN ('member', 'editor', 'admin')),
		password_hash TEXT NOT NULL,
		person_id TEXT,
		active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
		created_at INTEGER NOT NULL,
		updated_at INTEGER NOT NULL
	) STRICT;
	CREATE INDEX user_person_id_idx ON user (person_id);
	CREATE INDEX user_role_active_idx ON user (role, active);

	CREATE TABLE session (
		id TEXT PRIMARY KEY,
		user_id INTEGER NOT NULL REFERENCES user (id) ON DELETE CASCADE,
		expires_at INTEGER NOT NULL,
		created_at INTEGER NOT NULL,
		user_agent TEXT,
		ip TEXT
	) STRICT;
	CREATE INDEX session_user_id_idx ON session (user_id);
	CREATE INDEX session_expires_at_idx ON session (expires_at);

	CREATE TABLE invitation (
		id TEXT PRIMARY KEY,
		email TEXT NOT NULL COLLATE NOCASE,
		role TEXT NOT NULL CHECK (role IN ('member', 'editor', 'admin')),
		invited_by INTEGER REFERENCES user (id) ON DELETE SET NULL,
		expires_at INTEGER NOT NULL,
		used_at INTEGER,
		created_at INTEGER NOT NULL
	) STRICT;
	CREATE INDEX invitation_email_idx ON invitation (email);
	CREATE INDEX invitation_invited_by_idx ON invitation (invited_by);
	CREATE INDEX invitation_expires_at_idx ON invitation (expires_at);

	CREATE TABLE password_reset (
		id TEXT PRIMARY KEY,
		user_id INTEGER NOT NULL REFERENCES user (id) ON DELETE CASCADE,
		expires_at INTEGER NOT NULL,
		used_at INTEGER,
		created_at INTEGER NOT NULL
	) STRICT;
	CREATE INDEX password_reset_user_id_idx ON password_reset (user_id);
	CREATE INDEX password_reset_expires_at_idx ON password_reset (expires_at);

	CREATE TABLE rate_limit (
		key TEXT PRIMARY KEY,
		tokens REAL NOT NULL,
		refilled_at INTEGER NOT NULL
	) STRICT;

	CREATE TABLE audit_log (
		id INTEGER PRIMARY KEY,
		at INTEGER NOT NULL,
		actor_id INTEGER REFERENCES user (id) ON DELETE SET NULL,
		action TEXT NOT NULL,
		target TEXT,
		ip TEXT,
		detail TEXT
	) STRICT;
	CREATE INDEX audit_log_at_idx ON audit_log (at);
	CREATE INDEX audit_log_actor_id_idx ON audit_log (actor_id);

	CREATE TABLE thread (
		id INTEGER PRIMARY KEY,
		subject TEXT NOT NULL,
		case_study TEXT,
		created_at INTEGER NOT NULL,
		updated_at INTEGER NOT NULL
	) STRICT;
	CREATE INDEX thread_case_study_idx ON thread (case_study);

	CREATE TABLE thread_member (
		thread_id INTEGER NOT NULL REFERENCES thread (id) ON DELETE CASCADE,
		user_id INTEGER NOT NULL REFERENCES user (id) ON DELETE CASCADE,
		last_read_at INTEGER NOT NULL DEFAULT 0,
		last_notified_at INTEGER,
		PRIMARY KEY (thread_id, user_id)
	) STRICT, WITHOUT ROWID;
	CREATE INDEX thread_member_user_id_idx ON thread_member (user_id);

	CREATE TABLE message (
		id INTEGER PRIMARY KEY,
		thread_id INTEGER NOT NULL REFERENCES thread (id) ON DELETE CASCADE,
		sender_id INTEGER NOT NULL REFERENCES user (id),
		body TEXT NOT NULL,
		created_at INTEGER NOT NULL
	) STRICT;
	CREATE INDEX message_thread_id_created_at_idx ON message (thread_id, created_at);
	CREATE INDEX message_sender_id_idx ON message (sender_id);
	`,
	// 2: failure post-mortems (with follow-up actions and comments), "we applied this" marks, and
	// relay threads that let readers write to a post-mortem's author without learning who it is.
	`
	CREATE TABLE post_mortem (
		id INTEGER PRIMARY KEY,
		author_id INTEGER NOT NULL REFERENCES user (id) ON DELETE CASCADE,
		disclosure TEXT NOT NULL DEFAULT 'anonymous' CHECK (disclosure IN ('named', 'country', 'anonymous')),
		status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published', 'hidden')),
		step INTEGER NOT NULL DEFAULT 1,
		title TEXT NOT NULL DEFAULT '',
		tried TEXT NOT NULL DEFAULT '',
		country TEXT,
		models TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(models)),
		channel TEXT,
		topics TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(topics)),
		period TEXT NOT NULL DEFAULT '',
		practice TEXT,
		results TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(results)),
		timeline TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(timeline)),
		signal TEXT NOT NULL DEFAULT '',
		signal_when TEXT NOT NULL DEFAULT '',
		factors TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(factors)),
		factors_note TEXT NOT NULL DEFAULT '',
		went_well TEXT NOT NULL DEFAULT '',
		went_wrong TEXT NOT NULL DEFAULT '',
		lucky TEXT NOT NULL DEFAULT '',
		fail_again TEXT NOT NULL DEFAULT '',
		differently TEXT NOT NULL DEFAULT '',
		photos TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(photos)),
		hidden_note TEXT,
		hidden_by INTEGER REFERENCES user (id) ON DELETE SET NULL,
		created_at INTEGER NOT NULL,
		updated_at INTEGER NOT NULL,
		-- 'YYYY-MM': the only publication time readers ever see (a precise time could identify).
		published_month TEXT
	) STRICT;
	CREATE INDEX post_mortem_author_id_idx ON post_mortem (author_id);
	CREATE INDEX post_mortem_status_idx ON post_mortem (status, published_month);
	CREATE INDEX post_mortem_practice_idx ON post_mortem (practice);
	CREATE INDEX post_mortem_hidden_by_idx ON post_mortem (hidden_by);

	CREATE TABLE post_mortem_action (
		id INTEGER PRIMARY KEY,
		post_mortem_id INTEGER NOT NULL REFERENCES post_mortem (id) ON DELETE CASCADE,
		owner_id INTEGER REFERENCES user (id) ON DELETE SET NULL,
		text TEXT NOT NULL,
		due_date TEXT,
		status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done', 'dropped')),
		position INTEGER NOT NULL DEFAULT 0
	) STRICT;
	CREATE INDEX post_mortem_action_post_mortem_id_idx ON post_mortem_action (post_mortem_id);
	CREATE INDEX post_mortem_action_owner_id_idx ON post_mortem_action (owner_id, status);

	CREATE TABLE post_mortem_comment (
		id INTEGER PRIMARY KEY,
		post_mortem_id INTEGER NOT NULL REFERENCES post_mortem (id) ON DELETE CASCADE,
		author_id INTEGER NOT NULL REFERENCES user (id) ON DELETE CASCADE,
		disclosure TEXT NOT NULL DEFAULT 'named' CHECK (disclosure IN ('named', 'country', 'anonymous')),
		body TEXT NOT NULL,
		created_at INTEGER NOT NULL
	) STRICT;
	CREATE INDEX post_mortem_comment_post_mortem_id_idx ON post_mortem_comment (post_mortem_id, created_at);
	CREATE INDEX post_mortem_comment_author_id_idx ON post_mortem_comment (author_id);

	CREATE TABLE adoption (
		id INTEGER PRIMARY KEY,
		user_id INTEGER NOT NULL REFERENCES user (id) ON DELETE CASCADE,
		case_study TEXT NOT NULL,
		country TEXT NOT NULL,
		status TEXT NOT NULL CHECK (status IN ('trying', 'adopted', 'adapted', 'rejected', 'on-hold')),
		period TEXT NOT NULL DEFAULT '',
		change TEXT NOT NULL DEFAULT '',
		note TEXT NOT NULL DEFAULT '',
		kpi TEXT CHECK (kpi IS NULL OR json_valid(kpi)),
		created_at INTEGER NOT NULL,
		updated_at INTEGER NOT NULL,
		UNIQUE (user_id, case_study)
	) STRICT;
	CREATE INDEX adoption_case_study_idx ON adoption (case_study);
	CREATE INDEX adoption_country_idx ON adoption (country);

	ALTER TABLE thread ADD COLUMN post_mortem_id INTEGER REFERENCES post_mortem (id) ON DELETE SET NULL;
	CREATE INDEX thread_post_mortem_id_idx ON thread (post_mortem_id);
	-- A masked member is shown to the others as "the author" of the thread's post-mortem.
	ALTER TABLE thread_member ADD COLUMN masked INTEGER NOT NULL DEFAULT 0 CHECK (masked IN (0, 1));
	`,
	// 3: sign-in slowed by failures only (growing delays), replacing the hard per-account lock.
	`
	CREATE TABLE login_failure (
		key TEXT PRIMARY KEY,
		failures INTEGER NOT NULL CHECK (failures > 0),
		last_failed_at INTEGER NOT NULL
	) STRICT, WITHOUT ROWID;
	CREATE INDEX login_failure_last_failed_at_idx ON login_failure (last_failed_at);
	DELETE FROM rate_limit WHERE key >= 'login-' AND key < 'login.';
	`,
	// 4: private feed tokens (one per member; only the SHA-256 of the token is stored, like sessions).
	`
	CREATE TABLE feed_token (
		user_id INTEGER PRIMARY KEY REFERENCES user (id) ON DELETE CASCADE,
		token_hash TEXT NOT NULL UNIQUE,
		created_at INTEGER NOT NULL
	) STRICT;
	`,
	// 5: an invitation carries the member's country (ISO code); the account is created with it.
	`
	ALTER TABLE invitation ADD COLUMN country TEXT;
	`,
	// 6: the reader's time zone, and the keys that make sending a message form twice send it once.
	`
	-- An IANA zone name ('Europe/Paris'); '' means not set: times are shown in UTC.
	ALTER TABLE user ADD COLUMN time_zone TEXT NOT NULL DEFAULT '';
	-- One row per message form sent: the same key again (Back and send, a double click) finds the
	-- message already written instead of writing it twice. Deleted after a day by maintenance.
	CREATE TABLE message_send_key (
		user_id INTEGER NOT NULL REFERENCES user (id) ON DELETE CASCADE,
		key TEXT NOT NULL,
		thread_id INTEGER NOT NULL REFERENCES thread (id) ON DELETE CASCADE,
		message_id INTEGER NOT NULL REFERENCES message (id) ON DELETE CASCADE,
		created_at INTEGER NOT NULL,
		PRIMARY KEY (user_id, key)
	) STRICT, WITHOUT ROWID;
	CREATE INDEX message_send_key_created_at_idx ON message_send_key (created_at);
	CREATE INDEX message_send_key_thread_id_idx ON message_send_key (thread_id);
	CREATE INDEX message_send_key_message_id_idx ON message_send_key (message_id);
	`,
	// 7: case studies written on the web: the working copy, its published versions, the review trail,
	// anchored review comments and uploaded media. HQ editors review every country.
	`
	ALTER TABLE user ADD COLUMN hq INTEGER NOT NULL DEFAULT 0 CHECK (hq IN (0, 1));
	CREATE TABLE submission (
		id INTEGER PRIMARY KEY,
		slug TEXT NOT NULL UNIQUE,
		author_id INTEGER NOT NULL REFERENCES user (id) ON DELETE RESTRICT,
		country TEXT NOT NULL,
		lang TEXT NOT NULL,
		state TEXT NOT NULL DEFAULT 'draft'
			CHECK (state IN ('draft', 'submitted', 'changes_requested', 'approved', 'published', 'unpublished')),
		-- The working copy, as typed (JSON): what the author edits and reviewers review.
		fields TEXT NOT NULL CHECK (json_valid(fields)),
		-- Bumped by every save, so a second tab cannot overwrite newer text unnoticed.
		revision INTEGER NOT NULL DEFAULT 1,
		-- The version readers see; NULL until published and after unpublishing.
		live_version_id INTEGER REFERENCES submission_version (id) ON DELETE SET NULL,
		translation_of INTEGER REFERENCES submission (id) ON DELETE SET NULL,
		created_at INTEGER NOT NULL,
		updated_at INTEGER NOT NULL
	) STRICT;
	CREATE INDEX submission_author_idx ON submission (author_id);
	CREATE INDEX submission_state_idx ON submission (state);
	CREATE INDEX submission_live_idx ON submission (live_version_id);
	CREATE INDEX submission_translation_idx ON submission (translation_of);
	CREATE TABLE submission_version (
		id INTEGER PRIMARY KEY,
		submission_id INTEGER NOT NULL REFERENCES submission (id) ON DELETE CASCADE,
		number INTEGER NOT NULL,
		fields TEXT NOT NULL CHECK (json_valid(fields)),
		published_by INTEGER REFERENCES user (id) ON DELETE SET NULL,
		published_at INTEGER NOT NULL,
		UNIQUE (submission_id, number)
	) STRICT;
	CREATE INDEX submission_version_by_idx ON submission_version (published_by);
	CREATE TABLE submission_event (
		id INTEGER PRIMARY KEY,
		submission_id INTEGER NOT NULL REFERENCES submission (id) ON DELETE CASCADE,
		actor_id INTEGER REFERENCES user (id) ON DELETE SET NULL,
		from_state TEXT,
		to_state TEXT NOT NULL,
		note TEXT NOT NULL DEFAULT '',
		created_at INTEGER NOT NULL
	) STRICT;
	CREATE INDEX submission_event_submission_idx ON submission_event (submission_id, created_at);
	CREATE INDEX submission_event_actor_idx ON submission_event (actor_id);
	CREATE TABLE submission_comment (
		id INTEGER PRIMARY KEY,
		submission_id INTEGER NOT NULL REFERENCES submission (id) ON DELETE CASCADE,
		author_id INTEGER REFERENCES user (id) ON DELETE SET NULL,
		-- A field name ('title', 'summary'…) or a paragraph of the body ('block-2/b-3').
		anchor TEXT NOT NULL,
		body TEXT NOT NULL,
		created_at INTEGER NOT NULL,
		resolved_at INTEGER
	) STRICT;
	CREATE INDEX submission_comment_submission_idx ON submission_comment (submission_id, created_at);
	CREATE INDEX submission_comment_author_idx ON submission_comment (author_id);
	CREATE TABLE submission_media (
		id TEXT PRIMARY KEY,
		submission_id INTEGER NOT NULL REFERENCES submission (id) ON DELETE CASCADE,
		kind TEXT NOT NULL CHECK (kind IN ('image', 'video', 'vtt')),
		state TEXT NOT NULL CHECK (state IN ('queued', 'processing', 'ready', 'failed')),
		progress REAL NOT NULL DEFAULT 0 CHECK (progress >= 0 AND progress <= 1),
		error TEXT,
		-- Variants, sizes, duration (JSON), written once processing is done.
		meta TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(meta)),
		original_name TEXT NOT NULL DEFAULT '',
		created_at INTEGER NOT NULL,
		updated_at INTEGER NOT NULL
	) STRICT, WITHOUT ROWID;
	CREATE INDEX submission_media_submission_idx ON submission_media (submission_id);
	CREATE INDEX submission_media_state_idx ON submission_media (state);
	`,
	// 8: the adoption loop. Focal points answer for their country; every published practice (git or
	// web) is registered with the date answers became owed; country answers replace per-member marks
	// in tallies (the marks stay as members' experience notes); jobs queued in SQLite; mail
	// preferences; trust (verification, review-by, retirement); reading counts; searches that found
	// nothing and requested practices.
	`
	-- Weekday of the weekly digest (1 = Monday … 7 = Sunday); language of mails ('' = the first of the
	-- member's languages the portal speaks); kinds of mail the member turned off (JSON array).
	ALTER TABLE user ADD COLUMN digest_day INTEGER NOT NULL DEFAULT 1 CHECK (digest_day BETWEEN 1 AND 7);
	ALTER TABLE user ADD COLUMN mail_lang TEXT NOT NULL DEFAULT '';
	ALTER TABLE user ADD COLUMN mail_optout TEXT NOT NULL DEFAULT '[]'
		CHECK (json_valid(mail_optout) AND json_type(mail_optout) = 'array');

	CREATE TABLE focal_point (
		country TEXT NOT NULL,
		user_id INTEGER NOT NULL REFERENCES user (id) ON DELETE CASCADE,
		named_by INTEGER REFERENCES user (id) ON DELETE SET NULL,
		created_at INTEGER NOT NULL,
		PRIMARY KEY (country, user_id)
	) STRICT, WITHOUT ROWID;
	CREATE INDEX focal_point_user_id_idx ON focal_point (user_id);
	CREATE INDEX focal_point_named_by_idx ON focal_point (named_by);

	-- Every practice readers can see, from either source, kept in step with the catalogue at start and
	-- on publish. Answers are owed from owed_from (the later of its publication and the day the portal
	-- first saw it, so a practice older than the loop is not overdue on day one), due 30 days later.
	CREATE TABLE practice (
		slug TEXT PRIMARY KEY,
		country TEXT NOT NULL,
		source TEXT NOT NULL CHECK (source IN ('git', 'web')),
		published_at INTEGER NOT NULL,
		first_seen_at INTEGER NOT NULL,
		owed_from INTEGER NOT NULL,
		-- 'YYYY-MM-DD': the later of the author's date and the last "still valid" extension.
		review_by TEXT NOT NULL DEFAULT '',
		verified_by INTEGER REFERENCES user (id) ON DELETE SET NULL,
		verified_at INTEGER,
		retired_by INTEGER REFERENCES user (id) ON DELETE SET NULL,
		retired_at INTEGER,
		-- Left the catalogue (file removed, web study unpublished): nothing is owed while it is gone.
		gone_at INTEGER
	) STRICT;
	CREATE INDEX practice_owed_from_idx ON practice (owed_from);
	CREATE INDEX practice_review_by_idx ON practice (review_by);
	CREATE INDEX practice_verified_by_idx ON practice (verified_by);
	CREATE INDEX practice_retired_by_idx ON practice (retired_by);

	-- The country's answer on a practice: one per country, given by a focal point. created_at is the
	-- first answer (what "answered within 30 days" measures); updated_at the last change.
	CREATE TABLE country_answer (
		id INTEGER PRIMARY KEY,
		case_study TEXT NOT NULL,
		country TEXT NOT NULL,
		status TEXT NOT NULL
			CHECK (status IN ('trying', 'adopted', 'adapted', 'rejected', 'on-hold', 'not-relevant')),
		period TEXT NOT NULL DEFAULT '',
		-- adapted: what the country changed.
		change TEXT NOT NULL DEFAULT '',
		-- rejected, not relevant: why.
		reason TEXT NOT NULL DEFAULT '',
		note TEXT NOT NULL DEFAULT '',
		kpi TEXT CHECK (kpi IS NULL OR json_valid(kpi)),
		answered_by INTEGER REFERENCES user (id) ON DELETE SET NULL,
		-- 'migrated': taken from a member's mark made before focal points existed.
		origin TEXT NOT NULL DEFAULT 'focal-point' CHECK (origin IN ('focal-point', 'migrated')),
		created_at INTEGER NOT NULL,
		updated_at INTEGER NOT NULL,
		UNIQUE (case_study, country)
	) STRICT;
	CREATE INDEX country_answer_country_idx ON country_answer (country);
	CREATE INDEX country_answer_answered_by_idx ON country_answer (answered_by);

	-- Marks made so far become their country's answer: the latest one per practice and country (there
	-- were no focal points yet). The adoption rows stay, read from now on as members' notes.
	INSERT INTO country_answer (case_study, country, status, period, change, reason, note, kpi,
		answered_by, origin, created_at, updated_at)
	SELECT a.case_study, a.country, a.status, a.period,
		CASE WHEN a.status = 'rejected' THEN '' ELSE a.change END,
		CASE WHEN a.status = 'rejected' THEN a.change ELSE '' END,
		a.note, a.kpi, a.user_id, 'migrated', a.created_at, a.updated_at
	FROM adoption a
	WHERE a.id = (
		SELECT b.id FROM adoption b WHERE b.case_study = a.case_study AND b.country = a.country
		ORDER BY b.updated_at DESC, b.id DESC LIMIT 1
	);

	-- Work for later (reminders, digests, notifications, review dates), queued in the transaction of
	-- the action that causes it. key is unique per occurrence ('reminder:alpha-launch:7'), so the same
	-- job is never queued twice; a job is claimed before it runs, so it never runs twice.
	CREATE TABLE job (
		id INTEGER PRIMARY KEY,
		kind TEXT NOT NULL,
		key TEXT NOT NULL UNIQUE,
		payload TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(payload)),
		run_at INTEGER NOT NULL,
		state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'running', 'done', 'failed')),
		attempts INTEGER NOT NULL DEFAULT 0,
		locked_until INTEGER,
		last_error TEXT,
		created_at INTEGER NOT NULL,
		finished_at INTEGER
	) STRICT;
	CREATE INDEX job_state_run_at_idx ON job (state, run_at);

	-- What the portal told a member (shown in the portal; mailed according to their preferences).
	CREATE TABLE notification (
		id INTEGER PRIMARY KEY,
		user_id INTEGER NOT NULL REFERENCES user (id) ON DELETE CASCADE,
		kind TEXT NOT NULL,
		payload TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(payload)),
		created_at INTEGER NOT NULL,
		read_at INTEGER
	) STRICT;
	CREATE INDEX notification_user_id_idx ON notification (user_id, created_at);

	-- Reads per practice, reader's country and ISO week ('2026-W49'). Nothing here names a reader.
	CREATE TABLE practice_read (
		case_study TEXT NOT NULL,
		country TEXT NOT NULL,
		week TEXT NOT NULL,
		reads INTEGER NOT NULL DEFAULT 0 CHECK (reads >= 0),
		PRIMARY KEY (case_study, country, week)
	) STRICT, WITHOUT ROWID;
	-- "Already counted today": a keyed hash of member, practice and day, deleted after two days; it
	-- cannot be turned back into a reading history.
	CREATE TABLE practice_read_seen (
		digest TEXT PRIMARY KEY,
		day INTEGER NOT NULL
	) STRICT, WITHOUT ROWID;
	CREATE INDEX practice_read_seen_day_idx ON practice_read_seen (day);

	CREATE TABLE practice_request (
		id INTEGER PRIMARY KEY,
		author_id INTEGER REFERENCES user (id) ON DELETE SET NULL,
		title TEXT NOT NULL,
		detail TEXT NOT NULL DEFAULT '',
		lang TEXT NOT NULL,
		country TEXT NOT NULL DEFAULT '',
		state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'answered', 'closed')),
		answer_case_study TEXT,
		answer_post_mortem_id INTEGER REFERENCES post_mortem (id) ON DELETE SET NULL,
		answer_note TEXT NOT NULL DEFAULT '',
		answered_by INTEGER REFERENCES user (id) ON DELETE SET NULL,
		answered_at INTEGER,
		created_at INTEGER NOT NULL,
		updated_at INTEGER NOT NULL
	) STRICT;
	CREATE INDEX practice_request_state_idx ON practice_request (state, created_at);
	CREATE INDEX practice_request_author_id_idx ON practice_request (author_id);
	CREATE INDEX practice_request_answer_pm_idx ON practice_request (answer_post_mortem_id);
	CREATE INDEX practice_request_answered_by_idx ON practice_request (answered_by);
	-- A +1: the member wants it too and follows the request.
	CREATE TABLE practice_request_vote (
		request_id INTEGER NOT NULL REFERENCES practice_request (id) ON DELETE CASCADE,
		user_id INTEGER NOT NULL REFERENCES user (id) ON DELETE CASCADE,
		created_at INTEGER NOT NULL,
		PRIMARY KEY (request_id, user_id)
	) STRICT, WITHOUT ROWID;
	CREATE INDEX practice_request_vote_user_id_idx ON practice_request_vote (user_id);

	-- Searches that found nothing: the words, language and searcher's country, never who searched.
	CREATE TABLE search_miss (
		id INTEGER PRIMARY KEY,
		query TEXT NOT NULL,
		lang TEXT NOT NULL,
		country TEXT NOT NULL DEFAULT '',
		triage TEXT NOT NULL DEFAULT 'new' CHECK (triage IN ('new', 'dismissed', 'requested')),
		request_id INTEGER REFERENCES practice_request (id) ON DELETE SET NULL,
		created_at INTEGER NOT NULL
	) STRICT;
	CREATE INDEX search_miss_created_at_idx ON search_miss (created_at);
	CREATE INDEX search_miss_request_id_idx ON search_miss (request_id);
	`,
	// 9: why a practice was retired, shown on its badge for as long as it stays retired (the audit
	// log, which also records it, is pruned by retention).
	`
	ALTER TABLE practice ADD COLUMN retired_reason TEXT NOT NULL DEFAULT '';
	`,
	// 10: when a post-mortem was first published, for the weekly digest's "new post-mortems" (readers
	// still see the month only). Those published before are taken as of their last change.
	`
	ALTER TABLE post_mortem ADD COLUMN first_published_at INTEGER;
	UPDATE post_mortem SET first_published_at = updated_at WHERE published_month IS NOT NULL;
	CREATE INDEX post_mortem_first_published_at_idx ON post_mortem (first_published_at);
	`,
	// 11: single sign-on. A member's account at the company's OpenID provider (issuer + subject, which
	// stay stable when the email changes); sign-ins under way (state, nonce, PKCE verifier; one use,
	// ten minutes); the ID token of an SSO session, kept only for RP-initiated logout's id_token_hint.
	`
	CREATE TABLE oidc_identity (
		issuer TEXT NOT NULL,
		subject TEXT NOT NULL,
		user_id INTEGER NOT NULL REFERENCES user (id) ON DELETE CASCADE,
		created_at INTEGER NOT NULL,
		PRIMARY KEY (issuer, subject)
	) STRICT, WITHOUT ROWID;
	CREATE INDEX oidc_identity_user_id_idx ON oidc_identity (user_id);

	CREATE TABLE oidc_login (
		state_hash TEXT PRIMARY KEY,
		nonce TEXT NOT NULL,
		code_verifier TEXT NOT NULL,
		next TEXT NOT NULL,
		lang TEXT NOT NULL,
		created_at INTEGER NOT NULL
	) STRICT, WITHOUT ROWID;
	CREATE INDEX oidc_login_created_at_idx ON oidc_login (created_at);

	ALTER TABLE session ADD COLUMN oidc_id_token TEXT;
	`,
	// 12: when a member was erased, so pages name them "former member" in the reader's language
	// (member_name() in member-name.ts) instead of the stored English form. Accounts erased before
	// are recognised by the address erasure gives them.
	`
	ALTER TABLE user ADD COLUMN erased_at INTEGER;
	UPDATE user SET erased_at = updated_at WHERE email GLOB 'erased-[0-9]*@invalid';
	`,
	// 13: SCIM Groups: the groups the company's directory pushes (Entra ID, Okta) and their members.
	// Their display names map onto roles through the same OIDC_*_GROUPS lists as the ID token's
	// groups (scim/groups.ts).
	`
	CREATE TABLE scim_group (
		id INTEGER PRIMARY KEY,
		display_name TEXT NOT NULL UNIQUE COLLATE NOCASE,
		external_id TEXT,
		created_at INTEGER NOT NULL,
		updated_at INTEGER NOT NULL
	) STRICT;

	CREATE TABLE scim_group_member (
		group_id INTEGER NOT NULL REFERENCES scim_group (id) ON DELETE CASCADE,
		user_id INTEGER NOT NULL REFERENCES user (id) ON DELETE CASCADE,
		PRIMARY KEY (group_id, user_id)
	) STRICT, WITHOUT ROWID;
	CREATE INDEX scim_group_member_user_id_idx ON scim_group_member (user_id);
	`,
	// 14: the author text of a published version, rendered to sanitised HTML when it is published, per
	// page language (footnote labels differ): a reader's first request no longer pays the Markdown
	// pipeline (seconds for a long dense body, in every server process). `renderer` names the
	// rendering code that made it; another release renders again instead of serving stale HTML.
	`
	CREATE TABLE submission_version_render (
		version_id INTEGER NOT NULL REFERENCES submission_version (id) ON DELETE CASCADE,
		lang TEXT NOT NULL,
		renderer TEXT NOT NULL,
		-- JSON object: block id ('b-3') → the HTML of that text or callout block.
		blocks TEXT NOT NULL,
		rendered_at INTEGER NOT NULL,
		PRIMARY KEY (version_id, lang)
	) STRICT;
	`,
];

/**
 * Applies every migration newer than the file's `user_version`, all in one transaction, and returns
 * the resulting version. Running it again is a no-op.
 * @example runMigrations(db) // 1
 */
export function runMigrations(db: Database, list: readonly string[] = migrations): number {
	const apply = db.transaction(() => {
		const current = db.pragma('user_version', { simple: true }) as number;
		if (current > list.length) {
			throw new Error(
				`Database schema version ${current} is newer than this code knows (${list.length}); deploy the newer code or restore a backup.`,
			);
		}
		for (const [offset, sql] of list.slice(current).entries()) {
			try {
				db.exec(sql);
			} catch (error) {
				throw new Error(`Migration ${current + offset + 1} failed`, { cause: error });
			}
		}
		// PRAGMA takes no placeholders; the value is an integer we computed, not input.
		db.pragma(`user_version = ${list.length}`);
		return list.length;
	});
	// IMMEDIATE takes the write lock up front, so two processes starting together cannot both migrate.
	return apply.immediate();
}
