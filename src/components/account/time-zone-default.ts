// When the member has not chosen a time zone yet, preselects the browser's own in the profile form
// and says so; nothing is saved until they save the form. Without JavaScript the field stays "not
// set" and times are shown in UTC.
export function fillTimeZoneFromBrowser(): void {
	const select = document.querySelector<HTMLSelectElement>('select[data-cd-time-zone]');
	if (!select || select.value !== '') return;
	let zone: string;
	try {
		zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
	} catch {
		return;
	}
	if (!zone || ![...select.options].some((option) => option.value === zone)) return;
	select.value = zone;
	const note = document.querySelector<HTMLElement>('[data-cd-time-zone-detected]');
	const name = note?.querySelector<HTMLElement>('[data-cd-time-zone-name]');
	if (!note || !name) return;
	name.textContent = zone.replaceAll('_', ' ');
	note.hidden = false;
	select.setAttribute(
		'aria-describedby',
		`${select.getAttribute('aria-describedby') ?? ''} ${note.id}`.trim(),
	);
}
