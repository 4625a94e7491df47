import { defineConfig } from 'vitest/config';

export default defineConfig({
	test: {
		include: ['tests/**/*.test.ts'],
		// End-to-end files build the fixture site once (global setup) and start real servers.
		globalSetup: ['tests/e2e/global-setup.ts'],
		testTimeout: 60_000,
		hookTimeout: 180_000,
		pool: 'forks',
		// Two cores: Chromium and the servers need one; more workers only thrash.
		maxWorkers: 2,
		minWorkers: 1,
		env: { ASTRO_TELEMETRY_DISABLED: '1' },
	},
});
