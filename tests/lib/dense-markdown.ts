// A long, densely formatted author text as people write it at their most thorough: headings,
// emphasis, links, code, lists, quotes, tables and footnotes on every line, within what the form
// accepts (checkAuthorMarkdown). Rendering it costs the Markdown pipeline seconds.
export function denseBody(chars: number): string {
	const parts: string[] = [];
	let length = 0;
	for (let i = 1; length < chars; i++) {
		const section = [
			`## Step ${i}: the **fleet desk** in _region ${i}_`,
			`Calls rose by **${i}%** after the [phone line](https://example.com/line/${i}) opened; see \`desk-${i}\` and the ~~old~~ new script.[^n${i}]`,
			`- **Lead** from the _website_ (${i})\n- Call back within [one hour](https://example.com/sla)\n- Log it in \`crm-${i}\``,
			`> A dealer in town ${i} said: *"the desk answers before we do"* — [interview](https://example.com/i/${i}).`,
			`| Week | Calls | Orders | Note |\n| --- | ---: | ---: | --- |\n${[0, 1, 2, 3]
				.map(
					(w) => `| ${i + w} | ${i * 7 + w} | ${i * 3 + w} | <${'https'}://example.com/w/${w}> |`,
				)
				.join('\n')}`,
			`1. Open the desk &amp; greet\n   - ask the fleet size\n   - ask the model\n2. Offer a <https://example.com/test-drive> slot`,
			`[^n${i}]: Source: the desk's own log, week ${i}.`,
		].join('\n\n');
		parts.push(section);
		length += section.length + 2;
	}
	return parts
		.join('\n\n')
		.slice(0, chars)
		.replace(/\n[^\n]*$/, '');
}

/**
 * The same text cut into text blocks of at most `perBlock` characters, at its headings, as the form
 * wants it (a text block holds 20,000 characters, a body 100,000).
 */
export function denseBlocks(chars: number, perBlock: number): string[] {
	const blocks: string[] = [];
	let current = '';
	for (const section of denseBody(chars).split(/\n\n(?=## )/)) {
		if (current && current.length + 2 + section.length > perBlock) {
			blocks.push(current);
			current = '';
		}
		current = current ? `${current}\n\n${section}` : section;
	}
	if (current) blocks.push(current);
	return blocks;
}
