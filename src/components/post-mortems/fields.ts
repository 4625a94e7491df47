// Shared by the post-mortem form's steps: the id and ARIA attributes of a field, from its errors.
import type { PmErrors } from '../../lib/post-mortem-form';

/**
 * `a(name, help?)` gives the field's id (`cd-<name>`, the error summary's link target),
 * aria-invalid when it has an error, and one aria-describedby: the error message, then the help text.
 * @example <input name="title" {...fieldAttrs(errors)('title', 'cd-title-help')} />
 */
export function fieldAttrs(errors: PmErrors) {
	return (name: string, help?: string) => ({
		id: `cd-${name}`,
		'aria-invalid': errors[name] ? ('true' as const) : undefined,
		'aria-describedby':
			[errors[name] ? `cd-${name}-error` : '', help ?? ''].filter(Boolean).join(' ') || undefined,
	});
}
