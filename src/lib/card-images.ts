// Reads the card image manifest written by src/pages/images/cards.json.ts, once per process.
import fs from 'node:fs';
import path from 'node:path';
import { getClientDir } from './config';

/** Widths (px) of case-study card images. */
export const CARD_WIDTHS = [480, 800] as const;

export interface CardImage {
	src: string;
	srcset: string;
	width: number;
	height: number;
}

let manifest: Record<string, CardImage> | null | undefined;

/** The optimised card image of a study, or null when there is no built manifest (dev server). */
export function getCardImage(studyId: string): CardImage | null {
	if (manifest === undefined) {
		const dir = getClientDir();
		try {
			manifest = dir
				? JSON.parse(fs.readFileSync(path.join(dir, 'images', 'cards.json'), 'utf8'))
				: null;
		} catch {
			manifest = null;
		}
	}
	return manifest?.[studyId] ?? null;
}

/** Widths (px) of people's portraits on cards (PersonCard). */
export const PORTRAIT_CARD_WIDTHS = [96, 192] as const;

let portraits: Record<string, Record<'card' | 'profile', CardImage>> | null | undefined;

/**
 * The optimised portrait of a person, on a card (PersonCard) or on their profile page; null when they
 * have no photo or there is no built manifest.
 */
export function getPortraitImage(
	personId: string,
	use: 'card' | 'profile' = 'card',
): CardImage | null {
	if (portraits === undefined) {
		const dir = getClientDir();
		try {
			portraits = dir
				? JSON.parse(fs.readFileSync(path.join(dir, 'images', 'portraits.json'), 'utf8'))
				: null;
		} catch {
			portraits = null;
		}
	}
	return portraits?.[personId]?.[use] ?? null;
}
