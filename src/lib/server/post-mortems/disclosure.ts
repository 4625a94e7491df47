// What a post-mortem's disclosure shows of its author, in one place for post-mortem pages, comments,
// the relay in messaging and the feeds: the name only when 'named', the country unless 'anonymous'.
import type { PmDisclosure } from '../../post-mortem-form';

/** True when readers must not learn who the author is ('country' and 'anonymous'). */
export function isAuthorMasked(disclosure: string): boolean {
	return disclosure !== 'named';
}

/** True when readers may see the author's name. */
export function showsAuthorName(disclosure: string): disclosure is 'named' {
	return disclosure === 'named';
}

/** The country readers may see: the post-mortem's own, unless the author chose 'anonymous'. */
export function disclosedCountry(row: {
	disclosure: PmDisclosure | string;
	country: string | null;
}): string | null {
	return row.disclosure === 'anonymous' ? null : row.country || null;
}

/**
 * The same rule inside SQL, for queries that must never select the author's data when masked:
 * `IIF(${AUTHOR_SHOWN_SQL}, user.name, NULL)`.
 */
export const AUTHOR_SHOWN_SQL = "post_mortem.disclosure = 'named'";
