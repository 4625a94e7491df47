// SCIM discovery (RFC 7644 §4): what this portal's endpoint supports, so a directory's connector
// (Entra ID, Okta) can configure itself: Users and Groups, PATCH, simple filters, bearer token.
import { getPortalUrl } from '../../config';
import { LIST_SCHEMA, SCIM_USER_SCHEMA, scimError, type ScimResponse } from './commands';
import { SCIM_GROUP_SCHEMA } from './groups';

const attribute = (name: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
	name,
	type: 'string',
	multiValued: false,
	required: false,
	caseExact: false,
	mutability: 'readWrite',
	returned: 'default',
	uniqueness: 'none',
	...extra,
});

function resourceTypes(): Record<string, unknown>[] {
	const base = `${getPortalUrl()}/scim/v2`;
	return [
		{
			id: 'User',
			name: 'User',
			endpoint: '/Users',
			description: 'Members',
			schema: SCIM_USER_SCHEMA,
		},
		{
			id: 'Group',
			name: 'Group',
			endpoint: '/Groups',
			description: 'Groups giving roles',
			schema: SCIM_GROUP_SCHEMA,
		},
	].map((r) => ({
		schemas: ['urn:ietf:params:scim:schemas:core:2.0:ResourceType'],
		...r,
		meta: { resourceType: 'ResourceType', location: `${base}/ResourceTypes/${r.id}` },
	}));
}

function schemas(): Record<string, unknown>[] {
	const base = `${getPortalUrl()}/scim/v2`;
	return [
		{
			id: SCIM_USER_SCHEMA,
			name: 'User',
			description: 'A member of the portal',
			attributes: [
				attribute('userName', { required: true, uniqueness: 'server' }),
				attribute('name', {
					type: 'complex',
					subAttributes: [attribute('formatted'), attribute('givenName'), attribute('familyName')],
				}),
				attribute('displayName'),
				attribute('active', { type: 'boolean' }),
				attribute('emails', {
					type: 'complex',
					multiValued: true,
					mutability: 'readOnly',
					subAttributes: [attribute('value')],
				}),
				attribute('addresses', {
					type: 'complex',
					multiValued: true,
					subAttributes: [attribute('country')],
				}),
			],
		},
		{
			id: SCIM_GROUP_SCHEMA,
			name: 'Group',
			description: 'A directory group; mapped ones give roles (OIDC_*_GROUPS)',
			attributes: [
				attribute('displayName', { required: true, uniqueness: 'server' }),
				attribute('members', {
					type: 'complex',
					multiValued: true,
					subAttributes: [
						attribute('value', { mutability: 'immutable' }),
						attribute('display', { mutability: 'readOnly' }),
						attribute('$ref', {
							type: 'reference',
							referenceTypes: ['User'],
							mutability: 'immutable',
						}),
					],
				}),
			],
		},
	].map((s) => ({
		schemas: ['urn:ietf:params:scim:schemas:core:2.0:Schema'],
		...s,
		meta: { resourceType: 'Schema', location: `${base}/Schemas/${s.id}` },
	}));
}

const list = (resources: object[]): ScimResponse => ({
	status: 200,
	body: {
		schemas: [LIST_SCHEMA],
		totalResults: resources.length,
		startIndex: 1,
		itemsPerPage: resources.length,
		Resources: resources,
	},
});

/** GET /ServiceProviderConfig */
export function getServiceProviderConfig(): ScimResponse {
	return {
		status: 200,
		body: {
			schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
			documentationUri: `${getPortalUrl()}/`,
			patch: { supported: true },
			bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
			filter: { supported: true, maxResults: 200 },
			changePassword: { supported: false },
			sort: { supported: false },
			etag: { supported: false },
			authenticationSchemes: [
				{
					type: 'oauthbearertoken',
					name: 'Bearer token',
					description: 'The token set in the portal’s SCIM_TOKEN',
					primary: true,
				},
			],
			meta: {
				resourceType: 'ServiceProviderConfig',
				location: `${getPortalUrl()}/scim/v2/ServiceProviderConfig`,
			},
		},
	};
}

/** GET /ResourceTypes and /ResourceTypes/:id */
export function getResourceTypes(id?: string): ScimResponse {
	if (id === undefined) return list(resourceTypes());
	const found = resourceTypes().find((r) => r.id === id);
	return found ? { status: 200, body: found } : scimError(404, 'No such resource type.');
}

/** GET /Schemas and /Schemas/:id */
export function getSchemas(id?: string): ScimResponse {
	if (id === undefined) return list(schemas());
	const found = schemas().find((s) => s.id === id);
	return found ? { status: 200, body: found } : scimError(404, 'No such schema.');
}
