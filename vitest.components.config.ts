import { getViteConfig } from 'astro/config';

// Components rendered with Astro's Container API need Astro's Vite plugins (.astro files,
// astro:assets, astro:content), which the plain `unit` project does not load.
export default getViteConfig({
	test: {
		name: 'components',
		include: ['tests/components/**/*.test.ts'],
		testTimeout: 60_000,
		env: { ASTRO_TELEMETRY_DISABLED: '1' },
	},
});
