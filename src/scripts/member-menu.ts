// Fills the member menu of prerendered pages from /api/me (name, unread counts, answers, review and admin links).
export async function fillMemberMenu() {
	const menu = document.querySelector<HTMLElement>('[data-cd-member]');
	if (!menu) return;
	try {
		const res = await fetch('/api/me', {
			headers: { accept: 'application/json' },
			credentials: 'same-origin',
		});
		if (!res.ok) {
			// Release the unread body, or the request stays open and the page never goes idle.
			await res.body?.cancel();
			if (res.status === 401) {
				menu.hidden = true;
				const signIn = document.querySelector<HTMLAnchorElement>('[data-cd-signin]');
				if (signIn) {
					signIn.hidden = false;
					signIn.search = `?${new URLSearchParams({ next: location.pathname + location.search })}`;
				}
			}
			return;
		}
		const me = (await res.json()) as {
			name: string;
			role: string;
			unread: number;
			unreadLabel: string;
			/** Practices past or near their review date that this member may confirm or retire. */
			review: boolean;
			notifications: number;
			notificationsLabel: string;
			/** The answers link's text when the member answers for a country or watches them all. */
			answersLabel: string | null;
		};
		const name = menu.querySelector<HTMLElement>('[data-cd-member-name]');
		if (name) name.textContent = me.name;
		const badge = menu.querySelector<HTMLElement>('[data-cd-unread]');
		if (badge) {
			badge.hidden = me.unread === 0;
			badge.children[0].textContent = String(me.unread);
			badge.children[1].textContent = me.unreadLabel;
		}
		const notifications = menu.querySelector<HTMLElement>('[data-cd-notifications-unread]');
		if (notifications) {
			notifications.hidden = me.notifications === 0;
			notifications.children[0].textContent = String(me.notifications);
			notifications.children[1].textContent = me.notificationsLabel;
		}
		const answers = menu.querySelector<HTMLElement>('[data-cd-answers]');
		if (answers) {
			answers.hidden = me.answersLabel === null;
			if (me.answersLabel) answers.textContent = me.answersLabel;
		}
		const admin = menu.querySelector<HTMLElement>('[data-cd-admin]');
		if (admin) admin.hidden = me.role !== 'admin';
		const review = menu.querySelector<HTMLElement>('[data-cd-review]');
		if (review) review.hidden = !me.review;
		const writer = menu.querySelector<HTMLElement>('[data-cd-writer]');
		if (writer) writer.hidden = me.role !== 'admin' && me.role !== 'editor';
	} catch {
		// Offline or signed out: the plain links still work.
	}
}
