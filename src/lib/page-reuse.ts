// Rebuilding after an edit to one git-authored case study renders again only the study pages whose
// inputs changed; the others are taken from the release being replaced. Astro has no incremental
// build, but a prerendered route renders exactly the paths its getStaticPaths returns: the route
// asks `keepChangedPages` which of its paths to return, and src/integrations/reuse-pages.ts links
// the others' files from the previous release before the search index and precompression run.
//
// A page's key is a hash of everything it shows: the code that renders it (every source file, the
// lockfile, the config), its study (entry digest, data, the files of its folder), the studies it
// lists as related, and the people (contacts and quotes). Anything else changed means another key.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** What one build shares between its integration (files) and its route (which paths to render). */
export interface PageReuseState {
	/** Hash of the code and configuration that render pages. */
	codeFingerprint: string;
	/** Project root, to resolve entries' `filePath`. */
	root: string;
	/** Keys of the previous release's pages, by file (relative to its client dir). */
	previousKeys: Record<string, string>;
	/** The previous release's client dir, or null when there is none to reuse from. */
	previousClientDir: string | null;
	/** Keys of this build's pages, by file. */
	keys: Record<string, string>;
	/** Files this build takes from the previous release instead of rendering. */
	reused: string[];
	/** Pages the route asked about. */
	considered: number;
}

// Astro prerenders in the build's own process, from a bundle of the page modules: a global is the
// one object both the integration and that bundle see.
const STATE = Symbol.for('coaching-dealer.page-reuse');

export function getPageReuseState(): PageReuseState | null {
	return ((globalThis as Record<symbol, unknown>)[STATE] as PageReuseState | undefined) ?? null;
}

export function setPageReuseState(state: PageReuseState | null): void {
	(globalThis as Record<symbol, unknown>)[STATE] = state ?? undefined;
}

/** The built file of a `[...lang]` page at `route` (`case-studies/x/`): `fr/case-studies/x/index.html`. */
export function pageFileOf(lang: string | undefined, route: string): string {
	return path.posix.join(lang ?? '', route, 'index.html');
}

/**
 * The paths among `paths` to render in this build: all of them outside a reusing build, else those
 * whose key differs from the previous release's or whose file it lacks. Records every key and the
 * files to take over.
 */
export function keepChangedPages<T>(
	paths: T[],
	describe: (path: T) => { file: string; inputs: unknown },
): T[] {
	const state = getPageReuseState();
	if (!state) return paths;
	const kept: T[] = [];
	for (const p of paths) {
		const { file, inputs } = describe(p);
		const key = crypto
			.createHash('sha256')
			.update(state.codeFingerprint)
			.update('\0')
			.update(JSON.stringify(inputs))
			.digest('base64url');
		state.keys[file] = key;
		state.considered++;
		const reusable =
			state.previousClientDir !== null &&
			state.previousKeys[file] === key &&
			fs.existsSync(path.join(state.previousClientDir, file));
		if (reusable) state.reused.push(file);
		else kept.push(p);
	}
	return kept;
}

const folderPrints = new Map<string, string>();

/**
 * Names, sizes and modification times of the files beside a content entry (its folder when it is
 * an `index.*` file, else the file itself): a replaced cover or body image changes the print.
 */
export function fingerprintEntryFiles(filePath: string | undefined): string | null {
	const state = getPageReuseState();
	if (!state || !filePath) return null;
	const file = path.resolve(state.root, filePath);
	const folder = /^index\.[^/]+$/.test(path.basename(file)) ? path.dirname(file) : null;
	const key = folder ?? file;
	const known = folderPrints.get(key);
	if (known !== undefined) return known;
	const hash = crypto.createHash('sha256');
	const add = (f: string) => {
		const stat = fs.statSync(f, { throwIfNoEntry: false });
		if (stat?.isFile()) hash.update(`${path.relative(key, f)}\0${stat.size}\0${stat.mtimeMs}\n`);
	};
	if (folder) {
		const names = (fs.readdirSync(folder, { recursive: true }) as string[]).sort();
		for (const name of names) add(path.join(folder, name));
	} else add(file);
	const print = hash.digest('base64url');
	folderPrints.set(key, print);
	return print;
}

/**
 * Hash of every file under `root`'s `src/` and of the files that configure the build, and of the
 * environment that changes pages: a change to a layout, a component, a string or a package renders
 * every page again.
 */
export function fingerprintCode(root: string): string {
	const hash = crypto.createHash('sha256');
	const files: string[] = [];
	const src = path.join(root, 'src');
	if (fs.existsSync(src)) {
		for (const name of fs.readdirSync(src, { recursive: true }) as string[])
			files.push(path.join('src', name));
	}
	files.push('astro.config.mjs', 'package.json', 'package-lock.json', 'tsconfig.json');
	for (const rel of files.sort()) {
		const full = path.join(root, rel);
		const stat = fs.statSync(full, { throwIfNoEntry: false });
		if (!stat?.isFile()) continue;
		hash.update(`${rel}\0`).update(fs.readFileSync(full)).update('\0');
	}
	hash.update(`SITE_URL=${process.env.SITE_URL ?? ''}\0node=${process.version}`);
	return hash.digest('base64url');
}

interface EntryLike {
	id: string;
	data: unknown;
	filePath?: string;
	digest?: string | number;
	body?: string;
}

const described = new WeakMap<object, unknown>();

/** What a page can show of a content entry: its id, digest, data and the files beside it. */
export function describeEntry(entry: EntryLike): unknown {
	const known = described.get(entry);
	if (known !== undefined) return known;
	const description = {
		id: entry.id,
		// The digest covers the file's text; without one, the body stands for it.
		text: entry.digest ?? entry.body ?? null,
		data: entry.data,
		files: fingerprintEntryFiles(entry.filePath),
	};
	described.set(entry, description);
	return description;
}

/** A short hash of `value`, for inputs many pages share (every person, for instance). */
export function hashInputs(value: unknown): string {
	return crypto.createHash('sha256').update(JSON.stringify(value)).digest('base64url');
}
