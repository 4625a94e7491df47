import { sha256 } from '@oslojs/crypto/sha2';
import { encodeBase32LowerCaseNoPadding, encodeHexLowerCase } from '@oslojs/encoding';

// Sessions, invitations and password resets share one token model: 20 random bytes (160 bits) sent to
// the user, and only hex(SHA-256(token)) stored, so a database leak yields no usable token.

/**
 * A fresh random token: 20 bytes from the CSPRNG as lower-case base32 without padding (32 chars).
 * @example generateToken() // 'k3n2…' (32 chars of a-z2-7)
 */
export function generateToken(): string {
	const bytes = new Uint8Array(20);
	crypto.getRandomValues(bytes);
	return encodeBase32LowerCaseNoPadding(bytes);
}

/**
 * The row id for a token: hex of its SHA-256.
 * @example hashToken('abc') // 'ba7816bf…'
 */
export function hashToken(token: string): string {
	return encodeHexLowerCase(sha256(new TextEncoder().encode(token)));
}

/** Tokens from `generateToken` are exactly 32 chars of base32; anything else is rejected before any lookup. */
export const TOKEN_PATTERN = /^[a-z2-7]{32}$/;
