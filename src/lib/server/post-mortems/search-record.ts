// What the members' search index may hold of a published post-mortem: no author field of any kind.
import type { Database } from 'better-sqlite3';
import { type PmResultRow, type PmTimelineRow } from '../../post-mortem-form';
import { parseList, disclosedCountry, publishedRows, type PostMortemView } from './store';

/**
 * A published post-mortem for the members' search index: the reader's view of its own text and
 * filters, without the author's name, the disclosure, photos, actions or anything of the author.
 */
export type PmIndexEntry = Omit<
	PostMortemView,
	| 'status'
	| 'disclosure'
	| 'authorName'
	| 'publishedMonth'
	| 'photos'
	| 'actions'
	| 'isMine'
	| 'hiddenNote'
> & { publishedMonth: string };

/**
 * Every published post-mortem as a plain object for the search index, built field by field so
 * no author id, name or exact time can slip in.
 * @example getPublishedPostMortemForIndex(db)[0].title
 */
export function getPublishedPostMortemForIndex(db: Database): PmIndexEntry[] {
	return publishedRows(db).map((row) => ({
		id: row.id,
		title: row.title,
		tried: row.tried,
		country: disclosedCountry(row),
		models: parseList<string>(row.models),
		channel: row.channel,
		topics: parseList<string>(row.topics),
		period: row.period,
		practice: row.practice,
		results: parseList<PmResultRow>(row.results).map((r) => ({
			label: r.label,
			unit: r.unit,
			planned: r.planned,
			actual: r.actual,
		})),
		timeline: parseList<PmTimelineRow>(row.timeline).map((r) => ({ when: r.when, what: r.what })),
		signal: row.signal,
		signalWhen: row.signal_when,
		factors: parseList<string>(row.factors),
		factorsNote: row.factors_note,
		wentWell: row.went_well,
		wentWrong: row.went_wrong,
		lucky: row.lucky,
		failAgain: row.fail_again,
		differently: row.differently,
		publishedMonth: row.published_month ?? '',
	}));
}
