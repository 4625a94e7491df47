import fs from 'node:fs';
import path from 'node:path';

// A small MIME reader for the outbox's .eml files (no mail parser is installed): headers unfolded,
// RFC 2047 words decoded, and the text/plain and text/html parts of a multipart/alternative message
// decoded from quoted-printable or base64. Enough to assert what a recipient's mail client shows.

export interface ParsedMail {
	file: string;
	headers: Map<string, string>;
	to: string;
	subject: string;
	text: string;
	html: string;
}

function splitHead(raw: string): { head: Map<string, string>; body: string } {
	const end = raw.search(/\r?\n\r?\n/);
	const block = raw.slice(0, end).replace(/\r?\n[ \t]+/g, ' ');
	const head = new Map<string, string>();
	for (const line of block.split(/\r?\n/)) {
		const colon = line.indexOf(':');
		if (colon > 0)
			head.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
	}
	return { head, body: raw.slice(end).replace(/^\r?\n\r?\n/, '') };
}

function decodeWords(value: string): string {
	return value
		.replace(/(\?=)\s+(=\?)/g, '$1$2')
		.replace(/=\?utf-8\?([bq])\?([^?]*)\?=/gi, (_, enc: string, text: string) =>
			enc.toLowerCase() === 'b'
				? Buffer.from(text, 'base64').toString('utf8')
				: decodeQp(text.replace(/_/g, ' ')),
		);
}

function decodeQp(text: string): string {
	const soft = text.replace(/=\r?\n/g, '');
	const bytes: number[] = [];
	for (let i = 0; i < soft.length; i++) {
		const c = soft[i]!;
		if (c === '=' && /^[0-9A-F]{2}$/i.test(soft.slice(i + 1, i + 3))) {
			bytes.push(parseInt(soft.slice(i + 1, i + 3), 16));
			i += 2;
		} else bytes.push(...Buffer.from(c, 'utf8'));
	}
	return Buffer.from(bytes).toString('utf8');
}

function decodePart(head: Map<string, string>, body: string): string {
	const encoding = (head.get('content-transfer-encoding') ?? '7bit').toLowerCase();
	if (encoding === 'quoted-printable') return decodeQp(body);
	if (encoding === 'base64')
		return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
	return body;
}

export function parseEml(raw: string, file = ''): ParsedMail {
	const { head, body } = splitHead(raw);
	const type = head.get('content-type') ?? 'text/plain';
	let text = '';
	let html = '';
	const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
	if (boundary) {
		for (const chunk of body.split(`--${boundary}`).slice(1)) {
			if (chunk.startsWith('--')) break;
			const part = splitHead(chunk.replace(/^\r?\n/, ''));
			const partType = part.head.get('content-type') ?? '';
			const content = decodePart(part.head, part.body.replace(/\r?\n$/, ''));
			if (partType.startsWith('text/plain')) text = content;
			if (partType.startsWith('text/html')) html = content;
		}
	} else text = decodePart(head, body);
	return {
		file,
		headers: head,
		to: head.get('to') ?? '',
		subject: decodeWords(head.get('subject') ?? ''),
		text,
		html,
	};
}

/** Every mail of an outbox directory, oldest first. */
export function readOutbox(outboxDir: string): ParsedMail[] {
	if (!fs.existsSync(outboxDir)) return [];
	return fs
		.readdirSync(outboxDir)
		.filter((f) => f.endsWith('.eml'))
		.sort()
		.map((f) => parseEml(fs.readFileSync(path.join(outboxDir, f), 'utf8'), f));
}
