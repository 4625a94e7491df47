import { defineCollection, reference } from 'astro:content';
import { glob } from 'astro/loaders';
import { createCaseStudySchema, createPersonSchema } from './lib/schemas/content';
import { globMarkdownMdx } from './lib/markdown-mdx-loader';
import { createSlugGenerator } from './lib/slugs';
import { getContentDir } from './lib/config';

// CONTENT_DIR lets the bench and the e2e fixtures build the same site from another content tree.
const contentDir = getContentDir();

// Case studies: plain-Markdown ones are rendered at content sync and cached (see the loader).
const caseStudies = defineCollection({
	loader: globMarkdownMdx({
		base: `${contentDir}/case-studies`,
		pattern: '**/*.mdx',
		generateId: createSlugGenerator('case-studies'),
	}),
	schema: ({ image }) => createCaseStudySchema({ image, contact: reference('people') }),
});

const people = defineCollection({
	loader: glob({
		base: `${contentDir}/people`,
		pattern: '**/*.mdx',
		generateId: createSlugGenerator('people'),
	}),
	schema: ({ image }) => createPersonSchema({ image }),
});

export const collections = { 'case-studies': caseStudies, people };
