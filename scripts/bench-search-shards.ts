// Peak memory of Pagefind at 10,000 case studies, in shards and as one index, without a 10,000-study
// build: each page of a built site's case-studies/ is copied ten times under new slugs (title, date
// and a sentence of its text varied) into a temp dir, then indexed by buildSearchIndex as the build
// does, once per SEARCH_SHARD_PAGES value. The VmHWM of each Pagefind process (one per shard) is read
// from /proc every 250 ms (a high-water mark: a peak between two readings still counts).
// Run: `npx vite-node scripts/bench-search-shards.ts -- <built client dir> [shard pages…]`,
// e.g. `… -- .bench/n1000/dist/current/client 2000 100000` (100000: one index).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildSearchIndex } from '../src/integrations/pagefind';

const COPIES = 10;
const [source, ...variants] = process.argv.slice(2).filter((a) => a !== '--');
if (!source) throw new Error('Usage: bench-search-shards.ts -- <built client dir> [shard pages…]');
const shardPagesList = variants.length ? variants.map(Number) : [2000, 100_000];

/** A repeatable pseudo-random number in [0, 1). */
let seed = 12345;
const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;

/** Writes COPIES variants of every case study of `from` under `to/case-studies/`; returns the count. */
function writePages(from: string, to: string): number {
	const studies = path.join(from, 'case-studies');
	const slugs = fs
		.readdirSync(studies)
		.filter((s) => fs.existsSync(path.join(studies, s, 'index.html')));
	const read = (slug: string) => fs.readFileSync(path.join(studies, slug, 'index.html'), 'utf8');
	// Words of the pages themselves, so the added sentences look like the rest of the text.
	const words = new Set<string>();
	for (const slug of slugs.slice(0, 200))
		for (const w of read(slug)
			.replace(/<[^>]+>/g, ' ')
			.match(/\p{L}{4,}/gu) ?? [])
			words.add(w.toLowerCase());
	const list = [...words];
	let n = 0;
	for (const slug of slugs) {
		const html = read(slug);
		for (let k = 0; k < COPIES; k++) {
			const sentence = Array.from({ length: 40 }, () => list[Math.floor(random() * list.length)]);
			const days = k * 97 + Math.floor(random() * 30);
			const page = html
				.replace(/(<h1[^>]*>)([^<]*)/, `$1$2 (edition ${k + 1})`)
				.replace(/(data-pagefind-(?:sort|meta)="date"[^>]*>)(\d{4}-\d{2}-\d{2})/g, (_, tag, d) => {
					const date = new Date(`${d}T00:00:00Z`);
					date.setUTCDate(date.getUTCDate() - days);
					return tag + date.toISOString().slice(0, 10);
				})
				.replace(/(<article[^>]*data-pagefind-body[^>]*>)/, `$1<p>${sentence.join(' ')}</p>`);
			const dir = path.join(to, 'case-studies', `${slug}-e${k}`);
			fs.mkdirSync(dir, { recursive: true });
			fs.writeFileSync(path.join(dir, 'index.html'), page);
			n++;
		}
	}
	return n;
}

/** The peak RSS (VmHWM, bytes) of each Pagefind process of this one, by pid, as seen so far. */
function sampleChildren(peaks: Map<number, number>) {
	for (const entry of fs.readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		try {
			const status = fs.readFileSync(`/proc/${entry}/status`, 'utf8');
			if (Number(/^PPid:\s+(\d+)/m.exec(status)?.[1]) !== process.pid) continue;
			// Not vite-node's esbuild service.
			if (!/^Name:\s+pagefind/m.test(status)) continue;
			const hwm = Number(/^VmHWM:\s+(\d+) kB/m.exec(status)?.[1] ?? 0) * 1024;
			peaks.set(Number(entry), Math.max(peaks.get(Number(entry)) ?? 0, hwm));
		} catch {
			// the process ended between the listing and the reading
		}
	}
}

const gb = (bytes: number) => (bytes / 1024 ** 3).toFixed(2);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cd-bench-shards-'));
try {
	const pages = writePages(source, dir);
	console.log(`${pages} pages written to ${dir}`);
	for (const shardPages of shardPagesList) {
		fs.rmSync(path.join(dir, 'pagefind'), { recursive: true, force: true });
		const peaks = new Map<number, number>();
		const timer = setInterval(() => sampleChildren(peaks), 250);
		const stats = await buildSearchIndex({
			dir,
			logger: { info: () => {}, error: (m) => console.error(m) },
			shardPages,
		});
		clearInterval(timer);
		const perShard = [...peaks.values()];
		console.log(
			`SEARCH_SHARD_PAGES=${shardPages}: ${stats.pages} pages, ${stats.shards} shard(s) in ${(stats.ms / 1000).toFixed(1)} s; Pagefind peak per process ${perShard.map(gb).join(', ')} GB (max ${gb(Math.max(...perShard))}); this Node process ${gb(process.memoryUsage().rss)} GB RSS after`,
		);
	}
} finally {
	fs.rmSync(dir, { recursive: true, force: true });
}
