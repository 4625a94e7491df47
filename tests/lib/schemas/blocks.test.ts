// The form maps each issue's path to a field and its code to a message: these are the answers an
// editor gets for a body that cannot be saved.
import { describe, expect, it } from 'vitest';
import { MAX_BODY_CHARS } from '../../../src/lib/markdown';
import { MAX_BLOCKS, parseBlocks } from '../../../src/lib/schemas/blocks';

const VALID = [
	{ type: 'text', markdown: '## Why\n\nBecause.' },
	{ type: 'gallery', photos: [{ media: 'm1', alt: 'The showroom', caption: 'Launch day' }] },
	{
		type: 'video',
		media: 'v1',
		title: 'The launch',
		captions: [{ media: 'c1', srclang: 'pt-BR', label: 'Português' }],
	},
	{ type: 'results' },
	{ type: 'quote', text: 'It worked.', author: 'Ana Ruiz', role: 'Sales lead' },
	{ type: 'callout', kind: 'tip', markdown: 'Start **early**.' },
];

describe('parseBlocks', () => {
	it('accepts a body using every kind of block, in the order given', () => {
		const result = parseBlocks(VALID);
		expect(result.ok).toBe(true);
		if (result.ok) expect(result.blocks.map((b) => b.type)).toEqual(VALID.map((b) => b.type));
	});

	it('lets a video have no captions', () => {
		const result = parseBlocks([{ type: 'video', media: 'v1', title: 'The launch' }]);
		expect(result).toEqual({
			ok: true,
			blocks: [{ type: 'video', media: 'v1', title: 'The launch', captions: [] }],
		});
	});

	it('points at the photo whose alt text is missing or blank', () => {
		const result = parseBlocks([
			{ type: 'text', markdown: 'Intro' },
			{
				type: 'gallery',
				photos: [{ media: 'm1', alt: 'ok' }, { media: 'm2', alt: '  ' }, { media: 'm3' }],
			},
		]);
		expect(result).toEqual({
			ok: false,
			issues: [
				{ path: [1, 'photos', 1, 'alt'], code: 'required' },
				{ path: [1, 'photos', 2, 'alt'], code: 'required' },
			],
		});
	});

	it('refuses an empty gallery and one of more than 12 photos', () => {
		const photo = { media: 'm', alt: 'A photo' };
		expect(parseBlocks([{ type: 'gallery', photos: [] }])).toEqual({
			ok: false,
			issues: [{ path: [0, 'photos'], code: 'too-few' }],
		});
		expect(parseBlocks([{ type: 'gallery', photos: Array(13).fill(photo) }])).toEqual({
			ok: false,
			issues: [{ path: [0, 'photos'], code: 'too-many' }],
		});
	});

	it('asks a video for its title and a valid, unique language per caption track', () => {
		const result = parseBlocks([
			{
				type: 'video',
				media: 'v1',
				title: '',
				captions: [
					{ media: 'c1', srclang: 'english', label: 'English' },
					{ media: 'c2', srclang: 'fr', label: 'Français' },
					{ media: 'c3', srclang: 'fr', label: 'Français (2)' },
				],
			},
		]);
		expect(result).toEqual({
			ok: false,
			issues: [
				{ path: [0, 'title'], code: 'required' },
				{ path: [0, 'captions', 0, 'srclang'], code: 'invalid-lang' },
				{ path: [0, 'captions', 2, 'srclang'], code: 'duplicate-lang' },
			],
		});
	});

	it('asks a quote for its text and author, and a callout for a kind <Callout> knows', () => {
		const result = parseBlocks([
			{ type: 'quote', text: 'Yes.', author: '' },
			{ type: 'callout', kind: 'lesson', markdown: 'x' },
		]);
		expect(result.ok).toBe(false);
		if (!result.ok) {
			expect(result.issues).toEqual([
				{ path: [0, 'author'], code: 'required' },
				{ path: [1, 'kind'], code: 'invalid_enum_value' },
			]);
		}
	});

	it('refuses an unknown block type and unknown fields', () => {
		const result = parseBlocks([
			{ type: 'html', html: '<script></script>' },
			{ type: 'text', markdown: 'x', html: '<b>' },
		]);
		expect(result.ok).toBe(false);
		if (!result.ok) {
			expect(result.issues.map((i) => [i.path, i.code])).toEqual([
				[[0, 'type'], 'invalid_union_discriminator'],
				[[1], 'unrecognized_keys'],
			]);
		}
	});

	it('refuses more than 60 blocks and a body over the size limit', () => {
		const text = { type: 'text', markdown: 'x' };
		expect(parseBlocks(Array(MAX_BLOCKS).fill(text)).ok).toBe(true);
		expect(parseBlocks(Array(MAX_BLOCKS + 1).fill(text))).toEqual({
			ok: false,
			issues: [{ path: [], code: 'too-many' }],
		});
		const half = { type: 'text', markdown: 'a'.repeat(MAX_BODY_CHARS / 2 + 1) };
		expect(parseBlocks([half, half])).toEqual({
			ok: false,
			issues: [{ path: [], code: 'too-long' }],
		});
		expect(parseBlocks([{ type: 'text', markdown: 'a'.repeat(MAX_BODY_CHARS + 1) }])).toEqual({
			ok: false,
			issues: [{ path: [0, 'markdown'], code: 'too-long' }],
		});
	});

	it('refuses author text whose markup would take seconds to render', () => {
		expect(
			parseBlocks([
				{ type: 'text', markdown: 'Fine.' },
				{ type: 'callout', kind: 'tip', markdown: '*a'.repeat(2_000) },
			]),
		).toEqual({ ok: false, issues: [{ path: [1, 'markdown'], code: 'too-complex' }] });
	});
});
