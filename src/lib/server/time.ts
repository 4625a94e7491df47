// Every timestamp in the members' layer is an integer of unix seconds: one unit, so no ms/s mix-ups.

export const SECONDS_PER_MINUTE = 60;
export const SECONDS_PER_HOUR = 60 * SECONDS_PER_MINUTE;
export const SECONDS_PER_DAY = 24 * SECONDS_PER_HOUR;

/**
 * The current time in whole unix seconds; functions take it as a `nowSeconds` argument so tests fake time.
 * @example getNowSeconds() // 1767225600
 */
export function getNowSeconds(): number {
	return Math.floor(Date.now() / 1000);
}
