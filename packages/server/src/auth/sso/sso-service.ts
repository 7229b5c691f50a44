import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { StrataError } from '@strata/api';
import type { EgressPolicy } from '@strata/core';
import type { ResourceRepository, SsoRepository } from '@strata/store';
import * as client from 'openid-client';
import type { SecretCipher } from '../../resources/secret-fields.js';
import { mintSession, type Session } from '../sessions.js';
import { describeOidcError, type ProviderSettings } from './oidc-config.js';
import { SsoProviders } from './sso-providers.js';
import { identityFromClaims, provisionUser } from './sso-identity.js';

export interface SsoServiceOptions {
  store: ResourceRepository;
  logins: SsoRepository;
  cipher: SecretCipher;
  egress: EgressPolicy;
  /** The URL browsers reach this server at: the IdP sends them back to `<url>/v1/sso/callback`. */
  publicUrl: () => string;
  /** A user, team or key changed: forget cached access of the tenant. */
  onAccessChange: (tenant: string) => void;
  sessionTtlMs?: number;
  /** How often an SSO session's refresh token is used to check the user still may sign in (default 5 minutes). */
  refreshEveryMs?: number;
  now?: () => number;
}

export const CALLBACK_PATH = '/v1/sso/callback';
const AUTHORIZE_TTL_MS = 10 * 60_000;
const RESULT_TTL_MS = 2 * 60_000;
/** A client's proof (PKCE-like) that it started the sign-in it collects: base64url SHA-256 of its verifier. */
const CHALLENGE = /^[A-Za-z0-9_-]{43}$/;
const LOOPBACK_REDIRECT = /^http:\/\/(127\.0\.0\.1|localhost|\[::1\]):\d{1,5}\/[\w\-./]*$/;

interface AuthorizeData {
  nonce: string;
  verifier: string;
  redirect: string;
  challenge: string;
}

export interface DeviceStart {
  handle: string;
  userCode: string;
  verificationUri: string;
  verificationUriComplete?: string;
  intervalSeconds: number;
  expiresAt: string;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('base64url');

function badRequest(message: string): StrataError {
  return new StrataError('STRATA_BAD_REQUEST', message);
}

/**
 * OpenID Connect sign-in for a tenant's IdentityProviders, with openid-client doing every protocol check (state,
 * nonce, PKCE, issuer, audience, expiry, signature of the discovery-named keys). Browser flow: authorize → the IdP →
 * callback (code exchanged, user provisioned, session made) → the client collects the session once with the verifier
 * of the challenge it started with. Device flow: start → the user approves at the IdP → poll.
 */
export class SsoService {
  readonly #o: SsoServiceOptions;
  readonly #providers: SsoProviders;

  constructor(options: SsoServiceOptions) {
    this.#o = options;
    this.#providers = new SsoProviders(options);
  }

  #now(): number {
    return this.#o.now?.() ?? Date.now();
  }

  /** The enabled providers of a tenant (for sign-in pages: names only). */
  providers(tenant: string): Promise<{ name: string; displayName: string }[]> {
    return this.#providers.list(tenant);
  }

  /** Checks a provider's settings by discovery (when it is written): throws a clear error when it cannot be used. */
  async check(settings: ProviderSettings): Promise<void> {
    await this.#providers.check(settings);
  }

  #redirectUri(): string {
    return `${this.#o.publicUrl().replace(/\/$/, '')}${CALLBACK_PATH}`;
  }

  /** Starts a browser sign-in: the URL of the IdP's authorization page. */
  async authorize(input: {
    tenant: string;
    provider: string;
    redirect: string;
    challenge: string;
  }): Promise<string> {
    if (!CHALLENGE.test(input.challenge))
      throw badRequest('challenge must be the base64url SHA-256 of a random verifier (43 characters)');
    if (!isAllowedRedirect(input.redirect))
      throw badRequest(
        'redirect must be a path on this server (e.g. /sso/callback) or a loopback URL (http://127.0.0.1:PORT/...)',
      );
    const { settings, config } = await this.#providers.resolve(input.tenant, input.provider);
    const state = client.randomState();
    const data: AuthorizeData = {
      nonce: client.randomNonce(),
      verifier: client.randomPKCECodeVerifier(),
      redirect: input.redirect,
      challenge: input.challenge,
    };
    await this.#o.logins.create(
      {
        id: sha256(state),
        kind: 'authorize',
        tenant: input.tenant,
        provider: input.provider,
        data: this.#o.cipher.encrypt(JSON.stringify(data)),
      },
      AUTHORIZE_TTL_MS,
    );
    return client.buildAuthorizationUrl(config, {
      redirect_uri: this.#redirectUri(),
      scope: settings.scopes.join(' '),
      state,
      nonce: data.nonce,
      code_challenge: await client.calculatePKCECodeChallenge(data.verifier),
      code_challenge_method: 'S256',
    }).href;
  }

  /**
   * The IdP sent the browser back. A state that is unknown, used or expired is a 400 (there is nowhere safe to send
   * the browser); any later failure goes back to the client's redirect as `?error=`.
   */
  async callback(search: URLSearchParams, requestId: string): Promise<string> {
    const state = search.get('state');
    if (!state) throw badRequest('the identity provider sent no state');
    const row = await this.#o.logins.take(sha256(state), 'authorize');
    if (!row)
      throw badRequest(
        'this sign-in was already completed or has expired (it works once, for 10 minutes); start again',
      );
    const data = JSON.parse(this.#o.cipher.decrypt(row.data)) as AuthorizeData;
    const back = new URL(data.redirect, this.#o.publicUrl());
    try {
      const { settings, config } = await this.#providers.resolve(row.tenant, row.provider);
      const current = new URL(`${this.#redirectUri()}?${search.toString()}`);
      const tokens = await client
        .authorizationCodeGrant(config, current, {
          pkceCodeVerifier: data.verifier,
          expectedNonce: data.nonce,
          expectedState: state,
          idTokenExpected: true,
        })
        .catch((err: unknown) => {
          throw new StrataError(
            'STRATA_UNAUTHENTICATED',
            `single sign-on refused: ${describeOidcError(err)}`,
          );
        });
      const session = await this.#signIn(config, settings, tokens, requestId);
      const code = randomBytes(32).toString('base64url');
      await this.#o.logins.create(
        {
          id: sha256(code),
          kind: 'result',
          tenant: row.tenant,
          provider: row.provider,
          data: this.#o.cipher.encrypt(JSON.stringify({ session, challenge: data.challenge })),
        },
        RESULT_TTL_MS,
      );
      back.searchParams.set('code', code);
    } catch (err) {
      back.searchParams.set('error', err instanceof StrataError ? err.message : 'single sign-on failed');
      if (!(err instanceof StrataError)) throw err;
    }
    return back.href;
  }

  /** Hands a finished sign-in's session to the client that started it (once). */
  async collect(input: { code: string; verifier: string }): Promise<Session> {
    const row = await this.#o.logins.take(sha256(input.code), 'result');
    const denied = new StrataError('STRATA_UNAUTHENTICATED', 'this sign-in code is unknown, used or expired');
    if (!row) throw denied;
    const { session, challenge } = JSON.parse(this.#o.cipher.decrypt(row.data)) as {
      session: Session;
      challenge: string;
    };
    const a = Buffer.from(sha256(input.verifier));
    const b = Buffer.from(challenge);
    if (a.length !== b.length || !timingSafeEqual(a, b)) throw denied;
    return session;
  }

  /** Starts a device sign-in (headless machines): the code the user enters at the IdP. */
  async deviceStart(input: { tenant: string; provider: string }): Promise<DeviceStart> {
    const { settings, config } = await this.#providers.resolve(input.tenant, input.provider);
    if (!config.serverMetadata().device_authorization_endpoint)
      throw badRequest(
        `identity provider "${input.provider}" does not offer the device flow; use the browser sign-in`,
      );
    const started = await client
      .initiateDeviceAuthorization(config, { scope: settings.scopes.join(' ') })
      .catch((err: unknown) => {
        throw new StrataError(
          'STRATA_UNAVAILABLE',
          `the identity provider refused the device sign-in: ${describeOidcError(err)}`,
        );
      });
    const handle = randomBytes(32).toString('base64url');
    const ttlMs = started.expires_in * 1000;
    await this.#o.logins.create(
      {
        id: sha256(handle),
        kind: 'device',
        tenant: input.tenant,
        provider: input.provider,
        data: this.#o.cipher.encrypt(JSON.stringify(started)),
      },
      ttlMs,
    );
    return {
      handle,
      userCode: started.user_code,
      verificationUri: started.verification_uri,
      ...(started.verification_uri_complete
        ? { verificationUriComplete: started.verification_uri_complete }
        : {}),
      intervalSeconds: started.interval ?? 5,
      expiresAt: new Date(this.#now() + ttlMs).toISOString(),
    };
  }

  /** Asks the IdP once (after its polling interval) whether the user approved: pending, or the session. */
  async devicePoll(
    handle: string,
    requestId: string,
  ): Promise<{ status: 'pending' } | { status: 'complete'; session: Session }> {
    const id = sha256(handle);
    const row = await this.#o.logins.get(id, 'device');
    if (!row)
      throw new StrataError(
        'STRATA_UNAUTHENTICATED',
        'this device sign-in is unknown, finished or expired; start again',
      );
    const started = JSON.parse(this.#o.cipher.decrypt(row.data)) as client.DeviceAuthorizationResponse;
    const { settings, config } = await this.#providers.resolve(row.tenant, row.provider);
    const signal = AbortSignal.timeout(((started.interval ?? 5) + 10) * 1000);
    let tokens: Awaited<ReturnType<typeof client.pollDeviceAuthorizationGrant>>;
    try {
      tokens = await client.pollDeviceAuthorizationGrant(config, started, undefined, { signal });
    } catch (err) {
      if (signal.aborted) return { status: 'pending' };
      await this.#o.logins.take(id, 'device');
      throw new StrataError('STRATA_UNAUTHENTICATED', `single sign-on refused: ${describeOidcError(err)}`);
    }
    // Only the poll that removes the row signs in: a handle gives one session.
    if (!(await this.#o.logins.take(id, 'device')))
      throw new StrataError('STRATA_UNAUTHENTICATED', 'this device sign-in was already completed');
    return { status: 'complete', session: await this.#signIn(config, settings, tokens, requestId) };
  }

  async #signIn(
    config: client.Configuration,
    settings: ProviderSettings,
    tokens: client.TokenEndpointResponse & client.TokenEndpointResponseHelpers,
    requestId: string,
  ): Promise<Session> {
    const idClaims = tokens.claims();
    if (!idClaims) throw new StrataError('STRATA_UNAUTHENTICATED', 'single sign-on refused: no ID token');
    const claims = await this.#withUserInfo(config, tokens, idClaims);
    const identity = identityFromClaims(claims, settings);
    const user = await provisionUser({ store: this.#o.store, settings, identity, requestId });
    this.#o.onAccessChange(settings.tenant);
    const session = await mintSession(this.#o.store, {
      tenant: settings.tenant,
      user: user.metadata.name,
      actor: `system:sso/${settings.name}`,
      requestId,
      description: `session created by single sign-on (${settings.name})`,
      provider: settings.name,
      ...(this.#o.sessionTtlMs ? { ttlMs: this.#o.sessionTtlMs } : {}),
    });
    if (tokens.refresh_token) {
      await this.#o.logins.putSession({
        tenant: settings.tenant,
        keyName: session.name,
        provider: settings.name,
        refreshToken: this.#o.cipher.encrypt(tokens.refresh_token),
        refreshAt: this.#now() + (this.#o.refreshEveryMs ?? 5 * 60_000),
      });
    }
    return session;
  }

  /** Claims the ID token lacks (many IdPs put groups only in userinfo) are read from userinfo for the same subject. */
  async #withUserInfo(
    config: client.Configuration,
    tokens: client.TokenEndpointResponse,
    claims: Record<string, unknown>,
  ): Promise<Record<string, unknown>> {
    if (!config.serverMetadata().userinfo_endpoint || !tokens.access_token) return claims;
    const info = await client
      .fetchUserInfo(config, tokens.access_token, String(claims.sub))
      .catch(() => undefined);
    return info ? { ...(info as Record<string, unknown>), ...claims } : claims;
  }

  /**
   * Refreshes an SSO session when it is due (one replica at a time): a refused refresh ends the session (its key is
   * deleted), a changed group list changes the user's teams. Returns false when the session has ended.
   */
  async refresh(tenant: string, keyName: string): Promise<boolean> {
    const stored = await this.#o.logins.session(tenant, keyName);
    if (!stored || stored.refreshAt > this.#now()) return true;
    const every = this.#o.refreshEveryMs ?? 5 * 60_000;
    if (!(await this.#o.logins.claimRefresh(tenant, keyName, this.#now() + every))) return true;
    try {
      const { settings, config } = await this.#providers.resolve(tenant, stored.provider);
      const tokens = await client.refreshTokenGrant(config, this.#o.cipher.decrypt(stored.refreshToken));
      const claims = tokens.claims() as unknown as Record<string, unknown> | undefined;
      if (claims) {
        const identity = identityFromClaims(await this.#withUserInfo(config, tokens, claims), settings);
        await provisionUser({ store: this.#o.store, settings, identity });
        this.#o.onAccessChange(tenant);
      }
      if (tokens.refresh_token)
        await this.#o.logins.putSession({
          ...stored,
          refreshToken: this.#o.cipher.encrypt(tokens.refresh_token),
          refreshAt: this.#now() + every,
        });
      return true;
    } catch (err) {
      // The IdP refused (an OAuth error such as invalid_grant), or the identity it vouches for may no longer sign in:
      // the session ends. An IdP that cannot be reached ends nothing; the refresh is tried again next time.
      const refused =
        err instanceof client.ResponseBodyError ||
        (err instanceof StrataError && err.code === 'STRATA_UNAUTHENTICATED') ||
        (err instanceof StrataError && err.code === 'STRATA_NOT_FOUND');
      if (!refused) return true;
      await this.#endSession(tenant, keyName);
      return false;
    }
  }

  async #endSession(tenant: string, keyName: string): Promise<void> {
    await this.#o.logins.removeSession(tenant, keyName);
    await this.#o.store
      .delete(
        { tenant, projects: '*' },
        { kind: 'ApiKey', tenant, project: '', name: keyName },
        {},
        { name: 'system:sso' },
      )
      .catch(() => undefined);
    this.#o.onAccessChange(tenant);
  }
}

function isAllowedRedirect(redirect: string): boolean {
  if (redirect.length > 512) return false;
  if (/^\/[\w\-./]*$/.test(redirect) && !redirect.startsWith('//')) return true;
  return LOOPBACK_REDIRECT.test(redirect);
}
