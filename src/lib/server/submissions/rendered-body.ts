// The text of a published version, rendered once when it is published and stored with it, so that a
// reader's page copies HTML instead of running the Markdown pipeline (a long dense body costs it
// seconds, and every server process paid them again on its first reader). The stored HTML is the
// output of the very function the page renders with (src/lib/submission-text.ts), made for each page
// language; `renderer` names the code that made it, and HTML made by another release, or missing
// (versions published before it was stored), is rendered on the first read and stored then.
import type { Database } from 'better-sqlite3';
import crypto from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { computeAuthorMarkdownVersion } from '../../../integrations/author-markdown-version';
import {
	getSubmissionTextLabels,
	renderSubmissionTexts,
	type RenderedTexts,
} from '../../submission-text';
import { LANGS, type Lang } from '../../taxonomy';
import { prepare } from '../db';

let rendererVersion: string | null = null;

/**
 * This release's renderer, with the page labels the HTML carries: a build constant when built; read
 * from the sources otherwise (tests run them), by the same function the build uses.
 */
export function getRendererVersion(): string {
	if (rendererVersion) return rendererVersion;
	const code =
		typeof __AUTHOR_MARKDOWN_VERSION__ === 'string'
			? __AUTHOR_MARKDOWN_VERSION__
			: computeAuthorMarkdownVersion(fileURLToPath(new URL('../../../../', import.meta.url)));
	const labels = JSON.stringify(LANGS.map((l) => getSubmissionTextLabels(l)));
	rendererVersion = `${code}-${crypto.createHash('sha256').update(labels).digest('hex').slice(0, 8)}`;
	return rendererVersion;
}

/** How often the Markdown pipeline ran for a reader's page (not at publication): operators' check. */
export const renderedOnRead = { count: 0 };

/** The texts of a body in every page language, ready to store with its version. */
export function renderVersionTexts(blocks: readonly unknown[]): Record<string, RenderedTexts> {
	// Named first: what cannot name its renderer cannot store its HTML either, and the publication
	// is refused before its transaction.
	getRendererVersion();
	return renderSubmissionTexts(blocks, LANGS);
}

/** Stores the rendered texts of a version (replacing what another renderer made). */
export function storeVersionTexts(
	db: Database,
	versionId: number,
	texts: Record<string, RenderedTexts>,
	now: number,
): void {
	const upsert = prepare(
		db,
		`INSERT INTO submission_version_render (version_id, lang, renderer, blocks, rendered_at)
		VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (version_id, lang) DO UPDATE SET
			renderer = excluded.renderer, blocks = excluded.blocks, rendered_at = excluded.rendered_at`,
	);
	for (const [lang, blocks] of Object.entries(texts)) {
		upsert.run(versionId, lang, getRendererVersion(), JSON.stringify(blocks), now);
	}
}

/** True when the version has HTML from this release's renderer for every page language. */
export function hasCurrentTexts(db: Database, versionId: number): boolean {
	const row = prepare(
		db,
		'SELECT COUNT(*) AS n FROM submission_version_render WHERE version_id = ? AND renderer = ?',
	).get(versionId, getRendererVersion()) as { n: number };
	return row.n >= LANGS.length;
}

/**
 * The HTML of a live version's text blocks for a page in `lang`: the stored render when this release
 * made it; otherwise rendered now (a version published before renders were stored, or by an older
 * release) and stored, so the next reader, in any server process, gets it stored.
 */
export function getVersionTexts(
	db: Database,
	version: { id: number; blocks: readonly unknown[] },
	lang: Lang,
	now: number,
): RenderedTexts {
	const row = prepare(
		db,
		'SELECT renderer, blocks FROM submission_version_render WHERE version_id = ? AND lang = ?',
	).get(version.id, lang) as { renderer: string; blocks: string } | undefined;
	if (row && row.renderer === getRendererVersion()) return JSON.parse(row.blocks) as RenderedTexts;
	renderedOnRead.count++;
	const texts = renderSubmissionTexts(version.blocks, [lang]);
	storeVersionTexts(db, version.id, texts, now);
	return texts[lang]!;
}
