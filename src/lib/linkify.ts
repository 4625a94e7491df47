// Message bodies are stored as typed and turned into HTML only here: everything is escaped first,
// then http(s) URLs become links. No other scheme is ever linked, so `javascript:` stays text.

const URL_PATTERN = /\bhttps?:\/\/[^\s<>"'`]+/giu;
// Punctuation that usually ends a sentence rather than a URL.
const TRAILING_PUNCTUATION = /[.,;:!?)\]}*]+$/u;

/**
 * Safe HTML for a message body: escaped text, clickable http(s) links, line breaks as `<br>`.
 * @example renderMessageBody('See https://example.com/a?b=1&c=2.\nThanks')
 * // 'See <a href="https://example.com/a?b=1&amp;c=2" rel="noopener noreferrer nofollow">https://example.com/a?b=1&amp;c=2</a>.<br>\nThanks'
 */
export function renderMessageBody(text: string): string {
	const normalized = text.replace(/\r\n?/g, '\n');
	let html = '';
	let last = 0;
	for (const match of normalized.matchAll(URL_PATTERN)) {
		const start = match.index ?? 0;
		const url = trimUrl(match[0]);
		if (!isHttpUrl(url)) continue;
		html += escapeHtml(normalized.slice(last, start));
		const safe = escapeHtml(url);
		html += `<a href="${safe}" rel="noopener noreferrer nofollow">${safe}</a>`;
		last = start + url.length;
	}
	html += escapeHtml(normalized.slice(last));
	return html.replace(/\n/g, '<br>\n');
}

/**
 * Escapes the five HTML-special characters, for text and attribute values alike.
 * @example escapeHtml('<a href="x">') // '&lt;a href=&quot;x&quot;&gt;'
 */
export function escapeHtml(text: string): string {
	return text
		.replace(/&/g, '&amp;')
		.replace(/</g, '&lt;')
		.replace(/>/g, '&gt;')
		.replace(/"/g, '&quot;')
		.replace(/'/g, '&#39;');
}

// Drops sentence punctuation after a URL, but keeps a closing parenthesis that has its opening one
// inside the URL (https://en.wikipedia.org/wiki/Foo_(bar)).
function trimUrl(url: string): string {
	let trimmed = url.replace(TRAILING_PUNCTUATION, '');
	while (url.length > trimmed.length && url[trimmed.length] === ')') {
		const opens = trimmed.split('(').length - 1;
		const closes = trimmed.split(')').length - 1;
		if (opens <= closes) break;
		trimmed += ')';
	}
	return trimmed;
}

function isHttpUrl(candidate: string): boolean {
	try {
		const url = new URL(candidate);
		return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
	} catch {
		return false;
	}
}
