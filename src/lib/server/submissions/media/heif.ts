import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

// iPhone photos are HEVC pictures in a HEIF container. sharp's prebuilt libvips reads the container
// but has no HEVC decoder (patents), so Debian's libheif tools (libheif-examples: heif-convert,
// HEVC through libde265) decode them to a lossless PNG that sharp then re-encodes like
// any other photo. The tools are separate processes: a hostile file can crash or stall one of them
// (killed at the timeout), never the server.

const run = promisify(execFile);

const PROBE_TIMEOUT_MS = 10_000;
/** A 12 MP iPhone photo decodes in about 1.5 s here; a 50 MP one in about 6 s. */
export const HEIF_DECODE_TIMEOUT_MS = 60_000;

export interface HeifTools {
	convert: string;
}

export interface HeifImage {
	width: number;
	height: number;
	primary: boolean;
}

let found: Promise<HeifTools | null> | undefined;

/**
 * The libheif tools of this machine, or null when they are missing or cannot decode HEVC. Looked up
 * once per process: the answer does not change while the server runs.
 * @example const tools = await findHeifTools() // { convert: 'heif-convert' }
 */
export function findHeifTools(): Promise<HeifTools | null> {
	found ??= probeHeifTools();
	return found;
}

/** `findHeifTools` without the cache, in `binDir` when given (else on PATH). */
export async function probeHeifTools(binDir?: string): Promise<HeifTools | null> {
	const tools = { convert: binDir ? path.join(binDir, 'heif-convert') : 'heif-convert' };
	try {
		const { stdout } = await run(tools.convert, ['--list-decoders'], {
			timeout: PROBE_TIMEOUT_MS,
			killSignal: 'SIGKILL',
		});
		// A libheif built without libde265 reads the container but never an iPhone's picture.
		if (!/HEIC decoders:\s*\n\s*-\s*\S/.test(stdout)) return null;
		return tools;
	} catch {
		return null;
	}
}

/** A HEIF's meta box is a few KB (an iPhone's 48-tile grid included); more is not a photo. */
const MAX_META_BYTES = 4 * 1024 * 1024;

/**
 * The images a HEIF declares (their `ispe` boxes), read from the container without decoding a pixel:
 * what a decode would cost is known before it starts. Null when the container cannot be parsed.
 * (heif-info is no help here: libheif 1.15's heif-info decodes the primary image to describe it.)
 * Tiles of a grid, thumbnails and auxiliary images (depth, alpha) are left out; they are not what
 * heif-convert writes.
 * @example await readHeifImages('IMG_0001.HEIC') // [{ width: 4032, height: 3024, primary: true }]
 */
export async function readHeifImages(file: string): Promise<HeifImage[] | null> {
	const meta = await readMetaBox(file).catch(() => null);
	if (!meta) return null;
	try {
		return parseMeta(meta);
	} catch {
		return null;
	}
}

/** The payload of the top-level `meta` box, or null when there is none (or it is too large). */
async function readMetaBox(file: string): Promise<Buffer | null> {
	const handle = await fs.open(file, 'r');
	try {
		const { size: fileSize } = await handle.stat();
		const header = Buffer.alloc(16);
		for (let offset = 0; offset + 8 <= fileSize; ) {
			await handle.read(header, 0, 16, offset);
			let size = header.readUInt32BE(0);
			let headerSize = 8;
			if (size === 1) {
				size = Number(header.readBigUInt64BE(8));
				headerSize = 16;
			} else if (size === 0) size = fileSize - offset;
			if (size < headerSize || offset + size > fileSize) return null;
			if (header.toString('latin1', 4, 8) === 'meta') {
				if (size > MAX_META_BYTES) return null;
				const body = Buffer.alloc(size - headerSize);
				await handle.read(body, 0, body.length, offset + headerSize);
				return body;
			}
			offset += size;
		}
		return null;
	} finally {
		await handle.close();
	}
}

interface Box {
	type: string;
	body: Buffer;
}

/** The boxes laid end to end in `data`; throws when one runs past the end. */
function childBoxes(data: Buffer): Box[] {
	const boxes: Box[] = [];
	for (let offset = 0; offset + 8 <= data.length; ) {
		let size = data.readUInt32BE(offset);
		let headerSize = 8;
		if (size === 1) {
			size = Number(data.readBigUInt64BE(offset + 8));
			headerSize = 16;
		} else if (size === 0) size = data.length - offset;
		if (size < headerSize || offset + size > data.length) throw new Error('box past its parent');
		boxes.push({
			type: data.toString('latin1', offset + 4, offset + 8),
			body: data.subarray(offset + headerSize, offset + size),
		});
		offset += size;
	}
	return boxes;
}

function parseMeta(meta: Buffer): HeifImage[] | null {
	// meta is a FullBox: version and flags first.
	const boxes = childBoxes(meta.subarray(4));
	const find = (type: string) => boxes.find((b) => b.type === type)?.body;
	const pitm = find('pitm');
	const iinf = find('iinf');
	const ipco = find('iprp') && childBoxes(find('iprp')!).find((b) => b.type === 'ipco')?.body;
	const ipma = find('iprp') && childBoxes(find('iprp')!).find((b) => b.type === 'ipma')?.body;
	if (!pitm || !iinf || !ipco || !ipma) return null;
	const primaryId = pitm[0] === 0 ? pitm.readUInt16BE(4) : pitm.readUInt32BE(4);

	const items: { id: number; hidden: boolean }[] = [];
	for (const infe of childBoxes(iinf.subarray(iinf[0] === 0 ? 6 : 8))) {
		const version = infe.body[0]!;
		if (infe.type !== 'infe' || version < 2) continue;
		const id = version === 2 ? infe.body.readUInt16BE(4) : infe.body.readUInt32BE(4);
		items.push({ id, hidden: (infe.body[3]! & 1) === 1 });
	}

	// Items that are parts of another image: grid tiles (dimg targets), thumbnails, depth and alpha.
	const parts = new Set<number>();
	const iref = find('iref');
	if (iref) {
		const wide = iref[0] !== 0;
		for (const ref of childBoxes(iref.subarray(4))) {
			const read = (at: number) => (wide ? ref.body.readUInt32BE(at) : ref.body.readUInt16BE(at));
			const idBytes = wide ? 4 : 2;
			const from = read(0);
			const count = ref.body.readUInt16BE(idBytes);
			const to = Array.from({ length: count }, (_, i) => read(idBytes + 2 + i * idBytes));
			if (ref.type === 'dimg') to.forEach((id) => parts.add(id));
			if (ref.type === 'thmb' || ref.type === 'auxl') parts.add(from);
		}
	}

	const properties = childBoxes(ipco);
	const sizes = new Map<number, { width: number; height: number }>();
	const version = ipma[0]!;
	const wideIndex = (ipma[3]! & 1) === 1;
	const entries = ipma.readUInt32BE(4);
	let at = 8;
	for (let e = 0; e < entries; e++) {
		const id = version < 1 ? ipma.readUInt16BE(at) : ipma.readUInt32BE(at);
		at += version < 1 ? 2 : 4;
		const count = ipma[at]!;
		at += 1;
		for (let a = 0; a < count; a++) {
			const index = wideIndex ? ipma.readUInt16BE(at) & 0x7fff : ipma[at]! & 0x7f;
			at += wideIndex ? 2 : 1;
			const property = properties[index - 1];
			if (property?.type === 'ispe') {
				sizes.set(id, {
					width: property.body.readUInt32BE(4),
					height: property.body.readUInt32BE(8),
				});
			}
		}
	}

	const images = items
		.filter((item) => !item.hidden && !parts.has(item.id) && sizes.has(item.id))
		.map((item) => ({ ...sizes.get(item.id)!, primary: item.id === primaryId }));
	return images.some((image) => image.primary) ? images : null;
}

/**
 * Decodes the primary image of a HEIF into a PNG inside `workDir` (rotation and mirroring of the
 * container applied). Returns the PNG's path, or null when libheif could not decode it in time. The
 * caller removes `workDir`; heif-convert writes one PNG per top-level image there.
 */
export async function decodeHeif(
	tools: HeifTools,
	file: string,
	images: readonly HeifImage[],
	workDir: string,
	timeoutMs = HEIF_DECODE_TIMEOUT_MS,
): Promise<string | null> {
	const target = path.join(workDir, 'decoded.png');
	try {
		await run(tools.convert, ['--quiet', file, target], {
			timeout: timeoutMs,
			killSignal: 'SIGKILL',
		});
	} catch {
		return null;
	}
	// With several top-level images heif-convert numbers its outputs in the container's order.
	const primary = images.findIndex((image) => image.primary);
	const decoded = images.length > 1 ? path.join(workDir, `decoded-${primary + 1}.png`) : target;
	try {
		await fs.access(decoded);
		return decoded;
	} catch {
		return null;
	}
}
