import { describe, expect, it } from 'vitest';
import { escapeHtml, renderMessageBody } from '../../src/lib/linkify';

const rel = 'rel="noopener noreferrer nofollow"';

describe('renderMessageBody', () => {
	it('escapes all HTML-special characters', () => {
		expect(renderMessageBody(`a & b < c > d " e ' f`)).toBe(
			'a &amp; b &lt; c &gt; d &quot; e &#39; f',
		);
	});

	it('keeps line breaks as <br>', () => {
		expect(renderMessageBody('one\r\ntwo\nthree')).toBe('one<br>\ntwo<br>\nthree');
	});

	it('links http and https URLs, leaving sentence punctuation outside', () => {
		expect(renderMessageBody('See https://example.com/a?b=1&c=2.')).toBe(
			`See <a href="https://example.com/a?b=1&amp;c=2" ${rel}>https://example.com/a?b=1&amp;c=2</a>.`,
		);
		expect(renderMessageBody('(http://example.com/x)')).toBe(
			`(<a href="http://example.com/x" ${rel}>http://example.com/x</a>)`,
		);
		expect(renderMessageBody('https://en.wikipedia.org/wiki/Foo_(bar)')).toBe(
			`<a href="https://en.wikipedia.org/wiki/Foo_(bar)" ${rel}>https://en.wikipedia.org/wiki/Foo_(bar)</a>`,
		);
	});

	it('keeps XSS payloads inert', () => {
		const script = renderMessageBody('<script>alert(1)</script>');
		expect(script).toBe('&lt;script&gt;alert(1)&lt;/script&gt;');

		const img = renderMessageBody('"><img src=x onerror=alert(1)>');
		expect(img).toBe('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;');
		expect(img).not.toMatch(/<img/);

		const js = renderMessageBody('javascript:alert(1)');
		expect(js).toBe('javascript:alert(1)');
		expect(js).not.toContain('<a');

		const jsLink = renderMessageBody('<a href="javascript:alert(1)">x</a>');
		expect(jsLink).not.toMatch(/<a /);
	});

	it('cannot break out of the href attribute', () => {
		const html = renderMessageBody(
			`https://example.com/"onmouseover="alert(1) https://example.com/'x'`,
		);
		expect(html).toBe(
			`<a href="https://example.com/" ${rel}>https://example.com/</a>&quot;onmouseover=&quot;alert(1) ` +
				`<a href="https://example.com/" ${rel}>https://example.com/</a>&#39;x&#39;`,
		);
		// Only our own tags remain.
		expect(html.match(/<[a-z]/g)).toEqual(['<a', '<a']);
	});

	it('does not link other schemes or hostless URLs', () => {
		expect(renderMessageBody('data:text/html,<b>x</b> ftp://example.com http://')).toBe(
			'data:text/html,&lt;b&gt;x&lt;/b&gt; ftp://example.com http://',
		);
	});
});

describe('escapeHtml', () => {
	it('escapes the ampersand first so nothing is double-escaped wrongly', () => {
		expect(escapeHtml('&lt;')).toBe('&amp;lt;');
	});
});
