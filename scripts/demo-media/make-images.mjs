#!/usr/bin/env node
// Renders the demo illustrations of content/ from SVG with sharp: no stock photos, no network.
//
//   node scripts/demo-media/make-images.mjs                 # every cover, gallery photo, poster and portrait
//   node scripts/demo-media/make-images.mjs --video-frames  # only the 1920×1080 frames make-video.sh animates
//
// Covers 1600×1000, gallery photos 1600×1067, posters 1600×900, portraits 480×480, JPEG q78 mozjpeg.
// Output is deterministic (seeded), so re-running only rewrites identical files.
import { mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import sharp from 'sharp';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const CONTENT = join(root, 'content');
export const FRAMES_DIR =
	process.env.FRAMES_DIR ?? join(os.tmpdir(), 'coaching-dealer-video-frames');

// ---------------------------------------------------------------- helpers
function rng(seedText) {
	let h = 2166136261;
	for (const c of seedText) h = Math.imul(h ^ c.charCodeAt(0), 16777619);
	return () => {
		h ^= h << 13;
		h ^= h >>> 17;
		h ^= h << 5;
		return ((h >>> 0) % 100000) / 100000;
	};
}
const esc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const hsl = (h, s, l) => `hsl(${Math.round(h) % 360},${s}%,${l}%)`;
const FONT = "'DejaVu Sans', sans-serif";

/** A side-view car, facing right, ~600×200 units, wheels on y=150. kind: crossover | city | van | estate */
function car(x, y, scale, color, kind = 'crossover', flip = false) {
	const body = {
		crossover:
			'M0,150 L0,108 Q4,88 40,84 L150,76 L228,30 Q244,20 270,20 L420,20 Q446,20 466,40 L520,78 L572,88 Q600,94 600,120 L600,150 Z',
		city: 'M40,150 L40,110 Q44,90 80,86 L170,80 L240,30 Q254,22 280,22 L400,22 Q430,22 450,50 L490,84 L540,92 Q566,98 566,122 L566,150 Z',
		estate:
			'M0,150 L0,112 Q4,94 40,90 L170,84 L250,40 Q262,32 285,32 L520,32 Q545,32 560,56 L585,92 Q600,98 600,122 L600,150 Z',
		van: 'M10,150 L10,40 Q10,10 40,10 L420,10 Q455,10 470,40 L520,92 L580,100 Q600,104 600,128 L600,150 Z',
	}[kind];
	const windows = {
		crossover:
			'<path d="M246,36 L272,30 L340,30 L340,76 L196,78 Z"/><path d="M354,30 L418,30 Q436,30 448,44 L478,76 L354,76 Z"/>',
		city: '<path d="M256,38 L282,32 L350,32 L350,80 L214,82 Z"/><path d="M362,32 L398,32 Q420,32 432,50 L462,80 L362,80 Z"/>',
		estate:
			'<path d="M268,46 L290,40 L380,40 L380,84 L214,86 Z"/><path d="M394,40 L470,40 L470,86 L394,86 Z"/><path d="M482,40 L520,40 Q540,40 552,62 L566,88 L482,88 Z"/>',
		van: '<path d="M430,24 Q456,24 468,48 L508,90 L430,90 Z"/>',
	}[kind];
	const wheels = kind === 'city' ? [150, 460] : kind === 'van' ? [140, 470] : [130, 470];
	const w = wheels
		.map(
			(cx) =>
				`<circle cx="${cx}" cy="150" r="46" fill="#1b1d22"/><circle cx="${cx}" cy="150" r="26" fill="#9aa3ad"/><circle cx="${cx}" cy="150" r="9" fill="#3b4048"/>`,
		)
		.join('');
	const t = `translate(${x},${y}) scale(${flip ? -scale : scale},${scale})${flip ? ' translate(-600,0)' : ''}`;
	const id = `cg${Math.round(x)}${Math.round(y)}${Math.round(scale * 100)}`;
	return `<g transform="${t}">
	<defs><linearGradient id="${id}" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="${color}" stop-opacity="1"/><stop offset="0.55" stop-color="${color}"/><stop offset="1" stop-color="#000" stop-opacity="0.55"/></linearGradient></defs>
	<ellipse cx="300" cy="198" rx="320" ry="16" fill="#000" opacity="0.28"/>
	<path d="${body}" fill="url(#${id})"/>
	<path d="${body}" fill="none" stroke="#fff" stroke-opacity="0.25" stroke-width="3"/>
	<g fill="#1d2a3a" opacity="0.85">${windows}</g>
	<path d="M20,118 L585,118" stroke="#fff" stroke-opacity="0.35" stroke-width="3"/>
	<rect x="560" y="100" width="34" height="10" rx="4" fill="#fff6c8"/>
	<rect x="2" y="104" width="22" height="10" rx="4" fill="#e0453a"/>
	${w}
</g>`;
}

function person(x, y, s, shirt, skin = '#e0b48c', item = '') {
	return `<g transform="translate(${x},${y}) scale(${s})">
	<path d="M-40,200 L-40,70 Q-40,40 0,40 Q40,40 40,70 L40,200 Z" fill="${shirt}"/>
	<circle cx="0" cy="14" r="26" fill="${skin}"/>
	<path d="M-26,10 Q-24,-16 0,-14 Q26,-16 26,10 Q14,-2 -26,10 Z" fill="#2b211c"/>
	${item}
</g>`;
}

function crowd(r, y0, w, h, n, palette) {
	let out = '';
	for (let i = 0; i < n; i++) {
		const x = r() * w;
		const y = y0 + r() * h;
		const s = 0.6 + ((y - y0) / h) * 0.6;
		const c = palette[Math.floor(r() * palette.length)];
		out += `<g transform="translate(${x.toFixed(0)},${y.toFixed(0)}) scale(${s.toFixed(2)})"><circle cx="0" cy="0" r="22" fill="${c}"/><path d="M-40,90 Q-40,28 0,28 Q40,28 40,90 Z" fill="${c}"/></g>`;
	}
	return out;
}

function label(W, H, text, sub, hue) {
	if (!text) return '';
	const size = Math.round(W / 30);
	const pad = size * 0.9;
	const wText = Math.min(
		W - 120,
		Math.max(text.length * size * 0.68, (sub ?? '').length * size * 0.36) + pad * 2,
	);
	return `<g>
	<rect x="60" y="${H - size * 3.6}" width="${wText}" height="${size * 2.7}" rx="${size * 0.5}" fill="#0b1220" fill-opacity="0.72"/>
	<rect x="60" y="${H - size * 3.6}" width="${size * 0.3}" height="${size * 2.7}" rx="4" fill="${hsl(hue, 85, 60)}"/>
	<text x="${60 + pad}" y="${H - size * 2.05}" font-family="${FONT}" font-weight="bold" font-size="${size}" fill="#fff">${esc(text)}</text>
	${sub ? `<text x="${60 + pad}" y="${H - size * 1.25}" font-family="${FONT}" font-size="${size * 0.6}" fill="#cfd8e3">${esc(sub)}</text>` : ''}
</g>`;
}

// ---------------------------------------------------------------- scenes (drawn in a W×H box)
const scenes = {
	showroom(W, H, r, hue, o = {}) {
		const floor = H * 0.62;
		let win = '';
		for (let i = 0; i < 6; i++)
			win += `<rect x="${40 + i * (W / 6)}" y="${H * 0.08}" width="${W / 6 - 30}" height="${H * 0.46}" fill="url(#glass)"/>`;
		let spots = '';
		for (let i = 0; i < 4; i++)
			spots += `<ellipse cx="${W * (0.2 + i * 0.2)}" cy="${floor + 40}" rx="${W * 0.12}" ry="30" fill="#fff" opacity="0.08"/>`;
		return `<defs>
		<linearGradient id="wall" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="${hsl(hue, 25, 92)}"/><stop offset="1" stop-color="${hsl(hue, 20, 78)}"/></linearGradient>
		<linearGradient id="glass" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="${hsl(hue + 180, 50, 85)}"/><stop offset="1" stop-color="${hsl(hue + 200, 40, 65)}"/></linearGradient>
		<linearGradient id="floor" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#d9dde2"/><stop offset="1" stop-color="#8d949c"/></linearGradient>
		<radialGradient id="halo" cx="0.5" cy="0.5" r="0.5"><stop offset="0" stop-color="#fff" stop-opacity="0.9"/><stop offset="1" stop-color="#fff" stop-opacity="0"/></radialGradient></defs>
		<rect width="${W}" height="${H}" fill="url(#wall)"/>${win}
		<rect y="${floor}" width="${W}" height="${H - floor}" fill="url(#floor)"/>${spots}
		<rect x="0" y="${H * 0.02}" width="${W}" height="${H * 0.04}" fill="${hsl(hue, 60, 35)}"/>
		<ellipse cx="${W * 0.5}" cy="${floor + 170}" rx="${W * 0.34}" ry="60" fill="url(#halo)"/>
		${car(W * 0.5 - 330, floor - 10, 1.1, o.carColor ?? hsl(hue, 70, 45), o.carKind ?? 'crossover')}
		${o.people === false ? '' : person(W * 0.84, floor - 60, 1.3, hsl(hue + 200, 35, 30), '#c8946a', '<rect x="-52" y="70" width="60" height="44" rx="6" fill="#222"/><rect x="-48" y="74" width="52" height="36" rx="3" fill="#7fd0ff"/>')}
		${o.people === false ? '' : person(W * 0.1, floor - 40, 1.25, hsl(hue + 40, 45, 55), '#f0c9a0')}`;
	},
	event(W, H, r, hue) {
		const stage = H * 0.58;
		let beams = '';
		for (let i = 0; i < 5; i++) {
			const x = W * (0.1 + i * 0.2);
			beams += `<polygon points="${x - 20},0 ${x + 20},0 ${W * 0.5 + (i - 2) * 140},${stage} ${W * 0.5 + (i - 2) * 60},${stage}" fill="${hsl(hue + i * 25, 90, 70)}" opacity="0.18"/>`;
		}
		return `<defs><linearGradient id="night" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="${hsl(hue + 230, 60, 10)}"/><stop offset="1" stop-color="${hsl(hue + 260, 50, 22)}"/></linearGradient>
		<linearGradient id="screen" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="${hsl(hue, 90, 55)}"/><stop offset="1" stop-color="${hsl(hue + 60, 90, 45)}"/></linearGradient></defs>
		<rect width="${W}" height="${H}" fill="url(#night)"/>
		<rect x="${W * 0.2}" y="${H * 0.08}" width="${W * 0.6}" height="${H * 0.3}" rx="10" fill="url(#screen)" opacity="0.9"/>
		<path d="M${W * 0.22},${H * 0.33} L${W * 0.35},${H * 0.2} L${W * 0.45},${H * 0.28} L${W * 0.6},${H * 0.14} L${W * 0.78},${H * 0.33} Z" fill="#fff" opacity="0.18"/>
		<rect x="${W * 0.05}" y="${H * 0.04}" width="${W * 0.9}" height="14" fill="#555c66"/>
		<rect x="${W * 0.05}" y="${H * 0.04}" width="14" height="${stage - H * 0.04}" fill="#555c66"/><rect x="${W * 0.95 - 14}" y="${H * 0.04}" width="14" height="${stage - H * 0.04}" fill="#555c66"/>
		${beams}
		<rect x="0" y="${stage}" width="${W}" height="40" fill="#2a2f38"/>
		${car(W * 0.5 - 300, stage - 205, 1.0, hsl(hue, 80, 50))}
		<rect x="0" y="${stage + 40}" width="${W}" height="${H - stage}" fill="#0c0f16"/>
		${crowd(r, stage + 70, W, H - stage - 120, 60, ['#141926', '#1c2233', '#252c40', '#10131c'])}`;
	},
	rally(W, H, r, hue) {
		let cars = '';
		const pts = [
			[0.12, 0.7, 0.22],
			[0.32, 0.6, 0.18],
			[0.5, 0.53, 0.14],
			[0.64, 0.48, 0.11],
			[0.75, 0.45, 0.085],
		];
		pts.forEach(
			([px, py, s], i) =>
				(cars += car(
					W * px,
					H * py,
					s * (W / 1600) * 2.2,
					hsl(hue + i * 47, 70, 50),
					i % 2 ? 'city' : 'crossover',
				)),
		);
		return `<defs><linearGradient id="sky" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="${hsl(200, 70, 62)}"/><stop offset="1" stop-color="${hsl(40, 80, 88)}"/></linearGradient></defs>
		<rect width="${W}" height="${H}" fill="url(#sky)"/>
		<circle cx="${W * 0.82}" cy="${H * 0.18}" r="${H * 0.08}" fill="#fff3b0"/>
		<path d="M0,${H * 0.45} Q${W * 0.25},${H * 0.3} ${W * 0.5},${H * 0.42} T${W},${H * 0.38} L${W},${H} L0,${H} Z" fill="${hsl(130, 30, 52)}"/>
		<path d="M0,${H * 0.55} Q${W * 0.3},${H * 0.45} ${W * 0.6},${H * 0.52} T${W},${H * 0.5} L${W},${H} L0,${H} Z" fill="${hsl(110, 35, 42)}"/>
		<path d="M${W * 0.62},${H * 0.41} L${W * 0.9},${H * 0.39} L${W},${H * 0.4} L${W},${H * 0.44} L${W * 0.6},${H * 0.45} Z" fill="${hsl(205, 55, 55)}" opacity="0.8"/>
		<path d="M${W * 0.05},${H} C${W * 0.3},${H * 0.75} ${W * 0.45},${H * 0.62} ${W * 0.9},${H * 0.47}" stroke="#4a4f57" stroke-width="${H * 0.12}" fill="none" stroke-linecap="round"/>
		<path d="M${W * 0.05},${H} C${W * 0.3},${H * 0.75} ${W * 0.45},${H * 0.62} ${W * 0.9},${H * 0.47}" stroke="#f2f2f2" stroke-width="5" stroke-dasharray="30 30" fill="none"/>
		${cars}
		<g><line x1="${W * 0.08}" y1="${H * 0.55}" x2="${W * 0.08}" y2="${H * 0.38}" stroke="#333" stroke-width="6"/><path d="M${W * 0.08},${H * 0.38} l90,20 l-90,20 Z" fill="${hsl(hue, 80, 50)}"/></g>`;
	},
	tablet(W, H, r, hue) {
		const tx = W * 0.18,
			ty = H * 0.1,
			tw = W * 0.64,
			th = H * 0.72;
		let sw = '';
		for (let i = 0; i < 6; i++)
			sw += `<circle cx="${tx + 90 + i * 70}" cy="${ty + th - 90}" r="24" fill="${hsl(hue + i * 55, 65, 50)}" stroke="#fff" stroke-width="${i === 2 ? 6 : 0}"/>`;
		let bars = '';
		['Range', 'Boot', 'Power', 'Safety'].forEach((b, i) => {
			bars += `<text x="${tx + tw * 0.62}" y="${ty + 120 + i * 70}" font-family="${FONT}" font-size="24" fill="#51606f">${b}</text><rect x="${tx + tw * 0.62}" y="${ty + 132 + i * 70}" width="${tw * 0.3}" height="12" rx="6" fill="#dde3ea"/><rect x="${tx + tw * 0.62}" y="${ty + 132 + i * 70}" width="${tw * (0.12 + r() * 0.18)}" height="12" rx="6" fill="${hsl(hue, 70, 50)}"/>`;
		});
		return `<defs><radialGradient id="bg" cx="0.5" cy="0.4" r="0.8"><stop offset="0" stop-color="${hsl(hue, 30, 80)}"/><stop offset="1" stop-color="${hsl(hue + 20, 30, 35)}"/></radialGradient></defs>
		<rect width="${W}" height="${H}" fill="url(#bg)"/>
		<rect x="${tx - 30}" y="${ty - 30}" width="${tw + 60}" height="${th + 60}" rx="50" fill="#15181d"/>
		<rect x="${tx}" y="${ty}" width="${tw}" height="${th}" rx="16" fill="#f7f9fb"/>
		<rect x="${tx}" y="${ty}" width="${tw}" height="64" rx="16" fill="${hsl(hue, 55, 35)}"/>
		<text x="${tx + 30}" y="${ty + 42}" font-family="${FONT}" font-size="28" font-weight="bold" fill="#fff">Configure · Compare · Finance</text>
		${car(tx + 40, ty + 150, 0.9 * (tw / 1024), hsl(hue + 110, 65, 48))}
		${bars}${sw}
		<path d="M${W * 0.86},${H} Q${W * 0.8},${H * 0.75} ${W * 0.78},${H * 0.66} Q${W * 0.8},${H * 0.6} ${W * 0.86},${H * 0.7} L${W},${H * 0.8} L${W},${H} Z" fill="#d6a57c"/>`;
	},
	social(W, H, r, hue) {
		let phones = '';
		[0.18, 0.4, 0.62].forEach((px, i) => {
			const x = W * px,
				y = H * (0.1 + (i % 2) * 0.06),
				w = W * 0.19,
				h = H * 0.78;
			let posts = '';
			for (let k = 0; k < 2; k++) {
				const py = y + 80 + k * h * 0.42;
				posts += `<circle cx="${x + 40}" cy="${py}" r="18" fill="${hsl(hue + i * 60 + k * 30, 60, 55)}"/><rect x="${x + 66}" y="${py - 8}" width="${w * 0.5}" height="14" rx="7" fill="#c9d1da"/>
				<rect x="${x + 18}" y="${py + 26}" width="${w - 36}" height="${h * 0.26}" rx="8" fill="${hsl(hue + i * 40 + k * 90, 55, 60)}"/>
				${car(x + 30, py + h * 0.12, (w - 60) / 640, hsl(hue + 200 + k * 40, 70, 40), k ? 'city' : 'crossover')}
				<path d="M${x + 30},${py + h * 0.32} c-8,-10 -24,-2 -12,12 l12,10 l12,-10 c12,-14 -4,-22 -12,-12 Z" fill="#e8455b"/>
				<rect x="${x + 56}" y="${py + h * 0.31}" width="${w * 0.3}" height="12" rx="6" fill="#d7dde3"/>`;
			}
			phones += `<rect x="${x}" y="${y}" width="${w}" height="${h}" rx="34" fill="#101318"/><rect x="${x + 10}" y="${y + 10}" width="${w - 20}" height="${h - 20}" rx="26" fill="#fbfcfd"/>${posts}`;
		});
		let bubbles = '';
		for (let i = 0; i < 9; i++)
			bubbles += `<circle cx="${W * (0.82 + r() * 0.15)}" cy="${H * r()}" r="${12 + r() * 40}" fill="#fff" opacity="${(0.15 + r() * 0.3).toFixed(2)}"/>`;
		return `<defs><linearGradient id="bg" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="${hsl(hue, 75, 55)}"/><stop offset="1" stop-color="${hsl(hue + 70, 70, 40)}"/></linearGradient></defs>
		<rect width="${W}" height="${H}" fill="url(#bg)"/>${bubbles}${phones}`;
	},
	paperless(W, H, r, hue) {
		let papers = '';
		for (let i = 0; i < 7; i++) {
			const x = W * (0.05 + r() * 0.3),
				y = H * (0.1 + r() * 0.6),
				a = -30 + r() * 60;
			papers += `<g transform="translate(${x},${y}) rotate(${a.toFixed(0)})" opacity="${(0.35 + i * 0.08).toFixed(2)}"><rect width="150" height="200" fill="#fff"/><rect x="20" y="30" width="110" height="10" fill="#c8cdd3"/><rect x="20" y="55" width="90" height="10" fill="#c8cdd3"/><rect x="20" y="80" width="100" height="10" fill="#c8cdd3"/></g>`;
		}
		return `<defs><linearGradient id="bg" x1="0" y1="0" x2="1" y2="0"><stop offset="0" stop-color="${hsl(hue, 20, 88)}"/><stop offset="1" stop-color="${hsl(hue + 30, 45, 70)}"/></linearGradient></defs>
		<rect width="${W}" height="${H}" fill="url(#bg)"/>${papers}
		<path d="M${W * 0.38},${H * 0.5} L${W * 0.5},${H * 0.5}" stroke="${hsl(hue, 60, 40)}" stroke-width="16" stroke-linecap="round"/><path d="M${W * 0.49},${H * 0.44} L${W * 0.53},${H * 0.5} L${W * 0.49},${H * 0.56}" stroke="${hsl(hue, 60, 40)}" stroke-width="16" fill="none" stroke-linecap="round" stroke-linejoin="round"/>
		<rect x="${W * 0.56}" y="${H * 0.12}" width="${W * 0.36}" height="${H * 0.62}" rx="24" fill="#15181d"/>
		<rect x="${W * 0.575}" y="${H * 0.145}" width="${W * 0.33}" height="${H * 0.57}" rx="10" fill="#fff"/>
		<rect x="${W * 0.6}" y="${H * 0.2}" width="${W * 0.2}" height="14" rx="7" fill="${hsl(hue, 60, 45)}"/>
		<rect x="${W * 0.6}" y="${H * 0.26}" width="${W * 0.27}" height="10" rx="5" fill="#d7dde3"/><rect x="${W * 0.6}" y="${H * 0.3}" width="${W * 0.24}" height="10" rx="5" fill="#d7dde3"/><rect x="${W * 0.6}" y="${H * 0.34}" width="${W * 0.26}" height="10" rx="5" fill="#d7dde3"/>
		<path d="M${W * 0.62},${H * 0.55} c40,-60 60,40 100,-10 s50,-30 70,10 s40,10 60,-20" stroke="#1b3d8f" stroke-width="6" fill="none"/>
		<line x1="${W * 0.6}" y1="${H * 0.6}" x2="${W * 0.88}" y2="${H * 0.6}" stroke="#9aa3ad" stroke-width="3"/>
		<circle cx="${W * 0.85}" cy="${H * 0.66}" r="28" fill="#2fa66a"/><path d="M${W * 0.85 - 12},${H * 0.66} l9,10 l17,-19" stroke="#fff" stroke-width="7" fill="none"/>`;
	},
	workshop(W, H, r, hue) {
		const floor = H * 0.8;
		let tools = '';
		for (let i = 0; i < 12; i++)
			tools += `<rect x="${W * 0.04 + i * 34}" y="${H * 0.18 + (i % 3) * 8}" width="12" height="${70 + (i % 4) * 20}" rx="5" fill="${hsl(hue + i * 10, 20, 30 + (i % 3) * 10)}"/>`;
		return `<defs><linearGradient id="bg" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#e7eaee"/><stop offset="1" stop-color="#b8bec6"/></linearGradient></defs>
		<rect width="${W}" height="${H}" fill="url(#bg)"/>
		<rect x="${W * 0.02}" y="${H * 0.12}" width="${W * 0.28}" height="${H * 0.35}" fill="#525a65"/>${tools}
		<rect x="0" y="${floor}" width="${W}" height="${H - floor}" fill="#6d747d"/>
		<rect x="${W * 0.32}" y="${H * 0.2}" width="30" height="${floor - H * 0.2}" fill="${hsl(hue, 70, 45)}"/><rect x="${W * 0.9}" y="${H * 0.2}" width="30" height="${floor - H * 0.2}" fill="${hsl(hue, 70, 45)}"/>
		<rect x="${W * 0.34}" y="${H * 0.5}" width="${W * 0.56}" height="18" fill="#3a4048"/>
		${car(W * 0.36, H * 0.5 - 215, 1.0 * (W / 1600), hsl(hue + 180, 40, 55), 'estate')}
		${person(W * 0.2, floor - 210, 1.1, hsl(hue + 200, 50, 30), '#b98563', '<rect x="-50" y="90" width="40" height="56" rx="4" fill="#eee"/>')}
		<rect x="${W * 0.04}" y="${H * 0.55}" width="${W * 0.2}" height="${H * 0.06}" rx="8" fill="${hsl(hue, 70, 45)}"/>`;
	},
	van(W, H, r, hue) {
		let bld = '';
		for (let i = 0; i < 8; i++) {
			const bw = W / 8,
				bh = H * (0.3 + r() * 0.3);
			bld += `<rect x="${i * bw}" y="${H * 0.7 - bh}" width="${bw - 6}" height="${bh}" fill="${hsl(hue + i * 18, 25, 55 + (i % 3) * 8)}"/>`;
			for (let k = 0; k < 3; k++)
				bld += `<rect x="${i * bw + 20 + k * (bw / 3.4)}" y="${H * 0.7 - bh + 30}" width="${bw / 5}" height="${bh * 0.18}" fill="#f5ecd0" opacity="0.7"/>`;
		}
		return `<defs><linearGradient id="sky" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="${hsl(205, 60, 70)}"/><stop offset="1" stop-color="${hsl(35, 70, 90)}"/></linearGradient></defs>
		<rect width="${W}" height="${H}" fill="url(#sky)"/>${bld}
		<rect x="0" y="${H * 0.7}" width="${W}" height="${H * 0.06}" fill="#b5b0a6"/>
		<rect x="0" y="${H * 0.76}" width="${W}" height="${H * 0.24}" fill="#4b5058"/>
		${car(W * 0.08, H * 0.57, 1.15 * (W / 1600), '#f2f3f5', 'van')}
		<text x="${W * 0.14}" y="${H * 0.66}" font-family="${FONT}" font-size="${W / 45}" font-weight="bold" fill="${hsl(hue, 70, 35)}">FLEET DESK</text>
		${car(W * 0.58, H * 0.6, 0.8 * (W / 1600), hsl(hue, 60, 45), 'estate')}
		${person(W * 0.52, H * 0.55, 1.0, hsl(hue + 180, 40, 35), '#e8c39e', '<rect x="-60" y="80" width="50" height="64" rx="4" fill="#333"/><rect x="-56" y="84" width="42" height="56" fill="#8fd3ff"/>')}`;
	},
	wifi(W, H, r, hue) {
		const cx = W * 0.74,
			cy = H * 0.5;
		let arcs = '';
		for (let i = 1; i <= 4; i++) {
			const rr = i * 55;
			arcs += `<path d="M${cx - rr * 0.8},${cy - rr * 0.6} A${rr},${rr} 0 0 1 ${cx + rr * 0.8},${cy - rr * 0.6}" stroke="#fff" stroke-width="26" fill="none" stroke-linecap="round" opacity="${1 - i * 0.15}"/>`;
		}
		return `${scenes.showroom(W, H, r, hue, { people: false })}
		<circle cx="${cx}" cy="${cy - 110}" r="230" fill="${hsl(hue + 200, 80, 45)}" opacity="0.85"/>
		<g transform="translate(0,-110)">${arcs}<circle cx="${cx}" cy="${cy}" r="22" fill="#fff"/></g>`;
	},
	chart(W, H, r, hue) {
		let bars = '';
		const n = 8;
		for (let i = 0; i < n; i++) {
			const bh = H * (0.12 + (i / n) * 0.35 + r() * 0.08);
			bars += `<rect x="${W * 0.1 + i * W * 0.055}" y="${H * 0.78 - bh}" width="${W * 0.04}" height="${bh}" rx="6" fill="${i < 4 ? hsl(hue, 25, 70) : hsl(hue, 75, 50)}"/>`;
		}
		const g = 0.72;
		return `<defs><linearGradient id="bg" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="${hsl(hue + 200, 35, 18)}"/><stop offset="1" stop-color="${hsl(hue + 220, 40, 30)}"/></linearGradient></defs>
		<rect width="${W}" height="${H}" fill="url(#bg)"/>
		<rect x="${W * 0.06}" y="${H * 0.1}" width="${W * 0.52}" height="${H * 0.75}" rx="20" fill="#fff" opacity="0.95"/>${bars}
		<line x1="${W * 0.09}" y1="${H * 0.78}" x2="${W * 0.55}" y2="${H * 0.78}" stroke="#8a94a0" stroke-width="3"/>
		<path d="M${W * 0.1},${H * 0.6} L${W * 0.2},${H * 0.58} L${W * 0.3},${H * 0.5} L${W * 0.4},${H * 0.36} L${W * 0.52},${H * 0.22}" stroke="${hsl(hue + 150, 70, 40)}" stroke-width="8" fill="none"/>
		<rect x="${W * 0.62}" y="${H * 0.1}" width="${W * 0.32}" height="${H * 0.75}" rx="20" fill="#fff" opacity="0.95"/>
		<path d="M${W * 0.68},${H * 0.5} A${W * 0.1},${W * 0.1} 0 0 1 ${W * 0.88},${H * 0.5}" stroke="#e3e7ec" stroke-width="40" fill="none"/>
		<path d="M${W * 0.68},${H * 0.5} A${W * 0.1},${W * 0.1} 0 0 1 ${W * 0.78 + Math.cos(Math.PI * (1 - g)) * W * 0.1},${H * 0.5 - Math.sin(Math.PI * (1 - g)) * W * 0.1}" stroke="${hsl(hue, 75, 50)}" stroke-width="40" fill="none"/>
		<text x="${W * 0.78}" y="${H * 0.48}" text-anchor="middle" font-family="${FONT}" font-size="${W / 22}" font-weight="bold" fill="#1c2430">+${Math.round(8 + r() * 20)}</text>
		<rect x="${W * 0.67}" y="${H * 0.58}" width="${W * 0.22}" height="14" rx="7" fill="#d7dde3"/><rect x="${W * 0.67}" y="${H * 0.63}" width="${W * 0.16}" height="14" rx="7" fill="#d7dde3"/>`;
	},
	training(W, H, r, hue) {
		return `<defs><linearGradient id="bg" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="${hsl(hue, 30, 90)}"/><stop offset="1" stop-color="${hsl(hue, 25, 72)}"/></linearGradient></defs>
		<rect width="${W}" height="${H}" fill="url(#bg)"/>
		<rect x="${W * 0.25}" y="${H * 0.08}" width="${W * 0.5}" height="${H * 0.4}" rx="10" fill="#fff" stroke="#9aa3ad" stroke-width="8"/>
		<text x="${W * 0.28}" y="${H * 0.16}" font-family="${FONT}" font-size="${W / 40}" font-weight="bold" fill="${hsl(hue, 60, 35)}">1. Listen  2. Show  3. Follow up</text>
		${car(W * 0.3, H * 0.2, 0.55 * (W / 1600), hsl(hue + 150, 60, 48))}
		<circle cx="${W * 0.66}" cy="${H * 0.32}" r="${H * 0.07}" fill="none" stroke="${hsl(hue + 10, 80, 50)}" stroke-width="8"/>
		${person(W * 0.82, H * 0.38, 1.3, hsl(hue, 55, 40), '#f1c7a1')}
		<rect x="0" y="${H * 0.7}" width="${W}" height="${H * 0.3}" fill="${hsl(hue + 20, 15, 45)}"/>
		${crowd(r, H * 0.66, W * 0.75, H * 0.2, 18, [hsl(hue + 180, 30, 35), hsl(hue + 120, 30, 45), hsl(hue + 30, 40, 40), '#3b4350'])}`;
	},
	club(W, H, r, hue) {
		let grid = '';
		for (let i = 0; i < 4; i++)
			for (let k = 0; k < 3; k++) {
				const x = W * 0.27 + i * W * 0.115,
					y = H * 0.17 + k * H * 0.15;
				grid += `<rect x="${x}" y="${y}" width="${W * 0.1}" height="${H * 0.12}" rx="10" fill="${hsl(hue + (i + k * 4) * 28, 50, 70)}"/><circle cx="${x + W * 0.05}" cy="${y + H * 0.045}" r="${H * 0.025}" fill="#fff" opacity="0.85"/><rect x="${x + W * 0.02}" y="${y + H * 0.085}" width="${W * 0.06}" height="8" rx="4" fill="#fff" opacity="0.8"/>`;
			}
		return `<defs><linearGradient id="bg" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="${hsl(hue + 30, 40, 85)}"/><stop offset="1" stop-color="${hsl(hue, 45, 60)}"/></linearGradient></defs>
		<rect width="${W}" height="${H}" fill="url(#bg)"/>
		<rect x="${W * 0.22}" y="${H * 0.08}" width="${W * 0.56}" height="${H * 0.6}" rx="18" fill="#1a1d23"/>
		<rect x="${W * 0.24}" y="${H * 0.11}" width="${W * 0.52}" height="${H * 0.54}" rx="6" fill="#f6f8fa"/>${grid}
		<path d="M${W * 0.14},${H * 0.68} L${W * 0.86},${H * 0.68} L${W * 0.92},${H * 0.75} L${W * 0.08},${H * 0.75} Z" fill="#2e333b"/>
		${car(W * 0.02, H * 0.78, 0.4 * (W / 1600), hsl(hue + 180, 60, 45), 'city')}${car(W * 0.76, H * 0.78, 0.4 * (W / 1600), hsl(hue + 90, 60, 45))}`;
	},
	finance(W, H, r, hue) {
		let coins = '';
		for (let i = 0; i < 6; i++)
			coins += `<ellipse cx="${W * 0.78}" cy="${H * 0.72 - i * 26}" rx="90" ry="28" fill="${hsl(45, 80, 55 - (i % 2) * 8)}" stroke="#a77b16" stroke-width="4"/>`;
		return `<defs><linearGradient id="bg" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="${hsl(hue, 45, 30)}"/><stop offset="1" stop-color="${hsl(hue + 40, 50, 55)}"/></linearGradient></defs>
		<rect width="${W}" height="${H}" fill="url(#bg)"/>
		<rect x="${W * 0.08}" y="${H * 0.12}" width="${W * 0.5}" height="${H * 0.66}" rx="24" fill="#fff"/>
		${car(W * 0.12, H * 0.16, 0.62 * (W / 1600), hsl(hue + 180, 65, 45), 'city')}
		<text x="${W * 0.12}" y="${H * 0.5}" font-family="${FONT}" font-size="${W / 30}" font-weight="bold" fill="#1c2430">€ 229 / month</text>
		<rect x="${W * 0.12}" y="${H * 0.56}" width="${W * 0.4}" height="14" rx="7" fill="#e3e7ec"/><rect x="${W * 0.12}" y="${H * 0.56}" width="${W * 0.26}" height="14" rx="7" fill="${hsl(hue + 150, 65, 45)}"/>
		<rect x="${W * 0.12}" y="${H * 0.63}" width="${W * 0.18}" height="${H * 0.08}" rx="12" fill="${hsl(hue, 70, 45)}"/>
		<text x="${W * 0.21}" y="${H * 0.685}" text-anchor="middle" font-family="${FONT}" font-size="${W / 60}" font-weight="bold" fill="#fff">Simulate</text>
		${coins}
		<circle cx="${W * 0.78}" cy="${H * 0.3}" r="${H * 0.12}" fill="#fff" opacity="0.9"/><text x="${W * 0.78}" y="${H * 0.34}" text-anchor="middle" font-family="${FONT}" font-size="${H * 0.12}" font-weight="bold" fill="${hsl(hue, 60, 35)}">%</text>`;
	},
	used(W, H, r, hue) {
		let lot = '';
		for (let i = 0; i < 3; i++) {
			const x = W * (0.03 + i * 0.32),
				y = H * 0.5;
			lot += car(
				x,
				y,
				0.78 * (W / 1600),
				hsl(hue + i * 90, 45 + i * 10, 45),
				['estate', 'city', 'crossover'][i],
			);
			lot += `<g transform="translate(${x + W * 0.1},${y - 40})"><rect width="${W * 0.11}" height="${H * 0.08}" rx="10" fill="#fff" stroke="${hsl(hue, 70, 45)}" stroke-width="5"/><text x="${W * 0.055}" y="${H * 0.055}" text-anchor="middle" font-family="${FONT}" font-size="${W / 55}" font-weight="bold" fill="#1c2430">€${(9 + i * 4 + Math.round(r() * 3)).toFixed(0)},${['490', '900', '250'][i]}</text></g>`;
		}
		let flags = '';
		for (let i = 0; i < 14; i++)
			flags += `<polygon points="${(i * W) / 13},${H * 0.12} ${((i + 0.5) * W) / 13},${H * 0.2} ${((i + 1) * W) / 13},${H * 0.12}" fill="${hsl(hue + (i % 3) * 120, 75, 55)}"/>`;
		return `<defs><linearGradient id="sky" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="${hsl(200, 60, 72)}"/><stop offset="1" stop-color="#f3efe6"/></linearGradient></defs>
		<rect width="${W}" height="${H}" fill="url(#sky)"/>
		<line x1="0" y1="${H * 0.12}" x2="${W}" y2="${H * 0.12}" stroke="#555" stroke-width="3"/>${flags}
		<rect x="0" y="${H * 0.72}" width="${W}" height="${H * 0.28}" fill="#8c9199"/>
		${[0.3, 0.62].map((p) => `<rect x="${W * p}" y="${H * 0.75}" width="10" height="${H * 0.25}" fill="#fff"/>`).join('')}${lot}`;
	},
	video(W, H, r, hue) {
		return `${scenes.showroom(W, H, r, hue, { people: false })}
		<g transform="translate(${W * 0.1},${H * 0.3})"><rect width="${W * 0.16}" height="${H * 0.14}" rx="12" fill="#1c1f24"/><circle cx="${W * 0.16 + 30}" cy="${H * 0.07}" r="${H * 0.055}" fill="#2d3138" stroke="#555" stroke-width="8"/><circle cx="${W * 0.16 + 30}" cy="${H * 0.07}" r="${H * 0.025}" fill="#5ab0ff"/><circle cx="26" cy="24" r="10" fill="#e0453a"/>
		<line x1="${W * 0.08}" y1="${H * 0.14}" x2="${W * 0.02}" y2="${H * 0.5}" stroke="#333" stroke-width="10"/><line x1="${W * 0.08}" y1="${H * 0.14}" x2="${W * 0.14}" y2="${H * 0.5}" stroke="#333" stroke-width="10"/></g>
		<circle cx="${W * 0.5}" cy="${H * 0.3}" r="${H * 0.1}" fill="#000" opacity="0.55"/><path d="M${W * 0.5 - 25},${H * 0.3 - 40} L${W * 0.5 + 45},${H * 0.3} L${W * 0.5 - 25},${H * 0.3 + 40} Z" fill="#fff"/>`;
	},
	connected(W, H, r, hue) {
		let waves = '';
		for (let i = 1; i <= 3; i++)
			waves += `<path d="M${W * 0.55 + i * 40},${H * 0.35 - i * 40} a${i * 60},${i * 60} 0 0 1 0,${i * 80}" stroke="${hsl(hue + 190, 80, 60)}" stroke-width="12" fill="none" opacity="${1 - i * 0.22}"/>`;
		return `<defs><linearGradient id="bg" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="${hsl(hue + 210, 50, 18)}"/><stop offset="1" stop-color="${hsl(hue + 190, 55, 35)}"/></linearGradient></defs>
		<rect width="${W}" height="${H}" fill="url(#bg)"/>
		<rect y="${H * 0.72}" width="${W}" height="${H * 0.28}" fill="#0d1118" opacity="0.6"/>
		${car(W * 0.06, H * 0.52, 0.95 * (W / 1600), hsl(hue, 70, 52), 'estate')}${waves}
		<rect x="${W * 0.72}" y="${H * 0.12}" width="${W * 0.18}" height="${H * 0.7}" rx="30" fill="#0f1115"/><rect x="${W * 0.73}" y="${H * 0.14}" width="${W * 0.16}" height="${H * 0.66}" rx="22" fill="#f7f9fb"/>
		<rect x="${W * 0.745}" y="${H * 0.2}" width="${W * 0.13}" height="${H * 0.14}" rx="12" fill="${hsl(hue + 30, 85, 55)}"/>
		<text x="${W * 0.81}" y="${H * 0.29}" text-anchor="middle" font-family="${FONT}" font-size="${W / 70}" font-weight="bold" fill="#fff">Service due</text>
		<rect x="${W * 0.745}" y="${H * 0.4}" width="${W * 0.13}" height="12" rx="6" fill="#d7dde3"/><rect x="${W * 0.745}" y="${H * 0.44}" width="${W * 0.1}" height="12" rx="6" fill="#d7dde3"/>
		<rect x="${W * 0.745}" y="${H * 0.62}" width="${W * 0.13}" height="${H * 0.08}" rx="14" fill="${hsl(hue + 140, 60, 42)}"/>
		<text x="${W * 0.81}" y="${H * 0.675}" text-anchor="middle" font-family="${FONT}" font-size="${W / 60}" font-weight="bold" fill="#fff">Book a slot</text>`;
	},
	popup(W, H, r, hue) {
		let shops = '';
		for (let i = 0; i < 5; i++)
			shops += `<rect x="${(i * W) / 5 + 10}" y="${H * 0.12}" width="${W / 5 - 20}" height="${H * 0.5}" fill="${i === 2 ? hsl(hue, 60, 92) : hsl(hue + i * 30, 20, 80)}"/><rect x="${(i * W) / 5 + 10}" y="${H * 0.08}" width="${W / 5 - 20}" height="${H * 0.06}" fill="${i === 2 ? hsl(hue, 70, 45) : hsl(hue + i * 50, 35, 50)}"/>`;
		return `<defs><linearGradient id="bg" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#f4f1ea"/><stop offset="1" stop-color="#c9c2b6"/></linearGradient></defs>
		<rect width="${W}" height="${H}" fill="url(#bg)"/>${shops}
		<text x="${W * 0.5}" y="${H * 0.125}" text-anchor="middle" font-family="${FONT}" font-size="${W / 60}" font-weight="bold" fill="#fff">POP-UP</text>
		<rect x="0" y="${H * 0.62}" width="${W}" height="${H * 0.38}" fill="#d8d2c6"/>
		${car(W * 0.5 - 170, H * 0.46, 0.58 * (W / 1600), hsl(hue + 160, 60, 45), 'city')}
		${crowd(r, H * 0.66, W, H * 0.2, 14, ['#6b7482', '#8a6f5a', '#4f5d73', '#7d8a6a'])}`;
	},
	map(W, H, r, hue) {
		return `<defs><linearGradient id="sea" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="${hsl(200, 60, 70)}"/><stop offset="1" stop-color="${hsl(210, 55, 55)}"/></linearGradient></defs>
		<rect width="${W}" height="${H}" fill="url(#sea)"/>
		<path d="M0,0 L${W},0 L${W},${H * 0.55} C${W * 0.8},${H * 0.6} ${W * 0.7},${H * 0.5} ${W * 0.55},${H * 0.62} C${W * 0.45},${H * 0.7} ${W * 0.35},${H * 0.58} ${W * 0.25},${H * 0.66} C${W * 0.15},${H * 0.72} ${W * 0.08},${H * 0.6} 0,${H * 0.65} Z" fill="${hsl(95, 30, 72)}"/>
		<path d="M${W * 0.4},${H * 0.62} C${W * 0.45},${H * 0.66} ${W * 0.52},${H * 0.75} ${W * 0.45},${H * 0.8} C${W * 0.4},${H * 0.78} ${W * 0.38},${H * 0.7} ${W * 0.4},${H * 0.62} Z" fill="${hsl(95, 30, 72)}"/>
		<path d="M${W * 0.15},${H * 0.5} C${W * 0.25},${H * 0.2} ${W * 0.45},${H * 0.45} ${W * 0.55},${H * 0.3} S${W * 0.78},${H * 0.2} ${W * 0.8},${H * 0.45}" stroke="${hsl(hue, 80, 45)}" stroke-width="12" stroke-dasharray="26 14" fill="none"/>
		${[
			[0.15, 0.5],
			[0.55, 0.3],
			[0.8, 0.45],
		]
			.map(
				([x, y]) =>
					`<path d="M${W * x},${H * y} c-30,-40 -30,-80 0,-80 c30,0 30,40 0,80 Z" fill="#d6342c"/><circle cx="${W * x}" cy="${H * y - 55}" r="11" fill="#fff"/>`,
			)
			.join('')}`;
	},
};

function scene(kind, W, H, seed, hue, text, sub) {
	const r = rng(seed);
	const body = scenes[kind](W, H, r, hue);
	// soft vignette and a little light so the flat shapes read like an illustration
	return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}">
	${body}
	<defs><radialGradient id="vig" cx="0.5" cy="0.45" r="0.75"><stop offset="0.6" stop-color="#000" stop-opacity="0"/><stop offset="1" stop-color="#000" stop-opacity="0.35"/></radialGradient></defs>
	<rect width="${W}" height="${H}" fill="url(#vig)"/>
	${label(W, H, text, sub, hue)}
</svg>`;
}

function portrait(name, seed) {
	const r = rng(seed);
	const hue = Math.floor(r() * 360);
	const skins = ['#f1c7a1', '#e0b48c', '#c8946a', '#a8714d', '#7d5236', '#f5d6bd'];
	const hairs = ['#2b211c', '#4a3325', '#8a5a2b', '#c9a05a', '#1a1a1a', '#6d6d6d', '#a0432a'];
	const skin = skins[Math.floor(r() * skins.length)];
	const hair = hairs[Math.floor(r() * hairs.length)];
	const long = r() > 0.5;
	const glasses = r() > 0.65;
	const initials = name
		.split(/\s+/)
		.filter((w) => /^\p{Lu}/u.test(w))
		.map((w) => w[0])
		.slice(0, 2)
		.join('');
	const shirt = hsl(hue + 150, 35 + r() * 30, 25 + r() * 25);
	return `<svg xmlns="http://www.w3.org/2000/svg" width="480" height="480" viewBox="0 0 480 480">
	<defs><linearGradient id="bg" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="${hsl(hue, 55, 78)}"/><stop offset="1" stop-color="${hsl(hue + 40, 50, 52)}"/></linearGradient>
	<radialGradient id="face" cx="0.4" cy="0.35" r="0.7"><stop offset="0" stop-color="#fff" stop-opacity="0.25"/><stop offset="1" stop-color="#000" stop-opacity="0.08"/></radialGradient></defs>
	<rect width="480" height="480" fill="url(#bg)"/>
	<circle cx="400" cy="80" r="140" fill="#fff" opacity="0.12"/><circle cx="60" cy="420" r="120" fill="#000" opacity="0.07"/>
	<text x="36" y="112" font-family="${FONT}" font-weight="bold" font-size="96" fill="#fff" opacity="0.5">${esc(initials)}</text>
	${long ? `<path d="M150,200 Q140,360 170,400 L310,400 Q340,360 330,200 Z" fill="${hair}"/>` : ''}
	<path d="M70,480 Q80,360 180,340 L300,340 Q400,360 410,480 Z" fill="${shirt}"/>
	<path d="M205,330 L240,380 L275,330 Z" fill="#fff" opacity="0.85"/>
	<rect x="212" y="280" width="56" height="70" rx="20" fill="${skin}"/>
	<ellipse cx="240" cy="220" rx="82" ry="98" fill="${skin}"/><ellipse cx="240" cy="220" rx="82" ry="98" fill="url(#face)"/>
	<path d="M156,210 Q150,110 240,110 Q330,110 324,210 Q300,150 240,${long ? 150 : 160} Q190,150 156,210 Z" fill="${hair}"/>
	<circle cx="210" cy="225" r="7" fill="#2a2320"/><circle cx="270" cy="225" r="7" fill="#2a2320"/>
	<path d="M218,272 Q240,288 262,272" stroke="#7a3b2e" stroke-width="6" fill="none" stroke-linecap="round"/>
	${glasses ? '<g fill="none" stroke="#222" stroke-width="5"><circle cx="210" cy="225" r="24"/><circle cx="270" cy="225" r="24"/><path d="M234,225 L246,225"/></g>' : ''}
	<circle cx="400" cy="400" r="50" fill="#0b1220" opacity="0.8"/><text x="400" y="416" text-anchor="middle" font-family="${FONT}" font-weight="bold" font-size="44" fill="#fff">${esc(initials)}</text>
</svg>`;
}

async function write(svg, file, w, h) {
	await mkdir(dirname(file), { recursive: true });
	const info = await sharp(Buffer.from(svg), { density: 72 })
		.resize(w, h)
		.jpeg({ quality: 78, mozjpeg: true, chromaSubsampling: '4:2:0' })
		.toFile(file);
	if (info.size > 150 * 1024) console.warn(`! ${file} is ${Math.round(info.size / 1024)} KB`);
	return info.size;
}

// ---------------------------------------------------------------- manifest
// [slug, hue, cover: [kind, label, sub], gallery: [[file, kind, label]...], poster?: [kind, label]]
const STUDIES = [
	[
		'kestrel-launch-italy',
		12,
		['event', 'Kestrel launch · Italy', 'Creative events + social media'],
		[
			['event-1.jpg', 'event', 'Reveal night, Milan'],
			['event-2.jpg', 'social', 'Stories from the launch'],
			['event-3.jpg', 'showroom', 'Open late in 48 dealerships'],
			['event-4.jpg', 'rally', 'Test-drive loop, Lake Como'],
		],
		['event', 'Kestrel launch · Italy'],
	],
	[
		'rallyes-proprietaires-morbihan',
		205,
		['rally', 'Rallye des propriétaires', 'Morbihan · une journée'],
		[
			['rallye-1.jpg', 'map', 'Le parcours autour du golfe'],
			['rallye-2.jpg', 'rally', 'Départ de Vannes'],
			['rallye-3.jpg', 'event', 'Briefing du matin'],
			['rallye-4.jpg', 'showroom', 'Retour en concession'],
		],
	],
	[
		'online-owners-club-netherlands',
		28,
		['club', "Owners' club online", 'Netherlands'],
		[
			['club-1.jpg', 'club', 'The members’ home page'],
			['club-2.jpg', 'rally', 'Spring owner rally'],
			['club-3.jpg', 'workshop', 'Plant visit for members'],
		],
	],
	[
		'micro-influenceurs-partenariats-longs',
		320,
		['social', 'Micro-influenceurs', 'Partenariats sur la durée'],
		[],
	],
	[
		'product-geniuses-showroom-tablets',
		190,
		['tablet', 'Product geniuses', 'United Kingdom'],
		[
			['genius-1.jpg', 'showroom', 'Welcome at the door'],
			['genius-2.jpg', 'tablet', 'Configurator with real specs'],
			['genius-3.jpg', 'training', 'Two-week product bootcamp'],
			['genius-4.jpg', 'chart', 'Recommendation score by site'],
		],
	],
	[
		'video-at-every-touchpoint',
		265,
		['video', 'Video at every touchpoint', 'Spain'],
		[],
		['video', 'Walk-around video'],
	],
	[
		'concession-zero-papier',
		150,
		['paperless', 'Concession zéro papier', 'Belgique'],
		[
			['papier-1.jpg', 'paperless', 'Bon de commande signé sur tablette'],
			['papier-2.jpg', 'finance', 'Dossier de financement en ligne'],
			['papier-3.jpg', 'tablet', 'Reprise et options au même endroit'],
		],
	],
	[
		'crm-right-employee-right-moment',
		230,
		['chart', 'Right person, right moment', 'Belgium · CRM'],
		[],
	],
	[
		'social-media-instead-of-ad-campaigns',
		340,
		['social', 'Social before paid media', 'Portugal · Lisbon'],
		[
			['social-1.jpg', 'social', 'Dealer posts, weekly rhythm'],
			['social-2.jpg', 'event', 'Live Q&A evening, Lisbon'],
			['social-3.jpg', 'chart', 'Cost per test drive'],
		],
	],
	['open-showroom-wifi', 175, ['wifi', 'Open showroom Wi-Fi', 'Poland'], []],
	[
		'taux-de-recommandation-pilotage',
		40,
		['chart', 'Taux de recommandation', 'France · pilotage'],
		[],
	],
	[
		'used-car-trade-in-valuation',
		95,
		['used', 'Trade-in valued on the spot', 'Portugal'],
		[
			['used-1.jpg', 'used', 'Certified stock, Porto'],
			['used-2.jpg', 'tablet', 'Valuation on the tablet'],
			['used-3.jpg', 'workshop', '110-point inspection'],
		],
	],
	['small-business-fleet-desk', 210, ['van', 'Small-business fleet desk', 'Spain'], []],
	[
		'connected-car-service-reminders',
		20,
		['connected', 'Connected service reminders', 'Germany'],
		[],
	],
	[
		'dealer-coaching-academy',
		260,
		['training', 'Dealer coaching academy', 'Germany'],
		[
			['academy-1.jpg', 'training', 'Regional session, Cologne'],
			['academy-2.jpg', 'showroom', 'Role play on the floor'],
			['academy-3.jpg', 'chart', 'Mystery-shopping scores'],
			['academy-4.jpg', 'van', 'Coach visits in the field'],
		],
	],
	['volta-ev-financing', 120, ['finance', 'Volta: pay monthly', 'Poland · EV financing'], []],
	[
		'boutique-ephemere-echec-instructif',
		55,
		['popup', 'Boutique éphémère', 'Un échec instructif'],
		[],
	],
];

const PEOPLE = [
	'giulia-conti:Giulia Conti',
	'marco-ferretti:Marco Ferretti',
	'ines-carvalho:Inês Carvalho',
	'tiago-mendes:Tiago Mendes',
	'claire-morvan:Claire Morvan',
	'julien-lefort:Julien Lefort',
	'camille-roux:Camille Roux',
	'nicolas-perrin:Nicolas Perrin',
	'elodie-garnier:Élodie Garnier',
	'lucia-herrera:Lucía Herrera',
	'javier-ortega:Javier Ortega',
	'katrin-vogel:Katrin Vogel',
	'tobias-brandt:Tobias Brandt',
	'pieter-claes:Pieter Claes',
	'amelie-dubois:Amélie Dubois',
	'oliver-bennett:Oliver Bennett',
	'hannah-price:Hannah Price',
	'agnieszka-nowak:Agnieszka Nowak',
	'bartosz-zielinski:Bartosz Zieliński',
	'femke-de-vries:Femke de Vries',
].map((s) => s.split(':'));

// Frames for make-video.sh (Italian launch study).
const FRAMES = [
	['frame-1.jpg', 'event', 'Kestrel · reveal night', 'Milan'],
	['frame-2.jpg', 'social', '1 launch, 48 dealers, 1 hashtag', ''],
	['frame-3.jpg', 'showroom', 'Open late: showroom nights', ''],
	['frame-4.jpg', 'rally', 'Test-drive loop', 'Lake Como'],
	['frame-5.jpg', 'chart', 'Prospects under 35: 18% → 31%', ''],
];

async function main() {
	const onlyFrames = process.argv.includes('--video-frames');
	let total = 0;
	let n = 0;
	for (const [file, kind, text, sub] of FRAMES) {
		await write(
			scene(kind, 1920, 1080, 'frame' + file, 12, text, sub),
			join(FRAMES_DIR, file),
			1920,
			1080,
		);
	}
	if (onlyFrames) return console.log(`video frames in ${FRAMES_DIR}`);
	for (const [slug, hue, cover, gallery, poster] of STUDIES) {
		const dir = join(CONTENT, 'case-studies', slug);
		total += await write(
			scene(cover[0], 1600, 1000, slug, hue, cover[1], cover[2]),
			join(dir, 'cover.jpg'),
			1600,
			1000,
		);
		n++;
		for (const [file, kind, text] of gallery) {
			total += await write(
				scene(kind, 1600, 1067, slug + file, hue + 25, text),
				join(dir, file),
				1600,
				1067,
			);
			n++;
		}
		if (poster) {
			total += await write(
				scene(poster[0], 1600, 900, slug + 'poster', hue, poster[1], '▶  Watch'),
				join(dir, 'poster.jpg'),
				1600,
				900,
			);
			n++;
		}
	}
	for (const [slug, name] of PEOPLE) {
		total += await write(portrait(name, slug), join(CONTENT, 'people', `${slug}.jpg`), 480, 480);
		n++;
	}
	console.log(`${n} images, ${(total / 1024 / 1024).toFixed(2)} MB`);
}

main().catch((e) => {
	console.error(e);
	process.exit(1);
});
