/**
 * The kubeconfig of a cluster being imported. Only inline credentials are accepted: a bearer token or a client
 * certificate and key, and the CA as data. `exec` and `auth-provider` would run commands on the server; file
 * references (certificate-authority, client-certificate, client-key, tokenFile) would read the server's files.
 */
import type { Issue } from '@strata/api';
import { loadYaml } from '@strata/core';

export interface ImportTarget {
  server: string;
  caData?: string;
  insecureSkipTlsVerify: boolean;
  token?: string;
  clientCertData?: string;
  clientKeyData?: string;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

const FORBIDDEN_USER = {
  exec: 'runs a command on the server; use a token or a client certificate',
  'auth-provider': 'runs a plugin on the server; use a token or a client certificate',
  tokenFile: 'reads a file on the server; put the token inline (token)',
  'client-certificate': 'reads a file on the server; use client-certificate-data',
  'client-key': 'reads a file on the server; use client-key-data',
  username: 'basic authentication is not supported; use a token or a client certificate',
} as const;

/** Every problem with the kubeconfig (paths under /spec/kubeconfig), or the connection it describes. */
export function parseImportKubeconfig(text: string): { target?: ImportTarget; issues: Issue[] } {
  const at = '/spec/kubeconfig';
  let doc: unknown;
  try {
    doc = loadYaml(text);
  } catch (err) {
    return { issues: [{ path: at, message: `not a kubeconfig: ${(err as Error).message.split('\n')[0]}` }] };
  }
  if (!isObject(doc) || doc.kind !== 'Config') {
    return { issues: [{ path: at, message: 'not a kubeconfig (kind: Config)' }] };
  }
  const contexts = Array.isArray(doc.contexts) ? (doc.contexts as Json[]) : [];
  const current = typeof doc['current-context'] === 'string' ? doc['current-context'] : undefined;
  const context =
    contexts.find((c) => c.name === current) ?? (contexts.length === 1 ? contexts[0] : undefined);
  if (!context || !isObject(context.context)) {
    return {
      issues: [{ path: at, message: 'no current-context (set current-context or keep exactly one context)' }],
    };
  }
  const ctx = context.context;
  const find = (list: unknown, name: unknown): Json | undefined =>
    (Array.isArray(list) ? (list as Json[]) : []).find((x) => x.name === name);
  const cluster = find(doc.clusters, ctx.cluster)?.cluster;
  const user = find(doc.users, ctx.user)?.user;
  const issues: Issue[] = [];
  if (!isObject(cluster) || typeof cluster.server !== 'string') {
    issues.push({
      path: `${at}/clusters`,
      message: `the context's cluster "${String(ctx.cluster)}" has no server`,
    });
  }
  if (!isObject(user)) {
    issues.push({ path: `${at}/users`, message: `the context's user "${String(ctx.user)}" is missing` });
  }
  if (issues.length > 0 || !isObject(cluster) || !isObject(user)) return { issues };
  // Every user and cluster entry is checked, not only the current one: the file is stored as given.
  for (const entry of Array.isArray(doc.users) ? (doc.users as Json[]) : []) {
    const u = isObject(entry.user) ? entry.user : {};
    for (const [field, why] of Object.entries(FORBIDDEN_USER)) {
      if (u[field] !== undefined) {
        issues.push({
          path: `${at}/users/${String(entry.name)}/${field}`,
          message: `${field} is not accepted: ${why}`,
        });
      }
    }
  }
  for (const entry of Array.isArray(doc.clusters) ? (doc.clusters as Json[]) : []) {
    const c = isObject(entry.cluster) ? entry.cluster : {};
    if (c['certificate-authority'] !== undefined) {
      issues.push({
        path: `${at}/clusters/${String(entry.name)}/certificate-authority`,
        message:
          'certificate-authority is not accepted: it reads a file on the server; use certificate-authority-data',
      });
    }
  }
  const server = String(cluster.server);
  if (!/^https:\/\/[^\s/]+/.test(server)) {
    issues.push({ path: `${at}/clusters`, message: `the server must be an https:// URL, got "${server}"` });
  }
  const token = typeof user.token === 'string' ? user.token : undefined;
  const cert =
    typeof user['client-certificate-data'] === 'string' ? user['client-certificate-data'] : undefined;
  const key = typeof user['client-key-data'] === 'string' ? user['client-key-data'] : undefined;
  if (!token && !(cert && key)) {
    issues.push({
      path: `${at}/users`,
      message: 'the user needs a token, or client-certificate-data and client-key-data',
    });
  }
  if (issues.length > 0) return { issues };
  const ca =
    typeof cluster['certificate-authority-data'] === 'string'
      ? cluster['certificate-authority-data']
      : undefined;
  return {
    issues: [],
    target: {
      server,
      ...(ca ? { caData: ca } : {}),
      insecureSkipTlsVerify: cluster['insecure-skip-tls-verify'] === true,
      ...(token ? { token } : {}),
      ...(cert && key ? { clientCertData: cert, clientKeyData: key } : {}),
    },
  };
}
