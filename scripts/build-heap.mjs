// The heap cap of the build. The build keeps far more garbage than live data: a capped heap makes
// V8 collect sooner and holds the build of 1000 case studies under 1.5 GiB at about the same speed
// (see BENCHMARKS.md). BUILD_HEAP_MB raises it for much larger sites. A cap only takes effect on
// node's command line, so the scripts that start a build pass the flag from here.

export const DEFAULT_BUILD_HEAP_MB = 1024;
const FLAG = '--max-old-space-size';

/**
 * The build's heap cap in MiB: BUILD_HEAP_MB, or 1024. Throws an Error whose message is one line
 * for the operator when the value is not a whole number of MiB from 256 to 65536.
 * @example readBuildHeapMb({ BUILD_HEAP_MB: '3072' }) // 3072
 */
export function readBuildHeapMb(env = process.env) {
	const text = env.BUILD_HEAP_MB?.trim();
	if (text === undefined || text === '') return DEFAULT_BUILD_HEAP_MB;
	if (!/^\d{1,6}$/.test(text) || Number(text) < 256 || Number(text) > 65536) {
		throw new Error(
			`BUILD_HEAP_MB must be a whole number of MiB from 256 to 65536, such as 3072 (got "${env.BUILD_HEAP_MB}")`,
		);
	}
	return Number(text);
}

/** The node flag that caps the heap at `mb`. */
export function heapFlag(mb) {
	return `${FLAG}=${mb}`;
}

/**
 * Whether this process must start again with the build's heap cap: it must unless node runs with
 * that very cap. A cap given another way (an old `npm run build`, NODE_OPTIONS) used to win over
 * BUILD_HEAP_MB; now BUILD_HEAP_MB, or the default, is what the build gets.
 */
export function needsHeapRestart(mb, execArgv = process.execArgv) {
	return !execArgv.includes(heapFlag(mb));
}

/** NODE_OPTIONS without a heap cap, so the one on the command line is the only one. */
export function withoutHeapOption(env) {
	const options = (env.NODE_OPTIONS ?? '')
		.split(/\s+/)
		.filter((o) => o && !o.startsWith(FLAG))
		.join(' ');
	return { ...env, NODE_OPTIONS: options };
}
