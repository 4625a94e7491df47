// Lightbox for <Gallery>. Without this script each thumbnail is a plain link to the large photo, so
// everything here is enhancement: it only takes over plain left clicks (and Enter, which clicks).
const SELECTOR_LINK = 'a[data-cd-gallery-link]';

class CdGallery extends HTMLElement {
	private links: HTMLAnchorElement[] = [];
	private dialog: HTMLDialogElement | null = null;
	private index = 0;
	private opener: HTMLElement | null = null;
	private image: HTMLImageElement | null = null;

	connectedCallback(): void {
		const dialog = this.querySelector('dialog');
		// Browsers without <dialog> keep the no-JS behaviour: links to the photos.
		if (!dialog || typeof dialog.showModal !== 'function' || this.dialog) return;
		this.dialog = dialog;
		this.links = [...this.querySelectorAll<HTMLAnchorElement>(SELECTOR_LINK)];

		this.links.forEach((link, i) => {
			link.addEventListener('click', (event) => {
				// Let ctrl/cmd/shift/middle clicks open the photo in a new tab as links normally do.
				if (
					event.button !== 0 ||
					event.metaKey ||
					event.ctrlKey ||
					event.shiftKey ||
					event.altKey
				) {
					return;
				}
				event.preventDefault();
				this.open(i, link);
			});
		});

		dialog.querySelector('[data-cd-gallery-prev]')?.addEventListener('click', () => this.step(-1));
		dialog.querySelector('[data-cd-gallery-next]')?.addEventListener('click', () => this.step(1));
		dialog
			.querySelector('[data-cd-gallery-close]')
			?.addEventListener('click', () => dialog.close());
		dialog.addEventListener('keydown', (event) => {
			if (event.key === 'ArrowLeft') this.step(-1);
			else if (event.key === 'ArrowRight') this.step(1);
			else return;
			event.preventDefault();
		});
		// The panel fills the dialog, so a click that lands on the dialog itself is on the backdrop.
		dialog.addEventListener('click', (event) => {
			if (event.target === dialog) dialog.close();
		});
		// Escape closes natively; whichever way it closes, focus goes back to the thumbnail.
		dialog.addEventListener('close', () => {
			this.opener?.focus();
			this.opener = null;
		});
	}

	private open(index: number, opener: HTMLElement): void {
		if (!this.dialog) return;
		this.opener = opener;
		this.show(index);
		if (!this.dialog.open) this.dialog.showModal();
	}

	private step(delta: number): void {
		if (this.links.length < 2) return;
		this.show((this.index + delta + this.links.length) % this.links.length);
	}

	private show(index: number): void {
		const dialog = this.dialog;
		const link = this.links[index];
		if (!dialog || !link) return;
		this.index = index;
		const frame = dialog.querySelector('[data-cd-gallery-frame]');
		if (!this.image && frame) {
			// Created here rather than in the HTML: an <img> without src would be invalid markup.
			this.image = document.createElement('img');
			this.image.decoding = 'async';
			frame.append(this.image);
		}
		if (this.image) {
			// Width and height first, so the box has the photo's shape before the bytes arrive.
			if (link.dataset.width) this.image.width = Number(link.dataset.width);
			if (link.dataset.height) this.image.height = Number(link.dataset.height);
			this.image.alt = link.dataset.alt ?? '';
			this.image.src = link.href;
		}
		const total = this.links.length;
		const nf = new Intl.NumberFormat(document.documentElement.lang || undefined);
		const template = dialog.dataset.positionTemplate ?? '{n} / {total}';
		setText(
			dialog,
			'[data-cd-gallery-position]',
			template.replace('{n}', nf.format(index + 1)).replace('{total}', nf.format(total)),
		);
		setText(dialog, '[data-cd-gallery-caption]', link.dataset.caption ?? '');
		// The alt goes into the live region too, so screen readers hear which photo is now shown.
		setText(dialog, '[data-cd-gallery-alt]', link.dataset.alt ? `${link.dataset.alt}.` : '');
		this.preload((index + 1) % total);
		this.preload((index - 1 + total) % total);
	}

	/** Warms the cache for the neighbours so Previous/Next feel instant. */
	private preload(index: number): void {
		const link = this.links[index];
		if (link && link !== this.links[this.index]) new Image().src = link.href;
	}
}

function setText(root: ParentNode, selector: string, text: string): void {
	const el = root.querySelector(selector);
	if (el) el.textContent = text;
}

if (!customElements.get('cd-gallery')) customElements.define('cd-gallery', CdGallery);
