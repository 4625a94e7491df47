// Removes the "Write to" / "Contact" buttons of people the signed-in member cannot write to (no
// active account, or themselves). People and case-study pages are prerendered, the same for everyone,
// so the server answers which people are reachable; without JavaScript the buttons stay and the
// compose page explains.
export async function removeUnreachableContacts(): Promise<void> {
	const buttons = [...document.querySelectorAll<HTMLElement>('[data-cd-contact]')];
	const ids = [...new Set(buttons.map((button) => button.dataset.cdContact ?? ''))].filter(Boolean);
	if (ids.length === 0) return;
	try {
		const res = await fetch(`/api/contactable?${new URLSearchParams({ people: ids.join(',') })}`, {
			headers: { accept: 'application/json' },
			credentials: 'same-origin',
		});
		if (!res.ok) {
			await res.body?.cancel();
			return;
		}
		const { contactable } = (await res.json()) as { contactable: string[] };
		const reachable = new Set(contactable);
		for (const button of buttons) {
			if (!reachable.has(button.dataset.cdContact ?? '')) button.remove();
		}
	} catch {
		// Offline: the buttons stay, and the compose page says when someone cannot be written to.
	}
}
