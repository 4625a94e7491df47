// Focal points: the members who answer for their country. Admins name and remove them (a focal
// point must be an active member of that country); a country may have several.
import type { Database } from 'better-sqlite3';
import { recordAudit, type AuditAction } from '../audit';
import type { CommandContext } from '../context';
import { prepare } from '../db';
import { getUserById } from '../user';
import { isAdmin } from '../admin/members';
import { getNowSeconds } from '../time';
import type { FieldErrors } from '../../forms';
import { useTranslations } from '../../i18n';
import { isCountryCode } from '../../taxonomy';

/** The audit actions of the adoption loop, labelled by the answers dictionary on the audit page. */
export const ANSWERS_AUDIT_ACTIONS: readonly string[] = [
	'focal-point-name',
	'focal-point-remove',
	'country-answer',
	'member-country',
] satisfies AuditAction[];

export type FocalPointResult =
	| { ok: true; country: string; name: string }
	| { ok: false; kind: 'forbidden' | 'not-found' }
	| { ok: false; kind: 'invalid'; errors: FieldErrors };

/**
 * Names a member focal point of their country (naming one already named changes nothing).
 * @example nameFocalPoint(ctx, { country: 'PT', userId: '12' })
 */
export function nameFocalPoint(
	ctx: CommandContext,
	input: { country: string; userId: string },
	nowSeconds = getNowSeconds(),
): FocalPointResult {
	const { db, user: actor } = ctx;
	if (!isAdmin(actor)) return { ok: false, kind: 'forbidden' };
	const t = useTranslations(ctx.lang);
	const errors: FieldErrors = {};
	if (!isCountryCode(input.country)) errors.country = t('answers.focal.error.country');
	const target = /^\d{1,15}$/.test(input.userId) ? getUserById(db, Number(input.userId)) : null;
	if (!target || !target.active) errors.userId = t('answers.focal.error.member');
	else if (target.country !== input.country)
		errors.userId = t('answers.focal.error.otherCountry', { name: target.name });
	if (Object.keys(errors).length > 0 || !target) return { ok: false, kind: 'invalid', errors };
	db.transaction(() => {
		const added = prepare(
			db,
			`INSERT INTO focal_point (country, user_id, named_by, created_at) VALUES (?, ?, ?, ?)
				ON CONFLICT (country, user_id) DO NOTHING`,
		).run(input.country, target.id, actor.id, nowSeconds).changes;
		if (added > 0)
			recordAudit(
				db,
				{
					actorId: actor.id,
					action: 'focal-point-name',
					target: target.email,
					ip: ctx.ip,
					detail: input.country,
				},
				nowSeconds,
			);
	}).immediate();
	return { ok: true, country: input.country, name: target.name };
}

/** Removes a focal point of a country; `not-found` when they were not one. */
export function removeFocalPoint(
	ctx: CommandContext,
	input: { country: string; userId: string },
	nowSeconds = getNowSeconds(),
): FocalPointResult {
	const { db, user: actor } = ctx;
	if (!isAdmin(actor)) return { ok: false, kind: 'forbidden' };
	const target = /^\d{1,15}$/.test(input.userId) ? getUserById(db, Number(input.userId)) : null;
	if (!target) return { ok: false, kind: 'not-found' };
	const removed = db
		.transaction(() => {
			const changes = prepare(
				db,
				'DELETE FROM focal_point WHERE focal_point.country = ? AND focal_point.user_id = ?',
			).run(input.country, target.id).changes;
			if (changes > 0)
				recordAudit(
					db,
					{
						actorId: actor.id,
						action: 'focal-point-remove',
						target: target.email,
						ip: ctx.ip,
						detail: input.country,
					},
					nowSeconds,
				);
			return changes > 0;
		})
		.immediate();
	return removed
		? { ok: true, country: input.country, name: target.name }
		: { ok: false, kind: 'not-found' };
}

/** A country of the admin list: its focal points and the members who could be named. */
export interface CountryFocalPoints {
	country: string;
	focalPoints: { id: number; name: string; email: string; active: boolean }[];
	candidates: { id: number; name: string }[];
}

/**
 * Every country with a member or a focal point, with its focal points (inactive ones flagged: they
 * no longer answer) and the active members who are not focal points yet. Sorted by country code.
 */
export function listFocalPointsByCountry(db: Database): CountryFocalPoints[] {
	const members = prepare(
		db,
		`SELECT user.id, member_name(user.name, user.erased_at) AS name, user.email, user.active, user.country,
				EXISTS (SELECT 1 FROM focal_point f WHERE f.user_id = user.id AND f.country = user.country) AS focal
			FROM user WHERE user.country IS NOT NULL AND user.country != '' ORDER BY user.name, user.id`,
	).all() as {
		id: number;
		name: string;
		email: string;
		active: number;
		country: string;
		focal: number;
	}[];
	// A focal point whose country was changed since still shows under the country they were named for.
	const named = prepare(
		db,
		`SELECT f.country, user.id, member_name(user.name, user.erased_at) AS name, user.email, user.active FROM focal_point f
			JOIN user ON user.id = f.user_id ORDER BY f.created_at, user.id`,
	).all() as { country: string; id: number; name: string; email: string; active: number }[];
	const byCountry = new Map<string, CountryFocalPoints>();
	const entry = (country: string) => {
		let e = byCountry.get(country);
		if (!e) byCountry.set(country, (e = { country, focalPoints: [], candidates: [] }));
		return e;
	};
	for (const f of named)
		entry(f.country).focalPoints.push({
			id: f.id,
			name: f.name,
			email: f.email,
			active: f.active === 1,
		});
	for (const m of members) {
		if (m.active !== 1) continue;
		const e = entry(m.country);
		if (m.focal !== 1) e.candidates.push({ id: m.id, name: m.name });
	}
	return [...byCountry.values()].sort((a, b) => a.country.localeCompare(b.country));
}

/** Members (active or not) without a country: admins must set one, they cannot answer or be named. */
export function listMembersWithoutCountry(
	db: Database,
): { id: number; name: string; email: string }[] {
	return prepare(
		db,
		`SELECT user.id, member_name(user.name, user.erased_at) AS name, user.email FROM user
			WHERE user.country IS NULL OR user.country = '' ORDER BY user.name, user.id`,
	).all() as { id: number; name: string; email: string }[];
}

/** The countries a member answers for (usually one, their own). */
export function listFocalCountriesOf(db: Database, userId: number): string[] {
	return prepare(
		db,
		`SELECT f.country FROM focal_point f JOIN user ON user.id = f.user_id
			WHERE f.user_id = ? AND user.active = 1 AND user.country = f.country ORDER BY f.country`,
	)
		.pluck()
		.all(userId) as string[];
}
