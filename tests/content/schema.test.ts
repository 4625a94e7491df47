// Field mistakes are checked by parsing the schema itself, with the messages an author reads. What
// only the build can know (two files with one slug, a contact missing from people, an image's real
// width) and how the build reports it (file, field, previous site untouched) run the real build.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'astro/zod';
import { createCaseStudySchema, createPersonSchema } from '../../src/lib/schemas/content';

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

async function build(contentDir: string, outDir: string) {
	// A cache of its own (the content data store lives there), seeded with the fixture's optimised
	// images so the build stays quick.
	const cacheDir = `${outDir}-cache`;
	fs.rmSync(cacheDir, { recursive: true, force: true });
	const images = path.resolve('node_modules/.astro-fixture/assets');
	if (fs.existsSync(images)) fs.cpSync(images, path.join(cacheDir, 'assets'), { recursive: true });
	// Asynchronous, so the test worker keeps answering vitest while the build runs.
	const child = spawn(process.execPath, ['scripts/build.mjs'], {
		env: {
			...process.env,
			CONTENT_DIR: path.relative(process.cwd(), contentDir),
			ASTRO_OUT_DIR: outDir,
			ASTRO_CACHE_DIR: cacheDir,
			ASTRO_TELEMETRY_DISABLED: '1',
		},
	});
	let stdout = '';
	let stderr = '';
	child.stdout.on('data', (d) => (stdout += d));
	child.stderr.on('data', (d) => (stderr += d));
	const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
	const result = { status, stdout, stderr };
	// Astro colours and bolds its messages; compare the words.
	const output = `${result.stdout}\n${result.stderr}`.replace(/\x1b\[[0-9;]*m/g, '').replace(/\*\*/g, '');
	return { status: result.status, output };
}

afterAll(() => fs.rmSync(WORK, { recursive: true, force: true }));

const study = (dir: string, slug = 'alpha-launch') => path.join(dir, 'case-studies', slug, 'index.mdx');

// Astro's image() and reference() resolve files and entries at build time; here they are stand-ins
// that accept what the loader would hand over.
const schema = createCaseStudySchema({
	image: () => z.string(),
	contact: z.string(),
});
const valid = {
	title: 'Alpha crossover launch with street events',
	summary: 'Italy launched the Alpha crossover with pop-up street events.',
	country: 'IT',
	subsidiary: 'Italy national sales company',
	lang: 'en',
	published: '2025-03-10',
	reviewBy: '2026-03-10',
	topics: ['launch-events', 'social-media'],
	models: ['Alpha'],
	channels: ['event', 'online'],
	cover: { src: './cover.jpg', alt: 'A crowd around the Alpha crossover at a street event' },
	results: [{ label: 'Test drives per month', unit: 'count', before: 120, after: 240, period: 'Q2' }],
	contacts: ['anna-verdi'],
};

/** The issues of parsing `valid` with `change` applied, as "path: message". */
function issuesOf(change: Record<string, unknown>): string[] {
	const result = schema.safeParse({ ...valid, ...change });
	if (result.success) return [];
	return result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

describe('content schema, field by field', () => {
	it('accepts a complete case study', () => {
		expect(issuesOf({})).toEqual([]);
	});

	it.each([
		[{ country: 'XX' }, 'country: unknown country code `XX`'],
		[{ topics: ['launch-events', 'billboards'] }, 'topics.1: unknown topic `billboards`'],
		[{ topics: [] }, 'topics: give at least one topic'],
		[{ channels: ['radio'] }, 'channels.0: unknown channel'],
		[{ cover: { src: './c.jpg', alt: '' } }, 'cover.alt: the cover image needs alt text that describes it'],
		[{ cover: { src: './c.jpg' } }, 'cover.alt: the cover image needs alt text'],
		[{ summary: 'x'.repeat(301) }, 'summary: the summary must be 300 characters or fewer'],
		[{ lang: 'it' }, 'lang: lang must be one of: en, fr'],
		[{ contacts: [] }, 'contacts: name at least one contact from content/people'],
		[{ reviewBy: '2024-01-01' }, 'reviewBy: reviewBy must be on or after published'],
		[{ extra: 1 }, "Unrecognized key(s) in object: 'extra'"],
	])('explains %o', (change, message) => {
		const issues = issuesOf(change);
		expect(issues.some((i) => i.includes(message)), issues.join('\n')).toBe(true);
	});

	it('explains a person without alt text on the portrait or with a bad language code', () => {
		const person = createPersonSchema({ image: () => z.string() });
		const result = person.safeParse({
			name: 'Anna Verdi',
			title: 'Sales director',
			country: 'IT',
			languages: ['italian'],
			email: 'anna@example.com',
			photo: { src: './a.jpg', alt: '' },
			bio: 'Runs launches.',
		});
		expect(result.success).toBe(false);
		const messages = result.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
		expect(messages).toContain('languages.0: use a language code such as en, fr or it');
		expect(messages).toContain('photo.alt: the portrait needs alt text');
	});
});

// A real build takes 10–30 s, longer on a busy machine.
describe('content schema, in the real build', { timeout: 180_000 }, () => {
	it.each([
		['unknown country code', (d: string) => edit(study(d), 'country: IT', 'country: XX'), ['alpha-launch', 'country', 'unknown country code `XX`']],
		['duplicate slug', (d: string) => fs.cpSync(path.join(d, 'case-studies', 'beta-rally'), path.join(d, 'case-studies', 'pt', 'beta-rally'), { recursive: true }), ['duplicate slug `beta-rally`', ' beta-rally/index.mdx', 'pt/beta-rally/index.mdx', 'would publish at the same URL. Rename one of them.']],
	])('stops on an %s with the file and the field', async (name, breakIt, expected) => {
		const dir = brokenSite(name.replace(/\W+/g, '-'), breakIt);
		const { status, output } = await build(dir, path.join(WORK, 'out-' + name.replace(/\W+/g, '-')));
		expect(status).not.toBe(0);
		for (const text of expected) expect(output).toContain(text);
	});

	it('stops on a contact who is not in people, naming the file and the index', async () => {
		const dir = brokenSite('unknown-contact', (d) => edit(study(d, 'beta-rally'), 'contacts: [bruno-costa]', 'contacts: [bruno-costa, nobody-here]'));
		const { status, output } = await build(dir, path.join(WORK, 'out-contact'));
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
		const { status, output } = await build(dir, out);
		expect(status).not.toBe(0);
		expect(output).toContain('gamma-crm/index.mdx: cover.src: the image is 600px wide, smaller than the 1200px that pages use');
		expect(fs.readFileSync(path.join(out, 'previous-build.txt'), 'utf8')).toBe('still here');
		// The failed build's release directory is gone; nothing was published.
		expect(fs.readdirSync(path.join(out, 'releases'))).toEqual([]);
		expect(fs.existsSync(path.join(out, 'current'))).toBe(false);
	});
});
