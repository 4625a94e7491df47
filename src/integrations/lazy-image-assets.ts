import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AstroIntegration } from 'astro';
import { emitESMImage } from 'astro/assets/utils';
import type { Rollup } from 'vite';

// Two costs of images in Astro's server build that grow with every case study's cover:
//
// 1. Astro's image plugin hands every imported image to Rollup as a Buffer of the whole file
//    (emitESMImage), and Rollup holds them all until it writes the bundle: ~180 MB at 1000
//    studies, ~1.8 GB at 10,000. Here each image is emitted as a small stand-in (the content's
//    sha-256, so names stay content-addressed and distinct images never collapse into one file)
//    and the real file is copied into place once Rollup has written the bundle, before Astro reads
//    the originals to generate the optimised images.
// 2. Content collections import every image of their entries (`image()` in the schema) from one
//    generated module, `.astro/content-assets.mjs`: one Rollup module per image, and 10,000 of
//    them exhaust a 1 GiB heap before a page is rendered (withastro/astro#8653). Here that module
//    is loaded with each image's metadata inline, made by Astro's own emitESMImage and wrapped in
//    the same Proxy Astro's plugin would export: the same values, no module per image.
const ASSETS_PLUGIN = 'astro:assets:esm';
const RASTER = /\.(jpe?g|png|webp|gif|avif|tiff?|heic|heif)$/i;

const CONTENT_IMPORT = /^import (\w+) from "(\.{1,2}\/[^"?]+)\?([^"]*)";$/gm;
// What vite-plugin-assets exports for an image in a server build (getProxyCode with isSSR).
const PROXY_PRELUDE = `const lazyImage = (meta, fsPath) => new Proxy(meta, {
	get(target, name) {
		if (name === 'clone') return structuredClone(target);
		if (name === 'fsPath') return fsPath;
		return target[name];
	},
});
`;

type MetaCache = Record<
	string,
	{ key: string; name: string; hash: string; meta: Record<string, unknown> }
>;

async function readMetaCache(file: string): Promise<MetaCache> {
	try {
		return JSON.parse(await fs.readFile(file, 'utf8')) as MetaCache;
	} catch {
		return {};
	}
}

type EmitFile = (file: Rollup.EmittedFile) => string;
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
	let contentAssetsModule = '';
	let metaCacheFile = '';
	return {
		name: 'coaching-dealer:lazy-image-assets',
		hooks: {
			'astro:config:done': ({ config }) => {
				contentAssetsModule = path.join(fileURLToPath(config.root), '.astro', 'content-assets.mjs');
				metaCacheFile = path.join(fileURLToPath(config.cacheDir), 'lazy-image-assets.json');
			},
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
				const emitStandIn =
					(
						context: { emitFile: EmitFile },
						file: string,
						onEmit?: (name: string, hash: string) => void,
					): EmitFile =>
					(emitted) => {
						if (emitted.type !== 'asset' || !Buffer.isBuffer(emitted.source))
							return context.emitFile(emitted);
						const hash = crypto.createHash('sha256').update(emitted.source).digest('hex');
						const ref = context.emitFile({ ...emitted, source: `lazy-image-asset:${hash}` });
						originals.set(ref, file);
						onEmit?.(emitted.name ?? '', hash);
						return ref;
					};
				const load = assets.load as (this: { emitFile: EmitFile }, ...args: unknown[]) => unknown;
				assets.load = function (this: { emitFile: EmitFile }, id: unknown, ...rest: unknown[]) {
					const file = typeof id === 'string' ? id.split('?')[0] : '';
					if (!RASTER.test(file)) return load.call(this, id, ...rest);
					const emitFile = emitStandIn(this, file);
					return load.call(Object.create(this, { emitFile: { value: emitFile } }), id, ...rest);
				};
				const root = path.dirname(path.dirname(contentAssetsModule));
				vite.plugins ??= [];
				vite.plugins.unshift({
					name: 'coaching-dealer:lazy-image-assets:content',
					enforce: 'pre',
					async load(id) {
						if (id !== contentAssetsModule) return;
						const code = await fs.readFile(id, 'utf8');
						const imports = [...code.matchAll(CONTENT_IMPORT)];
						const inline = new Map<string, string>();
						// Name, hash and metadata of each image by path, size and mtime: without it every
						// build reads every cover whole again (10,000 files, 2 GB at 10,000 studies).
						const known = await readMetaCache(metaCacheFile);
						const seen: MetaCache = {};
						let next = 0;
						const work = async () => {
							while (next < imports.length) {
								const [line, name, spec, query] = imports[next++];
								const importer = new URLSearchParams(query).get('importer');
								if (!importer || !RASTER.test(spec)) continue;
								const file = path.resolve(path.dirname(path.resolve(root, importer)), spec);
								const stat = await fs.stat(file).catch(() => null);
								const key = stat ? `${stat.size}:${stat.mtimeMs}` : '';
								const hit = stat ? known[file] : undefined;
								let meta: Record<string, unknown> | undefined;
								if (hit && hit.key === key) {
									const ref = this.emitFile({
										type: 'asset',
										name: hit.name,
										source: `lazy-image-asset:${hit.hash}`,
									});
									originals.set(ref, file);
									meta = { src: `__ASTRO_ASSET_IMAGE__${ref}__`, ...hit.meta };
									seen[file] = hit;
								} else {
									let emitted: { name: string; hash: string } | undefined;
									meta = await emitESMImage(
										file,
										false,
										false,
										emitStandIn(this, file, (n, h) => (emitted = { name: n, hash: h })),
									);
									if (meta && emitted && stat) {
										const { src: _, ...rest } = meta;
										seen[file] = { key, ...emitted, meta: rest };
									}
								}
								// A missing image keeps its import: Astro reports it as it always did.
								if (meta)
									inline.set(
										line,
										`const ${name} = lazyImage(${JSON.stringify(meta)}, ${JSON.stringify(file)});`,
									);
							}
						};
						await Promise.all(Array.from({ length: 8 }, work));
						await fs.writeFile(metaCacheFile, JSON.stringify(seen));
						logger.info(`${inline.size} content images inlined into ${path.basename(id)}`);
						return PROXY_PRELUDE + code.replace(CONTENT_IMPORT, (line) => inline.get(line) ?? line);
					},
				});
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
