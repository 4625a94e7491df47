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
	}
}
