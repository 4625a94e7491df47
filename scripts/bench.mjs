#!/usr/bin/env node
// Build and search benchmark on synthetic content.
//
//   npm run bench -- --n 1000            # default n=100
//   npm run bench -- --n 1000 --skip-cold   # keep the image cache of an earlier run (no cold build)
//   npm run bench -- --n 100 --keep         # keep dist and cache afterwards (default: content only)
//   npm run bench -- --n 10000 --drawn-covers 1000   # covers past the 1000th: distinct copies
//   npm run bench -- --n 10000 --drawn-covers 590 --shared-covers --skip-cold --skip-edits
//                                  # the others use the drawn covers; one full build, then search
//
// Steps: generate .bench/n<N>/content (reused) → cold build (empty ASTRO_CACHE_DIR) → warm full
// build → rebuilds after editing one study's text, then its title (only the pages that change are
// rendered) → Pagefind index time/size → first search in Chromium.
// Each build is `node scripts/build.mjs` in a child process: wall time, and peak memory of its
// process tree sampled from /proc every 200 ms. Logs: .bench/n<N>/build-*.log; result.json.
import fs from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { generate } from './generate-studies.mjs';
import { runMeasured } from './bench/proc.mjs';
import { benchSearch } from './bench/search.mjs';

const root = path.resolve(import.meta.dirname, '..');
const { values } = parseArgs({
	options: {
		n: { type: 'string', default: '100' },
		seed: { type: 'string', default: '1' },
		'skip-cold': { type: 'boolean', default: false },
		keep: { type: 'boolean', default: false },
		'drawn-covers': { type: 'string' },
		'shared-covers': { type: 'boolean', default: false },
		'skip-edits': { type: 'boolean', default: false },
	},
});
const N = Number(values.n);
if (!Number.isInteger(N) || N < 1)
	throw new Error(`--n must be a positive whole number (got ${values.n})`);
const base = path.join(root, '.bench', `n${N}`);
const contentDir = path.join(base, 'content');
const outDir = path.join(base, 'dist');
const cacheDir = path.join(base, 'cache');
const GiB = 2 ** 30;

const TARGETS = {
	warmBuildS: 45,
	editBuildS: 20,
	peakRssGiB: 1.5,
	firstSearchMs: 300,
	firstSearchKB: 150,
};

const fmtS = (ms) =>
	ms >= 60_000
		? `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`
		: `${(ms / 1000).toFixed(1)} s`;
const fmtGiB = (b) => `${(b / GiB).toFixed(2)} GiB`;
const kb = (b) => (b / 1024).toFixed(1);

/** Phase durations from the timestamped build log (ms since the child started). */
function phases(lines, totalMs) {
	const at = (re) => lines.find((l) => re.test(l.line));
	const span = (startRe, endRe) => {
		const i = lines.findIndex((l) => startRe.test(l.line));
		if (i < 0) return null;
		const b = lines.slice(i + 1).find((l) => endRe.test(l.line));
		return b ? b.t - lines[i].t : null;
	};
	const images = lines.filter(
		(l) => /^\s*\d\d:\d\d:\d\d\s+▶ \/_astro\//.test(l.line) || /^\s+▶ \/_astro\//.test(l.line),
	);
	const imgTotal = Number(images.at(-1)?.line.match(/\((\d+)\/(\d+)\)/)?.[2] ?? 0);
	const reused = images.filter((l) => /\(reused cache entry\)/.test(l.line)).length;
	const pf = lines
		.map((l) => l.line.match(/\[search-index\] indexed (\d+) pages in (\d+) ms/))
		.find(Boolean);
	const pc = lines
		.map((l) => l.line.match(/\[precompress\] (\d+) files compressed, \d+ reused, in (\d+) ms/))
		.find(Boolean);
	const serverBuilt = at(/\[build\] Server built in/);
	const reuse = lines
		.map((l) => l.line.match(/\[reuse-pages\] (\d+) case-study pages rendered, (\d+) taken/))
		.find(Boolean);
	return {
		startupMs: at(/\[content\] Syncing content/)?.t ?? null,
		contentSyncMs: span(/\[content\] Syncing content/, /\[content\] Synced content/),
		viteServerBuildMs: span(/Building server entrypoints/, /\[vite\] ✓ built in/),
		prerenderMs: span(/prerendering static routes/, /✓ Completed in/),
		imagesMs: span(/generating optimized images/, /✓ Completed in/),
		images: imgTotal,
		imagesFromCache: reused,
		pagefindPages: pf ? Number(pf[1]) : null,
		pagefindMs: pf ? Number(pf[2]) : null,
		precompressFiles: pc ? Number(pc[1]) : null,
		precompressMs: pc ? Number(pc[2]) : null,
		pagesRendered: reuse ? Number(reuse[1]) : null,
		pagesReused: reuse ? Number(reuse[2]) : null,
		bundleAndSwapMs: serverBuilt ? totalMs - serverBuilt.t : null,
		pagesBuilt: lines.filter((l) => /^\s*(\d\d:\d\d:\d\d\s+)?\s*[├└]─ /.test(l.line)).length,
	};
}

/** One build; `full` renders every page (no study page taken from the previous release). */
async function build(label, { clearCache = false, full = false } = {}) {
	if (clearCache) await fs.rm(cacheDir, { recursive: true, force: true });
	const logFile = path.join(base, `build-${label}.log`);
	console.log(`[bench] ${label} build…`);
	const r = await runMeasured(
		process.execPath,
		['--max-old-space-size=1024', 'scripts/build.mjs'],
		{
			cwd: root,
			logFile,
			env: {
				...process.env,
				CONTENT_DIR: contentDir,
				ASTRO_OUT_DIR: outDir,
				ASTRO_CACHE_DIR: cacheDir,
				ASTRO_TELEMETRY_DISABLED: '1',
				FULL_BUILD: full ? '1' : '',
			},
		},
	);
	if (r.code !== 0) {
		const tail = r.lines
			.slice(-25)
			.map((l) => l.line)
			.join('\n');
		throw new Error(`${label} build failed (exit ${r.code}); log: ${logFile}\n${tail}`);
	}
	const p = phases(r.lines, r.ms);
	console.log(
		`[bench] ${label}: ${fmtS(r.ms)}, peak RSS ${fmtGiB(r.peakTreeRss)} (largest process ${fmtGiB(r.peakHwm)}) — ` +
			`prerender ${fmtS(p.prerenderMs ?? 0)}, images ${fmtS(p.imagesMs ?? 0)} (${p.images}, ${p.imagesFromCache} from cache), ` +
			`pagefind ${p.pagefindMs} ms, precompress ${p.precompressMs} ms`,
	);
	return {
		label,
		ms: r.ms,
		peakTreeRss: r.peakTreeRss,
		peakHwm: r.peakHwm,
		peakByName: r.peakByName,
		phases: p,
		log: path.relative(root, logFile),
	};
}

async function dirStats(dir, filter = () => true) {
	let bytes = 0;
	let files = 0;
	const walk = async (d) => {
		for (const e of await fs.readdir(d, { withFileTypes: true })) {
			const full = path.join(d, e.name);
			if (e.isDirectory()) await walk(full);
			else if (filter(e.name)) {
				bytes += (await fs.stat(full)).size;
				files++;
			}
		}
	};
	if (existsSync(dir)) await walk(dir);
	return { bytes, files };
}

function machine() {
	const cpu =
		readFileSync('/proc/cpuinfo', 'utf8').match(/^model name\s*:\s*(.*)$/m)?.[1] ??
		os.cpus()[0]?.model;
	let load = os
		.loadavg()
		.map((x) => x.toFixed(2))
		.join(' ');
	return {
		date: new Date().toISOString(),
		node: process.version,
		cpus: os.availableParallelism(),
		cpu,
		memGiB: +(os.totalmem() / GiB).toFixed(1),
		load,
	};
}

function otherLoad() {
	// Busy processes not ours: a hint that timings were disturbed by other work on the machine.
	try {
		return execSync(`ps -eo pid,ppid,pcpu,etimes,comm --sort=-pcpu | head -8`, {
			encoding: 'utf8',
		});
	} catch {
		return '';
	}
}

async function main() {
	await fs.mkdir(base, { recursive: true });
	const startMachine = machine();
	console.log(`[bench] N=${N} → ${path.relative(root, base)} (load ${startMachine.load})`);
	const gen = await generate({
		n: N,
		out: contentDir,
		seed: values.seed,
		drawnCovers: values['drawn-covers'] ? Number(values['drawn-covers']) : Infinity,
		sharedCovers: values['shared-covers'],
	});

	const builds = {};
	// A failed step still leaves what was measured before it in result.json.
	const partial = (error) =>
		fs.writeFile(
			path.join(base, 'result.json'),
			JSON.stringify(
				{
					n: N,
					partial: true,
					error: String(error?.message ?? error).slice(0, 4000),
					machineStart: startMachine,
					builds,
				},
				null,
				2,
			),
		);
	try {
		if (!values['skip-cold']) builds.cold = await build('cold', { clearCache: true, full: true });
		builds.warm = await build('warm', { full: true });
	} catch (error) {
		await partial(error);
		throw error;
	}

	if (!values['skip-edits']) {
		// Rebuild after editing one study (the first by name), then put it back.
		const studyDir = path.join(
			contentDir,
			'case-studies',
			gen.studies.slice().sort()[0],
			'index.mdx',
		);
		const original = await fs.readFile(studyDir, 'utf8');
		await fs.writeFile(
			studyDir,
			`${original}\nA late note from the bench: the showroom team added this sentence after publication.\n`,
		);
		try {
			builds.edit = await build('edit');
		} finally {
			await fs.writeFile(studyDir, original);
		}
		// Then its title: the pages listing it (related practices, listings) change too.
		await fs.writeFile(
			studyDir,
			original.replace(/^title: (['"]?)(.*)\1$/m, (_, q, t) => `title: ${q}${t} (revised)${q}`),
		);
		try {
			builds['edit-title'] = await build('edit-title');
		} finally {
			await fs.writeFile(studyDir, original);
		}
	}

	const pagefindDir = path.join(outDir, 'client', 'pagefind');
	const index = await dirStats(pagefindDir, (f) => !/\.(br|gz)$/.test(f));
	const indexAll = await dirStats(pagefindDir);
	const site = await dirStats(path.join(outDir, 'client'), (f) => !/\.(br|gz)$/.test(f));
	const htmlPages = await dirStats(path.join(outDir, 'client'), (f) => f.endsWith('.html'));
	const optimised = await dirStats(path.join(outDir, 'client', '_astro'), (f) =>
		/\.(webp|jpe?g|png|avif)$/.test(f),
	);
	console.log(
		`[bench] Pagefind index: ${index.files} files, ${kb(index.bytes)} KB (${indexAll.files} with precompressed copies); site: ${htmlPages.files} HTML pages, ${optimised.files} images in _astro`,
	);

	console.log('[bench] search in Chromium…');
	const search = await benchSearch(outDir);
	const endMachine = machine();

	const allBuilds = Object.values(builds);
	const peakRss = Math.max(...allBuilds.map((b) => b.peakTreeRss));
	const warm = builds.warm;
	const pass = (ok) => (ok ? 'pass' : 'FAIL');
	const rows = [
		['Case studies (N)', String(N), '', ''],
		['First build (cold image cache)', builds.cold ? fmtS(builds.cold.ms) : 'skipped', '', ''],
		[
			'Full build, warm image cache',
			fmtS(warm.ms),
			`≤ ${TARGETS.warmBuildS} s at N=1000`,
			N === 1000
				? pass(warm.ms <= TARGETS.warmBuildS * 1000)
				: N < 1000
					? 'n/a (target at 1000)'
					: pass(warm.ms <= TARGETS.warmBuildS * 1000),
		],
		...[
			['edit', "Rebuild after editing one study's text"],
			['edit-title', "Rebuild after editing one study's title"],
		].map(([label, measure]) => {
			const b = builds[label];
			if (!b) return [measure, 'skipped (--skip-edits)', '', ''];
			return [
				measure,
				`${fmtS(b.ms)} (${b.phases.pagesRendered ?? '?'} study pages rendered, ${b.phases.pagesReused ?? '?'} reused)`,
				`≤ ${TARGETS.editBuildS} s at N=1000`,
				N === 1000 ? pass(b.ms <= TARGETS.editBuildS * 1000) : 'n/a (target at 1000)',
			];
		}),
		[
			'Peak RSS (build process tree, max of builds)',
			fmtGiB(peakRss),
			`≤ ${TARGETS.peakRssGiB} GiB`,
			pass(peakRss <= TARGETS.peakRssGiB * GiB),
		],
		[
			'Pagefind index time (warm build)',
			`${warm.phases.pagefindMs} ms (${warm.phases.pagefindPages} pages)`,
			'',
			'',
		],
		[
			'Pagefind index size / files',
			`${(index.bytes / 2 ** 20).toFixed(2)} MB / ${index.files} files`,
			'',
			'',
		],
		[
			'First search, UI ready → first hit',
			`${search.first.ms} ms, ${kb(search.first.bytes)} KB (${search.first.requests} req)`,
			`≤ ${TARGETS.firstSearchMs} ms`,
			pass(search.first.ms !== null && search.first.ms <= TARGETS.firstSearchMs),
		],
		[
			'Pagefind bytes, page load → first query results',
			`${kb(search.firstTotal.pagefindBytes)} KB (${search.firstTotal.pagefindRequests} req)`,
			`≤ ${TARGETS.firstSearchKB} KB`,
			pass(search.firstTotal.pagefindBytes <= TARGETS.firstSearchKB * 1024),
		],
		[
			'Cold landing /search/?q=, navigation → first hit',
			`${search.cold.ms} ms, ${kb(search.cold.bytes)} KB all / ${kb(search.cold.pagefindBytes)} KB Pagefind (${search.cold.requests} req)`,
			`≤ ${TARGETS.firstSearchMs} ms, ≤ ${TARGETS.firstSearchKB} KB`,
			`${pass(search.cold.ms <= TARGETS.firstSearchMs)} / ${pass(search.cold.bytes <= TARGETS.firstSearchKB * 1024)}`,
		],
		['Repeat search', `${search.repeat.ms} ms, ${kb(search.repeat.bytes)} KB`, '', ''],
		[
			'Search with a new word',
			`${search.fresh.ms} ms, ${kb(search.fresh.bytes)} KB ("${search.fresh.query}")`,
			'',
			'',
		],
		[
			'Typed query (incl. 200 ms debounce)',
			`${search.typed.ms} ms, ${kb(search.typed.bytes)} KB ("${search.typed.query}")`,
			'',
			'',
		],
	];
	const table = [
		'| Measure | Result | Target | Status |',
		'|---|---|---|---|',
		...rows.map((r) => `| ${r.join(' | ')} |`),
	].join('\n');
	const phaseRows = allBuilds.map((b) => {
		const p = b.phases;
		return `| ${b.label} | ${fmtS(b.ms)} | ${fmtS(p.startupMs ?? 0)} | ${fmtS(p.viteServerBuildMs ?? 0)} | ${fmtS(p.prerenderMs ?? 0)} | ${fmtS(p.imagesMs ?? 0)} (${p.images}, ${p.imagesFromCache} cached) | ${p.pagefindMs} ms | ${p.precompressMs} ms (${p.precompressFiles}) | ${fmtS(p.bundleAndSwapMs ?? 0)} | ${fmtGiB(b.peakTreeRss)} |`;
	});
	const phaseTable = [
		'| Build | Wall | Start-up + content sync | Vite server build | Prerender (MDX, pages) | Image optimisation | Pagefind | Precompress | esbuild bundle + swap | Peak RSS |',
		'|---|---|---|---|---|---|---|---|---|---|',
		...phaseRows,
	].join('\n');

	const result = {
		n: N,
		machineStart: startMachine,
		machineEnd: endMachine,
		command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(),
		content: { studies: N, people: gen.people, avgWords: Math.round(gen.words / N) },
		targets: TARGETS,
		builds,
		site: {
			htmlPages: htmlPages.files,
			bytes: site.bytes,
			files: site.files,
			optimisedImages: optimised.files,
			optimisedImageBytes: optimised.bytes,
		},
		pagefind: {
			files: index.files,
			bytes: index.bytes,
			filesWithPrecompressed: indexAll.files,
			bytesWithPrecompressed: indexAll.bytes,
		},
		search,
		table,
		phaseTable,
	};
	await fs.writeFile(path.join(base, 'result.json'), JSON.stringify(result, null, 2));
	console.log(
		`\n## N=${N} (${startMachine.date}, ${startMachine.cpus} CPUs, load at start ${startMachine.load}, at end ${endMachine.load})\n\n${table}\n\n${phaseTable}\n`,
	);
	console.log(
		`Busy processes at the end (if others than ours, timings may be disturbed):\n${otherLoad()}`,
	);
	console.log(`[bench] wrote ${path.relative(root, path.join(base, 'result.json'))}`);

	if (!values.keep) {
		await fs.rm(outDir, { recursive: true, force: true });
		await fs.rm(cacheDir, { recursive: true, force: true });
	}
}

await main();
