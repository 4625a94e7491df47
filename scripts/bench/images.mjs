// Deterministic photo-ish JPEGs for the synthetic content: an SVG of gradients, shapes and text,
// rasterised by sharp, then seeded grain added so the JPEG compresses like an illustration with
// texture (~100–200 KB at 1600×1067) rather than like a flat vector (~20 KB).
import sharp from 'sharp';
import { createRng } from './prng.mjs';

const esc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const hsl = (h, s, l) => `hsl(${Math.round(h) % 360},${s}%,${l}%)`;

function svgFor(seed, width, height, label) {
	const r = createRng(`svg:${seed}`);
	const hue = r.int(0, 359);
	const parts = [];
	parts.push(`<defs>
	<linearGradient id="bg" x1="0" y1="0" x2="${r.next().toFixed(2)}" y2="1">
		<stop offset="0" stop-color="${hsl(hue, r.int(40, 80), r.int(55, 80))}"/>
		<stop offset="1" stop-color="${hsl(hue + r.int(30, 150), r.int(30, 70), r.int(15, 40))}"/>
	</linearGradient>
	<radialGradient id="sun" cx="${r.next().toFixed(2)}" cy="${(r.next() * 0.5).toFixed(2)}" r="0.5">
		<stop offset="0" stop-color="${hsl(hue + 40, 90, 85)}" stop-opacity="0.9"/>
		<stop offset="1" stop-color="${hsl(hue + 40, 90, 85)}" stop-opacity="0"/>
	</radialGradient>
</defs>`);
	parts.push(`<rect width="${width}" height="${height}" fill="url(#bg)"/>`);
	parts.push(`<rect width="${width}" height="${height}" fill="url(#sun)"/>`);
	// Rolling hills / horizon bands.
	for (let i = 0; i < 4; i++) {
		const y0 = height * (0.45 + i * 0.12);
		let d = `M0,${height} L0,${y0.toFixed(0)}`;
		for (let x = 0; x <= width; x += width / 8)
			d += ` Q${(x + width / 16).toFixed(0)},${(y0 - r.int(-80, 80)).toFixed(0)} ${(x + width / 8).toFixed(0)},${(y0 + r.int(-40, 40)).toFixed(0)}`;
		d += ` L${width},${height} Z`;
		parts.push(
			`<path d="${d}" fill="${hsl(hue + 90 + i * 20, r.int(20, 60), 20 + i * 12)}" fill-opacity="0.85"/>`,
		);
	}
	// Random shapes: buildings, windows, people-like blobs.
	for (let i = 0, n = r.int(40, 90); i < n; i++) {
		const x = r.int(0, width);
		const y = r.int(0, height);
		const c = hsl(hue + r.int(0, 360), r.int(20, 90), r.int(20, 85));
		const o = (0.2 + r.next() * 0.7).toFixed(2);
		switch (r.int(0, 3)) {
			case 0:
				parts.push(
					`<circle cx="${x}" cy="${y}" r="${r.int(8, 160)}" fill="${c}" fill-opacity="${o}"/>`,
				);
				break;
			case 1:
				parts.push(
					`<rect x="${x}" y="${y}" width="${r.int(20, 300)}" height="${r.int(20, 300)}" rx="${r.int(0, 30)}" fill="${c}" fill-opacity="${o}" transform="rotate(${r.int(-20, 20)} ${x} ${y})"/>`,
				);
				break;
			case 2:
				parts.push(
					`<ellipse cx="${x}" cy="${y}" rx="${r.int(30, 260)}" ry="${r.int(10, 90)}" fill="${c}" fill-opacity="${o}"/>`,
				);
				break;
			default:
				parts.push(
					`<line x1="${x}" y1="${y}" x2="${x + r.int(-400, 400)}" y2="${y + r.int(-200, 200)}" stroke="${c}" stroke-width="${r.int(2, 24)}" stroke-opacity="${o}"/>`,
				);
		}
	}
	if (label) {
		const size = Math.round(width / 22);
		parts.push(
			`<text x="${Math.round(width * 0.05)}" y="${Math.round(height * 0.9)}" font-family="'DejaVu Sans', sans-serif" font-size="${size}" font-weight="700" fill="white" fill-opacity="0.85">${esc(label)}</text>`,
		);
	}
	return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${parts.join('')}</svg>`;
}

/**
 * Writes a JPEG of `width`×`height` to `file`, deterministic from `seed`.
 * `grain` is the amplitude of the added noise (0–255): it sets how photo-like the file weighs.
 */
export async function writeJpeg(file, { seed, width, height, label, grain = 22, quality = 80 }) {
	const raw = await sharp(Buffer.from(svgFor(seed, width, height, label)))
		.removeAlpha()
		.raw()
		.toBuffer();
	// Seeded grain, low-frequency-ish: the same offset for a 2×2 block keeps it from being pure noise.
	const r = createRng(`grain:${seed}`);
	const noise = new Int16Array((width >> 1) + 1);
	for (let y = 0; y < height; y++) {
		if ((y & 1) === 0)
			for (let i = 0; i < noise.length; i++) noise[i] = Math.round((r.next() - 0.5) * grain);
		const row = y * width * 3;
		for (let x = 0; x < width; x++) {
			const n = noise[x >> 1];
			const p = row + x * 3;
			raw[p] = Math.max(0, Math.min(255, raw[p] + n));
			raw[p + 1] = Math.max(0, Math.min(255, raw[p + 1] + n));
			raw[p + 2] = Math.max(0, Math.min(255, raw[p + 2] + n));
		}
	}
	await sharp(raw, { raw: { width, height, channels: 3 } })
		.jpeg({ quality, mozjpeg: true })
		.toFile(file);
}
