// The request context pages share: configuration read once (DEMO=1 is the demo, as DEMO=true),
// the language from the URL, and one 404 answer for a segment that is no language.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
	createMemberClient,
	startServer,
	type MemberClient,
	type RunningServer,
} from '../e2e/harness';

const CLAIRE = 'claire.martin@fr.fixture.example';
let server: RunningServer;
let member: MemberClient;

beforeAll(async () => {
	server = await startServer({ DEMO: '1', DEMO_ADMINS: 'claire-martin' });
	member = createMemberClient(server);
});
afterAll(async () => {
	await server?.stop();
});

describe('request context', () => {
	it('treats DEMO=1 as the demo everywhere: accounts seeded and the outbox open to admins', async () => {
		const outbox = await member.get('/dev/outbox/', CLAIRE);
		expect(outbox.status).toBe(200);
		const admin = await (await member.get('/admin/', CLAIRE)).text();
		expect(admin).toContain('href="/dev/outbox/"');
	});

	it('answers a language segment that is no language with the 404 page, for every page rendered on request', async () => {
		for (const p of ['/xx/messages/', '/de/admin/', '/en/account/', '/zz/case-studies/']) {
			const res = await member.get(p, CLAIRE);
			expect(res.status, p).toBe(404);
			expect(res.headers.get('content-type'), p).toMatch(/^text\/html/);
			expect(await res.text(), p).toContain('</html>');
		}
	});

	it('speaks the language of the URL on pages rendered on request', async () => {
		const fr = await (await member.get('/fr/messages/', CLAIRE)).text();
		expect(fr).toContain('<html lang="fr"');
		const en = await (await member.get('/messages/', CLAIRE)).text();
		expect(en).toContain('<html lang="en"');
	});
});
