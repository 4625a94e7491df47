/// <reference types="astro/client" />

declare namespace App {
	interface Locals {
		/** The signed-in member, or null. Set by server/app.ts (or by src/middleware.ts under `astro dev`). */
		user: import('./lib/server/user').User | null;
		session: import('./lib/server/session').Session | null;
		/** Client IP, honouring X-Forwarded-For only with TRUST_PROXY. */
		clientIp: string;
		/** Whether the request came over https (cookie Secure flag, HSTS). */
		secure: boolean;
		/** The server's checked configuration (server/app.ts; read from the environment under `astro dev`). */
		config: import('./lib/config').ServerConfig;
		/** The page's UI language, from its URL (set by src/middleware.ts for pages rendered on request). */
		lang: import('./lib/taxonomy').Lang;
		/** The translator of `lang`. */
		t: import('./lib/i18n').Translate;
		/** Database, member, language, address and effects for the commands a page runs. */
		command: import('./lib/server/context').CommandContext;
	}
}

/** Folder of the HTML rendered at content sync (src/integrations/rendered-markdown.ts). */
declare const __RENDERED_MARKDOWN_DIR__: string;

/** Name of this release's author-Markdown renderer (src/integrations/author-markdown-version.ts). */
declare const __AUTHOR_MARKDOWN_VERSION__: string;
