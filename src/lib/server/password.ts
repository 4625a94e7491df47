import { hash, verify } from '@node-rs/argon2';

// OWASP's argon2id minimum (19 MiB, 2 passes, 1 lane): ~30 ms per hash on the server. The algorithm is
// left at the library default, Argon2id (its const enum cannot be imported under isolatedModules).
const argon2Options = {
	memoryCost: 19456,
	timeCost: 2,
	outputLen: 32,
	parallelism: 1,
} as const;

/**
 * An argon2id PHC string for storing in `user.password_hash`.
 * @example const passwordHash = await hashPassword('correct horse battery staple')
 */
export async function hashPassword(password: string): Promise<string> {
	// NFKC so the same passphrase typed on another keyboard (composed vs decomposed accents) matches.
	return hash(password.normalize('NFKC'), argon2Options);
}

/**
 * True when `password` matches the stored hash. A malformed hash throws: it is a bug, not a wrong password.
 * @example await verifyPasswordHash(user.passwordHash, form.get('password')) // false
 */
export async function verifyPasswordHash(passwordHash: string, password: string): Promise<boolean> {
	return verify(passwordHash, password.normalize('NFKC'));
}
