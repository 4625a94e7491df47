// What a practice's answers section shows to one reader: the countries' answers, the members' notes
// under them, and whether the reader's country still owes its answer (for a focal point, the due
// date and the link). One function for the case study's island, the web case study and the answer page.
import type { Database } from 'better-sqlite3';
import {
	listAdoptionsForPractice,
	listPublishedPostMortemsOfPractice,
	type AdoptionEntry,
} from '../adoption';
import { prepare } from '../db';
import { isFocalPoint, listOwedAnswers } from '../practices/owed';
import type { User } from '../user';
import { listCountryAnswers, type CountryAnswer } from './store';

export interface PracticeAnswersView {
	answers: CountryAnswer[];
	/** Members' experience notes (their marks), by country. */
	notesByCountry: Map<string, AdoptionEntry[]>;
	postMortems: { count: number; items: { id: number; title: string }[] };
	/** The reader's country, when it still owes an answer on this practice. */
	owed: { country: string; dueAt: number; overdue: boolean } | null;
	/** True when the reader answers for their country (a focal point of a country that may answer). */
	canAnswer: boolean;
	/** The reader's country's answer, if any. */
	mine: CountryAnswer | null;
}

/** The answers section of a practice as `user` sees it. */
export function getPracticeAnswersView(
	db: Database,
	slug: string,
	user: User | null,
	nowSeconds: number,
): PracticeAnswersView {
	const answers = listCountryAnswers(db, slug);
	const notesByCountry = new Map<string, AdoptionEntry[]>();
	for (const note of listAdoptionsForPractice(db, slug)) {
		let list = notesByCountry.get(note.country);
		if (!list) notesByCountry.set(note.country, (list = []));
		list.push(note);
	}
	const country = user?.country ?? null;
	const owedRow = country
		? listOwedAnswers(db, nowSeconds, { country, caseStudy: slug })[0]
		: undefined;
	const practiceCountry = (
		prepare(
			db,
			'SELECT practice.country FROM practice WHERE practice.slug = ? AND practice.gone_at IS NULL',
		).get(slug) as { country: string } | undefined
	)?.country;
	const focal = user && country ? isFocalPoint(db, user.id, country) : false;
	return {
		answers,
		notesByCountry,
		postMortems: listPublishedPostMortemsOfPractice(db, slug),
		owed: owedRow && country ? { country, dueAt: owedRow.dueAt, overdue: owedRow.overdue } : null,
		canAnswer: focal && practiceCountry !== undefined && practiceCountry !== country,
		mine: country ? (answers.find((a) => a.country === country) ?? null) : null,
	};
}
