// What a printed page needs that the built page cannot know: its absolute address (pages are built
// once and served under whatever address readers use) and the phone numbers that contacts chose to
// show to members (kept in the database, asked for only when the page has contact cards).
for (const el of document.querySelectorAll<HTMLElement>('[data-cd-print-url]')) {
	el.textContent = window.location.href;
}
// For the foot of every printed page (global.css, @page).
document.documentElement.style.setProperty('--cd-print-url', JSON.stringify(window.location.href));

async function fillContactPhones(phones: HTMLElement[]) {
	const ids = [...new Set(phones.map((el) => el.dataset.cdContactPhone ?? ''))].join(',');
	try {
		const res = await fetch(`/api/contacts?${new URLSearchParams({ ids })}`, {
			headers: { accept: 'application/json' },
			credentials: 'same-origin',
		});
		if (!res.ok) {
			// Release the unread body, or the request stays open and the page never goes idle.
			await res.body?.cancel();
			return;
		}
		const body = (await res.json()) as { phones: Record<string, string> };
		for (const el of phones) {
			const phone = body.phones[el.dataset.cdContactPhone ?? ''];
			const label = el.dataset.cdContactPhoneLabel ?? '{phone}';
			if (phone) el.textContent = ` · ${label.replace('{phone}', phone)}`;
		}
	} catch {
		// Offline: the printed card keeps the email.
	}
}

const phones = [...document.querySelectorAll<HTMLElement>('[data-cd-contact-phone]')];
if (phones.length > 0) void fillContactPhones(phones);
