// Captions follow subtitle practice, so they can be read while watching: at most 2 lines per cue, at
// most 42 characters a line and at most 20 characters a second (spaces count, line breaks do not).
// Every WebVTT file of the content and of the test fixture site is checked.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOTS = ['content', 'tests/e2e/fixtures'];
const MAX_LINES = 2;
const MAX_LINE_CHARS = 42;
const MAX_CPS = 20;

function findVtt(dir: string): string[] {
	return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
		const full = path.join(dir, entry.name);
		if (entry.isDirectory()) return findVtt(full);
		return entry.name.endsWith('.vtt') ? [full] : [];
	});
}

/** Seconds of a WebVTT timestamp: `hh:mm:ss.ttt` or `mm:ss.ttt`. */
function seconds(stamp: string): number {
	const parts = stamp.split(':').map(Number);
	return parts.reduce((total, part) => total * 60 + part, 0);
}

interface Cue {
	start: number;
	end: number;
	lines: string[];
}

/** The cues of a WebVTT file; the text without its tags (`<v Anna>`, `<i>`), entities decoded. */
function parseVtt(text: string): Cue[] {
	const blocks = text.replace(/\r\n?/g, '\n').split(/\n{2,}/);
	expect(blocks[0]!.startsWith('WEBVTT')).toBe(true);
	const cues: Cue[] = [];
	for (const block of blocks.slice(1)) {
		const lines = block.split('\n').filter((l) => l !== '');
		const timing = lines.findIndex((l) => l.includes('-->'));
		if (timing === -1) continue; // NOTE, STYLE or REGION blocks
		const [start, end] = lines[timing]!.split('-->').map((s) => seconds(s.trim().split(/\s+/)[0]!));
		cues.push({
			start: start!,
			end: end!,
			lines: lines
				.slice(timing + 1)
				.map((l) =>
					l
						.replace(/<[^>]*>/g, '')
						.replace(/&lt;/g, '<')
						.replace(/&gt;/g, '>')
						.replace(/&amp;/g, '&')
						.replace(/&nbsp;/g, '\u00a0'),
				),
		});
	}
	return cues;
}

const files = ROOTS.flatMap(findVtt);

describe('captions', () => {
	it('finds the caption files of the content and the fixture site', () => {
		expect(files).toEqual(
			expect.arrayContaining([
				path.join('content/case-studies/kestrel-launch-italy/clip.vtt'),
				path.join('content/case-studies/kestrel-launch-italy/clip.fr.vtt'),
				path.join('tests/e2e/fixtures/site/case-studies/alpha-launch/clip.vtt'),
			]),
		);
	});

	it.each(files)('%s follows subtitle practice', (file) => {
		const cues = parseVtt(fs.readFileSync(file, 'utf8'));
		expect(cues.length).toBeGreaterThan(0);
		const problems: string[] = [];
		for (const cue of cues) {
			const where = `cue at ${cue.start}s`;
			const duration = cue.end - cue.start;
			if (!(duration > 0)) problems.push(`${where}: ends before it starts`);
			if (cue.lines.length > MAX_LINES)
				problems.push(`${where}: ${cue.lines.length} lines (at most ${MAX_LINES})`);
			for (const line of cue.lines) {
				const n = [...line].length;
				if (n > MAX_LINE_CHARS)
					problems.push(`${where}: "${line}" has ${n} characters (at most ${MAX_LINE_CHARS})`);
			}
			const chars = cue.lines.reduce((sum, line) => sum + [...line].length, 0);
			const cps = chars / duration;
			if (cps > MAX_CPS)
				problems.push(`${where}: ${cps.toFixed(1)} characters a second (at most ${MAX_CPS})`);
		}
		expect(problems).toEqual([]);
	});

	it('counts what a reader reads: a too fast cue is refused', () => {
		const [cue] = parseVtt('WEBVTT\n\n00:00.000 --> 00:01.000\nThe crowd gathers in the square.\n');
		expect([...cue!.lines.join('')].length / (cue!.end - cue!.start)).toBeGreaterThan(MAX_CPS);
	});
});
