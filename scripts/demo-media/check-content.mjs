#!/usr/bin/env node
// Quick sanity check of the demo content in content/, independent of the Astro build:
// frontmatter fields, controlled vocabularies, contacts, image sizes, imported files, word counts.
//   node scripts/demo-media/check-content.mjs      (exit code 1 on any error)
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import sharp from 'sharp';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const content = process.env.CONTENT_DIR ? resolve(process.env.CONTENT_DIR) : join(root, 'content');

// Read the controlled lists straight from the TypeScript source, so the check follows the taxonomy.
const taxonomy = readFileSync(join(root, 'src/lib/taxonomy.ts'), 'utf8');
const list = (name) => {
	const m = taxonomy.match(new RegExp(`export const ${name} = \\[([\\s\\S]*?)\\] as const`));
	if (!m) throw new Error(`cannot read ${name} from taxonomy.ts`);
	return new Set([...m[1].matchAll(/'([^']+)'/g)].map((x) => x[1]));
};
const TOPICS = list('TOPICS');
const CHANNELS = list('CHANNELS');
const LANGS = list('LANGS');
const COUNTRIES = list('COUNTRY_CODES');
const UNITS = new Set(['%', 'count', 'EUR', 'days', 'pts', 'min']);
const LAST_DATE = new Date('2026-11-25');

const errors = [];
const warnings = [];
const err = (file, msg) => errors.push(`${file}: ${msg}`);
const warn = (file, msg) => warnings.push(`${file}: ${msg}`);

function readMdx(file) {
	const text = readFileSync(file, 'utf8');
	const m = text.match(/^---\n([\s\S]*?)\n---\n?([\s\S]*)$/);
	if (!m) throw new Error(`${file}: no frontmatter`);
	return { data: parse(m[1]), body: m[2] };
}

async function width(file) {
	return (await sharp(file).metadata()).width ?? 0;
}

// ---------------------------------------------------------------- people
const peopleDir = join(content, 'people');
const people = new Map();
const emails = new Set();
for (const f of readdirSync(peopleDir).filter((f) => f.endsWith('.mdx'))) {
	const slug = f.replace(/\.mdx$/, '');
	const rel = `people/${f}`;
	const { data, body } = readMdx(join(peopleDir, f));
	people.set(slug, data);
	const allowed = new Set(['name', 'title', 'country', 'languages', 'email', 'photo', 'bio']);
	for (const k of Object.keys(data)) if (!allowed.has(k)) err(rel, `unknown field ${k}`);
	for (const k of ['name', 'title', 'country', 'languages', 'email', 'bio'])
		if (!data[k]) err(rel, `missing ${k}`);
	if (!COUNTRIES.has(data.country)) err(rel, `bad country ${data.country}`);
	if (
		!Array.isArray(data.languages) ||
		!data.languages.every((l) => /^[a-z]{2,3}(-[A-Z]{2})?$/.test(l))
	)
		err(rel, 'bad languages');
	if (!/^[a-z0-9.-]+@[a-z0-9.-]+\.example$/.test(data.email ?? ''))
		err(rel, `email must be lower-case on .example: ${data.email}`);
	if (emails.has(data.email)) err(rel, `duplicate email ${data.email}`);
	emails.add(data.email);
	if ((data.bio ?? '').trim().length > 400) err(rel, `bio is ${data.bio.trim().length} chars`);
	if (body.trim()) warn(rel, 'body is not empty');
	if (data.photo) {
		const p = join(peopleDir, data.photo.src);
		if (!existsSync(p)) err(rel, `photo ${data.photo.src} missing`);
		else if ((await width(p)) < 400) err(rel, 'portrait narrower than 400px');
		if (!data.photo.alt?.trim()) err(rel, 'portrait needs alt');
	}
}

// ---------------------------------------------------------------- case studies
const csDir = join(content, 'case-studies');
const studies = [];
for (const slug of readdirSync(csDir).filter((d) => statSync(join(csDir, d)).isDirectory())) {
	const rel = `case-studies/${slug}/index.mdx`;
	const dir = join(csDir, slug);
	const { data: d, body } = readMdx(join(dir, 'index.mdx'));
	studies.push({ slug, ...d, body });
	const allowed = new Set([
		'title',
		'summary',
		'country',
		'subsidiary',
		'lang',
		'published',
		'reviewBy',
		'topics',
		'models',
		'channels',
		'cover',
		'results',
		'contacts',
		'draft',
		'search',
	]);
	for (const k of Object.keys(d)) if (!allowed.has(k)) err(rel, `unknown field ${k}`);
	if (!d.title || d.title.length > 120) err(rel, 'title missing or > 120 chars');
	if (!d.summary || d.summary.trim().length > 300)
		err(rel, `summary is ${d.summary?.trim().length} chars (max 300)`);
	if (!COUNTRIES.has(d.country)) err(rel, `bad country ${d.country}`);
	if (!d.subsidiary) err(rel, 'missing subsidiary');
	if (!LANGS.has(d.lang)) err(rel, `bad lang ${d.lang}`);
	const pub = new Date(d.published);
	const rev = new Date(d.reviewBy);
	if (Number.isNaN(+pub) || Number.isNaN(+rev)) err(rel, 'bad dates');
	if (pub >= LAST_DATE) err(rel, 'published must be before 2026-11-25');
	if (rev < pub) err(rel, 'reviewBy before published');
	if (!Array.isArray(d.topics) || d.topics.length < 1 || d.topics.length > 3)
		err(rel, 'give 1–3 topics');
	for (const t of d.topics ?? []) if (!TOPICS.has(t)) err(rel, `unknown topic ${t}`);
	if (!Array.isArray(d.channels) || d.channels.length < 1 || d.channels.length > 2)
		err(rel, 'give 1–2 channels');
	for (const c of d.channels ?? []) if (!CHANNELS.has(c)) err(rel, `unknown channel ${c}`);
	if (!d.cover?.alt?.trim()) err(rel, 'cover alt missing');
	const coverPath = join(dir, d.cover?.src ?? 'missing');
	if (!existsSync(coverPath)) err(rel, `cover ${d.cover?.src} missing`);
	else if ((await width(coverPath)) < 1200) err(rel, 'cover narrower than 1200px');
	if (!Array.isArray(d.results) || d.results.length < 2 || d.results.length > 4)
		err(rel, 'give 2–4 results');
	for (const r of d.results ?? []) {
		const extra = Object.keys(r).filter(
			(k) => !['label', 'unit', 'before', 'after', 'period', 'lowerIsBetter'].includes(k),
		);
		if (extra.length) err(rel, `unknown KPI fields ${extra}`);
		if (!r.label || !r.period || typeof r.before !== 'number' || typeof r.after !== 'number')
			err(rel, `bad KPI ${JSON.stringify(r)}`);
		if (!UNITS.has(r.unit)) warn(rel, `unusual unit ${r.unit}`);
	}
	if (!Array.isArray(d.contacts) || d.contacts.length < 1) err(rel, 'no contacts');
	for (const c of d.contacts ?? [])
		if (!people.has(c)) err(rel, `contact ${c} is not in content/people`);
	// Body: imports exist, Quote persons exist, word count.
	for (const m of body.matchAll(/^import\s+\w+\s+from\s+'\.\/([^'?]+)(\?url)?';/gm))
		if (!existsSync(join(dir, m[1]))) err(rel, `imported file ${m[1]} missing`);
	for (const m of body.matchAll(/<Quote person="([^"]+)"/g))
		if (!people.has(m[1])) err(rel, `Quote person ${m[1]} not in content/people`);
	const words = body
		.replace(/^import .*$/gm, '')
		.replace(/<[A-Z][\s\S]*?\/>/g, '')
		.replace(/<\/?[A-Z]\w*[^>]*>/g, '')
		.split(/\s+/)
		.filter((w) => /[\p{L}\d]/u.test(w)).length;
	if (words < 400 || words > 900) warn(rel, `body has ${words} words (aim 400–900)`);
	if (!/^## /m.test(body)) err(rel, 'body has no ## headings');
	for (const f of readdirSync(dir)) {
		const size = statSync(join(dir, f)).size;
		if (/\.jpe?g$/.test(f) && size > 160 * 1024) warn(rel, `${f} is ${Math.round(size / 1024)} KB`);
		if (/\.(mp4|webm)$/.test(f) && size > 1024 * 1024) err(rel, `${f} is over 1 MB`);
	}
	studies.at(-1).words = words;
}

// ---------------------------------------------------------------- coverage
const countries = new Set(studies.map((s) => s.country));
const fr = studies.filter((s) => s.lang === 'fr').length;
const used = new Set(studies.flatMap((s) => s.topics));
const missingTopics = [...TOPICS].filter((t) => !used.has(t));
if (studies.length < 15) err('case-studies', `only ${studies.length} studies`);
if (countries.size < 7) err('case-studies', `only ${countries.size} countries`);
if (fr < 4) err('case-studies', `only ${fr} French studies`);
if (missingTopics.length)
	err('case-studies', `topics without a study: ${missingTopics.join(', ')}`);
if (people.size < 16) err('people', `only ${people.size} people`);
const peopleCountries = new Set([...people.values()].map((p) => p.country));
if (peopleCountries.size < 8) err('people', `only ${peopleCountries.size} countries`);
const galleries = studies.filter((s) => /<Gallery/.test(s.body)).length;
if (galleries < 6) err('case-studies', `only ${galleries} galleries`);

const total = (dir) =>
	readdirSync(dir).reduce((n, f) => {
		const p = join(dir, f);
		return n + (statSync(p).isDirectory() ? total(p) : statSync(p).size);
	}, 0);

console.log(`people: ${people.size} in ${peopleCountries.size} countries`);
console.log(
	`case studies: ${studies.length} in ${countries.size} countries (${[...countries].sort().join(' ')}), ${fr} in French, ${galleries} with a gallery`,
);
console.log(`topics used: ${[...used].sort().join(', ')}`);
console.log(`content/ size: ${(total(content) / 1024 / 1024).toFixed(2)} MB`);
for (const s of studies)
	console.log(
		`  ${s.slug.padEnd(42)} ${s.country} ${s.lang} ${String(s.words).padStart(4)} words  ${s.topics.join(', ')}`,
	);
for (const w of warnings) console.warn(`warning  ${w}`);
for (const e of errors) console.error(`error    ${e}`);
console.log(errors.length ? `${errors.length} error(s)` : 'OK');
process.exit(errors.length ? 1 : 0);
