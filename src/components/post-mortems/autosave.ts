// Autosave of the post-mortem form. While the member types, the step is posted to its own edit URL
// with `autosave=1` (same origin, the same fields the form would send, minus a chosen photo), about
// 1.5 s after the last keystroke and when the tab is hidden or left; the server saves it as typed
// and answers 204. The status line says "Saving…", "Saved at 10:42" or "Not saved". Leaving the
// page with changes not yet saved asks first. The form's own buttons work as before; a real submit
// waits for an autosave still on its way, so an older autosave never lands after it.

const DELAY_MS = 1500;

export function startAutosave(): void {
	const status = document.querySelector<HTMLElement>('[data-cd-autosave-status]');
	const form = status?.closest<HTMLFormElement>('form[data-cd-autosave]');
	if (!status || !form) return;
	const enabled = form.dataset.cdAutosave === 'on';
	const url = form.getAttribute('action') ?? location.href;
	const photo = form.querySelector<HTMLInputElement>('input[type="file"]');
	const time = new Intl.DateTimeFormat(document.documentElement.lang || undefined, {
		hour: '2-digit',
		minute: '2-digit',
	});
	const say = (key: 'saving' | 'saved' | 'failed' | 'unsaved', when?: Date) => {
		const text = status.dataset[key] ?? '';
		status.textContent = when ? text.replace('{time}', time.format(when)) : text;
	};

	let dirty = false;
	let submitting = false;
	let again = false;
	let timer: ReturnType<typeof setTimeout> | undefined;
	let inflight: Promise<void> | null = null;

	const payload = () => {
		const data = new FormData(form);
		// A photo is uploaded by a real save only, never re-sent on every keystroke.
		if (photo) data.delete(photo.name);
		data.set('autosave', '1');
		return data;
	};

	const save = (keepalive = false) => {
		clearTimeout(timer);
		if (!enabled || submitting || !dirty) return;
		if (inflight) {
			again = true;
			return;
		}
		dirty = false;
		say('saving');
		inflight = fetch(url, {
			method: 'POST',
			body: payload(),
			credentials: 'same-origin',
			keepalive,
		})
			.then(async (res) => {
				await res.body?.cancel();
				if (res.status !== 204) throw new Error(`autosave answered ${res.status}`);
				say('saved', new Date());
			})
			.catch(() => {
				dirty = true;
				say('failed');
			})
			.finally(() => {
				inflight = null;
				if (again) {
					again = false;
					schedule();
				}
			});
	};

	const schedule = () => {
		clearTimeout(timer);
		if (enabled) timer = setTimeout(() => save(), DELAY_MS);
	};

	const changed = () => {
		if (submitting) return;
		dirty = true;
		if (!enabled) say('unsaved');
		schedule();
	};
	form.addEventListener('input', changed);
	form.addEventListener('change', changed);

	document.addEventListener('visibilitychange', () => {
		if (document.visibilityState === 'hidden') save(true);
	});
	window.addEventListener('pagehide', () => save(true));

	window.addEventListener('beforeunload', (event) => {
		if (submitting) return;
		const fileChosen = Boolean(photo?.files?.length);
		if (!dirty && !inflight && !fileChosen) return;
		event.preventDefault();
		// Older browsers show the prompt only when returnValue is set.
		event.returnValue = '';
	});

	form.addEventListener('submit', (event) => {
		clearTimeout(timer);
		if (inflight && !submitting) {
			// Let the autosave on its way land first, then submit exactly as the member asked.
			event.preventDefault();
			submitting = true;
			const submitter = event.submitter;
			void inflight.finally(() => form.requestSubmit(submitter));
			return;
		}
		submitting = true;
	});
	// Back from the page cache (after a submit elsewhere in history): typing autosaves again.
	window.addEventListener('pageshow', (event) => {
		if (event.persisted) submitting = false;
	});
}
