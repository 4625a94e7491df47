// Builds are published as releases that never change once written: `<outDir>/releases/<id>/`
// (client/, server/, release.json), with `<outDir>/current` a symlink to the one being served.
// A running server follows `current` (server/release-watcher.ts): it never sees a file replaced
// in place, so a sirv handler made for a release stays true to it.
//
//   dist/portal.mjs           the server process (a change needs a restart)
//   dist/current → releases/<id>
//   dist/client → current/client, dist/server → current/server   (for tools and tests)
//   dist/releases/<id>/{client,server,release.json}
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

const RELEASES = 'releases';
const CURRENT = 'current';

/**
 * A new, empty release directory under `outDir/releases`; its name sorts by creation time.
 * @example await createReleaseDir('/srv/portal/dist') // '/srv/portal/dist/releases/20261202T023000123Z-4f1c'
 */
export async function createReleaseDir(outDir) {
	const stamp = new Date().toISOString().replace(/[-:.]/g, '');
	const id = `${stamp}-${crypto.randomBytes(2).toString('hex')}`;
	const dir = path.join(outDir, RELEASES, id);
	await fs.mkdir(dir, { recursive: true });
	return dir;
}

/**
 * Makes `releaseDir` the served release: writes its release.json, flips `current` to it in one
 * rename, and removes the releases older than the one it replaces. The replaced release stays on
 * disk: a server still streaming a file from it, or still loading one of its page modules, finishes.
 * `serverBundle` is the sha-256 of the portal.mjs built with it (servers running other code warn).
 * Returns the id of the release it replaced, or null.
 * @param {string} outDir
 * @param {string} releaseDir
 * @param {{ serverBundle?: string | null }} [options]
 */
export async function publishRelease(outDir, releaseDir, { serverBundle = null } = {}) {
	const id = path.basename(releaseDir);
	if (path.resolve(path.dirname(releaseDir)) !== path.resolve(outDir, RELEASES)) {
		throw new Error(
			`A release must be published from ${path.join(outDir, RELEASES)}: ${releaseDir}`,
		);
	}
	await fs.access(path.join(releaseDir, 'server', 'entry.mjs'));
	await fs.writeFile(
		path.join(releaseDir, 'release.json'),
		JSON.stringify({ id, createdAt: new Date().toISOString(), serverBundle }, null, '\t'),
	);
	await adoptFlatLayout(outDir);
	const previous = await readCurrentReleaseId(outDir);
	const temporary = path.join(outDir, `${CURRENT}.${process.pid}.${id}`);
	await fs.rm(temporary, { force: true });
	await fs.symlink(path.join(RELEASES, id), temporary);
	// rename(2) replaces the old link atomically: a reader sees the old release or the new one.
	await fs.rename(temporary, path.join(outDir, CURRENT));
	for (const name of ['client', 'server']) await ensureLink(outDir, name);
	await pruneReleases(outDir, [id, previous, ...(await readServedReleaseIds(outDir))]);
	return previous;
}

/**
 * The releases that running servers still serve: each writes `serving/<pid>` with its release id
 * (server/release-watcher.ts). One that could not load a newer release stays on an older one,
 * which must outlive the usual "current and previous". Markers of ended processes are removed.
 */
async function readServedReleaseIds(outDir) {
	const dir = path.join(outDir, 'serving');
	const names = await fs.readdir(dir).catch(() => []);
	const ids = [];
	for (const name of names) {
		const pid = Number(name);
		if (!Number.isInteger(pid)) continue;
		let alive = true;
		try {
			process.kill(pid, 0);
		} catch (error) {
			alive = error.code === 'EPERM';
		}
		const file = path.join(dir, name);
		if (!alive) await fs.rm(file, { force: true });
		else ids.push((await fs.readFile(file, 'utf8').catch(() => '')).trim());
	}
	return ids.filter(Boolean);
}

/** The id of the release `outDir/current` points at, or null before the first publication. */
export async function readCurrentReleaseId(outDir) {
	try {
		return path.basename(await fs.readlink(path.join(outDir, CURRENT)));
	} catch (error) {
		if (error.code === 'ENOENT' || error.code === 'EINVAL') return null;
		throw error;
	}
}

/** `outDir/<name>` → `current/<name>`, so paths written for the flat layout keep working. */
async function ensureLink(outDir, name) {
	const link = path.join(outDir, name);
	const target = path.join(CURRENT, name);
	const existing = await fs.readlink(link).catch(() => null);
	if (existing === target) return;
	const temporary = `${link}.${process.pid}`;
	await fs.rm(temporary, { force: true });
	await fs.symlink(target, temporary);
	await fs.rename(temporary, link);
}

/**
 * A dist/ built before releases holds client/ and server/ as plain folders: they become a release
 * of their own, so the folder names can turn into links.
 */
async function adoptFlatLayout(outDir) {
	const client = path.join(outDir, 'client');
	const stat = await fs.lstat(client).catch(() => null);
	if (!stat?.isDirectory()) return;
	const dir = path.join(outDir, RELEASES, '00000000T000000000Z-flat');
	await fs.mkdir(dir, { recursive: true });
	await fs.rename(client, path.join(dir, 'client'));
	await fs.rename(path.join(outDir, 'server'), path.join(dir, 'server')).catch((error) => {
		if (error.code !== 'ENOENT') throw error;
	});
	// Served until the next publication, like any replaced release.
	if ((await readCurrentReleaseId(outDir)) === null)
		await fs.symlink(path.join(RELEASES, path.basename(dir)), path.join(outDir, CURRENT));
}

/**
 * Removes releases other than `keep`. One without release.json may still be written by another
 * build: it is left alone for a day (a build killed half-way leaves one behind).
 */
async function pruneReleases(outDir, keep) {
	const root = path.join(outDir, RELEASES);
	const dayAgo = Date.now() - 86_400_000;
	for (const name of await fs.readdir(root)) {
		if (keep.includes(name)) continue;
		const dir = path.join(root, name);
		const published = await fs
			.access(path.join(dir, 'release.json'))
			.then(() => true)
			.catch(() => false);
		const abandoned = (await fs.stat(dir)).mtimeMs < dayAgo;
		if (published || abandoned || name.endsWith('-flat'))
			await fs.rm(dir, { recursive: true, force: true });
	}
}
