import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { promisify } from 'node:util';
import sharp from 'sharp';

// Real inputs made by Debian's ffmpeg: what a phone or a browser would send, small enough to keep
// the tests quick on a two-core machine.

const run = promisify(execFile);

export interface VideoFixture {
	size?: string;
	seconds?: number;
	/** 'h264' (.mp4), 'vp9' (.webm) or 'hevc' (.mov, tagged hvc1 as an iPhone does). */
	codec?: 'h264' | 'vp9' | 'hevc';
	audio?: boolean;
	/** Extra output options, e.g. ['-movflags', '+faststart']. */
	extra?: string[];
}

/** Writes a test-pattern video with a 440 Hz tone, as the codec asks. */
export async function makeVideo(file: string, options: VideoFixture = {}): Promise<string> {
	const { size = '320x240', seconds = 1, codec = 'h264', audio = true, extra = [] } = options;
	const video = {
		h264: ['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p'],
		vp9: ['-c:v', 'libvpx-vp9', '-deadline', 'realtime', '-cpu-used', '8', '-b:v', '1M'],
		hevc: [
			'-c:v',
			'libx265',
			'-preset',
			'ultrafast',
			'-x265-params',
			'log-level=error',
			'-tag:v',
			'hvc1',
		],
	}[codec];
	const sound = codec === 'vp9' ? ['-c:a', 'libopus'] : ['-c:a', 'aac'];
	await run('ffmpeg', [
		'-v',
		'error',
		'-y',
		'-f',
		'lavfi',
		'-i',
		`testsrc=size=${size}:rate=30`,
		...(audio ? ['-f', 'lavfi', '-i', 'sine=frequency=440'] : []),
		'-t',
		String(seconds),
		...video,
		...(audio ? sound : []),
		...extra,
		file,
	]);
	return file;
}

/** The first `fraction` of a file, as a browser that lost its connection would leave it. */
export function truncateFile(source: string, target: string, fraction: number): string {
	const bytes = fs.readFileSync(source);
	fs.writeFileSync(target, bytes.subarray(0, Math.floor(bytes.length * fraction)));
	return target;
}

function box(type: string, ...payload: Buffer[]): Buffer {
	const body = Buffer.concat(payload);
	const header = Buffer.alloc(8);
	header.writeUInt32BE(8 + body.length, 0);
	header.write(type, 4, 'latin1');
	return Buffer.concat([header, body]);
}

function fullBox(type: string, version: number, ...payload: Buffer[]): Buffer {
	return box(type, Buffer.from([version, 0, 0, 0]), ...payload);
}

function u16(n: number): Buffer {
	const b = Buffer.alloc(2);
	b.writeUInt16BE(n);
	return b;
}

function u32(n: number): Buffer {
	const b = Buffer.alloc(4);
	b.writeUInt32BE(n);
	return b;
}

/**
 * An iPhone-style HEIC: one HEVC-coded image in a HEIF container. ffmpeg cannot write HEIF, so the
 * HEVC frame and its decoder configuration (hvcC) are taken from a one-frame MP4 and boxed by hand.
 */
export async function makeHeic(file: string, workFile: string): Promise<string> {
	await run('ffmpeg', [
		'-v',
		'error',
		'-y',
		'-f',
		'lavfi',
		'-i',
		'testsrc=size=64x64',
		'-frames:v',
		'1',
		'-c:v',
		'libx265',
		'-x265-params',
		'log-level=error',
		'-tag:v',
		'hvc1',
		'-pix_fmt',
		'yuv420p',
		workFile,
	]);
	const mp4 = fs.readFileSync(workFile);
	const at = mp4.indexOf('hvcC', 0, 'latin1');
	const hvcC = mp4.subarray(at - 4, at - 4 + mp4.readUInt32BE(at - 4));
	// Top-level boxes: a one-frame, video-only MP4's mdat holds exactly that frame.
	let frame: Buffer | null = null;
	for (let offset = 0; offset < mp4.length; offset += mp4.readUInt32BE(offset)) {
		if (mp4.toString('latin1', offset + 4, offset + 8) === 'mdat') {
			frame = mp4.subarray(offset + 8, offset + mp4.readUInt32BE(offset));
		}
	}
	if (!frame) throw new Error('no mdat in the HEVC frame');

	const ftyp = box(
		'ftyp',
		Buffer.from('heic', 'latin1'),
		u32(0),
		Buffer.from('mif1heic', 'latin1'),
	);
	const metaFor = (frameOffset: number) =>
		fullBox(
			'meta',
			0,
			fullBox('hdlr', 0, u32(0), Buffer.from('pict', 'latin1'), Buffer.alloc(12), Buffer.from([0])),
			fullBox('pitm', 0, u16(1)),
			fullBox(
				'iloc',
				0,
				Buffer.from([0x44, 0x00]),
				u16(1),
				u16(1),
				u16(0),
				u16(1),
				u32(frameOffset),
				u32(frame.length),
			),
			fullBox(
				'iinf',
				0,
				u16(1),
				fullBox('infe', 2, u16(1), u16(0), Buffer.from('hvc1', 'latin1'), Buffer.from([0])),
			),
			box(
				'iprp',
				box('ipco', hvcC, fullBox('ispe', 0, u32(64), u32(64))),
				fullBox('ipma', 0, u32(1), u16(1), Buffer.from([2, 0x81, 0x02])),
			),
		);
	const metaLength = metaFor(0).length;
	const heic = Buffer.concat([ftyp, metaFor(ftyp.length + metaLength + 8), box('mdat', frame)]);
	fs.writeFileSync(file, heic);
	return file;
}

export interface PhoneHeicOptions {
	width: number;
	height: number;
	/** Text put in the EXIF copyright, to look for in what is published. */
	marker?: string;
	/**
	 * 6 (portrait, phone turned clockwise): the pixels stay stored landscape and the container
	 * carries an `irot` box saying "turn 90° clockwise", with the same EXIF orientation, as iPhones
	 * write both.
	 */
	orientation?: 1 | 6;
}

/**
 * A HEIC as an iPhone writes it, made by Debian's heif-enc (x265) from a JPEG with GPS EXIF: left
 * half red, right half blue, so which way up a decoded copy is can be read from its pixels.
 */
export async function makePhoneHeic(
	file: string,
	{ width, height, marker = 'secret-exif-marker', orientation = 1 }: PhoneHeicOptions,
): Promise<string> {
	const jpeg = `${file}.source.jpg`;
	const half = Math.floor(width / 2);
	await sharp({ create: { width, height, channels: 3, background: { r: 20, g: 20, b: 220 } } })
		.composite([
			{
				input: {
					create: { width: half, height, channels: 3, background: { r: 220, g: 20, b: 20 } },
				},
				left: 0,
				top: 0,
			},
		])
		.jpeg({ quality: 90 })
		.withExif({
			IFD0: { Copyright: marker },
			IFD3: {
				GPSLatitudeRef: 'N',
				GPSLatitude: '40/1 25/1 0/1',
				GPSLongitudeRef: 'W',
				GPSLongitude: '3/1 42/1 0/1',
			},
		})
		// withMetadata also keeps sharp's sRGB profile, which heif-enc stores as a `colr` box.
		.withMetadata({ orientation })
		.toFile(jpeg);
	await run('heif-enc', ['-q', '70', '-o', file, jpeg]);
	fs.rmSync(jpeg);
	if (orientation === 6) fs.writeFileSync(file, rotateHeic(fs.readFileSync(file)));
	return file;
}

/**
 * heif-enc 1.15 copies the EXIF orientation but writes no `irot`: this replaces the image's `colr`
 * property, in place and at the same size, by an `irot` (angle 3: 270° anticlockwise, i.e. 90°
 * clockwise) and a `free` box, so no offset in the file moves and the association stays.
 */
function rotateHeic(heic: Buffer): Buffer {
	const out = Buffer.from(heic);
	const ipco = out.indexOf('ipco', 0, 'latin1') - 4;
	if (ipco < 0) throw new Error('no ipco box');
	const end = ipco + out.readUInt32BE(ipco);
	for (let at = ipco + 8; at < end; at += out.readUInt32BE(at)) {
		if (out.toString('latin1', at + 4, at + 8) !== 'colr') continue;
		const size = out.readUInt32BE(at);
		out.writeUInt32BE(9, at);
		out.write('irot', at + 4, 'latin1');
		out[at + 8] = 3;
		out.writeUInt32BE(size - 9, at + 9);
		out.write('free', at + 13, 'latin1');
		out.fill(0, at + 17, at + size);
		return out;
	}
	throw new Error('no colr box to turn into irot (did the source JPEG carry an ICC profile?)');
}

/** A real 64×64 HEIC whose `ispe` box claims `width`×`height`: a bomb by its declared size. */
export async function makeHeicBomb(file: string, width: number, height: number): Promise<string> {
	const png = `${file}.source.png`;
	await sharp({ create: { width: 64, height: 64, channels: 3, background: '#c00' } })
		.png()
		.toFile(png);
	await run('heif-enc', ['-q', '50', '-o', file, png]);
	fs.rmSync(png);
	const heic = fs.readFileSync(file);
	const ispe = heic.indexOf('ispe', 0, 'latin1');
	if (ispe < 0 || heic.indexOf('ispe', ispe + 4, 'latin1') >= 0)
		throw new Error('expected one ispe');
	heic.writeUInt32BE(width, ispe + 8);
	heic.writeUInt32BE(height, ispe + 12);
	fs.writeFileSync(file, heic);
	return file;
}
