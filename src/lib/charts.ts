// Server-rendered SVG charts, as strings: no client script, no library. Every value is written next
// to its bar (colour never carries meaning alone; the network's bar is also hatched and named), the
// SVG scales with its box (viewBox, width 100 %), and it has a title and a description for screen
// readers (role="img"); the page follows each chart with its data table. Ink is dark on white, so a
// black-and-white print reads the same. Every text is escaped here: labels may be what members typed.

const WIDTH = 640;
const FONT = 13;

/** Escapes text for SVG/XML content and attribute values. */
export function escapeXml(text: string): string {
	return text
		.replace(/&/g, '&amp;')
		.replace(/</g, '&lt;')
		.replace(/>/g, '&gt;')
		.replace(/"/g, '&quot;')
		.replace(/'/g, '&#39;');
}

/** Shortens a label to `max` characters with an ellipsis (the table below has it whole). */
function clip(text: string, max: number): string {
	const chars = [...text];
	return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

export interface ChartDatum {
	label: string;
	value: number;
	/** The value as the reader should read it, e.g. "12 of 40 (30 %)". */
	display: string;
	/** Drawn hatched: the network's aggregate next to a country's own bar. */
	emphasis?: boolean;
	/** Language of the label when it is not the page's (a request's title). */
	lang?: string;
}

export interface ChartOptions {
	/** Unique on the page: prefixes the ids of the title, description and pattern. */
	id: string;
	title: string;
	desc: string;
	data: readonly ChartDatum[];
	/** Top of the scale; default the largest value (1 for shares is typical). */
	max?: number;
}

function open(id: string, title: string, desc: string, height: number): string {
	return (
		`<svg xmlns="http://www.w3.org/2000/svg" class="cd-chart" role="img" viewBox="0 0 ${WIDTH} ${height}" ` +
		`width="100%" preserveAspectRatio="xMinYMin meet" aria-labelledby="${id}-title ${id}-desc" ` +
		`font-family="system-ui, sans-serif" font-size="${FONT}">` +
		`<title id="${id}-title">${escapeXml(title)}</title><desc id="${id}-desc">${escapeXml(desc)}</desc>` +
		`<defs><pattern id="${id}-hatch" patternUnits="userSpaceOnUse" width="6" height="6" patternTransform="rotate(45)">` +
		`<rect width="6" height="6" fill="#ffffff"/><line x1="0" y1="0" x2="0" y2="6" stroke="#1d3f66" stroke-width="3"/></pattern></defs>`
	);
}

function langAttr(lang: string | undefined): string {
	// In HTML, SVG's text takes xml:lang (a `lang` attribute is not valid there).
	return lang ? ` xml:lang="${escapeXml(lang)}"` : '';
}

/**
 * Horizontal bars, one per datum, label on the left and the value written on the right. Negative
 * values grow left of a zero line.
 * @example renderBarChart({ id: 'answers', title: 'Answers', desc: '…', data: [{ label: 'PT', value: 0.3, display: '30 %' }], max: 1 })
 */
export function renderBarChart(options: ChartOptions): string {
	const { id, data } = options;
	// Wide enough for 24 characters at the chart's font size; longer labels are clipped (the table has them whole).
	const labelWidth = 200;
	const valueWidth = 150;
	const row = 26;
	const bar = 16;
	const top = 8;
	const plot = WIDTH - labelWidth - valueWidth;
	const values = data.map((d) => d.value);
	const max = Math.max(options.max ?? 0, ...values, 0);
	const min = Math.min(0, ...values);
	const span = max - min || 1;
	const x = (v: number) => labelWidth + ((v - min) / span) * plot;
	const height = top * 2 + Math.max(1, data.length) * row;
	let out = open(id, options.title, options.desc, height);
	const zero = x(0);
	out += `<line x1="${zero.toFixed(1)}" y1="${top - 2}" x2="${zero.toFixed(1)}" y2="${height - top + 2}" stroke="#333333" stroke-width="1"/>`;
	data.forEach((d, i) => {
		const y = top + i * row;
		const x0 = Math.min(zero, x(d.value));
		const w = Math.max(Math.abs(x(d.value) - zero), d.value === 0 ? 0 : 1);
		const fill = d.emphasis ? `url(#${id}-hatch)` : '#1d3f66';
		out +=
			`<g><text x="${labelWidth - 8}" y="${y + bar - 3}" text-anchor="end" fill="#1a1a1a"${langAttr(d.lang)}>${escapeXml(clip(d.label, 24))}</text>` +
			`<rect x="${x0.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="${bar}" fill="${fill}" stroke="#1d3f66" stroke-width="1"/>` +
			`<text x="${WIDTH - valueWidth + 8}" y="${y + bar - 3}" fill="#1a1a1a">${escapeXml(d.display)}</text></g>`;
	});
	return `${out}</svg>`;
}

/**
 * Vertical columns over a baseline (e.g. one per month), each value written above its column and
 * its label below; a line joins the tops so a trend reads at a glance.
 * @example renderColumnChart({ id: 'failures', title: '…', desc: '…', data: months, max: 1 })
 */
export function renderColumnChart(options: ChartOptions): string {
	const { id, data } = options;
	const left = 8;
	const top = 22;
	const plotHeight = 180;
	const labelHeight = 34;
	const height = top + plotHeight + labelHeight;
	const max = Math.max(options.max ?? 0, ...data.map((d) => d.value), 0) || 1;
	const slot = (WIDTH - left * 2) / Math.max(1, data.length);
	const col = Math.min(40, slot * 0.6);
	const y = (v: number) => top + plotHeight - (Math.max(0, v) / max) * plotHeight;
	let out = open(id, options.title, options.desc, height);
	const base = top + plotHeight;
	out += `<line x1="${left}" y1="${base}" x2="${WIDTH - left}" y2="${base}" stroke="#333333" stroke-width="1"/>`;
	const points: string[] = [];
	data.forEach((d, i) => {
		const cx = left + slot * i + slot / 2;
		const yTop = y(d.value);
		points.push(`${cx.toFixed(1)},${yTop.toFixed(1)}`);
		const fill = d.emphasis ? `url(#${id}-hatch)` : '#ffffff';
		out +=
			`<g><rect x="${(cx - col / 2).toFixed(1)}" y="${yTop.toFixed(1)}" width="${col.toFixed(1)}" height="${(base - yTop).toFixed(1)}" fill="${fill}" stroke="#1d3f66" stroke-width="1.5"/>` +
			`<text x="${cx.toFixed(1)}" y="${(yTop - 5).toFixed(1)}" text-anchor="middle" font-size="11" fill="#1a1a1a">${escapeXml(d.display)}</text>` +
			`<text x="${cx.toFixed(1)}" y="${base + 16}" text-anchor="middle" font-size="11" fill="#1a1a1a"${langAttr(d.lang)}>${escapeXml(clip(d.label, 10))}</text></g>`;
	});
	if (points.length > 1)
		out += `<polyline points="${points.join(' ')}" fill="none" stroke="#1d3f66" stroke-width="2" stroke-dasharray="4 3"/>`;
	return `${out}</svg>`;
}
