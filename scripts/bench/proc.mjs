// Runs a command as a child process and measures its wall time and the peak memory of its whole
// process tree (the build spawns Pagefind's binary, esbuild and sharp threads live in-process).
import { spawn } from 'node:child_process';
import fs from 'node:fs';

function readStatus(pid) {
	try {
		const text = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
		const kb = (key) =>
			Number(text.match(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm'))?.[1] ?? 0) * 1024;
		return {
			ppid: Number(text.match(/^PPid:\s+(\d+)/m)?.[1] ?? 0),
			rss: kb('VmRSS'),
			hwm: kb('VmHWM'),
			name: text.match(/^Name:\s+(.*)$/m)?.[1] ?? '?',
		};
	} catch {
		return null;
	}
}

/** The pids of `root` and all its descendants, with their /proc status. */
function processTree(root) {
	const all = new Map();
	for (const entry of fs.readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		const s = readStatus(Number(entry));
		if (s) all.set(Number(entry), s);
	}
	const tree = [];
	const queue = [root];
	while (queue.length) {
		const pid = queue.pop();
		const s = all.get(pid);
		if (!s) continue;
		tree.push({ pid, ...s });
		for (const [child, cs] of all) if (cs.ppid === pid) queue.push(child);
	}
	return tree;
}

/**
 * Spawns `command args`, writes its output with elapsed-ms prefixes to `logFile`, polls the
 * process tree every `intervalMs`. Resolves with { code, ms, peakTreeRss, peakHwm, peakByName, lines }.
 * `peakTreeRss` is the max over samples of the summed RSS of the tree (what the machine must hold);
 * `peakHwm` is the largest single-process high-water mark seen (kernel-exact for that process).
 */
export function runMeasured(command, args, { env, cwd, logFile, intervalMs = 200, onLine } = {}) {
	return new Promise((resolve, reject) => {
		const started = performance.now();
		const out = fs.createWriteStream(logFile);
		const lines = [];
		const child = spawn(command, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
		let peakTreeRss = 0;
		let peakHwm = 0;
		const peakByName = {};
		const sample = () => {
			const tree = processTree(child.pid);
			let sum = 0;
			for (const p of tree) {
				sum += p.rss;
				peakHwm = Math.max(peakHwm, p.hwm);
				peakByName[p.name] = Math.max(peakByName[p.name] ?? 0, p.hwm);
			}
			peakTreeRss = Math.max(peakTreeRss, sum);
		};
		const timer = setInterval(sample, intervalMs);
		const onData = (stream) => {
			let rest = '';
			return (chunk) => {
				rest += chunk;
				const parts = rest.split('\n');
				rest = parts.pop();
				for (const raw of parts) {
					// eslint-disable-next-line no-control-regex
					const line = raw.replace(/\x1b\[[0-9;]*m/g, '');
					const t = Math.round(performance.now() - started);
					lines.push({ t, stream, line });
					out.write(`${String(t).padStart(8)} ${line}\n`);
					onLine?.(line, t);
				}
			};
		};
		child.stdout.on('data', onData('out'));
		child.stderr.on('data', onData('err'));
		child.on('error', (e) => {
			clearInterval(timer);
			reject(e);
		});
		child.on('close', (code) => {
			clearInterval(timer);
			const ms = Math.round(performance.now() - started);
			out.end();
			resolve({ code, ms, peakTreeRss, peakHwm, peakByName, lines });
		});
		sample();
	});
}
