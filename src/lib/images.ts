// Responsive widths, in one place so the schema can refuse an image smaller than what pages ask of it.

/** Widths (px) generated for a case study's cover; the largest is the minimum width of a cover. */
export const COVER_WIDTHS = [480, 800, 1200] as const;
/** Widths (px) generated for gallery photos and the lightbox. */
export const GALLERY_WIDTHS = [360, 720, 1200] as const;
/** Widths (px) generated for people's portraits. */
export const PORTRAIT_WIDTHS = [96, 192, 400] as const;

/** The smallest source width that serves every width in `widths` without upscaling. */
export function minSourceWidth(widths: readonly number[]): number {
	return Math.max(...widths);
}
