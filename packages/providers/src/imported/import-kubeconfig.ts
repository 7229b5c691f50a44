/**
 * The kubeconfig of a cluster being imported. Only inline credentials are accepted: a bearer token or a client
 * certificate and key, and the CA as data. `exec` and `auth-provider` would run commands on the server; file
 * references (certificate-authority, client-certificate, client-key, tokenFile) would read the server's files.
 *
 * The text is read once, strictly (no anchors, aliases, merge keys or tags; YAML 1.2 booleans), and what is used
 * afterwards — by the probe, the agent, helm and the kubeconfig route — is only the kubeconfig rebuilt from the
 * validated ImportTarget (canonicalKubeconfig), never the given text: a YAML 1.1 reader (helm) would read `<<` keys
 * in that text as merges and see other credentials than the ones checked here.
 */
import type { Issue } from '@strata/api';
import { isPlainObject, parseSingleYaml, pointer } from '@strata/core';

export interface ImportTarget {
  server: string;
  caData?: string;
  insecureSkipTlsVerify: boolean;
  token?: string;
  clientCertData?: string;
  clientKeyData?: string;
}

type Json = Record<string, unknown>;

const AT = '/spec/kubeconfig';
/** Larger than any real kubeconfig of one cluster with inline certificates. */
const MAX_BYTES = 256 * 1024;

const FORBIDDEN_USER: Record<string, string> = {
  exec: 'runs a command on the server; use a token or a client certificate',
  'auth-provider': 'runs a plugin on the server; use a token or a client certificate',
  tokenFile: 'reads a file on the server; put the token inline (token)',
  'client-certificate': 'reads a file on the server; use client-certificate-data',
  'client-key': 'reads a file on the server; use client-key-data',
  username: 'basic authentication is not supported; use a token or a client certificate',
  password: 'basic authentication is not supported; use a token or a client certificate',
  as: 'impersonation is not supported; give the credentials of the identity to use',
  'as-uid': 'impersonation is not supported; give the credentials of the identity to use',
  'as-groups': 'impersonation is not supported; give the credentials of the identity to use',
  'as-user-extra': 'impersonation is not supported; give the credentials of the identity to use',
};
const FORBIDDEN_CLUSTER: Record<string, string> = {
  'certificate-authority': 'reads a file on the server; use certificate-authority-data',
  'proxy-url': 'connections through a proxy are not supported',
  'tls-server-name': 'is not supported; the server URL must match the certificate',
};

type Section = 'clusters' | 'users' | 'contexts';
const INNER: Record<Section, string> = { clusters: 'cluster', users: 'user', contexts: 'context' };

/** The entries of one list (each an object with a string name and an object body), or issues naming the path. */
function entries(doc: Json, section: Section, issues: Issue[]): Map<string, { body: Json; path: string }> {
  const out = new Map<string, { body: Json; path: string }>();
  const list = doc[section];
  if (list === undefined || list === null) return out;
  if (!Array.isArray(list)) {
    issues.push({ path: `${AT}/${section}`, message: `${section} must be a list` });
    return out;
  }
  list.forEach((entry: unknown, i) => {
    const at = `${AT}/${section}/${i}`;
    if (!isPlainObject(entry)) {
      issues.push({
        path: at,
        message: `each of ${section} must be a map with a name and a ${INNER[section]}`,
      });
      return;
    }
    if (typeof entry.name !== 'string' || entry.name === '') {
      issues.push({ path: `${at}/name`, message: 'the name must be a non-empty string' });
      return;
    }
    if (out.has(entry.name)) {
      issues.push({ path: `${at}/name`, message: `the name "${entry.name}" is used twice in ${section}` });
      return;
    }
    const body = entry[INNER[section]];
    if (!isPlainObject(body)) {
      issues.push({ path: `${at}/${INNER[section]}`, message: `${INNER[section]} must be a map` });
      return;
    }
    out.set(entry.name, { body, path: pointer(`${AT}/${section}`, entry.name) });
  });
  return out;
}

function forbidden(body: Json, path: string, rules: Record<string, string>, issues: Issue[]): void {
  for (const [field, why] of Object.entries(rules)) {
    if (body[field] !== undefined)
      issues.push({ path: `${path}/${field}`, message: `${field} is not accepted: ${why}` });
  }
}

function optionalString(body: Json, field: string, path: string, issues: Issue[]): string | undefined {
  const v = body[field];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string') issues.push({ path: `${path}/${field}`, message: `${field} must be a string` });
  return typeof v === 'string' ? v : undefined;
}

/** Every problem with the kubeconfig (paths under /spec/kubeconfig), or the connection it describes. */
export function parseImportKubeconfig(text: string): { target?: ImportTarget; issues: Issue[] } {
  const parsed = parseSingleYaml(text, { path: AT, strict: true, maxBytes: MAX_BYTES });
  if (parsed.issues.length > 0)
    return {
      issues: parsed.issues.map((i) => ({
        path: i.path,
        message: `not a kubeconfig we accept: ${i.message}`,
      })),
    };
  const doc = parsed.value;
  if (!isPlainObject(doc) || doc.kind !== 'Config') {
    return { issues: [{ path: AT, message: 'not a kubeconfig (kind: Config)' }] };
  }
  const issues: Issue[] = [];
  const clusters = entries(doc, 'clusters', issues);
  const users = entries(doc, 'users', issues);
  const contexts = entries(doc, 'contexts', issues);
  const current = doc['current-context'];
  if (current !== undefined && current !== null && typeof current !== 'string')
    issues.push({ path: `${AT}/current-context`, message: 'current-context must be a string' });
  // Every user and cluster entry is checked, not only the current one, so that no kubeconfig is half-accepted.
  for (const { body, path } of users.values()) forbidden(body, path, FORBIDDEN_USER, issues);
  for (const { body, path } of clusters.values()) forbidden(body, path, FORBIDDEN_CLUSTER, issues);
  if (issues.length > 0) return { issues };

  const context =
    typeof current === 'string' && current !== ''
      ? contexts.get(current)
      : contexts.size === 1
        ? [...contexts.values()][0]
        : undefined;
  if (!context) {
    return {
      issues: [
        {
          path: `${AT}/current-context`,
          message: 'no current context (set current-context to a context, or keep exactly one context)',
        },
      ],
    };
  }
  const clusterName = context.body.cluster;
  const userName = context.body.user;
  const cluster = typeof clusterName === 'string' ? clusters.get(clusterName) : undefined;
  const user = typeof userName === 'string' ? users.get(userName) : undefined;
  if (!cluster) {
    issues.push({
      path: `${context.path}/cluster`,
      message: `the context's cluster ${JSON.stringify(clusterName ?? null)} is not among clusters`,
    });
  }
  if (!user) {
    issues.push({
      path: `${context.path}/user`,
      message: `the context's user ${JSON.stringify(userName ?? null)} is not among users`,
    });
  }
  if (!cluster || !user) return { issues };

  const server = cluster.body.server;
  if (typeof server !== 'string' || !/^https:\/\/[^\s/]+/.test(server)) {
    issues.push({
      path: `${cluster.path}/server`,
      message: `the server must be an https:// URL, got ${JSON.stringify(server ?? null)}`,
    });
  }
  const insecure = cluster.body['insecure-skip-tls-verify'];
  if (insecure !== undefined && insecure !== null && typeof insecure !== 'boolean') {
    issues.push({ path: `${cluster.path}/insecure-skip-tls-verify`, message: 'must be true or false' });
  }
  const ca = optionalString(cluster.body, 'certificate-authority-data', cluster.path, issues);
  const token = optionalString(user.body, 'token', user.path, issues);
  const cert = optionalString(user.body, 'client-certificate-data', user.path, issues);
  const key = optionalString(user.body, 'client-key-data', user.path, issues);
  if (!token && !(cert && key)) {
    issues.push({
      path: user.path,
      message: 'the user needs a token, or client-certificate-data and client-key-data',
    });
  }
  if (issues.length > 0 || typeof server !== 'string') return { issues };
  return {
    issues: [],
    target: {
      server,
      ...(ca ? { caData: ca } : {}),
      insecureSkipTlsVerify: insecure === true,
      ...(token ? { token } : {}),
      ...(cert && key ? { clientCertData: cert, clientKeyData: key } : {}),
    },
  };
}

/**
 * The only kubeconfig handed on for an imported cluster: one cluster, one user, one context, built from the
 * validated target and written as JSON (which every YAML reader reads the same way).
 */
export function canonicalKubeconfig(target: ImportTarget): string {
  const cluster: Json = { server: target.server };
  if (target.caData) cluster['certificate-authority-data'] = target.caData;
  if (target.insecureSkipTlsVerify) cluster['insecure-skip-tls-verify'] = true;
  const user: Json = {};
  if (target.token) user.token = target.token;
  if (target.clientCertData && target.clientKeyData) {
    user['client-certificate-data'] = target.clientCertData;
    user['client-key-data'] = target.clientKeyData;
  }
  const doc = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'imported', cluster }],
    users: [{ name: 'imported', user }],
    contexts: [{ name: 'imported', context: { cluster: 'imported', user: 'imported' } }],
    'current-context': 'imported',
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/** The canonical kubeconfig of a given text, or the issues that make it unusable. */
export function canonicalizeKubeconfig(text: string): {
  kubeconfig?: string;
  target?: ImportTarget;
  issues: Issue[];
} {
  const parsed = parseImportKubeconfig(text);
  return parsed.target
    ? { kubeconfig: canonicalKubeconfig(parsed.target), target: parsed.target, issues: [] }
    : { issues: parsed.issues };
}
