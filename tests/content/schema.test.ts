// Content mistakes stop the build with the file, the field and what is wrong, and never leave a
// half-built site. Each case copies the fixture content, breaks one thing, and runs the real build.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const FIXTURE = path.resolve('tests/e2e/fixtures/site');
const WORK = path.resolve('tests/.tmp/schema');

function brokenSite(name: string, breakIt: (dir: string) => void): string {
	const dir = path.join(WORK, name);
	fs.rmSync(dir, { recursive: true, force: true });
	fs.cpSync(FIXTURE, dir, { recursive: true });
	breakIt(dir);
	return dir;
}

function edit(file: string, from: string | RegExp, to: string) {
	const text = fs.readFileSync(file, 'utf8');
	const next = text.replace(from, to);
	if (next === text) throw new Error(`test setup: ${from} not found in ${file}`);
	fs.writeFileSync(file, next);
}

function build(contentDir: string, outDir: string) {
	// A cache of its own (the content data store lives there), seeded with the fixture's optimised
	// images so the build stays quick.
	const cacheDir = `${outDir}-cache`;
	fs.rmSync(cacheDir, { recursive: true, force: true });
	const images = path.resolve('node_modules/.astro-fixture/assets');
	if (fs.existsSync(images)) fs.cpSync(images, path.join(cacheDir, 'assets'), { recursive: true });
	const result = spawnSync(process.execPath, ['scripts/build.mjs'], {
		env: {
			...process.env,
			CONTENT_DIR: path.relative(process.cwd(), contentDir),
			ASTRO_OUT_DIR: outDir,
			ASTRO_CACHE_DIR: cacheDir,
			ASTRO_TELEMETRY_DISABLED: '1',
		},
		encoding: 'utf8',
	});
	// Astro colours and bolds its messages; compare the words.
	const output = `${result.stdout}\n${result.stderr}`.replace(/\x1b\[[0-9;]*m/g, '').replace(/\*\*/g, '');
	return { status: result.status, output };
}

afterAll(() => fs.rmSync(WORK, { recursive: true, force: true }));

const study = (dir: string, slug = 'alpha-launch') => path.join(dir, 'case-studies', slug, 'index.mdx');

describe('content schema', () => {
	it.each([
		['unknown country code', (d: string) => edit(study(d), 'country: IT', 'country: XX'), ['alpha-launch', 'country', 'unknown country code `XX`']],
		['unknown topic', (d: string) => edit(study(d), 'topics: [launch-events, social-media]', 'topics: [launch-events, billboards]'), ['alpha-launch', 'topics.1', 'unknown topic `billboards`']],
		['empty alt text', (d: string) => edit(study(d), "alt: 'A crowd around the Alpha crossover at a street event'", "alt: ''"), ['alpha-launch', 'cover.alt', 'the cover image needs alt text that describes it']],
		['missing alt text', (d: string) => edit(study(d), ", alt: 'A crowd around the Alpha crossover at a street event'", ''), ['alpha-launch', 'cover.alt', 'Required']],
		['summary over 300 characters', (d: string) => edit(study(d), /^summary: .*$/m, `summary: ${'x'.repeat(301)}`), ['alpha-launch', 'summary', 'the summary must be 300 characters or fewer']],
		['duplicate slug', (d: string) => fs.cpSync(path.join(d, 'case-studies', 'beta-rally'), path.join(d, 'case-studies', 'pt', 'beta-rally'), { recursive: true }), ['duplicate slug `beta-rally`', ' beta-rally/index.mdx', 'pt/beta-rally/index.mdx', 'would publish at the same URL. Rename one of them.']],
	])('stops on an %s with the file and the field', (name, breakIt, expected) => {
		const dir = brokenSite(name.replace(/\W+/g, '-'), breakIt);
		const { status, output } = build(dir, path.join(WORK, 'out-' + name.replace(/\W+/g, '-')));
		expect(status).not.toBe(0);
		for (const text of expected) expect(output).toContain(text);
	});

	it('stops on a contact who is not in people, naming the file and the index', () => {
		const dir = brokenSite('unknown-contact', (d) => edit(study(d, 'beta-rally'), 'contacts: [bruno-costa]', 'contacts: [bruno-costa, nobody-here]'));
		const { status, output } = build(dir, path.join(WORK, 'out-contact'));
		expect(status).not.toBe(0);
		expect(output).toContain('beta-rally/index.mdx: contacts[1]: `nobody-here` is not in the people collection');
	});

	it('stops on a cover narrower than the widths pages use, and keeps the previous site whole', async () => {
		const sharp = (await import('sharp')).default;
		const dir = brokenSite('small-image', () => undefined);
		await sharp({ create: { width: 600, height: 400, channels: 3, background: '#336699' } })
			.jpeg()
			.toFile(path.join(dir, 'case-studies', 'gamma-crm', 'cover.jpg'));
		const out = path.join(WORK, 'out-small');
		fs.mkdirSync(out, { recursive: true });
		fs.writeFileSync(path.join(out, 'previous-build.txt'), 'still here');
		const { status, output } = build(dir, out);
		expect(status).not.toBe(0);
		expect(output).toContain('gamma-crm/index.mdx: cover.src: the image is 600px wide, smaller than the 1200px that pages use');
		expect(fs.readFileSync(path.join(out, 'previous-build.txt'), 'utf8')).toBe('still here');
		expect(fs.existsSync(`${out}.next`)).toBe(false);
	});
});
