// A raw SCIM request as a directory (Entra ID, Okta) sends one: node:http, so that the path goes
// exactly as written and nothing is normalised on the way.
import http from 'node:http';

export interface ScimAnswer {
	status: number;
	headers: http.IncomingHttpHeaders;
	json: any;
}

/**
 * Sends `method target` with `body` as SCIM JSON to `baseUrl`, with `token` as the bearer (none when
 * null), and reads the answer back as JSON.
 * @example await sendScim(server.url, 'GET', '/scim/v2/Users', undefined, TOKEN)
 */
export function sendScim(
	baseUrl: string,
	method: string,
	target: string,
	body: object | undefined,
	token: string | null,
): Promise<ScimAnswer> {
	const url = new URL(baseUrl + target);
	const data = body ? JSON.stringify(body) : undefined;
	return new Promise((resolve, reject) => {
		const req = http.request(
			{
				host: url.hostname,
				port: url.port,
				method,
				path: url.pathname + url.search,
				headers: {
					Accept: 'application/scim+json',
					...(token ? { Authorization: `Bearer ${token}` } : {}),
					...(data
						? { 'Content-Type': 'application/scim+json', 'Content-Length': Buffer.byteLength(data) }
						: {}),
				},
			},
			(res) => {
				let text = '';
				res.on('data', (c) => (text += c));
				res.on('end', () =>
					resolve({
						status: res.statusCode!,
						headers: res.headers,
						json: text ? JSON.parse(text) : null,
					}),
				);
			},
		);
		req.on('error', reject);
		req.end(data);
	});
}
