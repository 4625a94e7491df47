// BUILD_HEAP_MB is the build's heap cap for `npm run build` and `npm start`, whatever cap node was
// started with; a bad value stops at once with one line.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import {
	heapFlag,
	needsHeapRestart,
	readBuildHeapMb,
	withoutHeapOption,
} from '../../scripts/build-heap.mjs';

it('reads BUILD_HEAP_MB, 1024 without it', () => {
	expect(readBuildHeapMb({})).toBe(1024);
	expect(readBuildHeapMb({ BUILD_HEAP_MB: ' 3072 ' })).toBe(3072);
	for (const bad of ['3g', '-1', '100', '1e4', '99999999']) {
		expect(() => readBuildHeapMb({ BUILD_HEAP_MB: bad })).toThrow(
			`BUILD_HEAP_MB must be a whole number of MiB from 256 to 65536, such as 3072 (got "${bad}")`,
		);
	}
});

it('restarts a build that runs with another cap than BUILD_HEAP_MB', () => {
	// `npm run build` used to start node with its own 1024, which then won over BUILD_HEAP_MB.
	expect(needsHeapRestart(3072, ['--max-old-space-size=1024'])).toBe(true);
	expect(needsHeapRestart(3072, [])).toBe(true);
	expect(needsHeapRestart(3072, [heapFlag(3072)])).toBe(false);
	expect(
		withoutHeapOption({ NODE_OPTIONS: '--max-old-space-size=512 --enable-source-maps' })
			.NODE_OPTIONS,
	).toBe('--enable-source-maps');
});

it('stops npm run build and npm start on a bad BUILD_HEAP_MB with one line', () => {
	const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cd-heap-'));
	const env = { ...process.env, BUILD_HEAP_MB: 'lots', DATA_DIR: dataDir };
	const expected =
		'Configuration error: BUILD_HEAP_MB must be a whole number of MiB from 256 to 65536, such as 3072 (got "lots")\n';
	for (const script of ['scripts/build.mjs', 'scripts/start.mjs']) {
		const run = spawnSync(process.execPath, [script], { env, encoding: 'utf8', timeout: 30_000 });
		expect(run.status, script).toBe(1);
		expect(run.stderr, script).toBe(expected);
	}
	fs.rmSync(dataDir, { recursive: true, force: true });
});
