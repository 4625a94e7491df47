// The components case-study MDX can use without importing them: the case-study layout passes this
// map to <Content components={mdxComponents} />, so the names here are the names authors write.
import Callout from './Callout.astro';
import Gallery from './Gallery.astro';
import Quote from './Quote.astro';
import Results from './Results.astro';
import Video from './Video.astro';

export { Callout, Gallery, Quote, Results, Video };

export const mdxComponents = { Gallery, Video, Results, Quote, Callout };
