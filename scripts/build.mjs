// Builds the site (Astro: pages, images, search index) and bundles the Node entry, then publishes
// it as a new release (scripts/publish-release.mjs) that a running server swaps in.
// Usage: node scripts/build.mjs   (CONTENT_DIR and ASTRO_OUT_DIR select another content tree /
// output; BUILD_HEAP_MB the heap cap, default 1024; FULL_BUILD=1 renders every page again instead of
// taking the unchanged case-study pages from the served release)
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { build as astroBuild } from 'astro';
import { build as esbuild } from 'esbuild';
import { heapFlag, needsHeapRestart, readBuildHeapMb, withoutHeapOption } from './build-heap.mjs';
import { createReleaseDir, publishRelease } from './publish-release.mjs';

process.env.ASTRO_TELEMETRY_DISABLED = '1';
const root = path.resolve(import.meta.dirname, '..');
const outDir = path.resolve(root, process.env.ASTRO_OUT_DIR ?? 'dist');

/**
 * Builds into a new release directory, then publishes it: a build that fails half-way (a broken
 * content file found while rendering) leaves the served release untouched instead of a half-built
 * one, and a running server picks the new one up without a restart.
 */
export async function buildPortal({ logLevel = 'info' } = {}) {
	const releaseDir = await createReleaseDir(outDir);
	process.env.ASTRO_OUT_DIR = releaseDir;
	// Unchanged case-study pages are taken from the served release (src/integrations/reuse-pages.ts).
	// FULL_BUILD=1 renders every page.
	const previous = await fs.realpath(path.join(outDir, 'current')).catch(() => null);
	if (previous && process.env.FULL_BUILD !== '1') process.env.CD_PREVIOUS_RELEASE = previous;
	else delete process.env.CD_PREVIOUS_RELEASE;
	let serverBundle;
	try {
		await astroBuild({ root, logLevel });
		serverBundle = await bundleServer(outDir);
	} catch (error) {
		await fs.rm(releaseDir, { recursive: true, force: true });
		throw error;
	} finally {
		process.env.ASTRO_OUT_DIR = outDir;
		delete process.env.CD_PREVIOUS_RELEASE;
	}
	await publishRelease(outDir, releaseDir, { serverBundle });
}

/**
 * Bundles server/index.ts to `<dir>/portal.mjs` (replaced in one rename: a server starting at that
 * moment reads the old file or the new one). Returns its sha-256.
 */
export async function bundleServer(dir) {
	const { outputFiles } = await esbuild({
		entryPoints: [path.join(root, 'server/index.ts')],
		outfile: path.join(dir, 'portal.mjs'),
		bundle: true,
		platform: 'node',
		format: 'esm',
		target: 'node20',
		packages: 'external',
		sourcemap: 'linked',
		logLevel: 'warning',
		write: false,
	});
	await fs.mkdir(dir, { recursive: true });
	let hash = null;
	for (const file of outputFiles) {
		await fs.writeFile(`${file.path}.${process.pid}`, file.contents);
		await fs.rename(`${file.path}.${process.pid}`, file.path);
		if (file.path.endsWith('.mjs'))
			hash = crypto.createHash('sha256').update(file.contents).digest('hex');
	}
	return hash;
}

if (import.meta.url === `file://${process.argv[1]}`) {
	let heapMb;
	try {
		heapMb = readBuildHeapMb();
	} catch (error) {
		console.error(`Configuration error: ${error.message}`);
		process.exit(1);
	}
	if (needsHeapRestart(heapMb)) {
		const { spawnSync } = await import('node:child_process');
		const execArgv = process.execArgv.filter((a) => !a.startsWith('--max-old-space-size'));
		const child = spawnSync(
			process.execPath,
			[...execArgv, heapFlag(heapMb), ...process.argv.slice(1)],
			{ stdio: 'inherit', env: withoutHeapOption(process.env) },
		);
		process.exit(child.status ?? 1);
	}
	try {
		await buildPortal();
	} catch (error) {
		console.error(error instanceof Error ? error.message : error);
		process.exit(1);
	}
}
