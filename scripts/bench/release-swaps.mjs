// `node scripts/bench/release-swaps.mjs`: publishes 10 copies of the served release under a running
// `dist/portal.mjs` and prints, for each, how long the server took to serve it and its RSS after a
// few pages (each swap keeps the replaced release's page modules). Needs a build; changes dist/
// releases (the last copy stays current).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createReleaseDir, publishRelease } from '../publish-release.mjs';

const root = path.resolve(import.meta.dirname, '../..');
const dist = path.join(root, 'dist');
const port = 4300 + Math.floor(Math.random() * 600);
const child = spawn(process.execPath, [path.join(dist, 'portal.mjs')], {
	env: {
		...process.env,
		PORT: String(port),
		HOST: '127.0.0.1',
		DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'cd-swaps-')),
		PORTAL_ACCESS: 'public',
	},
	stdio: ['ignore', 'pipe', 'inherit'],
});
let log = '';
child.stdout.on('data', (d) => (log += d));
const url = `http://127.0.0.1:${port}`;
for (let i = 0; i < 200; i++) {
	try {
		if ((await fetch(`${url}/healthz`)).ok) break;
	} catch {}
	await new Promise((r) => setTimeout(r, 100));
}
const rssMib = () =>
	Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${child.pid}/status`, 'utf8'))[1]) / 1024;
const pages = ['/login/', '/fr/login/', '/case-studies/kestrel-launch-italy/', '/nope'];
const readPages = async () => {
	for (const p of pages) await (await fetch(url + p)).arrayBuffer();
};
await readPages();
console.log(`start: RSS ${rssMib().toFixed(0)} MiB`);
for (let i = 1; i <= 10; i++) {
	const from = fs.realpathSync(path.join(dist, 'current'));
	const dir = await createReleaseDir(dist);
	for (const name of ['client', 'server'])
		fs.cpSync(path.join(from, name), path.join(dir, name), { recursive: true });
	await publishRelease(dist, dir);
	const line = () =>
		log.split('\n').find((l) => l.includes(`Serving release ${path.basename(dir)}`));
	while (!line()) await new Promise((r) => setTimeout(r, 5));
	await readPages();
	const loadMs = /swapped in (\d+) ms/.exec(line())[1];
	console.log(`swap ${i}: loaded in ${loadMs} ms; RSS ${rssMib().toFixed(0)} MiB`);
}
child.kill('SIGTERM');
