import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { AstroIntegration } from 'astro';

// Astro's image plugin hands every imported image to Rollup as a Buffer of the whole file
// (emitESMImage), and Rollup holds them all until it writes the bundle: with one cover per case
// study that is ~180 MB at 1000 studies and ~1.8 GB at 10,000, on top of everything else. This
// emits a small stand-in per image (the content's sha-256, so names stay content-addressed and
// distinct images never collapse into one file) and copies the real file into place once Rollup
// has written the bundle, before Astro reads the originals to generate the optimised images.
const ASSETS_PLUGIN = 'astro:assets:esm';
const RASTER = /\.(jpe?g|png|webp|gif|avif|tiff?|heic|heif)$/i;

type EmitFile = (file: { type: string; name?: string; source?: unknown }) => string;
interface PluginLike {
	name?: string;
	load?: unknown;
	writeBundle?: unknown;
}

function flattenPlugins(list: unknown): PluginLike[] {
	if (!Array.isArray(list)) return [];
	return list.flatMap((p) =>
		Array.isArray(p) ? flattenPlugins(p) : p && typeof p === 'object' ? [p as PluginLike] : [],
	);
}

/** The integration; see the comment at the top of the file. */
export default function lazyImageAssets(): AstroIntegration {
	return {
		name: 'coaching-dealer:lazy-image-assets',
		hooks: {
			'astro:build:setup': ({ vite, target, logger }) => {
				if (target !== 'server') return;
				const plugins = flattenPlugins(vite.plugins);
				const assets = plugins.find((p) => p.name === ASSETS_PLUGIN);
				if (!assets || typeof assets.load !== 'function') {
					// Astro changed: build as Astro does, only with more memory.
					logger.warn(`${ASSETS_PLUGIN} not found; images are held in memory until written`);
					return;
				}
				const originals = new Map<string, string>();
				const load = assets.load as (this: { emitFile: EmitFile }, ...args: unknown[]) => unknown;
				assets.load = function (this: { emitFile: EmitFile }, id: unknown, ...rest: unknown[]) {
					const file = typeof id === 'string' ? id.split('?')[0] : '';
					if (!RASTER.test(file)) return load.call(this, id, ...rest);
					const context = this;
					const emitFile: EmitFile = (emitted) => {
						if (emitted.type !== 'asset' || !Buffer.isBuffer(emitted.source))
							return context.emitFile(emitted);
						const hash = crypto.createHash('sha256').update(emitted.source).digest('hex');
						const ref = context.emitFile({ ...emitted, source: `lazy-image-asset:${hash}` });
						originals.set(ref, file);
						return ref;
					};
					return load.call(Object.create(context, { emitFile: { value: emitFile } }), id, ...rest);
				};
				vite.plugins ??= [];
				vite.plugins.push({
					name: 'coaching-dealer:lazy-image-assets:write',
					async writeBundle(options) {
						if (!options.dir) throw new Error('lazy-image-assets: the server build has no dir');
						for (const [ref, original] of originals) {
							await fs.copyFile(original, path.join(options.dir, this.getFileName(ref)));
						}
						logger.info(`copied ${originals.size} images into the server build`);
					},
				});
			},
		},
	};
}
