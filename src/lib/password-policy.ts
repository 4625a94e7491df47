import { COMMON_PASSWORDS } from './common-passwords';

// Password rules from NIST SP 800-63B rev. 4 for passwords used alone: length counts, composition
// rules ("one digit, one symbol") do not, and known or guessable passwords are refused. Pure, so the
// form and the server give the same answer.

/** Minimum length in Unicode code points, after NFKC normalisation. */
export const PASSWORD_MIN_CODE_POINTS = 15;
/** Maximum length; NIST asks to accept at least 64. The cap bounds hashing work. */
export const PASSWORD_MAX_CODE_POINTS = 128;
/** The service's name, a context word NIST asks to refuse. */
export const PORTAL_NAME = 'Coaching Dealer';

/**
 * Why a password is refused, or `null` when it is acceptable. `email` and `name` are the member's,
 * used to refuse passwords built from them.
 * @example checkPasswordStrength('password1234567', { email: 'anna@example.com' }) // 'common'
 */
export function checkPasswordStrength(
	password: string,
	identity: { email?: string | null; name?: string | null } = {},
): PasswordProblem | null {
	const normalized = password.normalize('NFKC');
	const length = countCodePoints(normalized);
	if (length < PASSWORD_MIN_CODE_POINTS) return 'too-short';
	if (length > PASSWORD_MAX_CODE_POINTS) return 'too-long';
	if (isCommonPassword(normalized)) return 'common';
	if (containsIdentity(normalized, identity)) return 'contains-identity';
	return null;
}

/**
 * True for a listed password, one character repeated, a plain sequence (`abcdef…`, `987654…`), a short
 * or listed chunk repeated, or a listed word padded with such filler (`monkey123456789`).
 * @example isCommonPassword('aaaaaaaaaaaaaaaa') // true
 */
export function isCommonPassword(password: string): boolean {
	const lower = password.normalize('NFKC').toLowerCase();
	const compact = lower.replace(/\s+/gu, '');
	if (COMMON_PASSWORDS.has(lower) || COMMON_PASSWORDS.has(compact)) return true;
	if (isTrivial(compact)) return true;
	// A listed word with trivial filler around it: strip leading and trailing non-letters.
	const match = /^([^\p{L}]*)(.*?)([^\p{L}]*)$/u.exec(compact);
	if (match) {
		const [, before = '', core = '', after = ''] = match;
		const coreIsCommon = COMMON_PASSWORDS.has(core) || isRepetitionOfCommon(core);
		if (coreIsCommon && isFiller(before) && isFiller(after)) return true;
	}
	return false;
}

function containsIdentity(
	password: string,
	identity: { email?: string | null; name?: string | null },
): boolean {
	const haystack = simplify(password);
	const needles = [simplify(PORTAL_NAME)];
	const localPart = identity.email ? simplify(identity.email.split('@')[0] ?? '') : '';
	// Very short local parts ("jo") would refuse half the dictionary; three characters is the floor.
	if (localPart.length >= 3) needles.push(localPart);
	const name = identity.name ? simplify(identity.name) : '';
	if (name.length >= 4) needles.push(name);
	return needles.some((needle) => haystack.includes(needle));
}

// Letters and digits only, lower-case: "Coaching-Dealer" and "coaching dealer" both become "coachingdealer".
function simplify(text: string): string {
	return text
		.normalize('NFKC')
		.toLowerCase()
		.replace(/[^\p{L}\p{N}]/gu, '');
}

function isTrivial(text: string): boolean {
	const chars = [...text];
	if (chars.length === 0) return true;
	if (chars.every((c) => c === chars[0])) return true;
	if (isSequence(chars)) return true;
	const period = findPeriod(chars);
	if (period < chars.length) {
		const unit = chars.slice(0, period);
		return unit.length <= 4 || COMMON_PASSWORDS.has(unit.join('')) || isSequence(unit);
	}
	return false;
}

function isRepetitionOfCommon(text: string): boolean {
	const chars = [...text];
	const period = findPeriod(chars);
	return period < chars.length && COMMON_PASSWORDS.has(chars.slice(0, period).join(''));
}

// Padding around a listed word: nothing, a few characters, or a trivial run such as 123456789 or !!!!.
function isFiller(text: string): boolean {
	return countCodePoints(text) <= 4 || isTrivial(text);
}

// Each step goes up or down by one code point; digits may wrap (…8901234…).
function isSequence(chars: string[]): boolean {
	if (chars.length < 3) return false;
	const codes = chars.map((c) => c.codePointAt(0) ?? 0);
	const allDigits = chars.every((c) => c >= '0' && c <= '9');
	for (const direction of [1, -1]) {
		let ok = true;
		for (let i = 1; i < codes.length && ok; i++) {
			const step = (codes[i] ?? 0) - (codes[i - 1] ?? 0);
			ok = step === direction || (allDigits && (step + 10) % 10 === (direction + 10) % 10);
		}
		if (ok) return true;
	}
	return false;
}

// Smallest p such that the text is its first p characters repeated (last repeat may be partial).
function findPeriod(chars: string[]): number {
	for (let p = 1; p <= chars.length / 2; p++) {
		let ok = true;
		for (let i = p; i < chars.length && ok; i++) ok = chars[i] === chars[i - p];
		if (ok) return p;
	}
	return chars.length;
}

function countCodePoints(text: string): number {
	let n = 0;
	for (const _ of text) n++;
	return n;
}

/**
 * Checks a new password and its confirmation as every form that sets one does (invitation, reset,
 * account): the policy first, then that both fields match. `null` when both are fine.
 * @example checkNewPassword('short', 'short', {}) // { field: 'password', problem: 'too-short' }
 */
export function checkNewPassword(
	password: string,
	confirm: string,
	identity: { email?: string | null; name?: string | null } = {},
): { field: 'password' | 'confirm'; problem: PasswordProblem | 'mismatch' } | null {
	const problem = checkPasswordStrength(password, identity);
	if (problem) return { field: 'password', problem };
	if (password !== confirm) return { field: 'confirm', problem: 'mismatch' };
	return null;
}

export type PasswordProblem = 'too-short' | 'too-long' | 'common' | 'contains-identity';
