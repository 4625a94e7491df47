#!/usr/bin/env node
// Synthetic content for the build/search benchmark: N case studies (~870 words, one 1600×1067
// JPEG cover each) and ~40 people (480×480 portraits), valid against src/content.config.ts.
//
//   node scripts/generate-studies.mjs --n 1000 --out .bench/content [--seed 1] [--people 40]
//
// Deterministic from the seed. Text files are always rewritten (cheap, and it undoes a bench
// edit); images that already exist are skipped, so a second run takes seconds.
import fs from 'node:fs/promises';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createRng } from './bench/prng.mjs';
import { body, properNoun, title } from './bench/text.mjs';
import { writeJpeg } from './bench/images.mjs';

const TOPICS = [
	'launch-events',
	'showroom-experience',
	'digital-tools',
	'social-media',
	'owner-community',
	'crm-follow-up',
	'used-cars',
	'fleet-business',
	'after-sales',
	'training',
	'financing',
];
const CHANNELS = ['showroom', 'online', 'event', 'phone', 'field'];
const COUNTRIES = {
	IT: 'Italy',
	FR: 'France',
	PT: 'Portugal',
	ES: 'Spain',
	DE: 'Germany',
	BE: 'Belgium',
	CH: 'Switzerland',
	NL: 'Netherlands',
	PL: 'Poland',
	RO: 'Romania',
	TR: 'Turkey',
	MA: 'Morocco',
	BR: 'Brazil',
	GB: 'United Kingdom',
	AT: 'Austria',
};
const FRENCH_SPEAKING = ['FR', 'BE', 'CH', 'MA'];
const MODELS = ['Alpha', 'Beta', 'Gamma', 'Delta', 'Kadjar', 'Zephyr', 'Orbis', 'Nova'];
const PERSON_LANGS = {
	IT: 'it',
	FR: 'fr',
	PT: 'pt',
	ES: 'es',
	DE: 'de',
	BE: 'nl',
	CH: 'de',
	NL: 'nl',
	PL: 'pl',
	RO: 'ro',
	TR: 'tr',
	MA: 'ar',
	BR: 'pt',
	GB: 'en',
	AT: 'de',
};
const FIRST = [
	'Anna',
	'Bruno',
	'Claire',
	'David',
	'Elena',
	'Farid',
	'Greta',
	'Hugo',
	'Ines',
	'Jonas',
	'Karim',
	'Laura',
	'Marco',
	'Nadia',
	'Olivier',
	'Paula',
	'Quentin',
	'Rosa',
	'Sami',
	'Tomasz',
	'Ursula',
	'Victor',
	'Wiebke',
	'Xavier',
	'Yasmin',
	'Zofia',
];
const LAST = [
	'Verdi',
	'Costa',
	'Martin',
	'Schmidt',
	'Popescu',
	'Yilmaz',
	'Janssens',
	'Nowak',
	'Silva',
	'Garcia',
	'Dubois',
	'Rossi',
	'Bakker',
	'Huber',
	'Smith',
	'Benali',
	'Moreau',
	'Keller',
];
const JOBS = [
	'Sales director',
	'Dealer principal',
	'Marketing manager',
	'After-sales manager',
	'Fleet sales manager',
	'CRM lead',
	'Network development manager',
	'Used-car manager',
	'Training manager',
];
const KPIS = {
	en: [
		['Test drives per month', 'count'],
		['Conversion rate', '%'],
		['Days to first call-back', 'days', true],
		['Showroom visits per week', 'count'],
		['Recommendation score', 'pts'],
		['Average margin per car', 'EUR'],
		['Service bookings per month', 'count'],
		['Lost leads', '%', true],
	],
	fr: [
		['Essais par mois', 'count'],
		['Taux de transformation', '%'],
		['Jours avant le premier rappel', 'days', true],
		['Visites en showroom par semaine', 'count'],
		['Score de recommandation', 'pts'],
		['Marge moyenne par véhicule', 'EUR'],
		['Rendez-vous atelier par mois', 'count'],
		['Contacts perdus', '%', true],
	],
};

const slugify = (s) =>
	s
		.toLowerCase()
		.normalize('NFKD')
		.replace(/[\u0300-\u036f]/g, '')
		.replace(/[^a-z0-9]+/g, '-')
		.replace(/^-|-$/g, '');
/** YAML double-quoted string. */
const q = (s) => JSON.stringify(s);
const day = (d) => d.toISOString().slice(0, 10);

function makePeople(rng, count) {
	const people = [];
	const seen = new Set();
	const countries = Object.keys(COUNTRIES);
	for (let i = 0; people.length < count; i++) {
		const name = `${rng.pick(FIRST)} ${rng.pick(LAST)}`;
		const slug = slugify(name);
		if (seen.has(slug)) continue;
		seen.add(slug);
		const country = countries[people.length % countries.length];
		const langs = [...new Set([PERSON_LANGS[country], 'en', ...(rng.chance(0.3) ? ['fr'] : [])])];
		people.push({ slug, name, country, langs, title: rng.pick(JOBS) });
	}
	return people;
}

function personFile(p, rng) {
	const bio = `${p.title} in ${COUNTRIES[p.country]}, ${rng.int(3, 25)} years in car retail. Happy to explain what worked and what did not.`;
	return `---
name: ${q(p.name)}
title: ${q(p.title)}
country: ${p.country}
languages: [${p.langs.join(', ')}]
email: ${p.slug.replace(/-/g, '.')}@${p.country.toLowerCase()}.bench.example
photo: { src: './${p.slug}.jpg', alt: ${q(`Portrait of ${p.name}`)} }
bio: ${q(bio)}
---
`;
}

function study(i, seed, people) {
	const rng = createRng(`study:${seed}:${i}`);
	const countries = Object.keys(COUNTRIES);
	const country = rng.pick(countries);
	const lang = FRENCH_SPEAKING.includes(country)
		? rng.chance(0.75)
			? 'fr'
			: 'en'
		: rng.chance(0.06)
			? 'fr'
			: 'en';
	const place = properNoun(rng);
	const heading = title(rng, lang, country, place);
	const slug = `${slugify(heading).slice(0, 60).replace(/-$/, '')}-${String(i).padStart(4, '0')}`;
	// Published over three years, ending three months before the bench was written (never future).
	const start = Date.UTC(2023, 8, 1);
	const published = new Date(start + Math.floor(rng.next() * 3 * 365) * 86_400_000);
	const reviewBy = new Date(published.getTime() + rng.int(365, 730) * 86_400_000);
	const topics = rng.sample(TOPICS, rng.int(1, 3));
	const models = rng.sample(MODELS, rng.int(1, 2));
	const channels = rng.sample(CHANNELS, rng.int(1, 3));
	const kpis = rng.sample(KPIS[lang], rng.int(2, 3)).map(([label, unit, lower]) => {
		const before =
			unit === '%' ? rng.int(5, 60) : unit === 'EUR' ? rng.int(400, 2500) : rng.int(3, 300);
		const factor = lower ? 0.4 + rng.next() * 0.5 : 1.05 + rng.next() * 0.9;
		const after = Math.round(before * factor * 10) / 10;
		const period =
			lang === 'en'
				? rng.pick(['3 months after launch', 'Q1–Q2 2025', '2024', '6 months', 'first year'])
				: rng.pick(['3 mois après le lancement', 'T1–T2 2025', '2024', '6 mois', 'première année']);
		return `  - { label: ${q(label)}, unit: ${q(unit)}, before: ${before}, after: ${after}, period: ${q(period)}${lower ? ', lowerIsBetter: true' : ''} }`;
	});
	const local = people.filter((p) => p.country === country);
	const contacts = [
		...new Set([
			rng.pick(local.length ? local : people).slug,
			...(rng.chance(0.3) ? [rng.pick(people).slug] : []),
		]),
	];
	const summary =
		lang === 'en'
			? `${COUNTRIES[country]}: in ${place}, the team tried ${rng.pick(['a new way', 'a simple routine', 'a bold idea', 'a small pilot'])} for ${topics[0].replace(/-/g, ' ')} and measured what changed.`
			: `${COUNTRIES[country]} : à ${place}, l'équipe a essayé ${rng.pick(['une nouvelle méthode', 'une routine simple', 'une idée audacieuse', 'un petit pilote'])} et a mesuré ce qui a changé.`;
	const alt =
		lang === 'en'
			? `Illustration of the ${place} practice`
			: `Illustration de la pratique de ${place}`;
	const target = Math.round(870 * (0.8 + rng.next() * 0.4));
	const { text, words } = body(rng, lang, target);
	const mdx = `---
title: ${q(heading)}
summary: ${q(summary)}
country: ${country}
subsidiary: ${q(`${COUNTRIES[country]} – ${rng.pick(['national sales company', 'dealer network', `${properNoun(rng)} group`])}`)}
lang: ${lang}
published: ${day(published)}
reviewBy: ${day(reviewBy)}
topics: [${topics.join(', ')}]
models: [${models.join(', ')}]
channels: [${channels.join(', ')}]
cover: { src: './cover.jpg', alt: ${q(alt)} }
results:
${kpis.join('\n')}
contacts: [${contacts.join(', ')}]
---
${text}`;
	return { slug, mdx, words, label: place, seed: `cover:${seed}:${i}` };
}

/** Runs `fn` over `items` with at most `limit` at a time. */
async function pool(items, limit, fn) {
	let next = 0;
	await Promise.all(
		Array.from({ length: limit }, async () => {
			while (next < items.length) await fn(items[next++]);
		}),
	);
}

/**
 * Writes a copy of the JPEG `from` to `to` with a comment segment naming `tag` right after the
 * start marker: a valid JPEG, decoded exactly like the original, but bytes (and so asset hash and
 * image cache key) of its own.
 */
async function writeDistinctCopy(from, to, tag) {
	const jpeg = await fs.readFile(from);
	const text = Buffer.from(`bench copy for ${tag}`);
	const segment = Buffer.alloc(4 + text.length);
	segment.writeUInt16BE(0xfffe, 0);
	segment.writeUInt16BE(2 + text.length, 2);
	text.copy(segment, 4);
	await fs.writeFile(to, Buffer.concat([jpeg.subarray(0, 2), segment, jpeg.subarray(2)]));
}

/**
 * `drawnCovers` (optional) draws only that many covers; the others are distinct copies of them
 * (writeDistinctCopy). Drawing a cover takes ~0.3–0.6 s of CPU on the bench machine, so 10,000 of
 * them take over an hour, while the build treats a copy exactly like a drawn cover.
 * `sharedCovers` points the others at the drawn covers instead (`../<slug>/cover.jpg`): the image
 * optimisation then has `drawnCovers` covers to make, not N (~50 min at 10,000 here), for runs that
 * measure the rest of the build.
 */
export async function generate({
	n,
	out,
	seed = 1,
	peopleCount = 40,
	drawnCovers = Infinity,
	sharedCovers = false,
	log = console.log,
}) {
	const started = performance.now();
	const outDir = path.resolve(out);
	const studiesDir = path.join(outDir, 'case-studies');
	const peopleDir = path.join(outDir, 'people');
	await fs.mkdir(studiesDir, { recursive: true });
	await fs.mkdir(peopleDir, { recursive: true });
	const rng = createRng(`people:${seed}`);
	const people = makePeople(rng, peopleCount);
	const images = [];
	for (const p of people) {
		await fs.writeFile(path.join(peopleDir, `${p.slug}.mdx`), personFile(p, rng));
		images.push({
			file: path.join(peopleDir, `${p.slug}.jpg`),
			seed: `person:${seed}:${p.slug}`,
			width: 480,
			height: 480,
			label: p.name.split(' ')[0],
		});
	}
	let words = 0;
	const keep = new Set();
	const covers = [];
	const copies = [];
	for (let i = 1; i <= n; i++) {
		const s = study(i, seed, people);
		keep.add(s.slug);
		words += s.words;
		const dir = path.join(studiesDir, s.slug);
		await fs.mkdir(dir, { recursive: true });
		if (i > drawnCovers && sharedCovers) {
			const drawn = path.basename(path.dirname(covers[(i - 1) % drawnCovers]));
			await fs.writeFile(
				path.join(dir, 'index.mdx'),
				s.mdx.replace("cover: { src: './cover.jpg'", `cover: { src: '../${drawn}/cover.jpg'`),
			);
			await fs.rm(path.join(dir, 'cover.jpg'), { force: true });
			continue;
		}
		await fs.writeFile(path.join(dir, 'index.mdx'), s.mdx);
		if (i > drawnCovers) {
			copies.push({ file: path.join(dir, 'cover.jpg'), from: (i - 1) % drawnCovers, tag: s.slug });
			continue;
		}
		covers.push(path.join(dir, 'cover.jpg'));
		images.push({
			file: path.join(dir, 'cover.jpg'),
			seed: s.seed,
			width: 1600,
			height: 1067,
			label: s.label,
		});
	}
	// A smaller N into the same folder must not leave older studies behind.
	for (const entry of await fs.readdir(studiesDir))
		if (!keep.has(entry))
			await fs.rm(path.join(studiesDir, entry), { recursive: true, force: true });
	const todo = images.filter((im) => !existsSync(im.file));
	await pool(todo, Math.max(1, os.availableParallelism()), (im) => writeJpeg(im.file, im));
	const copyTodo = copies.filter((c) => !existsSync(c.file));
	await pool(copyTodo, 4, (c) => writeDistinctCopy(covers[c.from], c.file, c.tag));
	const ms = Math.round(performance.now() - started);
	log(
		`[generate] ${n} studies (${Math.round(words / n)} words on average), ${people.length} people, ${todo.length} new images${copyTodo.length ? ` and ${copyTodo.length} copies` : ''}, in ${ms} ms → ${outDir}`,
	);
	return { studies: [...keep], people: people.length, words, newImages: todo.length, ms };
}

if (import.meta.url === `file://${process.argv[1]}`) {
	const { values } = parseArgs({
		options: {
			n: { type: 'string', default: '100' },
			out: { type: 'string', default: '.bench/content' },
			seed: { type: 'string', default: '1' },
			people: { type: 'string', default: '40' },
			'drawn-covers': { type: 'string' },
			'shared-covers': { type: 'boolean', default: false },
		},
	});
	await generate({
		sharedCovers: values['shared-covers'],
		n: Number(values.n),
		out: values.out,
		seed: values.seed,
		peopleCount: Number(values.people),
		drawnCovers: values['drawn-covers'] ? Number(values['drawn-covers']) : Infinity,
	});
}
