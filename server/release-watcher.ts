// Follows `<distDir>/current`, the link the build flips to each new release
// (scripts/publish-release.mjs). A release directory never changes once published, so whatever a
// server caches about one (sirv's sizes and ETags, page modules) stays true for it.
import fs from 'node:fs';
import path from 'node:path';

/**
 * The directory of the release served from `distDir`: the real path behind `current`, or `distDir`
 * itself for a build made before releases (client/ and server/ as plain folders).
 * @example resolveReleaseDir('/srv/portal/dist') // '/srv/portal/dist/releases/20261202T023000123Z-4f1c'
 */
export function resolveReleaseDir(distDir: string): string {
	try {
		return fs.realpathSync(path.join(distDir, 'current'));
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') return distDir;
		throw error;
	}
}

/**
 * Calls `onChange` with the new release directory whenever `current` points elsewhere. fs.watch
 * gives the change at once; the poll every `intervalMs` catches what it misses (network and
 * container file systems drop inotify events). Returns a function that stops watching.
 */
export function watchReleases(
	distDir: string,
	startDir: string,
	onChange: (releaseDir: string) => void,
	{ intervalMs = 1000 }: { intervalMs?: number } = {},
): () => void {
	let known = startDir;
	const check = () => {
		let dir: string;
		try {
			dir = resolveReleaseDir(distDir);
		} catch {
			// A dangling link mid-prune or a removed dist: keep serving what is loaded.
			return;
		}
		if (dir === known) return;
		known = dir;
		onChange(dir);
	};
	let watcher: fs.FSWatcher | null = null;
	try {
		watcher = fs.watch(distDir, { persistent: false }, (_event, name) => {
			if (name === null || String(name).startsWith('current')) check();
		});
		watcher.on('error', () => {
			watcher?.close();
			watcher = null;
		});
	} catch {
		watcher = null;
	}
	const timer = setInterval(check, intervalMs);
	timer.unref();
	return () => {
		clearInterval(timer);
		watcher?.close();
	};
}

/**
 * Records in `<distDir>/serving/<pid>` which release this process serves, so a build does not
 * remove it (scripts/publish-release.mjs). Nothing is recorded for a dist built before releases.
 * Returns a function that removes the record.
 */
export function markServedRelease(distDir: string, releaseDir: string): () => void {
	const dir = path.join(distDir, 'serving');
	const file = path.join(dir, String(process.pid));
	const forget = () => fs.rmSync(file, { force: true });
	if (path.dirname(releaseDir) !== path.join(fs.realpathSync(distDir), 'releases')) return forget;
	try {
		fs.mkdirSync(dir, { recursive: true });
		fs.writeFileSync(`${file}.tmp`, path.basename(releaseDir));
		fs.renameSync(`${file}.tmp`, file);
	} catch (error) {
		// Without the record a build keeps the current and previous releases only, as before.
		console.warn(`Could not record the served release in ${dir}: ${(error as Error).message}`);
	}
	return forget;
}
