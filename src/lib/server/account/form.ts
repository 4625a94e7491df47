// The account page's forms: what they show, how their fields are read and checked, and reading a
// multipart body with a size limit (the post-mortem form uses it too).
import type { Database } from 'better-sqlite3';
import { charCount, readRaw, readText, type FieldErrors } from '../../forms';
import type { Translate } from '../../i18n';
import { isCountryCode } from '../../taxonomy';
import { prepare } from '../db';
import { getNowSeconds } from '../time';
import { PHOTO_MAX_BYTES } from '../photos';
import { isTimeZone, knownTimeZones, type User } from '../user';

export const NAME_MAX = 120;
export const TITLE_MAX = 120;
export const BIO_MAX = 600;
const LANGUAGE_CODE = /^[a-z]{2,3}$/;
const PHONE = /^[+()\d\s.-]{5,30}$/;
/** Room for the text fields on top of the largest photo; past this the body is not read at all. */
export const ACCOUNT_BODY_MAX_BYTES = 2 * PHOTO_MAX_BYTES;

/** What the profile form shows: the saved profile, or exactly what was typed when it came back. */
export interface ProfileValues {
	name: string;
	title: string;
	country: string;
	/** As typed: "it, en". */
	languages: string;
	phone: string;
	showPhone: boolean;
	bio: string;
	/** IANA name, '' for not set. */
	timeZone: string;
	removePhoto: boolean;
}

/** The profile form read and checked; `photo` is the chosen file, `null` when none was picked. */
export interface ProfileSubmission {
	values: ProfileValues;
	errors: FieldErrors;
	photo: File | null;
	/** The parsed languages, valid when `errors.languages` is absent. */
	languageCodes: string[];
}

/** The form's values for a saved profile. */
export function getProfileValues(user: User): ProfileValues {
	return {
		name: user.name,
		title: user.title ?? '',
		country: user.country ?? '',
		languages: user.languages.join(', '),
		phone: user.phone ?? '',
		showPhone: user.showPhone,
		bio: user.bio ?? '',
		timeZone: user.timeZone,
		removePhoto: false,
	};
}

/**
 * The request's form data, or `null` when the body is larger than `maxBytes`: read as a stream and
 * abandoned at the limit, so a huge upload (even without Content-Length) is never held in memory.
 */
export async function readFormWithLimit(
	request: Request,
	maxBytes: number,
): Promise<FormData | null> {
	const declared = Number(request.headers.get('content-length'));
	if (Number.isFinite(declared) && declared > maxBytes) return null;
	if (!request.body) return new FormData();
	const chunks: Uint8Array[] = [];
	let total = 0;
	const reader = request.body.getReader();
	for (;;) {
		const { done, value } = await reader.read();
		if (done) break;
		total += value.byteLength;
		if (total > maxBytes) {
			await reader.cancel();
			return null;
		}
		chunks.push(value);
	}
	const contentType = request.headers.get('content-type') ?? '';
	return new Response(Buffer.concat(chunks), {
		headers: { 'Content-Type': contentType },
	}).formData();
}

/**
 * Reads and checks the profile form (not the photo's content: sharp does that, asynchronously).
 * @example const { values, errors, photo } = readProfileForm(form, t)
 */
export function readProfileForm(form: FormData, t: Translate): ProfileSubmission {
	const values: ProfileValues = {
		name: readText(form, 'name'),
		title: readText(form, 'title'),
		country: readText(form, 'country'),
		languages: readText(form, 'languages'),
		phone: readText(form, 'phone'),
		showPhone: form.get('showPhone') === 'on',
		bio: readText(form, 'bio'),
		timeZone: readText(form, 'timeZone'),
		removePhoto: form.get('removePhoto') === 'on',
	};
	const errors: FieldErrors = {};
	if (!values.name) errors.name = t('members.required');
	else if (charCount(values.name) > NAME_MAX) errors.name = t('members.tooLong', { max: NAME_MAX });
	if (charCount(values.title) > TITLE_MAX) errors.title = t('members.tooLong', { max: TITLE_MAX });
	if (values.country && !isCountryCode(values.country))
		errors.country = t('members.profile.countryInvalid');
	const languageCodes = parseLanguageCodes(values.languages);
	if (!languageCodes) errors.languages = t('members.profile.languagesInvalid');
	if (values.phone && !PHONE.test(values.phone)) errors.phone = t('members.profile.phoneInvalid');
	if (charCount(values.bio) > BIO_MAX) errors.bio = t('members.tooLong', { max: BIO_MAX });
	if (!isTimeZone(values.timeZone)) errors.timeZone = t('members.profile.timeZoneInvalid');
	const file = form.get('photo');
	// A form sent without choosing a file still carries an empty, nameless part.
	const photo =
		typeof file === 'object' && file !== null && (file.size > 0 || file.name !== '') ? file : null;
	if (photo && photo.size > PHOTO_MAX_BYTES) errors.photo = t('members.profile.photoTooBig');
	return { values, errors, photo, languageCodes: languageCodes ?? [] };
}

/**
 * "it, EN,fr" → ['it', 'en', 'fr'] (lower-cased, duplicates dropped); `null` when one is not a code.
 * @example parseLanguageCodes('it, en') // ['it', 'en']
 */
export function parseLanguageCodes(text: string): string[] | null {
	const codes = text
		.split(',')
		.map((part) => part.trim().toLowerCase())
		.filter(Boolean);
	if (!codes.every((code) => LANGUAGE_CODE.test(code))) return null;
	return [...new Set(codes)];
}

/** Every time zone a member may choose, sorted by name ('UTC' first). */
export function getTimeZoneOptions(): readonly string[] {
	const zones = [...knownTimeZones()].filter((zone) => zone !== 'UTC').sort();
	return ['UTC', ...zones];
}

/** The member's sessions that have not expired (the devices they are signed in on). */
export function countActiveSessions(
	db: Database,
	userId: number,
	nowSeconds = getNowSeconds(),
): number {
	const row = prepare(
		db,
		'SELECT COUNT(*) AS n FROM session WHERE session.user_id = ? AND session.expires_at > ?',
	).get(userId, nowSeconds) as { n: number };
	return row.n;
}

/** The password form's fields, exactly as typed (spaces count in passwords). */
export function readPasswordForm(form: FormData) {
	return {
		current: readRaw(form, 'current-password'),
		next: readRaw(form, 'new-password'),
		confirm: readRaw(form, 'confirm-password'),
	};
}
