// Shared by the post-mortem form's steps: the id and ARIA attributes of a field, from its errors.
import type { PmErrors } from '../../lib/post-mortem-form';

/**
 * `a(name)` gives the field's id (`cd-<name>`, the error summary's link target) and, when it has an
 * error, aria-invalid and aria-describedby pointing at the message under it.
 * @example <input name="title" {...fieldAttrs(errors)('title')} />
 */
export function fieldAttrs(errors: PmErrors) {
	return (name: string) => ({
		id: `cd-${name}`,
		'aria-invalid': errors[name] ? ('true' as const) : undefined,
		'aria-describedby': errors[name] ? `cd-${name}-error` : undefined,
	});
}
