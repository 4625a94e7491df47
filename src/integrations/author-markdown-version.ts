import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AstroIntegration } from 'astro';

// Everything whose change can change the HTML of author text: our pipeline and the packages it runs
// (with everything they pull in, at the versions installed). The page labels are hashed at run time.
const SOURCES = ['src/lib/markdown.ts', 'src/lib/submission-text.ts'];
const PIPELINE = [
	'unified',
	'remark-parse',
	'remark-gfm',
	'remark-rehype',
	'rehype-sanitize',
	'rehype-stringify',
];

interface LockPackage {
	version?: string;
	dependencies?: Record<string, string>;
}

/**
 * A short hash naming this release's author-Markdown renderer: HTML stored under another name was
 * made by other code and is rendered again. Read from the project's files, so the build (below) and
 * code run from the sources (tests, scripts) agree.
 */
export function computeAuthorMarkdownVersion(root: string): string {
	const hash = crypto.createHash('sha256');
	for (const file of SOURCES) hash.update(`${file}\0${fs.readFileSync(path.join(root, file))}\0`);
	const lock = JSON.parse(fs.readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as {
		packages: Record<string, LockPackage>;
	};
	const seen = new Set<string>();
	const queue = [...PIPELINE];
	while (queue.length) {
		const name = queue.shift()!;
		if (seen.has(name)) continue;
		seen.add(name);
		const entry = lock.packages[`node_modules/${name}`];
		if (!entry) continue;
		queue.push(...Object.keys(entry.dependencies ?? {}));
	}
	for (const name of [...seen].sort()) {
		hash.update(`${name}@${lock.packages[`node_modules/${name}`]?.version ?? '?'}\n`);
	}
	return hash.digest('hex').slice(0, 16);
}

/** Gives the server build the renderer's name as a constant (`__AUTHOR_MARKDOWN_VERSION__`). */
export default function authorMarkdownVersion(): AstroIntegration {
	return {
		name: 'coaching-dealer:author-markdown-version',
		hooks: {
			'astro:config:setup': ({ config, updateConfig }) => {
				const version = computeAuthorMarkdownVersion(fileURLToPath(config.root));
				updateConfig({
					vite: { define: { __AUTHOR_MARKDOWN_VERSION__: JSON.stringify(version) } },
				});
			},
		},
	};
}
