/**
 * Outbound HTTP(S) on a user's behalf, under the egress policy. The host is resolved once, every address it resolves
 * to is checked, and the socket connects to the checked address (a `lookup` that answers with it), so a DNS answer
 * that changes between the check and the connect (rebinding) cannot reach a denied address. TLS still verifies the
 * certificate for the host name. Redirects are followed hop by hop, each hop checked again.
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import {
  checkEgressAddress,
  egressDeniedMessage,
  parseIp,
  type EgressPolicy,
  type EgressDenial,
} from '@strata/core';

/** The policy refused the connection before anything was sent. */
export class EgressDeniedError extends Error {
  readonly host: string;
  readonly verdict: EgressDenial;
  constructor(host: string, verdict: EgressDenial) {
    super(egressDeniedMessage(host, verdict));
    this.name = 'EgressDeniedError';
    this.host = host;
    this.verdict = verdict;
  }
}

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves a host name to every address it has (injected in tests; default: the system resolver). */
export type EgressResolver = (hostname: string) => Promise<ResolvedAddress[]>;

const systemResolver: EgressResolver = async (hostname) =>
  (await dnsLookup(hostname, { all: true, verbatim: true })).map((a) => ({
    address: a.address,
    family: a.family === 6 ? 6 : 4,
  }));

/**
 * The address to connect to for `hostname` (from a URL: IPv6 in brackets): an IP literal is checked as it is; a name
 * is resolved once and refused when any of its addresses is denied. Throws EgressDeniedError.
 */
export async function resolveEgress(
  policy: EgressPolicy,
  hostname: string,
  resolver: EgressResolver = systemResolver,
): Promise<ResolvedAddress> {
  const literal = hostname.replace(/^\[(.*)\]$/, '$1');
  const ip = parseIp(literal);
  const addresses: ResolvedAddress[] = ip
    ? [{ address: literal, family: literal.includes(':') ? 6 : 4 }]
    : await resolver(hostname);
  if (addresses.length === 0)
    throw Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' });
  for (const a of addresses) {
    const verdict = checkEgressAddress(policy, a.address);
    if (!verdict.allowed) throw new EgressDeniedError(hostname, verdict);
  }
  return addresses[0]!;
}

/** A `lookup` for http(s).request that answers every query with the address already checked. */
function fixedLookup(resolved: ResolvedAddress): LookupFunction {
  return ((_host: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    if (options?.all) callback(null, [resolved]);
    else callback(null, resolved.address, resolved.family);
  }) as LookupFunction;
}

export interface EgressRequestOptions {
  policy: EgressPolicy;
  url: URL;
  headers?: Record<string, string>;
  /** Socket idle timeout; the request fails with code ETIMEDOUT. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** For https: the CA to trust, client certificate and key, and whether to verify (default true). */
  tls?: { ca?: Buffer; cert?: Buffer; key?: Buffer; rejectUnauthorized?: boolean };
  /** Redirects to follow (default 0: a redirect is returned as the response). */
  maxRedirects?: number;
  resolver?: EgressResolver;
}

export interface EgressResponse {
  status: number;
  headers: IncomingHttpHeaders;
  /** Where the response came from (after redirects). */
  url: URL;
  body: IncomingMessage;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** GETs `url` under the policy. Rejects with EgressDeniedError for a denied hop, or the socket's error. */
export async function egressGet(options: EgressRequestOptions): Promise<EgressResponse> {
  let url = options.url;
  let headers = { ...options.headers };
  for (let hop = 0; ; hop++) {
    const res = await getOnce({ ...options, url, headers });
    const location = res.headers.location;
    if (!REDIRECTS.has(res.status) || !location || hop >= (options.maxRedirects ?? 0)) return res;
    res.body.resume();
    const next = new URL(location, url);
    if (next.protocol !== 'http:' && next.protocol !== 'https:') return res;
    // Credentials go to the origin they were given for, never to the one a redirect names.
    if (next.origin !== url.origin) headers = withoutAuthorization(headers);
    url = next;
  }
}

function withoutAuthorization(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([k]) => k.toLowerCase() !== 'authorization'));
}

async function getOnce(o: EgressRequestOptions): Promise<EgressResponse> {
  if (o.url.protocol !== 'http:' && o.url.protocol !== 'https:')
    throw new Error(`${o.url.protocol} URLs are not supported`);
  o.signal?.throwIfAborted();
  const resolved = await resolveEgress(o.policy, o.url.hostname, o.resolver);
  const target = new URL(o.url.href);
  target.username = '';
  target.password = '';
  const https = target.protocol === 'https:';
  const tls = o.tls ?? {};
  return new Promise((resolve, reject) => {
    const req = (https ? httpsRequest : httpRequest)(
      target,
      {
        method: 'GET',
        agent: false,
        lookup: fixedLookup(resolved),
        headers: o.headers ?? {},
        ...(o.timeoutMs ? { timeout: o.timeoutMs } : {}),
        ...(o.signal ? { signal: o.signal } : {}),
        ...(https
          ? {
              rejectUnauthorized: tls.rejectUnauthorized ?? true,
              ...(tls.ca ? { ca: tls.ca } : {}),
              ...(tls.cert ? { cert: tls.cert } : {}),
              ...(tls.key ? { key: tls.key } : {}),
            }
          : {}),
      },
      (res) => resolve({ status: res.statusCode ?? 0, headers: res.headers, url: target, body: res }),
    );
    req.on('timeout', () => req.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })));
    req.on('error', reject);
    req.end();
  });
}

/** Reads a response body up to `maxBytes`; undefined (and the connection closed) when it is larger. */
export async function readEgressBody(res: EgressResponse, maxBytes: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body as AsyncIterable<Buffer>) {
    size += chunk.byteLength;
    if (size > maxBytes) {
      res.body.destroy();
      return undefined;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
