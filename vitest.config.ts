import { defineConfig } from 'vitest/config';

// Two projects, one command (`npm test`): `unit` needs no build; `e2e` builds the small fixture site
// once (its global setup) and starts real servers and Chromium against it. `npm test -- --project
// unit` runs the quick half alone.
const shared = {
	testTimeout: 60_000,
	hookTimeout: 180_000,
	env: { ASTRO_TELEMETRY_DISABLED: '1' },
};

export default defineConfig({
	test: {
		pool: 'forks',
		// Two cores: Chromium and the servers need one; more workers only thrash.
		maxWorkers: 2,
		minWorkers: 1,
		projects: [
			{
				test: {
					...shared,
					name: 'unit',
					include: ['tests/lib/**/*.test.ts', 'tests/content/**/*.test.ts'],
				},
			},
			{
				test: {
					...shared,
					name: 'e2e',
					include: [
						'tests/e2e/**/*.test.ts',
						'tests/server/**/*.test.ts',
						'tests/scripts/**/*.test.ts',
						'tests/integrations/**/*.test.ts',
					],
					globalSetup: ['tests/e2e/global-setup.ts', 'tests/pg/global-setup.ts'],
				},
			},
			// The members' side again with the server on PostgreSQL (E2E_STORE: each server gets a
			// database of its own): messages, post-mortems, sessions, the adoption loop, web studies' stored HTML.
			{
				test: {
					...shared,
					name: 'e2e-pg',
					include: [
						'tests/e2e/messages.test.ts',
						'tests/e2e/post-mortems.test.ts',
						'tests/e2e/adoption-loop.test.ts',
						'tests/e2e/account.test.ts',
						'tests/e2e/submissions-render.test.ts',
					],
					env: { ...shared.env, E2E_STORE: 'postgres' },
					globalSetup: ['tests/e2e/global-setup.ts', 'tests/pg/global-setup.ts'],
				},
			},
			// The commands again, on PostgreSQL: the same tests, each on a fresh database of a throwaway
			// cluster (tests/pg/global-setup.ts). Left out: what only SQLite has (its file, pragmas and
			// the migration of an old SQLite file), and tests that touch no database.
			{
				test: {
					...shared,
					name: 'pg',
					include: ['tests/lib/server/**/*.test.ts', 'tests/pg/**/*.test.ts'],
					exclude: [
						'tests/lib/server/db.test.ts',
						'tests/lib/server/migration-8.test.ts',
						'tests/lib/server/password.test.ts',
						'tests/lib/server/photos.test.ts',
						'tests/lib/server/mail.test.ts',
						'tests/lib/server/submissions/media/**',
						'tests/lib/server/store/translate.test.ts',
					],
					env: { ...shared.env, TEST_STORE: 'postgres' },
					globalSetup: ['tests/pg/global-setup.ts'],
				},
			},
			// Astro components through the Container API; its own config loads Astro's Vite plugins.
			'vitest.components.config.ts',
		],
	},
});
