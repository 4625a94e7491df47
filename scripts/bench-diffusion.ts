// Times what the diffusion page computes per request at the network's scale: 100 countries (two
// members each), 1000 practices and 20 countries' answers on each (20 000 rows) in a temp SQLite
// file: the three queries (answers, register, network) and the page model (regions, cells of one
// page, 50 practices × 100 countries). Run: `npx vite-node scripts/bench-diffusion.ts`.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../src/lib/server/db';
import { listAnswerStatuses, listPracticeOwedFrom } from '../src/lib/server/answers/store';
import { listNetworkCountries } from '../src/lib/server/practices/owed';
import { buildDiffusionView } from '../src/lib/diffusion-view';
import { ANSWER_STATUSES } from '../src/lib/adoption';
import { COUNTRY_CODES } from '../src/lib/taxonomy';
import { formatCountry } from '../src/lib/i18n';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cd-bench-diffusion-'));
const db = openDatabase(path.join(dir, 'portal.db'));
const now = Math.floor(Date.now() / 1000);
const countries = COUNTRY_CODES.slice(0, 100);
db.transaction(() => {
	const user = db.prepare(
		"INSERT INTO user (email, name, password_hash, country, created_at, updated_at) VALUES (?, ?, 'x', ?, 0, 0)",
	);
	countries.forEach((c, i) => {
		for (const n of [1, 2]) user.run(`m${i}-${n}@example.com`, `Member ${i}-${n}`, c);
	});
	const practice = db.prepare(
		"INSERT INTO practice (slug, country, source, published_at, first_seen_at, owed_from) VALUES (?, ?, 'git', ?, ?, ?)",
	);
	const answer = db.prepare(
		'INSERT INTO country_answer (case_study, country, status, answered_by, created_at, updated_at) VALUES (?, ?, ?, 1, ?, ?)',
	);
	for (let i = 0; i < 1000; i++) {
		const owed = now - (i % 60) * 86_400;
		practice.run(`practice-${i}`, countries[i % 100], owed, owed, owed);
		for (let j = 1; j <= 20; j++)
			answer.run(`practice-${i}`, countries[(i + j) % 100], ANSWER_STATUSES[(i + j) % 6], now, now);
	}
})();
const practices = Array.from({ length: 1000 }, (_, i) => ({
	slug: `practice-${i}`,
	title: `Practice ${String(i).padStart(4, '0')}`,
	lang: 'en',
	country: countries[i % 100]!,
}));

const times: number[] = [];
for (let run = 0; run < 40; run++) {
	const start = performance.now();
	const names = new Map<string, string>();
	const view = buildDiffusionView({
		practices,
		answers: listAnswerStatuses(db),
		network: listNetworkCountries(db),
		owedFrom: listPracticeOwedFrom(db),
		nowSeconds: now,
		dueSeconds: 30 * 86_400,
		region: null,
		page: 1 + (run % 20),
		pageSize: 50,
		countryName: (c) => names.get(c) ?? (names.set(c, formatCountry(c, 'fr')), names.get(c)!),
		locale: 'fr',
	});
	times.push(performance.now() - start);
	if (view.columns.length !== 100 || view.rows.length !== 50) throw new Error('unexpected view');
}
times.sort((a, b) => a - b);
const pct = (p: number) => times[Math.min(times.length - 1, Math.floor((p / 100) * times.length))]!;
console.log(
	`diffusion data + model, 100 countries × 1000 practices × 20 answers: median ${pct(50).toFixed(1)} ms, p95 ${pct(95).toFixed(1)} ms (40 runs)`,
);
db.close();
fs.rmSync(dir, { recursive: true, force: true });
