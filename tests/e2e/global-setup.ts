// Builds the small fixture site once per `npm test` run with the real build script (Astro, sharp,
// Pagefind, the server bundle), into a folder of this run's own so that runs never share a build.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
	export interface ProvidedContext {
		fixtureDist: string;
	}
}

export default function setup(project: TestProject) {
	const out = path.resolve(`.test-builds/fixture-${process.pid}`);
	// The e2e-pg project runs in the same `npm test` process: it serves the build e2e made.
	if (fs.existsSync(path.join(out, 'portal.mjs'))) {
		project.provide('fixtureDist', out);
		return;
	}
	// Astro's cache holds the content data store too: each run gets its own, seeded with the
	// optimised images of earlier runs (content-addressed files, safe to share by copying).
	const sharedImages = path.resolve('node_modules/.astro-fixture/assets');
	const cacheDir = `${out}-cache`;
	if (fs.existsSync(sharedImages))
		fs.cpSync(sharedImages, path.join(cacheDir, 'assets'), { recursive: true });
	const started = Date.now();
	const result = spawnSync(process.execPath, ['scripts/build.mjs'], {
		env: {
			...process.env,
			CONTENT_DIR: './tests/e2e/fixtures/site',
			ASTRO_OUT_DIR: out,
			ASTRO_CACHE_DIR: cacheDir,
			ASTRO_TELEMETRY_DISABLED: '1',
		},
		encoding: 'utf8',
	});
	if (result.status !== 0) {
		throw new Error(`Building the fixture site failed:\n${result.stdout}\n${result.stderr}`);
	}
	fs.cpSync(path.join(cacheDir, 'assets'), sharedImages, { recursive: true, force: false });
	console.log(`fixture site built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
	project.provide('fixtureDist', out);
	return () => {
		fs.rmSync(out, { recursive: true, force: true });
		fs.rmSync(cacheDir, { recursive: true, force: true });
	};
}
