// What the search tests share: the indexed pages of a build, read from their HTML, and the whole
// result list on screen.
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import type { Page } from 'playwright-core';

export interface BuiltPage {
	url: string;
	date: string;
	country: string;
}

/** The case-study pages of `client` that are indexed, with their sort date and country. */
export function readIndexedPages(client: string): BuiltPage[] {
	const root = path.join(client, 'case-studies');
	const pages: BuiltPage[] = [];
	for (const slug of fs.readdirSync(root)) {
		const file = path.join(root, slug, 'index.html');
		if (!fs.existsSync(file)) continue;
		const html = fs.readFileSync(file, 'utf8');
		if (!/\sdata-pagefind-body\b/.test(html)) continue;
		pages.push({
			url: `/case-studies/${slug}/`,
			date: /data-pagefind-sort="date"[^>]*>([^<]*)</.exec(html)![1],
			country: /data-pagefind-filter="country"[^>]*>([^<]*)</.exec(html)![1],
		});
	}
	return pages;
}

/** Clicks "More" until all `count` results are on screen. */
export async function showAll(page: Page, count: number) {
	const more = page.locator('[data-cd-more]');
	await expect
		.poll(
			async () => {
				if (await more.isVisible()) await more.click({ timeout: 1000 }).catch(() => {});
				return page.locator('.cd-search__hit').count();
			},
			{ timeout: 20_000 },
		)
		.toBe(count);
}
