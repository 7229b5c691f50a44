/**
 * Can Strata reach the cluster with these credentials? One GET /version (reachability, TLS) and one list of
 * namespaces (the credentials are valid and may read), each turned into a sentence a user can act on.
 */
import { request } from 'node:https';
import type { ImportTarget } from './import-kubeconfig.js';

export type ProbeResult = { ok: true; version: string } | { ok: false; message: string };

const TLS_CODES = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_SIGNATURE_FAILURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_HAS_EXPIRED',
]);

function get(
  target: ImportTarget,
  path: string,
  timeoutMs: number,
): Promise<{ status: number; body: string }> {
  const url = new URL(path, target.server);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'GET',
        timeout: timeoutMs,
        ...(target.caData ? { ca: Buffer.from(target.caData, 'base64') } : {}),
        rejectUnauthorized: !target.insecureSkipTlsVerify,
        ...(target.clientCertData ? { cert: Buffer.from(target.clientCertData, 'base64') } : {}),
        ...(target.clientKeyData ? { key: Buffer.from(target.clientKeyData, 'base64') } : {}),
        headers: {
          accept: 'application/json',
          ...(target.token ? { authorization: `Bearer ${target.token}` } : {}),
        },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d.length + body.length > 65536 ? '' : d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('timeout', () => req.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })));
    req.on('error', reject);
    req.end();
  });
}

export async function probeCluster(target: ImportTarget, timeoutMs = 10_000): Promise<ProbeResult> {
  let version: string;
  try {
    const res = await get(target, '/version', timeoutMs);
    if (res.status === 401) return credentialsRejected(target);
    if (res.status !== 200 && res.status !== 403) {
      return {
        ok: false,
        message: `${target.server}/version answered HTTP ${res.status}; is this a Kubernetes API server?`,
      };
    }
    version =
      res.status === 200 ? String((JSON.parse(res.body) as { gitVersion?: string }).gitVersion ?? '') : '';
  } catch (err) {
    const code = (err as { code?: string }).code ?? '';
    if (TLS_CODES.has(code)) {
      return {
        ok: false,
        message: `the certificate of ${target.server} is not trusted with the kubeconfig's certificate-authority-data (${code}); check that the CA belongs to this cluster`,
      };
    }
    return { ok: false, message: `cannot reach ${target.server}: ${code || (err as Error).message}` };
  }
  const list = await get(target, '/api/v1/namespaces?limit=1', timeoutMs);
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

function credentialsRejected(target: ImportTarget): ProbeResult {
  return {
    ok: false,
    message: `${target.server} rejected the kubeconfig's credentials (HTTP 401): the ${target.token ? 'token is expired, revoked or wrong' : 'client certificate is not accepted'}`,
  };
}
