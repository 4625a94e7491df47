// Every way a submitted file can be refused, as a code and its parameters. Pages map each code to an
// English or French sentence; nothing in this folder writes sentences for people, so the wording
// stays in one place per language.

/** Why a caption file was refused; `line` (1-based) points the editor at the place to fix. */
export type CaptionProblem =
	| 'not-utf8'
	| 'too-large'
	| 'missing-header'
	| 'looks-like-srt'
	| 'bad-timing'
	| 'end-before-start'
	| 'markup'
	| 'no-cues';

export type MediaError =
	// receiveUpload
	| { code: 'not-multipart' }
	| { code: 'truncated' }
	| { code: 'too-large'; field: string; limit: number; name?: string }
	| { code: 'too-many-files'; limit: number }
	| { code: 'too-many-fields'; limit: number }
	| { code: 'field-too-large'; field: string; limit: number }
	| { code: 'unexpected-file'; field: string }
	// detectMediaType
	| { code: 'empty-file' }
	| { code: 'wrong-type'; detected: string | null }
	| { code: 'unsupported-heic' }
	// processImage
	| { code: 'pixel-bomb'; limit: number }
	| { code: 'too-small'; width: number; minWidth: number }
	| { code: 'unreadable' }
	// probeVideo, transcodeVideo
	| { code: 'not-a-video' }
	| { code: 'video-incomplete' }
	| { code: 'no-video-track' }
	| { code: 'too-long'; durationSeconds: number; maxSeconds: number }
	| { code: 'transcode-failed' }
	| { code: 'cancelled' }
	// validateVtt
	| { code: 'invalid-captions'; line: number; problem: CaptionProblem };

export type MediaErrorCode = MediaError['code'];

/**
 * What every function here returns for a user's file: the value, or why it was refused. Bugs and
 * broken servers (a missing ffmpeg, a full disk) throw instead.
 */
export type MediaResult<T> = { ok: true; value: T } | { ok: false; error: MediaError };

export function succeed<T>(value: T): MediaResult<T> {
	return { ok: true, value };
}

export function fail<T = never>(error: MediaError): MediaResult<T> {
	return { ok: false, error };
}
