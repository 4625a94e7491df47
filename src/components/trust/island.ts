// Fills the trust badge of a prerendered case study with the server-rendered fragment of
// /api/trust/<slug> (members only). Signed out, or without JavaScript, the placeholder stays.

/** Fetches the badge and puts it in the placeholder. */
export async function loadTrustIsland(): Promise<void> {
	const island = document.querySelector<HTMLElement>('[data-cd-trust]');
	const slot = island?.querySelector<HTMLElement>('[data-cd-trust-slot]');
	if (!island || !slot) return;
	slot.setAttribute('aria-busy', 'true');
	try {
		const res = await fetch(new URL(island.dataset.cdTrust ?? '', location.href), {
			headers: { accept: 'text/html' },
			credentials: 'same-origin',
		});
		if (!res.ok) {
			await res.body?.cancel();
			// Signed out (401) or not in the register (404): the placeholder reads well enough.
			if (res.status === 404) island.hidden = true;
			return;
		}
		// Same-origin HTML the server escaped; DOMParser's nodes never run scripts.
		const parsed = new DOMParser().parseFromString(await res.text(), 'text/html');
		slot.replaceChildren(...parsed.body.childNodes);
	} catch {
		// Offline or refused: the placeholder stays.
	} finally {
		slot.removeAttribute('aria-busy');
	}
}
