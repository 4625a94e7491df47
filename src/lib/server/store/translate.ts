// The portal's SQL is written once, in the SQLite dialect, and the PostgreSQL store translates it
// statement by statement (once per statement; the result is cached with it). The translation is a
// small tokenizer, not a parser: it only knows the handful of constructs the portal's SQL uses, and
// the SQL it cannot express the same way is written for both stores where it is used (`sqlFor`).
// What it does, outside string literals, quoted names and comments:
// - `?` and `?NNN` placeholders become `$n` (`?3` keeps its number; plain ones count up);
// - the table name `user`, reserved in PostgreSQL, is quoted;
// - `COLLATE NOCASE` uses the `nocase` ICU collation the compatibility script creates;
// - `LIKE` becomes `ILIKE` (SQLite's LIKE ignores ASCII case); `GLOB '…'` a regular expression;
// - `INSERT OR IGNORE` becomes `INSERT … ON CONFLICT DO NOTHING`;
// - two-argument `max(a, b)` / `min(a, b)` become GREATEST / LEAST; `char(n)` becomes chr(n);
// - `x IS ?` / `x IS NOT ?` become IS [NOT] DISTINCT FROM;
// - in table definitions: `id INTEGER PRIMARY KEY` becomes an identity column, INTEGER → BIGINT,
//   REAL → DOUBLE PRECISION, BLOB → BYTEA, and the STRICT / WITHOUT ROWID options go.

export interface TranslatedSql {
	text: string;
	/** How many `$n` parameters the statement takes. */
	parameters: number;
	/** The table an INSERT writes to (unquoted), for `lastInsertRowid`; null for other statements. */
	insertTable: string | null;
	/** The statement already has a RETURNING clause. */
	returning: boolean;
}

const WORD = /[A-Za-z_][A-Za-z0-9_]*/y;

/**
 * Translates one SQLite-dialect statement (or a script of several, for migrations) to PostgreSQL.
 * @example translateSql('SELECT name FROM user WHERE id = ?').text // 'SELECT name FROM "user" WHERE id = $1'
 */
export function translateSql(sql: string): TranslatedSql {
	let out = '';
	let parameters = 0;
	let plainCount = 0;
	let orIgnore = false;
	let returning = false;
	let i = 0;
	const n = sql.length;
	// The last two words written, to recognise `IS ?`, `COLLATE NOCASE`, `INTEGER PRIMARY KEY`.
	const recent: string[] = [];
	const pushWord = (word: string) => {
		recent.push(word.toUpperCase());
		if (recent.length > 3) recent.shift();
	};
	while (i < n) {
		const c = sql[i]!;
		// String literals and quoted names are copied as they are.
		if (c === "'" || c === '"' || c === '`') {
			const end = findClosingQuote(sql, i, c);
			const body = sql.slice(i, end + 1);
			out += c === '`' ? `"${body.slice(1, -1)}"` : body;
			i = end + 1;
			pushWord(c === "'" ? '<string>' : '<name>');
			continue;
		}
		if (c === '-' && sql[i + 1] === '-') {
			const end = sql.indexOf('\n', i);
			const stop = end === -1 ? n : end;
			out += sql.slice(i, stop);
			i = stop;
			continue;
		}
		if (c === '/' && sql[i + 1] === '*') {
			const end = sql.indexOf('*/', i + 2);
			const stop = end === -1 ? n : end + 2;
			out += sql.slice(i, stop);
			i = stop;
			continue;
		}
		if (c === '?') {
			let j = i + 1;
			while (j < n && sql[j]! >= '0' && sql[j]! <= '9') j++;
			const number = j > i + 1 ? Number(sql.slice(i + 1, j)) : ++plainCount;
			parameters = Math.max(parameters, number);
			const last = recent.at(-1);
			const beforeLast = recent.at(-2);
			if (last === 'IS' || (last === 'NOT' && beforeLast === 'IS')) {
				// `x IS ?` compares with NULL-safety in SQLite; PostgreSQL spells it out.
				out = out.replace(/\bIS(\s+NOT)?\s*$/i, (_, not: string | undefined) =>
					not ? 'IS DISTINCT FROM ' : 'IS NOT DISTINCT FROM ',
				);
			}
			// `? IS NULL` gives PostgreSQL nothing to infer the parameter's type from (even when the same
			// `?1` is compared with a text column further on): it is read as text.
			const nullTest = /^\s+IS\s+(NOT\s+)?NULL\b/i.test(sql.slice(j));
			out += nullTest ? `CAST($${number} AS TEXT)` : `$${number}`;
			i = j;
			pushWord('<param>');
			continue;
		}
		WORD.lastIndex = i;
		const match = WORD.exec(sql);
		if (match && (i === 0 || !/[A-Za-z0-9_$]/.test(sql[i - 1]!))) {
			const word = match[0];
			const upper = word.toUpperCase();
			let replacement = word;
			const next = nextNonSpace(sql, i + word.length);
			if (upper === 'USER' && sql[i - 1] !== '.') replacement = '"user"';
			// PostgreSQL folds unquoted names to lower case; SQLite keeps `AS createdAt` as written.
			else if (/[a-z]/.test(word) && /[A-Z]/.test(word)) replacement = `"${word}"`;
			else if (upper === 'NOCASE' && recent.at(-1) === 'COLLATE') replacement = '"nocase"';
			else if (upper === 'LIKE') replacement = 'ILIKE';
			else if (upper === 'GLOB') {
				// `x GLOB 'pattern'` (a literal pattern) becomes an anchored regular expression, compared
				// byte-wise like GLOB (and allowed on columns with the nocase collation).
				const literal = /^GLOB\s*'((?:[^']|'')*)'/i.exec(sql.slice(i));
				if (!literal) throw new Error('GLOB needs a literal pattern on PostgreSQL');
				out += `COLLATE "C" ~ '${globToRegex(literal[1]!)}'`;
				i += literal[0].length;
				pushWord('<string>');
				continue;
			} else if (upper === 'OR' && recent.at(-1) === 'INSERT') {
				const rest = /^OR\s+IGNORE\b/i.exec(sql.slice(i));
				if (rest) {
					orIgnore = true;
					i += rest[0].length;
					out = out.replace(/\s*$/, '');
					continue;
				}
			} else if ((upper === 'MAX' || upper === 'MIN') && sql[next] === '(') {
				if (countTopLevelCommas(sql, next) > 0)
					replacement = upper === 'MAX' ? 'GREATEST' : 'LEAST';
			} else if (upper === 'CHAR' && sql[next] === '(') replacement = 'chr';
			else if (upper === 'INTEGER') {
				const primary = /^INTEGER\s+PRIMARY\s+KEY\b/i.exec(sql.slice(i));
				if (primary && recent.at(-1) === 'ID') {
					replacement = 'BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY';
					out += replacement;
					i += primary[0].length;
					pushWord('KEY');
					continue;
				}
				replacement = 'BIGINT';
			} else if (upper === 'REAL') replacement = 'DOUBLE PRECISION';
			else if (upper === 'BLOB') replacement = 'BYTEA';
			else if (upper === 'STRICT' && recent.at(-1) === ')') {
				const options = /^STRICT(\s*,\s*WITHOUT\s+ROWID)?/i.exec(sql.slice(i))!;
				i += options[0].length;
				out = out.replace(/\s*$/, '');
				continue;
			} else if (upper === 'WITHOUT' && /^WITHOUT\s+ROWID\b/i.test(sql.slice(i))) {
				const options = /^WITHOUT\s+ROWID(\s*,\s*STRICT)?/i.exec(sql.slice(i))!;
				i += options[0].length;
				out = out.replace(/,?\s*$/, '');
				continue;
			} else if (upper === 'RETURNING') returning = true;
			out += replacement;
			i += word.length;
			pushWord(upper);
			continue;
		}
		out += c;
		if (c === ')' || c === '(' || c === ',' || c === ';') pushWord(c);
		i++;
	}
	if (orIgnore) out = appendOnConflict(out);
	const insert = /^\s*INSERT\s+INTO\s+"?([A-Za-z_][A-Za-z0-9_]*)"?/i.exec(out);
	return { text: out, parameters, insertTable: insert ? insert[1]! : null, returning };
}

function findClosingQuote(sql: string, start: number, quote: string): number {
	let j = start + 1;
	for (;;) {
		const k = sql.indexOf(quote, j);
		if (k === -1) throw new Error(`Unterminated ${quote} in SQL: ${sql.slice(start, start + 40)}`);
		// A doubled quote is an escaped one.
		if (sql[k + 1] === quote) {
			j = k + 2;
			continue;
		}
		return k;
	}
}

function nextNonSpace(sql: string, from: number): number {
	let j = from;
	while (j < sql.length && /\s/.test(sql[j]!)) j++;
	return j;
}

function countTopLevelCommas(sql: string, open: number): number {
	let depth = 0;
	let commas = 0;
	for (let j = open; j < sql.length; j++) {
		const c = sql[j]!;
		if (c === "'" || c === '"') {
			j = findClosingQuote(sql, j, c);
			continue;
		}
		if (c === '(') depth++;
		else if (c === ')') {
			depth--;
			if (depth === 0) return commas;
		} else if (c === ',' && depth === 1) commas++;
	}
	return commas;
}

// ON CONFLICT goes before RETURNING and the final semicolon.
function appendOnConflict(text: string): string {
	const returning = /\sRETURNING\s[\s\S]*$/i.exec(text);
	if (returning) {
		return `${text.slice(0, returning.index)} ON CONFLICT DO NOTHING${text.slice(returning.index)}`;
	}
	const trimmed = text.replace(/[\s;]*$/, '');
	return `${trimmed} ON CONFLICT DO NOTHING`;
}

/**
 * SQLite accepts a foreign key to a table created further down the same script; PostgreSQL needs the
 * table first. Such references are taken out of the column and added once every table exists.
 * @example deferForwardReferences('CREATE TABLE a (b_id INTEGER REFERENCES b (id)); CREATE TABLE b (id INTEGER PRIMARY KEY);')
 */
export function deferForwardReferences(script: string): string {
	const created = new Map<string, number>();
	for (const match of script.matchAll(/CREATE TABLE\s+(\w+)\s*\(/gi)) {
		created.set(match[1]!.toLowerCase(), match.index!);
	}
	const deferred: string[] = [];
	let result = script;
	for (const [table, start] of [...created.entries()].sort((a, b) => b[1] - a[1])) {
		const open = result.indexOf('(', result.toLowerCase().indexOf(`create table ${table}`));
		const close = open + closingParenOffset(result.slice(open));
		const body = result.slice(open, close);
		const rewritten = body.replace(
			/^(\s*)(\w+)([^\n]*?)\s+REFERENCES\s+(\w+)\s*\((\w+)\)((?:\s+ON\s+DELETE\s+(?:SET\s+NULL|CASCADE|RESTRICT|NO\s+ACTION))?)/gim,
			(
				whole,
				indent: string,
				column: string,
				rest: string,
				target: string,
				key: string,
				onDelete: string,
			) => {
				const targetStart = created.get(target.toLowerCase());
				if (targetStart === undefined || targetStart <= start) return whole;
				deferred.push(
					`ALTER TABLE ${table} ADD FOREIGN KEY (${column}) REFERENCES ${target} (${key})${onDelete};`,
				);
				return `${indent}${column}${rest}`;
			},
		);
		result = result.slice(0, open) + rewritten + result.slice(close);
	}
	return deferred.length === 0 ? result : `${result}\n${deferred.join('\n')}\n`;
}

function closingParenOffset(text: string): number {
	let depth = 0;
	for (let j = 0; j < text.length; j++) {
		const c = text[j];
		if (c === '-' && text[j + 1] === '-') {
			const end = text.indexOf('\n', j);
			j = end === -1 ? text.length : end;
		} else if (c === "'") j = findClosingQuote(text, j, "'");
		else if (c === '(') depth++;
		else if (c === ')' && --depth === 0) return j;
	}
	throw new Error('Unbalanced parentheses in CREATE TABLE');
}

// GLOB's * ? [a-z] [!a] to a POSIX regular expression matching the whole value.
function globToRegex(glob: string): string {
	let out = '^';
	for (let j = 0; j < glob.length; j++) {
		const c = glob[j]!;
		if (c === '*') out += '.*';
		else if (c === '?') out += '.';
		else if (c === '[') {
			const end = glob.indexOf(']', j + 2);
			if (end === -1) throw new Error(`Unclosed [ in GLOB pattern ${glob}`);
			const set = glob.slice(j + 1, end);
			out += `[${set.startsWith('!') ? `^${set.slice(1)}` : set}]`;
			j = end;
		} else out += /[.^$+(){}|\\]/.test(c) ? `\\${c}` : c;
	}
	return `${out}$`;
}
