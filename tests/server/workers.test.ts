// WEB_CONCURRENCY > 1: the main process prepares the data and forks HTTP workers sharing the port;
// sessions and limits live in SQLite, so any worker serves any member; SIGTERM stops them all.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createMemberClient, startServer, type RunningServer } from '../e2e/harness';

let server: RunningServer;
beforeAll(async () => {
	server = await startServer({ DEMO: 'true', DEMO_ADMINS: 'claire-martin', WEB_CONCURRENCY: '2' });
});
afterAll(async () => {
	await server?.stop();
});

it('serves members from two workers, shares sessions through SQLite, and stops on SIGTERM', async () => {
	// /healthz answers as soon as one worker listens; the line comes once both do.
	await expect
		.poll(() => server.output())
		.toMatch(/serving at http:\/\/localhost:\d+ \(data in .*, 2 workers\)/);
	const member = createMemberClient(server);
	await member.tokenFor('anna.verdi@it.fixture.example');
	// Many requests over new connections land on both workers; every one knows the session.
	const statuses = await Promise.all(
		Array.from({ length: 20 }, () => member.get('/messages/', 'anna.verdi@it.fixture.example')),
	);
	expect(statuses.map((r) => r.status)).toEqual(Array(20).fill(200));
	const sent = await member.post('/messages/new/?to=bruno-costa', 'anna.verdi@it.fixture.example', {
		subject: 'From a worker',
		body: 'Hello from one of two workers',
	});
	expect(sent.status).toBe(303);
	const inbox = await (await member.get('/messages/', 'bruno.costa@pt.fixture.example')).text();
	expect(inbox).toContain('From a worker');
	await server.stop();
	expect(server.output()).toContain('SIGTERM: finishing in-flight requests…');
	await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
});
