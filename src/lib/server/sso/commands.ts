// Signing in with the company's account (OpenID Connect, authorization code + PKCE). The provider
// vouches for who the person is; the portal decides what account that is: the one already linked
// to the provider's subject, else the local account with the same verified email, else a new member
// made from the claims, when they carry an email and a country the portal knows.
import { getOidcConfig, getPortalUrl, type OidcConfig } from '../../config';
import { isEmail } from '../../forms';
import { isLang } from '../../i18n';
import { isCountryCode, type Lang } from '../../taxonomy';
import { recordAudit } from '../audit';
import type { CommandContext } from '../context';
import { claimInvitationByEmail } from '../invitation';
import { consumeToken, ssoStartBucket } from '../rate-limit';
import { createSession, generateSessionToken, type Session } from '../session';
import { getNowSeconds } from '../time';
import { getUserByEmail, getUserById, type Role, type User } from '../user';
import { client, getProviderConfiguration } from './provider';
import {
	consumeOidcLogin,
	createSsoUser,
	findLinkedUserId,
	getSessionIdToken,
	linkIdentity,
	saveOidcLogin,
	setCountryFromClaims,
	setSessionIdToken,
	syncRoleFromGroups,
} from './store';

/** How long a sign-in may stay at the provider before its state is forgotten. */
export const OIDC_LOGIN_TTL_SECONDS = 600;
/** The cookie binding a sign-in under way to the browser that started it. */
export const OIDC_STATE_COOKIE = 'cd_oidc_state';
/** Where the provider sends the browser back; registered at the provider as the redirect URI. */
export const OIDC_CALLBACK_PATH = '/auth/oidc/callback';

/** Why a sign-in with the company account did not open a session; each has a plain-words page. */
export type SsoRefusal =
	| 'expired' // no state, a state used already, another browser's, or older than ten minutes
	| 'idp-denied' // the person cancelled or may not use this application
	| 'idp-error' // the provider reported another error
	| 'invalid' // the provider's answer did not validate (signature, nonce, issuer, expiry…)
	| 'unavailable' // the provider could not be reached
	| 'no-email'
	| 'email-unverified'
	| 'no-country'
	| 'inactive';

export type StartSsoResult =
	| { ok: true; url: string; state: string }
	| { ok: false; kind: 'not-configured' | 'unavailable' }
	| { ok: false; kind: 'rate-limited'; retryAfterSeconds: number };

/**
 * Starts a sign-in: remembers state, nonce and PKCE verifier (one use) and gives the provider's
 * address to redirect to. `next` must already be a safe same-site path.
 */
export async function startSsoSignIn(
	ctx: CommandContext,
	input: { next: string },
): Promise<StartSsoResult> {
	const oidc = getOidcConfig();
	if (!oidc) return { ok: false, kind: 'not-configured' };
	if (!consumeToken(ctx.db, ssoStartBucket, ctx.ip))
		return {
			ok: false,
			kind: 'rate-limited',
			retryAfterSeconds: ssoStartBucket.refillIntervalSeconds,
		};
	let configuration: client.Configuration;
	try {
		configuration = await getProviderConfiguration(oidc);
	} catch (error) {
		console.error('Single sign-on: the provider could not be discovered', error);
		return { ok: false, kind: 'unavailable' };
	}
	const state = client.randomState();
	const nonce = client.randomNonce();
	const codeVerifier = client.randomPKCECodeVerifier();
	const codeChallenge = await client.calculatePKCECodeChallenge(codeVerifier);
	ctx.db
		.transaction(() =>
			saveOidcLogin(ctx.db, { state, nonce, codeVerifier, next: input.next, lang: ctx.lang }),
		)
		.immediate();
	const url = client.buildAuthorizationUrl(configuration, {
		redirect_uri: getPortalUrl() + OIDC_CALLBACK_PATH,
		scope: oidc.scopes,
		state,
		nonce,
		code_challenge: codeChallenge,
		code_challenge_method: 'S256',
	});
	return { ok: true, url: url.href, state };
}

export type CompleteSsoResult =
	| { ok: true; token: string; session: Session; user: User; next: string; lang: Lang }
	| { ok: false; kind: SsoRefusal; lang: Lang };

/**
 * Finishes a sign-in from the provider's redirect: the state must be this browser's and unused,
 * the code is exchanged with the PKCE verifier, the ID token validated (signature, issuer, audience,
 * expiry with 60 s of tolerance, nonce), then the member found, linked or created and a session opened.
 */
export async function completeSsoSignIn(
	ctx: CommandContext,
	input: { callbackUrl: URL; cookieState: string | null; userAgent: string | null },
): Promise<CompleteSsoResult> {
	const oidc = getOidcConfig();
	const state = input.callbackUrl.searchParams.get('state');
	const refuse = (kind: SsoRefusal, lang: Lang, detail: string, target: string | null = null) => {
		recordAudit(ctx.db, {
			actorId: null,
			action: 'sso-refused',
			target,
			ip: ctx.ip,
			detail: `${kind}: ${detail}`.slice(0, 500),
		});
		return { ok: false as const, kind, lang };
	};
	if (!oidc || !state || state !== input.cookieState)
		return refuse('expired', ctx.lang, state ? 'state not from this browser' : 'no state');
	const login = ctx.db.transaction(() => consumeOidcLogin(ctx.db, state)).immediate();
	if (!login || getNowSeconds() - login.createdAt > OIDC_LOGIN_TTL_SECONDS)
		return refuse(
			'expired',
			ctx.lang,
			login ? 'state older than ten minutes' : 'state unknown or used',
		);
	const lang = isLang(login.lang) ? login.lang : ctx.lang;
	const idpError = input.callbackUrl.searchParams.get('error');
	if (idpError) {
		const description = input.callbackUrl.searchParams.get('error_description') ?? '';
		const kind = ['access_denied', 'unauthorized_client', 'consent_required'].includes(idpError)
			? 'idp-denied'
			: 'idp-error';
		return refuse(kind, lang, `${idpError} ${description}`.trim());
	}
	let configuration: client.Configuration;
	try {
		configuration = await getProviderConfiguration(oidc);
	} catch (error) {
		console.error('Single sign-on: the provider could not be discovered', error);
		return refuse('unavailable', lang, 'discovery failed');
	}
	let claims: Record<string, unknown>;
	let idToken: string;
	try {
		// Only the parameters the provider sent: the portal's own address comes from PORTAL_URL, so
		// a Host header cannot change the redirect URI compared at the token endpoint.
		const current = new URL(getPortalUrl() + OIDC_CALLBACK_PATH);
		current.search = input.callbackUrl.search;
		const tokens = await client.authorizationCodeGrant(configuration, current, {
			pkceCodeVerifier: login.codeVerifier,
			expectedNonce: login.nonce,
			expectedState: state,
			idTokenExpected: true,
		});
		const idClaims = tokens.claims();
		if (!idClaims || !tokens.id_token) throw new Error('no ID token');
		idToken = tokens.id_token;
		claims = { ...idClaims };
		// Many providers keep profile claims out of the ID token and give them at userinfo.
		if (configuration.serverMetadata().userinfo_endpoint) {
			const info = await client.fetchUserInfo(configuration, tokens.access_token, idClaims.sub);
			claims = { ...info, ...idClaims };
		}
	} catch (error) {
		const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
		if (error instanceof TypeError && /fetch failed/.test(reason)) {
			return refuse('unavailable', lang, reason);
		}
		return refuse('invalid', lang, reason);
	}
	return signInFromClaims(ctx, {
		oidc,
		claims,
		idToken,
		next: login.next,
		lang,
		userAgent: input.userAgent,
		refuse,
	});
}

function signInFromClaims(
	ctx: CommandContext,
	input: {
		oidc: OidcConfig;
		claims: Record<string, unknown>;
		idToken: string;
		next: string;
		lang: Lang;
		userAgent: string | null;
		refuse: (
			kind: SsoRefusal,
			lang: Lang,
			detail: string,
			target?: string | null,
		) => CompleteSsoResult;
	},
): CompleteSsoResult {
	const { oidc, claims, lang, refuse } = input;
	const subject = String(claims.sub);
	const email = typeof claims.email === 'string' ? claims.email.trim().toLowerCase() : '';
	const target = `${oidc.issuer} ${subject}`;
	const groups = readGroups(claims[oidc.roleClaim]);
	const mapped = mapGroups(oidc, groups);
	const rawCountry = claims[oidc.countryClaim];
	const countryText = typeof rawCountry === 'string' ? rawCountry.trim().toUpperCase() : '';
	const claimedCountry = isCountryCode(countryText) ? countryText : null;
	const token = generateSessionToken();
	type Outcome =
		| { ok: true; user: User; session: Session }
		| { ok: false; kind: SsoRefusal; detail: string };
	const outcome = ctx.db
		.transaction((): Outcome => {
			let userId = findLinkedUserId(ctx.db, oidc.issuer, subject);
			let created = false;
			if (userId === null) {
				if (!email || !isEmail(email))
					return { ok: false, kind: 'no-email', detail: 'no email claim' };
				// An unverified address could be anyone's: never let it open someone else's account.
				if ('email_verified' in claims && claims.email_verified !== true)
					return { ok: false, kind: 'email-unverified', detail: email };
				const existing = getUserByEmail(ctx.db, email);
				if (existing) {
					userId = existing.id;
					linkIdentity(ctx.db, { issuer: oidc.issuer, subject, userId });
					recordAudit(ctx.db, {
						actorId: userId,
						action: 'sso-account-link',
						target: email,
						ip: ctx.ip,
						detail: target,
					});
				} else {
					// An admin's invitation to this address is what the first sign-in accepts: its country
					// stands in for a missing claim, and its role counts as much as the groups.
					const invitation = claimInvitationByEmail(ctx.db, email);
					const country = claimedCountry ?? invitation?.country ?? null;
					if (!country)
						return {
							ok: false,
							kind: 'no-country',
							detail: `${email}: ${oidc.countryClaim} ${JSON.stringify(claims[oidc.countryClaim] ?? null)}`,
						};
					const role =
						invitation && ROLE_RANK[invitation.role] > ROLE_RANK[mapped.role]
							? invitation.role
							: mapped.role;
					const user = createSsoUser(ctx.db, {
						email,
						name: readName(claims, email),
						country,
						role,
						hq: mapped.hq,
						languages: [lang],
					});
					linkIdentity(ctx.db, { issuer: oidc.issuer, subject, userId: user.id });
					userId = user.id;
					created = true;
					recordAudit(ctx.db, {
						actorId: user.id,
						action: 'sso-account-create',
						target: email,
						ip: ctx.ip,
						detail: `${country}, ${role}${mapped.hq ? ' (HQ)' : ''}${invitation ? ', invited' : ''}`,
					});
				}
			}
			let user = getUserById(ctx.db, userId);
			if (!user || !user.active) return { ok: false, kind: 'inactive', detail: email || target };
			// The provider says where someone works: a member moved to another subsidiary gets its
			// country at their next sign-in. A missing or unknown claim changes nothing.
			if (!created && claimedCountry && claimedCountry !== user.country) {
				setCountryFromClaims(ctx.db, user.id, claimedCountry);
				recordAudit(ctx.db, {
					actorId: user.id,
					action: 'member-country',
					target: `user:${user.id}`,
					ip: ctx.ip,
					detail: `${user.country ?? '—'} → ${claimedCountry} (from the provider's claims)`,
				});
				user = getUserById(ctx.db, userId)!;
			}
			// With a group → role mapping configured the provider's groups are the source of truth for
			// roles: someone taken out of the admin group is no admin at their next sign-in (and a role
			// set by hand goes back to what the groups say). Without a mapping, roles are the admins'
			// business and a sign-in never changes them. Only when the claim is there at all.
			if (!created && hasRoleMapping(oidc) && claims[oidc.roleClaim] !== undefined) {
				const change = syncRoleFromGroups(ctx.db, user, mapped);
				if (change) {
					recordAudit(ctx.db, {
						actorId: user.id,
						action: 'role-change',
						target: `user:${user.id}`,
						ip: ctx.ip,
						detail: `${change} (from the provider's groups)`,
					});
					user = getUserById(ctx.db, userId)!;
				}
			}
			const session = createSession(ctx.db, token, user.id, {
				userAgent: input.userAgent,
				ip: ctx.ip,
			});
			if (oidc.logout) setSessionIdToken(ctx.db, session.id, input.idToken);
			recordAudit(ctx.db, {
				actorId: user.id,
				action: 'sign-in',
				target: user.email,
				ip: ctx.ip,
				detail: 'single sign-on',
			});
			return { ok: true, user, session };
		})
		.immediate();
	if (!outcome.ok) return refuse(outcome.kind, lang, outcome.detail, email || target);
	return {
		ok: true,
		token,
		session: outcome.session,
		user: outcome.user,
		next: input.next,
		lang,
	};
}

/**
 * Where to send the browser after signing out so the provider's session ends too: its end-session
 * address with the ID token as hint, when OIDC_LOGOUT is on, the session came from single sign-on
 * and the provider offers RP-initiated logout. Read before the session is deleted.
 */
export async function getProviderLogoutUrl(
	ctx: CommandContext,
	input: { session: Session | null; afterLogout: string },
): Promise<{ ok: true; providerLogoutUrl: string | null }> {
	const oidc = getOidcConfig();
	if (!input.session || !ctx.user || !oidc?.logout) return { ok: true, providerLogoutUrl: null };
	const idToken = getSessionIdToken(ctx.db, input.session.id);
	if (!idToken) return { ok: true, providerLogoutUrl: null };
	try {
		const configuration = await getProviderConfiguration(oidc);
		if (!configuration.serverMetadata().end_session_endpoint)
			return { ok: true, providerLogoutUrl: null };
		const url = client.buildEndSessionUrl(configuration, {
			id_token_hint: idToken,
			post_logout_redirect_uri: getPortalUrl() + input.afterLogout,
		});
		return { ok: true, providerLogoutUrl: url.href };
	} catch (error) {
		console.error('Single sign-on: no provider logout', error);
		return { ok: true, providerLogoutUrl: null };
	}
}

/** The groups claim as a list: providers send an array, some one string. */
function readGroups(value: unknown): string[] {
	if (Array.isArray(value)) return value.filter((g): g is string => typeof g === 'string');
	if (typeof value === 'string') return [value];
	return [];
}

const ROLE_RANK: Record<Role, number> = { member: 0, editor: 1, admin: 2 };

/** Whether any group → role mapping (OIDC_ADMIN_GROUPS, OIDC_EDITOR_GROUPS, OIDC_HQ_GROUPS) is set. */
export function hasRoleMapping(oidc: OidcConfig): boolean {
	return oidc.adminGroups.length + oidc.editorGroups.length + oidc.hqGroups.length > 0;
}

/** The highest role the groups give; HQ groups make an editor with the HQ mark. */
export function mapGroups(oidc: OidcConfig, groups: string[]): { role: Role; hq: boolean } {
	const inAny = (list: string[]) => groups.some((g) => list.includes(g));
	const hq = inAny(oidc.hqGroups);
	if (inAny(oidc.adminGroups)) return { role: 'admin', hq };
	if (inAny(oidc.editorGroups) || hq) return { role: 'editor', hq };
	return { role: 'member', hq: false };
}

function readName(claims: Record<string, unknown>, email: string): string {
	const text = (v: unknown) => (typeof v === 'string' ? v.trim() : '');
	const name =
		text(claims.name) ||
		[text(claims.given_name), text(claims.family_name)].filter(Boolean).join(' ') ||
		email.split('@')[0]!;
	return [...name].slice(0, 100).join('');
}
