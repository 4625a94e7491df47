import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AstroIntegration } from 'astro';
import {
	fingerprintCode,
	getPageReuseState,
	setPageReuseState,
	type PageReuseState,
} from '../lib/page-reuse';

/** Beside client/ and server/ in a release: the key of every page it rendered or took over. */
export const RENDER_KEYS_FILE = 'render-keys.json';

/**
 * Builds started by scripts/build.mjs name the release they replace (`CD_PREVIOUS_RELEASE`): the
 * case-study pages whose inputs did not change are taken from it (src/lib/page-reuse.ts) instead
 * of rendered again. Runs before the search index, which then indexes every page, old and new.
 */
export default function reusePages(): AstroIntegration {
	let building = false;
	return {
		name: 'coaching-dealer:reuse-pages',
		hooks: {
			'astro:config:setup': ({ command }) => {
				building = command === 'build';
				setPageReuseState(null);
			},
			'astro:config:done': ({ config }) => {
				if (!building) return;
				const root = fileURLToPath(config.root);
				setPageReuseState({
					codeFingerprint: fingerprintCode(root),
					root,
					...readPreviousRelease(process.env.CD_PREVIOUS_RELEASE),
					keys: {},
					reused: [],
					considered: 0,
				});
			},
			'astro:build:done': async ({ dir, logger }) => {
				const state = getPageReuseState();
				setPageReuseState(null);
				if (!state) return;
				const started = performance.now();
				const clientDir = fileURLToPath(dir);
				const assets = await takeOverPages(state, clientDir);
				const keys: Record<string, string> = {};
				for (const [file, key] of Object.entries(state.keys))
					if (fs.existsSync(path.join(clientDir, file))) keys[file] = key;
				fs.writeFileSync(
					path.join(path.dirname(clientDir), RENDER_KEYS_FILE),
					JSON.stringify(keys),
				);
				logger
					.fork('reuse-pages')
					.info(
						`${state.considered - state.reused.length} case-study pages rendered, ${state.reused.length} taken from the previous release (${assets} assets) in ${Math.round(performance.now() - started)} ms`,
					);
			},
		},
	};
}

function readPreviousRelease(
	release: string | undefined,
): Pick<PageReuseState, 'previousKeys' | 'previousClientDir'> {
	const none = { previousKeys: {}, previousClientDir: null };
	if (!release) return none;
	try {
		const keys = JSON.parse(fs.readFileSync(path.join(release, RENDER_KEYS_FILE), 'utf8'));
		const clientDir = fs.realpathSync(path.join(release, 'client'));
		return { previousKeys: keys, previousClientDir: clientDir };
	} catch {
		// No release yet, or one built before render keys: every page is rendered.
		return none;
	}
}

/**
 * Links the reused pages and the built assets they use (optimised images are only generated for
 * the pages rendered) from the previous release into `clientDir`. Returns how many assets it took.
 * Releases are never written once published, so a hard link is as good as a copy.
 */
async function takeOverPages(state: PageReuseState, clientDir: string): Promise<number> {
	const from = state.previousClientDir;
	if (!from || state.reused.length === 0) return 0;
	const assets = new Set<string>();
	for (const file of state.reused) {
		const target = path.join(clientDir, file);
		fs.mkdirSync(path.dirname(target), { recursive: true });
		linkOrCopy(path.join(from, file), target);
		const html = await fs.promises.readFile(target, 'utf8');
		for (const m of html.matchAll(/\/_astro\/[^"'\s,)?#]+/g)) assets.add(m[0].slice(1));
	}
	let taken = 0;
	for (const asset of assets) {
		const target = path.join(clientDir, asset);
		if (fs.existsSync(target)) continue;
		const source = path.join(from, asset);
		if (!fs.existsSync(source)) continue;
		linkOrCopy(source, target);
		taken++;
	}
	return taken;
}

function linkOrCopy(source: string, target: string) {
	try {
		fs.linkSync(source, target);
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
		fs.copyFileSync(source, target);
	}
}
