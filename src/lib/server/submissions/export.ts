// An admin takes a published web case study into git: a tar of one folder, `<slug>/index.mdx` with
// its frontmatter, the photos, video, poster and captions next to it, in the form content/ expects.
// Author text becomes MDX here, so everything MDX would read as code ({…}, <…>, import/export at a
// line start) is escaped: the exported file renders the same text, never runs it.
import fs from 'node:fs';
import path from 'node:path';
import type { CommandContext } from '../context';
import { getDataDir } from '../db';
import { getUserById } from '../user';
import { splitSubmissionModels, type SubmissionFields } from '../../submission-form';
import { mediaDirectory } from './media-files';
import { getSubmission, listMedia, listVersions, type SubmissionMedia } from './store';
import { toKpis } from './web-study';

type ExportResult =
	| { ok: true; filename: string; body: Buffer }
	| { ok: false; kind: 'not-found' | 'forbidden' };

/** Text as MDX reads it literally. */
export function escapeMdxText(markdown: string): string {
	return markdown
		.replace(/\\/g, '\\\\')
		.replace(/[{}]/g, (c) => `\\${c}`)
		.replace(/</g, '&lt;')
		.replace(/^(\s*)(import|export)\b/gm, '$1\\$2');
}

const yamlString = (value: string) => JSON.stringify(value);

export function exportSubmissionCommand(ctx: CommandContext, id: number): ExportResult {
	if (ctx.user?.role !== 'admin') return { ok: false, kind: 'forbidden' };
	const s = getSubmission(ctx.db, id);
	const live = s && listVersions(ctx.db, id).find((v) => v.id === s.liveVersionId);
	if (!s || !live) return { ok: false, kind: 'not-found' };
	const media = new Map(listMedia(ctx.db, id).map((m) => [m.id, m]));
	const files: { name: string; data: Buffer }[] = [];
	const dataDir = getDataDir();
	const copy = (m: SubmissionMedia | undefined, file: string | undefined, as: string) => {
		if (!m || !file) return false;
		const source = path.join(mediaDirectory(dataDir, String(m.meta.dir)), file);
		if (!fs.existsSync(source)) return false;
		files.push({ name: as, data: fs.readFileSync(source) });
		return true;
	};
	const largest = (m: SubmissionMedia | undefined, key?: 'poster') => {
		const meta = (key ? m?.meta[key] : m?.meta) as
			| { variants?: { file: string; width: number }[] }
			| undefined;
		return [...(meta?.variants ?? [])].sort((a, b) => b.width - a.width)[0]?.file;
	};
	const f: SubmissionFields = live.fields;
	copy(media.get(f.cover.media), largest(media.get(f.cover.media)), 'cover.webp');
	const imports: string[] = [];
	const body: string[] = [];
	let photoCount = 0;
	let videoCount = 0;
	for (const b of f.blocks) {
		switch (b.type) {
			case 'text':
				body.push(escapeMdxText(b.markdown));
				break;
			case 'callout':
				body.push(`<Callout type="${b.kind}">\n\n${escapeMdxText(b.markdown)}\n\n</Callout>`);
				break;
			case 'quote':
				// <Quote> names a person of content/people; a web quote may be anyone, so it is Markdown.
				body.push(
					`${escapeMdxText(b.text)
						.split('\n')
						.map((l) => `> ${l}`)
						.join('\n')}\n>\n> — ${escapeMdxText([b.author, b.role].filter(Boolean).join(', '))}`,
				);
				break;
			case 'results':
				// The case-study layout shows the frontmatter's results; nothing to write in the body.
				break;
			case 'gallery': {
				const photos = b.photos.flatMap((p) => {
					const name = `photo${++photoCount}`;
					if (!copy(media.get(p.media), largest(media.get(p.media)), `${name}.webp`)) return [];
					imports.push(`import ${name} from './${name}.webp';`);
					return [
						`\t\t{ src: ${name}, alt: ${yamlString(p.alt)}${p.caption ? `, caption: ${yamlString(p.caption)}` : ''} },`,
					];
				});
				if (photos.length) body.push(`<Gallery\n\tphotos={[\n${photos.join('\n')}\n\t]}\n/>`);
				break;
			}
			case 'video': {
				const m = media.get(b.media);
				const n = ++videoCount;
				if (!copy(m, String(m?.meta.file ?? ''), `clip-${n}.mp4`)) break;
				imports.push(`import clip${n}Mp4 from './clip-${n}.mp4';`);
				const hasPoster = copy(m, largest(m, 'poster'), `poster-${n}.webp`);
				if (hasPoster) imports.push(`import poster${n} from './poster-${n}.webp';`);
				const captions = b.captions.flatMap((c) => {
					const vtt = media.get(c.media);
					const file = `clip-${n}.${c.srclang}.vtt`;
					if (!copy(vtt, String(vtt?.meta.file ?? 'captions.vtt'), file)) return [];
					const name = `clip${n}Vtt${c.srclang.replace(/[^a-z]/gi, '')}`;
					imports.push(`import ${name} from './${file}?url';`);
					return [
						`{ src: ${name}, srclang: ${yamlString(c.srclang)}, label: ${yamlString(c.label)} }`,
					];
				});
				body.push(
					`<Video\n\ttitle={${yamlString(b.title)}}\n\tmp4={clip${n}Mp4}${hasPoster ? `\n\tposter={poster${n}}` : ''}${captions.length ? `\n\tcaptions={[${captions.join(', ')}]}` : ''}\n/>`,
				);
				break;
			}
		}
	}
	const contacts = f.contacts
		.map((userId) => getUserById(ctx.db, userId)?.personId)
		.filter((p): p is string => !!p);
	const kpis = toKpis(f);
	const published = new Date(live.publishedAt * 1000).toISOString().slice(0, 10);
	const frontmatter = [
		'---',
		`title: ${yamlString(f.title)}`,
		`summary: ${yamlString(f.summary)}`,
		`country: ${f.country}`,
		`subsidiary: ${yamlString(f.subsidiary)}`,
		`lang: ${f.lang}`,
		`published: ${published}`,
		`reviewBy: ${f.reviewBy}`,
		`topics: [${f.topics.join(', ')}]`,
		`models: [${splitSubmissionModels(f.models).map(yamlString).join(', ')}]`,
		`channels: [${f.channels.join(', ')}]`,
		'cover:',
		"  src: './cover.webp'",
		`  alt: ${yamlString(f.cover.alt)}`,
		...(kpis.length
			? [
					'results:',
					...kpis.map(
						(k) =>
							`  - { label: ${yamlString(k.label)}, unit: ${yamlString(k.unit)}, before: ${k.before}, after: ${k.after}, period: ${yamlString(k.period)}${k.lowerIsBetter ? ', lowerIsBetter: true' : ''} }`,
					),
				]
			: []),
		`contacts: [${contacts.join(', ')}]`,
		'---',
	].join('\n');
	const mdx = `${frontmatter}\n\n${imports.join('\n')}${imports.length ? '\n\n' : ''}${body.join('\n\n')}\n`;
	files.unshift({ name: 'index.mdx', data: Buffer.from(mdx, 'utf8') });
	return {
		ok: true,
		filename: `${s.slug}.tar`,
		body: writeTar(
			files.map((file) => ({ ...file, name: `${s.slug}/${file.name}` })),
			live.publishedAt,
		),
	};
}

/** A POSIX ustar archive of regular files (names under 100 bytes, which ours always are). */
export function writeTar(files: { name: string; data: Buffer }[], mtime: number): Buffer {
	const blocks: Buffer[] = [];
	for (const file of files) {
		const header = Buffer.alloc(512, 0);
		const put = (value: string, offset: number, length: number) =>
			header.write(value, offset, Math.min(length, Buffer.byteLength(value)), 'utf8');
		const octal = (n: number, length: number) => n.toString(8).padStart(length - 1, '0') + '\0';
		put(file.name, 0, 100);
		put(octal(0o644, 8), 100, 8);
		put(octal(0, 8), 108, 8);
		put(octal(0, 8), 116, 8);
		put(octal(file.data.length, 12), 124, 12);
		put(octal(mtime, 12), 136, 12);
		put('        ', 148, 8);
		put('0', 156, 1);
		put('ustar\u000000', 257, 8);
		let sum = 0;
		for (const byte of header) sum += byte;
		put(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8);
		blocks.push(header, file.data, Buffer.alloc((512 - (file.data.length % 512)) % 512, 0));
	}
	blocks.push(Buffer.alloc(1024, 0));
	return Buffer.concat(blocks);
}
