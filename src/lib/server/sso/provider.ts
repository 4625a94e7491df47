// The company's OpenID provider as openid-client sees it. Discovery runs at the first sign-in, not
// at start, so the portal starts (and local passwords work) while the provider is down; a failed
// discovery is not cached, the next sign-in tries again.
import * as client from 'openid-client';
import type { OidcConfig } from '../../config';

/** Seconds of clock difference with the provider tolerated on iat/exp/nbf. */
export const CLOCK_TOLERANCE_SECONDS = 60;

let cached: { key: string; configuration: Promise<client.Configuration> } | undefined;

/**
 * The provider's metadata and this portal's client, discovered once per process.
 * @example const configuration = await getProviderConfiguration(getOidcConfig()!)
 */
export function getProviderConfiguration(oidc: OidcConfig): Promise<client.Configuration> {
	const key = `${oidc.issuer}\n${oidc.clientId}\n${oidc.clientSecret}`;
	if (cached?.key === key) return cached.configuration;
	const insecure = new URL(oidc.issuer).protocol === 'http:';
	const configuration = client
		.discovery(
			new URL(oidc.issuer),
			oidc.clientId,
			{ [client.clockTolerance]: CLOCK_TOLERANCE_SECONDS },
			client.ClientSecretPost(oidc.clientSecret),
			{
				execute: [
					// The token endpoint's TLS already vouches for the ID token (OIDC Core 3.1.3.7), which
					// is why openid-client skips its signature by default; we check it against the
					// provider's published keys as well, so a token swapped in by anything between the two
					// (a TLS-intercepting proxy, a compromised token endpoint route) is refused.
					client.enableNonRepudiationChecks,
					// config.ts allows http only on loopback (the tests' provider).
					...(insecure ? [client.allowInsecureRequests] : []),
				],
				timeout: 10,
			},
		)
		.catch((error: unknown) => {
			if (cached?.configuration === configuration) cached = undefined;
			throw error;
		});
	cached = { key, configuration };
	return configuration;
}

export { client };
