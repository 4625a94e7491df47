import { describe, expect, it } from 'vitest';
import {
	MAX_VTT_BYTES,
	validateVtt,
} from '../../../../../src/lib/server/submissions/media/captions';

const GOOD = `WEBVTT - Test drive

NOTE written by the Lyon dealership

1
00:00:01.000 --> 00:00:04.250
<v Claire>Welcome to the showroom.</v>

00:04.500 --> 00:07.000 line:85% align:center
<i>The engine starts</i> &lt;quietly&gt;
<c.yellow>Listen</c> <00:00:06.000>now
`;

const problem = (text: string | Uint8Array) => {
	const result = validateVtt(text);
	return result.ok ? 'ok' : result.error;
};

describe('validateVtt', () => {
	it('takes a WebVTT file with cue settings, a note and the cue tags players show', () => {
		expect(validateVtt(GOOD)).toEqual({ ok: true, value: { text: GOOD, cues: 2 } });
		// Windows line ends and a byte order mark, as Notepad saves it.
		const windows = Buffer.from(`\uFEFF${GOOD.replace(/\n/g, '\r\n')}`, 'utf8');
		expect(validateVtt(windows)).toEqual({ ok: true, value: { text: GOOD, cues: 2 } });
	});

	it('asks for WebVTT when given an SRT file', () => {
		const srt = '1\n00:00:01,000 --> 00:00:04,000\nWelcome\n';
		expect(problem(srt)).toEqual({ code: 'invalid-captions', line: 1, problem: 'looks-like-srt' });
		expect(problem('Welcome to the showroom\n')).toEqual({
			code: 'invalid-captions',
			line: 1,
			problem: 'missing-header',
		});
	});

	it('points at the line whose timing is wrong or runs backwards', () => {
		expect(
			problem('WEBVTT\n\n00:00:01.000 --> 00:00:04.000\nok\n\n00:00:05 --> 00:00:06.000\nx\n'),
		).toEqual({ code: 'invalid-captions', line: 6, problem: 'bad-timing' });
		expect(problem('WEBVTT\n\n00:01:61.000 --> 00:01:62.000\nx\n')).toMatchObject({
			line: 3,
			problem: 'bad-timing',
		});
		expect(problem('WEBVTT\n\nintro\n00:00:09.000 --> 00:00:04.000\nx\n')).toEqual({
			code: 'invalid-captions',
			line: 4,
			problem: 'end-before-start',
		});
	});

	it('refuses markup other than cue tags, wherever it hides', () => {
		for (const [text, line] of [
			['WEBVTT\n\n00:01.000 --> 00:02.000\nHello <script>alert(1)</script>\n', 4],
			['WEBVTT\n\n00:01.000 --> 00:02.000\n<img src=x onerror=alert(1)>\n', 4],
			['WEBVTT\n\n00:01.000 --> 00:02.000\nfine\n<i onclick="x()">no</i>\n', 5],
			['WEBVTT\n\nSTYLE\n::cue { background: url(<x>) }\n\n00:01.000 --> 00:02.000\nx\n', 4],
		] as const) {
			expect(problem(text)).toEqual({ code: 'invalid-captions', line, problem: 'markup' });
		}
	});

	it('refuses a file that is not UTF-8, too large, or has no captions at all', () => {
		const latin1 = Buffer.from('WEBVTT\n\n00:01.000 --> 00:02.000\nBienvenue à Lyon\n', 'latin1');
		expect(problem(latin1)).toEqual({ code: 'invalid-captions', line: 4, problem: 'not-utf8' });
		const huge = `WEBVTT\n\n${'00:01.000 --> 00:02.000\nbla bla bla\n\n'.repeat(MAX_VTT_BYTES / 30)}`;
		expect(problem(huge)).toMatchObject({ problem: 'too-large' });
		expect(problem('WEBVTT\n\nNOTE nothing yet\n')).toMatchObject({ problem: 'no-cues' });
	});
});
