// Facade for <Video youtube|vimeo>. Without this script the play button is a plain link to the video
// on YouTube/Vimeo. With it, a click loads the player in place: the first request to the third
// party happens here, after the visitor asked for it.
class CdVideoFacade extends HTMLElement {
	connectedCallback(): void {
		const link = this.querySelector<HTMLAnchorElement>('a[data-cd-video-facade]');
		const player = this.dataset.player;
		if (!link || !player) return;
		link.addEventListener('click', (event) => {
			// Modified clicks keep their usual meaning (new tab, new window).
			if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) {
				return;
			}
			event.preventDefault();
			const iframe = document.createElement('iframe');
			iframe.src = player;
			iframe.title = this.dataset.title ?? '';
			iframe.allow = 'autoplay; encrypted-media; fullscreen; picture-in-picture';
			// YouTube refuses to play embeds that send no referrer (error 153).
			iframe.referrerPolicy = 'strict-origin-when-cross-origin';
			// The link stays in the DOM, hidden: print CSS shows it (poster + URL) instead of the iframe.
			link.hidden = true;
			this.append(iframe);
			// Focus would otherwise fall back to <body>; keyboard users land on the player.
			iframe.focus();
		});
	}
}

if (!customElements.get('cd-video-facade')) customElements.define('cd-video-facade', CdVideoFacade);
