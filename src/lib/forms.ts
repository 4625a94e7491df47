// Small helpers for server-rendered forms: read fields the same way everywhere, so a re-rendered
// form keeps exactly what was typed.

/** A text field as typed (trimmed at the ends, CRLF → LF); '' when absent or not text. */
export function readText(form: FormData, name: string): string {
	const value = form.get(name);
	return typeof value === 'string' ? value.replace(/\r\n?/g, '\n').trim() : '';
}

/** A field kept exactly as typed (passwords: spaces count). */
export function readRaw(form: FormData, name: string): string {
	const value = form.get(name);
	return typeof value === 'string' ? value : '';
}

/** True for a plausible email address (one @, a dot in the domain, no spaces). */
export function isEmail(value: string): boolean {
	return value.length <= 254 && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value);
}

/** Length in Unicode code points, as a person counts characters. */
export function charCount(value: string): number {
	return [...value].length;
}

/** Field errors by field name, rendered next to each field and counted in a summary. */
export type FieldErrors = Record<string, string>;
