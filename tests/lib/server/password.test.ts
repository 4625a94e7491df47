import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPasswordHash } from '../../../src/lib/server/password';

describe('password hashing', () => {
	it('produces an argon2id hash with the chosen cost that verifies only the right password', async () => {
		const hash = await hashPassword('correct horse battery staple 42');
		expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
		expect(await verifyPasswordHash(hash, 'correct horse battery staple 42')).toBe(true);
		expect(await verifyPasswordHash(hash, 'correct horse battery staple 43')).toBe(false);
	});

	it('salts: the same password hashes differently', async () => {
		expect(await hashPassword('same password here')).not.toBe(
			await hashPassword('same password here'),
		);
	});
});
