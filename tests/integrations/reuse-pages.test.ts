// A rebuild after editing git-authored studies renders only the case-study pages the edit changes
// and takes the others from the served release (src/lib/page-reuse.ts): the result must be what a
// full build of the same content gives, byte for byte, and searchable as a whole.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { readCurrentReleaseId } from '../../scripts/publish-release.mjs';
import { fingerprintCode } from '../../src/lib/page-reuse';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cd-reuse-'));
// Inside the project: the server bundle of a release resolves its packages from node_modules.
const distDir = path.resolve(`.test-builds/reuse-${process.pid}`);
afterAll(() => {
	fs.rmSync(work, { recursive: true, force: true });
	fs.rmSync(distDir, { recursive: true, force: true });
});

function build(env: Record<string, string> = {}): { log: string; client: string } {
	const result = spawnSync(process.execPath, ['scripts/build.mjs'], {
		env: {
			...process.env,
			CONTENT_DIR: path.join(work, 'content'),
			ASTRO_OUT_DIR: distDir,
			ASTRO_CACHE_DIR: path.join(work, 'cache'),
			ASTRO_TELEMETRY_DISABLED: '1',
			...env,
		},
		encoding: 'utf8',
	});
	const log = `${result.stdout}\n${result.stderr}`;
	if (result.status !== 0) throw new Error(`build failed:\n${log}`);
	return { log, client: path.join(distDir, 'current', 'client') };
}

/** Every built case-study page of a release's client dir, by path, with its inode and text. */
function studyPages(client: string): Map<string, { ino: number; html: string }> {
	const real = fs.realpathSync(client);
	const pages = new Map<string, { ino: number; html: string }>();
	for (const root of ['case-studies', 'fr/case-studies']) {
		for (const slug of fs.readdirSync(path.join(real, root))) {
			const file = path.join(real, root, slug, 'index.html');
			if (!fs.existsSync(file)) continue;
			pages.set(`${root}/${slug}`, {
				ino: fs.statSync(file).ino,
				html: fs.readFileSync(file, 'utf8'),
			});
		}
	}
	return pages;
}

const rendered = (log: string) => {
	const m = /(\d+) case-study pages rendered, (\d+) taken from the previous release/.exec(log);
	if (!m) throw new Error(`no reuse line in the build log:\n${log.slice(-3000)}`);
	return { rendered: Number(m[1]), taken: Number(m[2]) };
};

it('renders again only the study pages an edit changes; the release equals a full build', async () => {
	fs.cpSync(path.resolve('tests/e2e/fixtures/site'), path.join(work, 'content'), {
		recursive: true,
	});
	const sharedImages = path.resolve('node_modules/.astro-fixture/assets');
	if (fs.existsSync(sharedImages))
		fs.cpSync(sharedImages, path.join(work, 'cache', 'assets'), { recursive: true });

	const first = build();
	expect(rendered(first.log)).toEqual({ rendered: 8, taken: 0 });
	const before = studyPages(first.client);
	expect(before.size).toBe(8);

	// One study's text, another's title: the title shows on the pages listing that study too.
	const studies = path.join(work, 'content', 'case-studies');
	fs.appendFileSync(
		path.join(studies, 'alpha-launch', 'index.mdx'),
		'\n\nA sentence added after the first build, live without rendering every page.\n',
	);
	const beta = path.join(studies, 'beta-rally', 'index.mdx');
	fs.writeFileSync(
		beta,
		fs
			.readFileSync(beta, 'utf8')
			.replace('title: Beta owner rally in the hills', 'title: Beta owner rally, revised'),
	);
	const second = build();
	const counts = rendered(second.log);
	expect(counts.rendered + counts.taken).toBe(8);
	expect(counts.rendered).toBeGreaterThanOrEqual(4);
	expect(counts.taken).toBeGreaterThan(0);
	const after = studyPages(second.client);
	for (const lang of ['case-studies', 'fr/case-studies']) {
		expect(after.get(`${lang}/alpha-launch`)!.html).toContain('live without rendering every page');
		expect(after.get(`${lang}/beta-rally`)!.html).toContain('Beta owner rally, revised');
	}
	// Taken over: the very file of the first release, not a copy rendered again.
	const linked = [...after].filter(([p, { ino }]) => before.get(p)!.ino === ino);
	expect(linked.length).toBe(counts.taken);
	for (const [, { html }] of linked) expect(html).not.toContain('Beta owner rally in the hills');
	// The search index holds every English-UI study page, the taken ones included.
	const entry = JSON.parse(
		fs.readFileSync(path.join(second.client, 'pagefind', 'pagefind-entry.json'), 'utf8'),
	);
	expect(entry.languages.en.page_count).toBe(4);
	const secondRelease = await readCurrentReleaseId(distDir);

	// FULL_BUILD=1 renders everything: the same bytes for every page.
	const full = build({ FULL_BUILD: '1' });
	expect(rendered(full.log)).toEqual({ rendered: 8, taken: 0 });
	const fullPages = studyPages(full.client);
	const incremental = studyPages(path.join(distDir, 'releases', secondRelease!, 'client'));
	expect([...incremental.keys()].sort()).toEqual([...fullPages.keys()].sort());
	for (const [p, { html }] of fullPages) expect(incremental.get(p)!.html, p).toBe(html);
}, 180_000);

it('a change to any source file changes the code fingerprint (every page is rendered again)', () => {
	const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cd-print-'));
	fs.mkdirSync(path.join(root, 'src', 'layouts'), { recursive: true });
	fs.writeFileSync(path.join(root, 'src', 'layouts', 'Page.astro'), '<h1>One</h1>');
	fs.writeFileSync(path.join(root, 'package-lock.json'), '{}');
	const a = fingerprintCode(root);
	expect(fingerprintCode(root)).toBe(a);
	fs.writeFileSync(path.join(root, 'src', 'layouts', 'Page.astro'), '<h1>Two</h1>');
	const b = fingerprintCode(root);
	expect(b).not.toBe(a);
	fs.writeFileSync(path.join(root, 'package-lock.json'), '{"lockfileVersion":3}');
	expect(fingerprintCode(root)).not.toBe(b);
	fs.rmSync(root, { recursive: true, force: true });
});
