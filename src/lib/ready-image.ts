// An image already processed to WebP at the site's widths (src/lib/images.ts), as web submissions
// store them: pages render it as is, with no astro:assets call at request time.

export interface ReadyImage {
	/** URL of the largest variant; the no-JS link target and lightbox image of a gallery. */
	src: string;
	/** `url 360w, url 720w, …`, one entry per width generated. */
	srcset: string;
	/** Pixel size of the largest variant, so the box keeps its shape while the image loads. */
	width: number;
	height: number;
}

/** True for a ReadyImage; astro:assets' ImageMetadata has no `srcset`. */
export function isReadyImage(value: unknown): value is ReadyImage {
	if (typeof value !== 'object' || value === null) return false;
	const v = value as Partial<ReadyImage>;
	return (
		typeof v.src === 'string' &&
		typeof v.srcset === 'string' &&
		Number.isFinite(v.width) &&
		Number.isFinite(v.height)
	);
}

/** What a page can show of one uploaded media item of a web case study (only what is ready). */
export interface MediaView {
	image?: ReadyImage;
	video?: { mp4: string; poster?: ReadyImage };
	/** URL of a WebVTT file. */
	vtt?: string;
}
