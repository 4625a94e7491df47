// `npm start`: build, then serve with the demo accounts and content on http://localhost:4321.
// The configuration (PORT, HOST, DATA_DIR, PORTAL_ACCESS, BUILD_HEAP_MB) is checked before the build, so a typo
// stops at once with one line instead of after a minute of building.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { build } from 'esbuild';
import { heapFlag, readBuildHeapMb, withoutHeapOption } from './build-heap.mjs';

const root = path.resolve(import.meta.dirname, '..');
const env = { ...process.env, DEMO: process.env.DEMO ?? 'true' };

async function checkConfig() {
	const { outputFiles } = await build({
		entryPoints: [path.join(root, 'src/lib/config.ts')],
		bundle: true,
		write: false,
		format: 'esm',
		platform: 'node',
		logLevel: 'silent',
	});
	const { readServerConfig, ConfigError } = await import(
		`data:text/javascript;base64,${Buffer.from(outputFiles[0].text).toString('base64')}`
	);
	try {
		readServerConfig(env);
	} catch (error) {
		if (!(error instanceof ConfigError)) throw error;
		console.error(`Configuration error: ${error.message}`);
		process.exit(1);
	}
}

function checkBuildHeap() {
	try {
		return readBuildHeapMb(env);
	} catch (error) {
		console.error(`Configuration error: ${error.message}`);
		process.exit(1);
	}
}

function run(args, childEnv = env) {
	return new Promise((resolve) => {
		const child = spawn(process.execPath, args, { cwd: root, env: childEnv, stdio: 'inherit' });
		const forward = (signal) => child.kill(signal);
		process.on('SIGINT', forward);
		process.on('SIGTERM', forward);
		child.on('exit', (code, signal) => {
			process.off('SIGINT', forward);
			process.off('SIGTERM', forward);
			resolve(code ?? (signal ? 1 : 0));
		});
	});
}

await checkConfig();
// The build's heap cap (BUILD_HEAP_MB), given here so the build runs in this one child process.
const built = await run(
	[heapFlag(checkBuildHeap()), path.join(root, 'scripts/build.mjs')],
	withoutHeapOption(env),
);
if (built !== 0) process.exit(built);
process.exit(await run([path.join(root, 'dist/portal.mjs')]));
