import { StrataError, type Resource } from '@strata/api';
import type { EgressPolicy } from '@strata/core';
import { EgressDeniedError, resolveEgress } from '@strata/provider-sdk';
import * as client from 'openid-client';
import { revealSecret, type SecretCipher } from '../../resources/secret-fields.js';

/** An IdentityProvider's settings, parsed once from its spec (secret decrypted, defaults filled in). */
export interface ProviderSettings {
  tenant: string;
  name: string;
  issuer: URL;
  clientId: string;
  clientSecret?: string;
  scopes: string[];
  claims: { username: string; email: string; groups: string };
  groupMappings: { group: string; team: string }[];
  disabled: boolean;
}

export const DEFAULT_SCOPES = ['openid', 'profile', 'email'];

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** The issuer URL, or the reason it cannot be one (https, or http on a loopback address; no credentials, query or fragment). */
export function parseIssuer(text: string): { url?: URL; problem?: string } {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { problem: `"${text.slice(0, 100)}" is not a URL` };
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.has(url.hostname)))
    return { problem: 'the issuer must be an https URL (http only on a loopback address)' };
  if (url.username || url.password)
    return { problem: 'the issuer URL may not carry a user name or password' };
  if (url.search || url.hash) return { problem: 'the issuer URL may not have a query or fragment' };
  return { url };
}

export function providerSettings(idp: Resource, cipher: SecretCipher): ProviderSettings {
  const spec = idp.spec as {
    issuer: string;
    clientId: string;
    clientSecret?: unknown;
    scopes?: string[];
    claims?: { username?: string; email?: string; groups?: string };
    groupMappings?: { group: string; team: string }[];
    disabled?: boolean;
  };
  const issuer = parseIssuer(spec.issuer).url;
  if (!issuer)
    throw new StrataError(
      'STRATA_UNAVAILABLE',
      `identity provider "${idp.metadata.name}" has no valid issuer`,
    );
  const secret = spec.clientSecret === undefined ? undefined : revealSecret(cipher, spec.clientSecret);
  return {
    tenant: idp.metadata.tenant,
    name: idp.metadata.name,
    issuer,
    clientId: spec.clientId,
    ...(typeof secret === 'string' ? { clientSecret: secret } : {}),
    scopes: spec.scopes && spec.scopes.length > 0 ? spec.scopes : DEFAULT_SCOPES,
    claims: {
      username: spec.claims?.username ?? 'preferred_username',
      email: spec.claims?.email ?? 'email',
      groups: spec.claims?.groups ?? 'groups',
    },
    groupMappings: spec.groupMappings ?? [],
    disabled: spec.disabled === true,
  };
}

export interface DiscoverOptions {
  egress: EgressPolicy;
  /** Give up on the issuer after this long (default 10 s). */
  timeoutMs?: number;
}

/**
 * Reads the provider's discovery document with openid-client (which checks that the document names the same issuer)
 * after checking the issuer's address against the egress policy. Errors say what went wrong in words a tenant admin
 * can act on.
 */
export async function discover(
  settings: ProviderSettings,
  o: DiscoverOptions,
): Promise<client.Configuration> {
  const where = settings.issuer.href;
  try {
    await resolveEgress(o.egress, settings.issuer.hostname);
  } catch (err) {
    if (err instanceof EgressDeniedError) throw unreachable(err.message);
    throw unreachable(`cannot resolve ${settings.issuer.hostname}`);
  }
  const auth = settings.clientSecret ? client.ClientSecretBasic(settings.clientSecret) : client.None();
  try {
    return await client.discovery(settings.issuer, settings.clientId, undefined, auth, {
      timeout: Math.ceil((o.timeoutMs ?? 10_000) / 1000),
      ...(settings.issuer.protocol === 'http:' ? { execute: [client.allowInsecureRequests] } : {}),
    });
  } catch (err) {
    throw unreachable(`the issuer ${where} could not be used: ${describeOidcError(err)}`);
  }
}

function unreachable(message: string): StrataError {
  return new StrataError('STRATA_UNAVAILABLE', message);
}

/** A short, safe description of an openid-client failure (never a token). */
export function describeOidcError(err: unknown): string {
  if (err instanceof client.ResponseBodyError)
    return `${err.error}${err.error_description ? `: ${err.error_description}` : ''}`;
  const e = err as { message?: string; code?: string; cause?: { code?: string; message?: string } };
  const cause = e.cause?.code ?? e.cause?.message;
  return `${e.message ?? String(err)}${cause && !String(e.message).includes(String(cause)) ? ` (${cause})` : ''}`.slice(
    0,
    300,
  );
}
