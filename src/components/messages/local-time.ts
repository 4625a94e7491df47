// Rewrites server-rendered UTC times (`<time data-cd-local-time>`) in the reader's own time zone.
export function showLocalTimes(root: ParentNode = document): void {
	const lang = document.documentElement.lang || 'en';
	const format = new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : lang, {
		dateStyle: 'medium',
		timeStyle: 'short',
	});
	for (const el of root.querySelectorAll<HTMLTimeElement>('time[data-cd-local-time]')) {
		const date = new Date(el.dateTime);
		if (Number.isNaN(date.getTime())) continue;
		el.title = el.textContent ?? '';
		el.textContent = format.format(date);
	}
}
