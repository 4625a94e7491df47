// The case-study form with JavaScript: autosave about 1.5 s after typing stops (and when the tab is
// hidden), an upload progress bar when files are sent, the video conversion's progress, and the
// preview refreshed after each save. Without JavaScript the form's buttons do all of it by reloading.

const DELAY_MS = 1500;
const POLL_MS = 2000;

export function startSubmissionEditor(): void {
	const form = document.querySelector<HTMLFormElement>('form[data-cd-sub-form]');
	if (!form) return;
	const status = form.querySelector<HTMLElement>('[data-cd-sub-status]');
	const progress = form.querySelector<HTMLProgressElement>('[data-cd-sub-progress]');
	const strings = document.querySelector<HTMLElement>('[data-cd-sub-strings]')?.dataset ?? {};
	const enabled = form.dataset.cdSubForm === 'on';
	const url = form.getAttribute('action') ?? location.href;
	const revision = form.querySelector<HTMLInputElement>('input[name="revision"]');
	const time = new Intl.DateTimeFormat(document.documentElement.lang || undefined, {
		hour: '2-digit',
		minute: '2-digit',
	});
	const say = (text: string | undefined) => {
		if (status) status.textContent = text ?? '';
	};

	let dirty = false;
	let stale = false;
	let submitting = false;
	let timer: ReturnType<typeof setTimeout> | undefined;
	let inflight: Promise<void> | null = null;

	const payload = () => {
		const data = new FormData(form);
		// Files go with a real save only, never re-sent on every keystroke.
		for (const input of form.querySelectorAll<HTMLInputElement>('input[type="file"]'))
			data.delete(input.name);
		data.set('action', 'autosave');
		return data;
	};

	const save = (keepalive = false) => {
		clearTimeout(timer);
		if (!enabled || stale || submitting || !dirty || inflight) return;
		dirty = false;
		say(strings.saving);
		inflight = fetch(url, {
			method: 'POST',
			body: payload(),
			credentials: 'same-origin',
			keepalive,
			headers: { Accept: 'application/json' },
		})
			.then(async (response) => {
				const body = (await response.json().catch(() => null)) as {
					ok?: boolean;
					revision?: number;
					message?: string;
				} | null;
				if (response.ok && body?.ok && revision && body.revision) {
					revision.value = String(body.revision);
					say((strings.savedAt ?? '').replace('{time}', time.format(new Date())));
					void refreshPreview();
				} else if (response.status === 409) {
					// Another tab saved newer text: stop saving this one (its text stays on screen).
					stale = true;
					say(body?.message ?? strings.failed);
				} else {
					dirty = true;
					say(body?.message ?? strings.failed);
				}
			})
			.catch(() => {
				dirty = true;
				say(strings.failed);
			})
			.finally(() => {
				inflight = null;
				if (dirty && !submitting) timer = setTimeout(() => save(), DELAY_MS * 2);
			});
	};

	form.addEventListener('input', (event) => {
		if ((event.target as HTMLInputElement).type === 'file') return;
		dirty = true;
		clearTimeout(timer);
		timer = setTimeout(() => save(), DELAY_MS);
	});
	document.addEventListener('visibilitychange', () => {
		if (document.visibilityState === 'hidden') save(true);
	});
	window.addEventListener('beforeunload', (event) => {
		if (dirty && !submitting) event.preventDefault();
	});

	// A save with files goes through XMLHttpRequest, the one browser API that reports upload progress.
	form.addEventListener('submit', (event) => {
		const hasFiles = [...form.querySelectorAll<HTMLInputElement>('input[type="file"]')].some(
			(input) => (input.files?.length ?? 0) > 0,
		);
		submitting = true;
		clearTimeout(timer);
		if (!hasFiles || !progress) return;
		event.preventDefault();
		const submitter = (event as SubmitEvent).submitter as HTMLButtonElement | null;
		const data = new FormData(form);
		if (submitter?.name) data.set(submitter.name, submitter.value);
		const xhr = new XMLHttpRequest();
		xhr.open('POST', url);
		progress.hidden = false;
		xhr.upload.addEventListener('progress', (e) => {
			if (!e.lengthComputable) return;
			const percent = Math.round((e.loaded / e.total) * 100);
			progress.value = percent;
			say((strings.uploading ?? '').replace('{percent}', String(percent)));
		});
		xhr.addEventListener('load', () => {
			// The server answers a redirect (followed here) or the form again with its messages.
			if (xhr.responseURL && xhr.responseURL !== new URL(url, location.href).href) {
				location.assign(xhr.responseURL);
				return;
			}
			const doc = new DOMParser().parseFromString(xhr.responseText, 'text/html');
			document.title = doc.title;
			document.body.replaceWith(document.adoptNode(doc.body));
			startSubmissionEditor();
			document.querySelector<HTMLElement>('[data-cd-form-errors]')?.focus();
		});
		xhr.addEventListener('error', () => {
			submitting = false;
			progress.hidden = true;
			say(strings.failed);
		});
		xhr.send(data);
	});

	checkFileSizes(form);
	pollPendingMedia();
}

/**
 * A file over its limit is refused here, before a minute of uploading ends in the server's refusal
 * (which may reach the browser only as a cut connection): the message sits next to the input.
 */
function checkFileSizes(form: HTMLFormElement): void {
	const template = form.querySelector<HTMLElement>('[data-cd-too-large]');
	for (const input of form.querySelectorAll<HTMLInputElement>(
		'input[type="file"][data-max-bytes]',
	)) {
		input.addEventListener('change', () => {
			const max = Number(input.dataset.maxBytes);
			const big = [...(input.files ?? [])].find((f) => f.size > max);
			let note = input.parentElement?.querySelector<HTMLElement>('[data-cd-size-note]');
			if (!big) {
				note?.remove();
				input.removeAttribute('aria-invalid');
				return;
			}
			const limit =
				max >= 100 * 1024 * 1024
					? template?.dataset.limitVideo
					: max >= 1024 * 1024
						? template?.dataset.limitImage
						: template?.dataset.limitVtt;
			if (!note) {
				note = document.createElement('p');
				note.className = 'cd-field__error';
				note.dataset.cdSizeNote = '';
				note.id = `${input.id}-size`;
				note.setAttribute('role', 'alert');
				input.after(note);
			}
			note.textContent = (template?.dataset.cdTooLarge ?? '')
				.replace('{name}', big.name)
				.replace('{limit}', limit ?? '');
			input.value = '';
			input.setAttribute('aria-invalid', 'true');
			input.setAttribute('aria-describedby', note.id);
		});
	}
}

/** Replaces the preview with a fresh rendering of the saved working copy. */
async function refreshPreview(): Promise<void> {
	const preview = document.querySelector<HTMLElement>('[data-cd-sub-preview]');
	const src = preview?.dataset.cdSubPreview;
	if (!preview || !src) return;
	const response = await fetch(src, { credentials: 'same-origin' }).catch(() => null);
	if (!response?.ok) return;
	const doc = new DOMParser().parseFromString(await response.text(), 'text/html');
	const article = doc.querySelector('[data-cd-preview-body]');
	if (article)
		preview.replaceChildren(...[...article.childNodes].map((n) => document.adoptNode(n)));
}

/** Videos being converted: their progress, every two seconds, until each is ready or failed. */
function pollPendingMedia(): void {
	const pending = [...document.querySelectorAll<HTMLElement>('[data-cd-media-pending]')];
	if (pending.length === 0) return;
	const tick = async () => {
		let left = 0;
		for (const el of pending) {
			if (!el.isConnected || el.dataset.done) continue;
			const response = await fetch(`/api/submission-media/${el.dataset.cdMediaPending}`, {
				credentials: 'same-origin',
				headers: { Accept: 'application/json' },
			}).catch(() => null);
			const body = response?.ok
				? ((await response.json()) as { state: string; progress: number; error: string | null })
				: null;
			if (!body) continue;
			if (body.state === 'ready' || body.state === 'failed') {
				el.dataset.done = '1';
				// Not a reload: the author may be typing. The thumbnail comes with the next page load.
				el.querySelector('progress')?.remove();
				const text = el.querySelector('[data-cd-media-text]');
				if (text)
					text.textContent =
						body.state === 'ready'
							? (el.dataset.labelReady ?? '')
							: (el.dataset.labelFailed ?? '').replace('{reason}', body.error ?? '');
				continue;
			}
			left++;
			const percent = Math.round(body.progress * 100);
			const bar = el.querySelector('progress');
			if (bar) bar.value = percent;
			const text = el.querySelector('[data-cd-media-text]');
			if (text && body.state === 'processing')
				text.textContent = (el.dataset.labelProcessing ?? '').replace('{percent}', String(percent));
		}
		if (left) setTimeout(() => void tick(), POLL_MS);
	};
	setTimeout(() => void tick(), POLL_MS);
}
