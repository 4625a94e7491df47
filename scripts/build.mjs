// Builds the site (Astro: pages, images, search index) and bundles the Node entry in server/.
// Usage: node scripts/build.mjs   (CONTENT_DIR and ASTRO_OUT_DIR select another content tree / output)
import fs from 'node:fs/promises';
import path from 'node:path';
import { build as astroBuild } from 'astro';
import { build as esbuild } from 'esbuild';

process.env.ASTRO_TELEMETRY_DISABLED = '1';
const root = path.resolve(import.meta.dirname, '..');
const outDir = path.resolve(root, process.env.ASTRO_OUT_DIR ?? 'dist');

/**
 * Builds into `<outDir>.next`, then swaps it in: a build that fails half-way (a broken content file
 * found while rendering) leaves the previous site untouched instead of a half-built one.
 */
export async function buildPortal({ logLevel = 'info' } = {}) {
	const staging = `${outDir}.next`;
	await fs.rm(staging, { recursive: true, force: true });
	process.env.ASTRO_OUT_DIR = staging;
	try {
		await astroBuild({ root, logLevel });
		await bundleServer(staging);
	} catch (error) {
		await fs.rm(staging, { recursive: true, force: true });
		throw error;
	}
	const old = `${outDir}.old`;
	await fs.rm(old, { recursive: true, force: true });
	await fs.rename(outDir, old).catch((e) => {
		if (e.code !== 'ENOENT') throw e;
	});
	await fs.rename(staging, outDir);
	await fs.rm(old, { recursive: true, force: true });
}

/** Bundles server/index.ts to `<outDir>/portal.mjs`, next to client/ and server/. */
export async function bundleServer(dir) {
	await esbuild({
		entryPoints: [path.join(root, 'server/index.ts')],
		outfile: path.join(dir, 'portal.mjs'),
		bundle: true,
		platform: 'node',
		format: 'esm',
		target: 'node20',
		packages: 'external',
		sourcemap: 'linked',
		logLevel: 'warning',
	});
}

// The build keeps far more garbage than live data: a capped heap makes V8 collect sooner and holds
// the build of 1000 case studies under 1.5 GiB at about the same speed (see BENCHMARKS.md).
// BUILD_HEAP_MB raises the cap for much larger sites.
const heapFlag = `--max-old-space-size=${process.env.BUILD_HEAP_MB ?? 1024}`;
const hasHeapFlag = [...process.execArgv, process.env.NODE_OPTIONS ?? ''].some((a) =>
	a.includes('--max-old-space-size'),
);

if (import.meta.url === `file://${process.argv[1]}` && !hasHeapFlag) {
	const { spawnSync } = await import('node:child_process');
	const child = spawnSync(process.execPath, [heapFlag, ...process.argv.slice(1)], {
		stdio: 'inherit',
	});
	process.exit(child.status ?? 1);
} else if (import.meta.url === `file://${process.argv[1]}`) {
	try {
		await buildPortal();
	} catch (error) {
		console.error(error instanceof Error ? error.message : error);
		process.exit(1);
	}
}
