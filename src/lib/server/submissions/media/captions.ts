import { fail, succeed, type CaptionProblem, type MediaResult } from './errors';

// Captions are served next to the video and parsed by every reader's browser, so only what WebVTT
// cues need gets through: timings that make sense and the handful of cue tags (italics for a voice
// off-screen, a speaker's name). Anything else in angle brackets is refused, not cleaned: the editor
// fixes the file and sees what readers will see.

/** Largest caption file: 512 KB is hours of dialogue. */
export const MAX_VTT_BYTES = 512 * 1024;

export interface ValidCaptions {
	/** The text as UTF-8, byte order mark removed, line ends normalised to \n. */
	text: string;
	cues: number;
}

const TIMESTAMP = String.raw`(?:(\d{2,}):)?([0-5]\d):([0-5]\d)\.(\d{3})`;
const TIMING_LINE = new RegExp(String.raw`^${TIMESTAMP}[ \t]+-->[ \t]+${TIMESTAMP}(?:[ \t]+.*)?$`);
const SRT_TIMING = /^\d{1,2}:\d{2}:\d{2},\d{3}\s*-->\s*\d{1,2}:\d{2}:\d{2},\d{3}/;
// Classes on any tag; a free-text annotation only on <v Speaker> and <lang fr>, as the spec has it.
const CUE_TAG =
	/^(?:\/(?:b|i|u|c|v|lang|ruby|rt)|(?:b|i|u|c|ruby|rt)(?:\.[\w-]+)*|(?:v|lang)(?:\.[\w-]+)*(?:[ \t][^<>]*)?)$/;
const TIMESTAMP_TAG = new RegExp(`^${TIMESTAMP}$`);

/**
 * Checks a WebVTT caption file; a failure names the first line at fault.
 * @example const captions = validateVtt(await fs.readFile(file.path)) // { ok: false, error: { code: 'invalid-captions', line: 1, problem: 'looks-like-srt' } }
 */
export function validateVtt(input: string | Uint8Array): MediaResult<ValidCaptions> {
	const invalid = (line: number, problem: CaptionProblem) =>
		fail<ValidCaptions>({ code: 'invalid-captions', line, problem });
	let text: string;
	if (typeof input === 'string') {
		if (Buffer.byteLength(input, 'utf8') > MAX_VTT_BYTES) return invalid(1, 'too-large');
		text = input;
	} else {
		if (input.byteLength > MAX_VTT_BYTES) return invalid(1, 'too-large');
		try {
			text = new TextDecoder('utf-8', { fatal: true }).decode(input);
		} catch {
			// Usually a Windows-1252 export from an old subtitle editor.
			return invalid(firstBadUtf8Line(input), 'not-utf8');
		}
	}
	text = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
	const lines = text.split('\n');

	if (!/^WEBVTT(?:[ \t].*)?$/.test(lines[0] ?? '')) {
		const firstTiming = lines.findIndex((line) => line.includes('-->'));
		if (firstTiming >= 0 && SRT_TIMING.test(lines[firstTiming]!.trim())) {
			return invalid(1, 'looks-like-srt');
		}
		return invalid(1, 'missing-header');
	}

	let cues = 0;
	let i = 1;
	// The header block runs to the first blank line.
	while (i < lines.length && lines[i] !== '') i++;
	while (i < lines.length) {
		while (i < lines.length && lines[i] === '') i++;
		if (i >= lines.length) break;
		const start = i;
		while (i < lines.length && lines[i] !== '') i++;
		const block = lines.slice(start, i);
		const first = block[0]!;
		if (/^(?:NOTE|STYLE|REGION)(?:[ \t]|$)/.test(first) && !first.includes('-->')) {
			// Comments and styles are not shown as text, but a browser still parses them.
			const tag = block.findIndex((line) => /</.test(line));
			if (tag >= 0) return invalid(start + tag + 1, 'markup');
			continue;
		}
		// An optional cue identifier, then the timing line.
		const timingIndex = first.includes('-->') ? 0 : 1;
		const timing = block[timingIndex];
		const timingLine = start + timingIndex + 1;
		if (timing === undefined || !timing.includes('-->')) return invalid(timingLine, 'bad-timing');
		const match = TIMING_LINE.exec(timing);
		if (!match) {
			if (SRT_TIMING.test(timing.trim())) return invalid(timingLine, 'looks-like-srt');
			return invalid(timingLine, 'bad-timing');
		}
		const from = toMilliseconds(match.slice(1, 5));
		const to = toMilliseconds(match.slice(5, 9));
		if (to < from) return invalid(timingLine, 'end-before-start');
		for (let j = timingIndex + 1; j < block.length; j++) {
			const line = block[j]!;
			if (line.includes('-->')) return invalid(start + j + 1, 'bad-timing');
			if (!hasOnlyCueTags(line)) return invalid(start + j + 1, 'markup');
		}
		cues++;
	}
	if (cues === 0) return invalid(lines.length, 'no-cues');
	return succeed({ text, cues });
}

function toMilliseconds([hours, minutes, seconds, millis]: (string | undefined)[]): number {
	return (
		((Number(hours ?? 0) * 60 + Number(minutes)) * 60 + Number(seconds)) * 1000 + Number(millis)
	);
}

// WebVTT wants a literal < written &lt;, so any < opens a tag, and only cue tags are allowed.
function hasOnlyCueTags(line: string): boolean {
	for (let at = line.indexOf('<'); at >= 0; at = line.indexOf('<', at + 1)) {
		const end = line.indexOf('>', at);
		if (end < 0) return false;
		const tag = line.slice(at + 1, end);
		if (!CUE_TAG.test(tag) && !TIMESTAMP_TAG.test(tag)) return false;
	}
	return true;
}

function firstBadUtf8Line(bytes: Uint8Array): number {
	const decoder = new TextDecoder('utf-8', { fatal: true });
	let line = 1;
	let lineStart = 0;
	for (let k = 0; k <= bytes.length; k++) {
		if (k === bytes.length || bytes[k] === 0x0a) {
			try {
				decoder.decode(bytes.subarray(lineStart, k));
			} catch {
				return line;
			}
			line++;
			lineStart = k + 1;
		}
	}
	return 1;
}
