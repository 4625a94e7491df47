// Fills the adoption island of a prerendered case study with the members' answers, rendered (and
// escaped) by the server as an HTML fragment. Without JavaScript, or signed out under public
// access, the placeholder and the link to the form stay as they are.

/** Fetches /api/adoption/<slug> and puts the fragment in the island's placeholder. */
export async function loadAdoptionIsland(): Promise<void> {
	const island = document.querySelector<HTMLElement>('[data-cd-adoption]');
	const body = island?.querySelector<HTMLElement>('[data-cd-adoption-body]');
	if (!island || !body) return;
	const source = new URL(island.dataset.cdAdoption ?? '', location.href);
	// After the form, the case study is opened with ?adoption=saved|withdrawn: say so in the island.
	const notice = new URLSearchParams(location.search).get('adoption');
	if (notice === 'saved' || notice === 'withdrawn') source.searchParams.set('notice', notice);
	body.setAttribute('aria-busy', 'true');
	try {
		const res = await fetch(source, {
			headers: { accept: 'text/html' },
			credentials: 'same-origin',
		});
		if (!res.ok) {
			// Signed out (401): the placeholder already reads well.
			await res.body?.cancel();
			if (res.status !== 401) showFailure(island, body);
			return;
		}
		const html = await res.text();
		// Same-origin HTML that the server escaped; DOMParser's nodes never run scripts (unlike a
		// contextual fragment), a second line of defence behind the escaping and the CSP.
		const parsed = new DOMParser().parseFromString(html, 'text/html');
		body.replaceChildren(...parsed.body.childNodes);
		if (notice && location.hash === '#adoption') island.scrollIntoView();
	} catch {
		showFailure(island, body);
	} finally {
		body.removeAttribute('aria-busy');
	}
}

function showFailure(island: HTMLElement, body: HTMLElement) {
	const p = document.createElement('p');
	p.className = 'cd-muted';
	p.textContent = island.dataset.cdAdoptionFailed ?? '';
	body.append(p);
}
