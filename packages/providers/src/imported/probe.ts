/**
 * Can Strata reach the cluster with these credentials? One GET /version (reachability, TLS) and one list of
 * namespaces (the credentials are valid and may read), each turned into a sentence a user can act on.
 */
import { DEFAULT_EGRESS_POLICY, type EgressPolicy } from '@strata/core';
import { EgressDeniedError, egressGet, readEgressBody, type EgressResolver } from '@strata/provider-sdk';
import type { ImportTarget } from './import-kubeconfig.js';

export type ProbeResult = { ok: true; version: string } | { ok: false; message: string };

export interface ProbeOptions {
  timeoutMs?: number;
  /** Which addresses may be reached (default: public addresses only). */
  egress?: EgressPolicy;
  /** Injected in tests; default: the system resolver. */
  resolver?: EgressResolver;
}

const TLS_CODES = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_SIGNATURE_FAILURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_HAS_EXPIRED',
]);

async function get(
  target: ImportTarget,
  path: string,
  o: ProbeOptions,
): Promise<{ status: number; body: string }> {
  const b64 = (data: string | undefined) => (data ? Buffer.from(data, 'base64') : undefined);
  const res = await egressGet({
    policy: o.egress ?? DEFAULT_EGRESS_POLICY,
    url: new URL(path, target.server),
    timeoutMs: o.timeoutMs ?? 10_000,
    tls: {
      rejectUnauthorized: !target.insecureSkipTlsVerify,
      ...(target.caData ? { ca: b64(target.caData) } : {}),
      ...(target.clientCertData ? { cert: b64(target.clientCertData) } : {}),
      ...(target.clientKeyData ? { key: b64(target.clientKeyData) } : {}),
    },
    headers: {
      accept: 'application/json',
      ...(target.token ? { authorization: `Bearer ${target.token}` } : {}),
    },
    ...(o.resolver ? { resolver: o.resolver } : {}),
  });
  const body = await readEgressBody(res, 65_536);
  return { status: res.status, body: body?.toString('utf8') ?? '' };
}

/**
 * What a user reads when the connection failed. Refused, reset, timed out, not TLS: one sentence, so that a probe
 * cannot tell an open port from a closed one. A policy refusal and an untrusted certificate say what to change.
 */
function connectFailure(target: ImportTarget, err: unknown): ProbeResult {
  if (err instanceof EgressDeniedError) return { ok: false, message: err.message };
  const code = (err as { code?: string }).code ?? '';
  if (TLS_CODES.has(code)) {
    return {
      ok: false,
      message: `the certificate of ${target.server} is not trusted with the kubeconfig's certificate-authority-data (${code}); check that the CA belongs to this cluster`,
    };
  }
  return {
    ok: false,
    message: `could not connect to ${origin(target.server)}; check the server address and that it is reachable from the Strata server`,
  };
}

const origin = (server: string): string => {
  try {
    return new URL(server).origin;
  } catch {
    return server;
  }
};

export async function probeCluster(target: ImportTarget, options: ProbeOptions = {}): Promise<ProbeResult> {
  let about: { status: number; body: string };
  let list: { status: number; body: string };
  try {
    about = await get(target, '/version', options);
    if (about.status === 401) return credentialsRejected(target);
    if (about.status !== 200 && about.status !== 403) {
      return {
        ok: false,
        message: `${target.server}/version answered HTTP ${about.status}; is this a Kubernetes API server?`,
      };
    }
    list = await get(target, '/api/v1/namespaces?limit=1', options);
  } catch (err) {
    return connectFailure(target, err);
  }
  const version = about.status === 200 ? gitVersion(about.body) : '';
  if (list.status === 401) return credentialsRejected(target);
  if (list.status === 403) {
    return {
      ok: false,
      message: `the kubeconfig's credentials may not list namespaces on ${target.server}; import needs read access to the whole cluster`,
    };
  }
  if (list.status !== 200)
    return { ok: false, message: `listing namespaces on ${target.server} failed with HTTP ${list.status}` };
  return { ok: true, version };
}

function gitVersion(body: string): string {
  try {
    const v = (JSON.parse(body) as { gitVersion?: unknown }).gitVersion;
    return typeof v === 'string' ? v : '';
  } catch {
    return '';
  }
}

function credentialsRejected(target: ImportTarget): ProbeResult {
  return {
    ok: false,
    message: `${target.server} rejected the kubeconfig's credentials (HTTP 401): the ${target.token ? 'token is expired, revoked or wrong' : 'client certificate is not accepted'}`,
  };
}
