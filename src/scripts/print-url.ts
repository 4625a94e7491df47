// What a printed page needs that the built page cannot know: its absolute address (pages are built
// once and served under whatever address readers use) and the phone numbers that contacts chose to
// show to members (kept in the database, asked for only when the page has contact cards).
for (const el of document.querySelectorAll<HTMLElement>('[data-cd-print-url]')) {
	el.textContent = window.location.href;
}

const phones = [...document.querySelectorAll<HTMLElement>('[data-cd-contact-phone]')];
if (phones.length > 0) {
	const ids = [...new Set(phones.map((el) => el.dataset.cdContactPhone ?? ''))].join(',');
	fetch(`/api/contacts?${new URLSearchParams({ ids })}`, { credentials: 'same-origin' })
		.then((res) => (res.ok ? (res.json() as Promise<{ phones: Record<string, string> }>) : null))
		.then((body) => {
			for (const el of phones) {
				const phone = body?.phones[el.dataset.cdContactPhone ?? ''];
				const label = el.dataset.cdContactPhoneLabel ?? '{phone}';
				if (phone) el.textContent = ` · ${label.replace('{phone}', phone)}`;
			}
		})
		.catch(() => {
			// Signed out or offline: the printed card keeps the email.
		});
}
