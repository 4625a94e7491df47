import { describe, expect, it } from 'vitest';
import { COMMON_PASSWORDS } from '../../src/lib/common-passwords';
import {
	checkNewPassword,
	checkPasswordStrength,
	isCommonPassword,
} from '../../src/lib/password-policy';

const anna = { email: 'anna.schmidt@example.com', name: 'Anna Schmidt' };

describe('checkPasswordStrength', () => {
	it('accepts a long passphrase with no composition rules', () => {
		expect(checkPasswordStrength('purple tractor sings at noon', anna)).toBeNull();
		expect(checkPasswordStrength('all lower case no digits', anna)).toBeNull();
	});

	it('needs at least 15 code points', () => {
		expect(checkPasswordStrength('Tr0ub4dor&3xyz', anna)).toBe('too-short'); // 14
		expect(checkPasswordStrength('Tr0ub4dor&3xyzq', anna)).toBeNull(); // 15
	});

	it('counts emoji as code points, not UTF-16 units', () => {
		const fourteen = '🐱🚗🌍🎸🍕🚀🌈🎲🔑📚🎯🌻🐢⚽';
		expect([...fourteen]).toHaveLength(14);
		expect(fourteen.length).toBeGreaterThan(15);
		expect(checkPasswordStrength(fourteen, anna)).toBe('too-short');
		expect(checkPasswordStrength(fourteen + '🦊', anna)).toBeNull();
	});

	it('normalises with NFKC before counting', () => {
		// U+FB01 (ﬁ ligature) becomes "fi": 14 characters typed, 15 after NFKC.
		expect(checkPasswordStrength('ﬁsh and chips!', anna)).toBeNull();
	});

	it('accepts a 64-character passphrase and refuses more than 128', () => {
		const sixtyFour = 'the harbour crane lifts blue containers while gulls argue loudly';
		expect([...sixtyFour]).toHaveLength(64);
		expect(checkPasswordStrength(sixtyFour, anna)).toBeNull();
		expect(checkPasswordStrength('x'.repeat(100) + 'abcdefghijklmnopqrstuvwxyz0123', anna)).toBe(
			'too-long',
		);
	});

	it('refuses common and breached passwords, whatever their case', () => {
		for (const password of [
			'passwordpassword',
			'123456789012345',
			'qwertyuiopasdfgh',
			'IloveyouIloveyou',
			'Correct Horse Battery Staple',
		]) {
			expect(checkPasswordStrength(password, anna), password).toBe('common');
		}
	});

	it('refuses repeated characters, sequences, repeated chunks and padded common words', () => {
		for (const password of [
			'aaaaaaaaaaaaaaaa',
			'abcdefghijklmnop',
			'zyxwvutsrqponmlk',
			'890123456789012',
			'abcabcabcabcabcabc',
			'dragondragondragon1',
			'monkey123456789',
			'password!!!!!!!!',
			'!!!!sunshine2025',
		]) {
			expect(checkPasswordStrength(password, anna), password).toBe('common');
		}
	});

	it('refuses passwords built from the email, the name or the portal name', () => {
		expect(checkPasswordStrength('anna.schmidt@example.com', anna)).toBe('contains-identity');
		expect(checkPasswordStrength('my name is annaschmidt ok', anna)).toBe('contains-identity');
		expect(checkPasswordStrength('Coaching-Dealer rocks 2026', anna)).toBe('contains-identity');
		expect(checkPasswordStrength('i love coaching dealer!!', {})).toBe('contains-identity');
		// A very short local part does not block ordinary words.
		expect(checkPasswordStrength('joyful otters dance', { email: 'jo@example.com' })).toBeNull();
	});
});

describe('the blocklist', () => {
	it('has a few hundred lower-case entries, including long ones', () => {
		expect(COMMON_PASSWORDS.size).toBeGreaterThanOrEqual(300);
		expect(
			[...COMMON_PASSWORDS].every((p) => p === p.toLowerCase() && p.trim() === p && p !== ''),
		).toBe(true);
		expect([...COMMON_PASSWORDS].filter((p) => [...p].length >= 15).length).toBeGreaterThanOrEqual(
			50,
		);
		expect(isCommonPassword('PASSWORD')).toBe(true);
		expect(isCommonPassword('purple tractor sings at noon')).toBe(false);
	});
});

describe('checkNewPassword', () => {
	it('checks the policy first, then that the confirmation matches', () => {
		expect(checkNewPassword('short', 'short')).toEqual({ field: 'password', problem: 'too-short' });
		expect(checkNewPassword('tractor lagoon velvet quince', 'tractor lagoon velvet quinc')).toEqual(
			{
				field: 'confirm',
				problem: 'mismatch',
			},
		);
		expect(
			checkNewPassword('tractor lagoon velvet quince', 'tractor lagoon velvet quince'),
		).toBeNull();
	});
});
