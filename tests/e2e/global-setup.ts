// Builds the small fixture site once per `npm test` run, into .test-builds/fixture (git-ignored),
// with the real build script: Astro, sharp, Pagefind, the server bundle.
import { spawnSync } from 'node:child_process';
import path from 'node:path';

export const FIXTURE_OUT = path.resolve('.test-builds/fixture');

export default function setup() {
	const started = Date.now();
	const result = spawnSync(process.execPath, ['scripts/build.mjs'], {
		env: {
			...process.env,
			CONTENT_DIR: './tests/e2e/fixtures/site',
			ASTRO_OUT_DIR: FIXTURE_OUT,
			// A cache of its own, so fixture and demo builds do not evict each other's images.
			ASTRO_CACHE_DIR: './node_modules/.astro-fixture',
			ASTRO_TELEMETRY_DISABLED: '1',
		},
		encoding: 'utf8',
	});
	if (result.status !== 0) {
		throw new Error(`Building the fixture site failed:\n${result.stdout}\n${result.stderr}`);
	}
	console.log(`fixture site built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
