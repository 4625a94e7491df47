// SCIM 2.0 provisioning through node:http against the real server: the directory creates, finds,
// updates and deactivates members with its bearer token; a deactivated member's sessions end at once.
import path from 'node:path';
import Sqlite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemberClient, startServer, type RunningServer } from './harness';
import { sendScim, type ScimAnswer } from './scim-client';

const TOKEN = 'scim-token-for-tests-0123456789abcdef0123456789';
let server: RunningServer;

beforeAll(async () => {
	server = await startServer({ DEMO: 'true', SCIM_TOKEN: TOKEN, PORTAL_URL: 'self' });
});
afterAll(async () => {
	await server?.stop();
});

function scim(
	method: string,
	target: string,
	body?: object,
	token: string | null = TOKEN,
): Promise<ScimAnswer> {
	return sendScim(server.url, method, target, body, token);
}

function audit(target: string) {
	const db = new Sqlite(path.join(server.dataDir, 'portal.db'), { readonly: true });
	try {
		return db
			.prepare('SELECT action, detail FROM audit_log WHERE target = ? ORDER BY id')
			.all(target) as { action: string; detail: string | null }[];
	} finally {
		db.close();
	}
}

describe('SCIM /scim/v2/Users', () => {
	it('refuses requests without the bearer token, in SCIM error format', async () => {
		for (const token of [null, 'wrong-token']) {
			const res = await scim('GET', '/scim/v2/Users', undefined, token);
			expect(res.status).toBe(401);
			expect(res.headers['content-type']).toContain('application/scim+json');
			expect(res.json).toMatchObject({
				schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
				status: '401',
			});
		}
		const post = await scim('POST', '/scim/v2/Users', { userName: 'x@y.example' }, 'wrong');
		expect(post.status).toBe(401);
	});

	it('creates a member, finds them by userName and by id, and refuses a duplicate', async () => {
		const created = await scim('POST', '/scim/v2/Users', {
			schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
			userName: 'Marta.Lopez@es.scim.example',
			name: { givenName: 'Marta', familyName: 'López' },
			active: true,
			addresses: [{ type: 'work', country: 'es' }],
		});
		expect(created.status).toBe(201);
		expect(created.json).toMatchObject({
			userName: 'marta.lopez@es.scim.example',
			displayName: 'Marta López',
			active: true,
			addresses: [{ country: 'ES' }],
		});
		expect(created.headers.location).toBe(`${server.url}/scim/v2/Users/${created.json.id}`);
		const found = await scim(
			'GET',
			`/scim/v2/Users?filter=${encodeURIComponent('userName eq "marta.lopez@es.scim.example"')}`,
		);
		expect(found.json).toMatchObject({ totalResults: 1, Resources: [{ id: created.json.id }] });
		const none = await scim(
			'GET',
			`/scim/v2/Users?filter=${encodeURIComponent('userName eq "nobody@x.example"')}`,
		);
		expect(none.json).toMatchObject({ totalResults: 0, Resources: [] });
		expect((await scim('GET', `/scim/v2/Users/${created.json.id}`)).json.userName).toBe(
			'marta.lopez@es.scim.example',
		);
		const dup = await scim('POST', '/scim/v2/Users', { userName: 'marta.lopez@es.scim.example' });
		expect(dup.status).toBe(409);
		expect(dup.json.scimType).toBe('uniqueness');
		const bad = await scim('GET', `/scim/v2/Users?filter=${encodeURIComponent('emails co "x"')}`);
		expect(bad.status).toBe(400);
		expect(bad.json.scimType).toBe('invalidFilter');
		const badCountry = await scim('POST', '/scim/v2/Users', {
			userName: 'z@z.example',
			addresses: [{ country: 'Narnia' }],
		});
		expect(badCountry.status).toBe(400);
		expect(audit('marta.lopez@es.scim.example').map((a) => a.action)).toEqual(['scim-create']);
	});

	it('updates with PUT, and a PATCH active=False (as Entra sends it) ends the member’s sessions at once', async () => {
		const email = 'anna.verdi@it.fixture.example';
		const member = createMemberClient(server);
		expect((await member.get('/account/', email)).status).toBe(200);
		const { json } = await scim(
			'GET',
			`/scim/v2/Users?filter=${encodeURIComponent(`userName eq "${email}"`)}`,
		);
		const id = json.Resources[0].id;
		const put = await scim('PUT', `/scim/v2/Users/${id}`, {
			schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
			userName: email,
			name: { formatted: 'Anna Verdi-Bianchi' },
			addresses: [{ country: 'CH' }],
		});
		expect(put.status).toBe(200);
		expect(put.json).toMatchObject({
			displayName: 'Anna Verdi-Bianchi',
			addresses: [{ country: 'CH' }],
			active: true,
		});
		const patch = await scim('PATCH', `/scim/v2/Users/${id}`, {
			schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
			Operations: [{ op: 'Replace', path: 'active', value: 'False' }],
		});
		expect(patch.status).toBe(200);
		expect(patch.json.active).toBe(false);
		// The same cookie that opened the account page a moment ago is sent to sign-in now.
		const after = await member.get('/account/', email);
		expect(after.status).toBe(303);
		expect(after.headers.get('location')).toContain('/login/');
		expect(audit(email).slice(-2)).toEqual([
			{ action: 'scim-update', detail: 'name, country' },
			{ action: 'deactivate', detail: 'SCIM: sessions ended' },
		]);
	});

	it('DELETE deactivates (the row stays for authorship) and answers 204', async () => {
		const created = await scim('POST', '/scim/v2/Users', {
			userName: 'leaver@pt.scim.example',
			name: { formatted: 'Leaver' },
			addresses: [{ country: 'PT' }],
		});
		const del = await scim('DELETE', `/scim/v2/Users/${created.json.id}`);
		expect(del.status).toBe(204);
		const after = await scim('GET', `/scim/v2/Users/${created.json.id}`);
		expect(after.json.active).toBe(false);
		expect((await scim('DELETE', '/scim/v2/Users/999999')).status).toBe(404);
	});
});
