// Small seeded PRNG helpers for the synthetic content: same seed, same output, on every machine.

/** mulberry32 over a 32-bit seed derived from any string or number. */
export function createRng(seed) {
	let h = 2166136261 >>> 0;
	for (const c of String(seed)) h = Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0;
	let a = h || 1;
	const next = () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
	const int = (min, max) => min + Math.floor(next() * (max - min + 1));
	const pick = (list) => list[Math.floor(next() * list.length)];
	/** Zipf-like pick: early items of the list come up much more often, like real word frequencies. */
	const zipf = (list, s = 1.1) => {
		const u = next();
		const i = Math.floor(list.length * Math.pow(u, 1 + s));
		return list[Math.min(i, list.length - 1)];
	};
	const sample = (list, k) => {
		const copy = [...list];
		const out = [];
		while (out.length < k && copy.length)
			out.push(copy.splice(Math.floor(next() * copy.length), 1)[0]);
		return out;
	};
	const chance = (p) => next() < p;
	return { next, int, pick, zipf, sample, chance };
}
