/**
 * Where the Kubernetes API server is and how to authenticate to it: the current context of a kubeconfig, or the
 * pod's service account. Our own small loader rather than @kubernetes/client-node's KubeConfig: the agent needs only
 * this, and that library (with what it pulls in) was most of an idle agent's memory (docs/benchmarks.md).
 *
 * Supported: server, certificate-authority(-data), insecure-skip-tls-verify, tls-server-name; token, tokenFile,
 * client-certificate(-data) + client-key(-data), username + password. `exec` and `auth-provider` users are refused
 * with the reason: the agent runs in the cluster with a service account, or with a kubeconfig of inline credentials.
 *
 * The kubeconfig is read strictly (no anchors, aliases, merge keys or tags; YAML 1.2 booleans): helm reads the same
 * file with YAML 1.1 rules, where `<<` merges maps, and must not see other credentials than the agent does. The
 * kubeconfig Strata writes for an imported cluster is JSON, which both read alike.
 */
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, resolve } from 'node:path';
import { isPlainObject, parseSingleYaml } from '@strata/core';
import { AgentError, errorMessage } from '../errors.js';

export interface KubeTls {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  rejectUnauthorized: boolean;
  servername?: string;
}

export interface KubeCredentials {
  server: URL;
  tls: KubeTls;
  /** The Authorization header for the next request; token files are re-read (rotated tokens are picked up). */
  authorization(): Promise<string | undefined>;
}

const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';
/** A token file is read again after this long (projected service-account tokens rotate hourly). */
const TOKEN_FILE_TTL_MS = 60_000;

type Section = Record<string, unknown>;

const invalid = (message: string): AgentError => new AgentError('InvalidOptions', message);

function section(value: unknown): Section {
  return isPlainObject(value) ? value : {};
}

function named(list: unknown, name: string, what: string): Section {
  const entry = (Array.isArray(list) ? (list as unknown[]) : []).find(
    (e) => isPlainObject(e) && e.name === name,
  );
  if (!isPlainObject(entry)) throw invalid(`the kubeconfig has no ${what} named "${name}"`);
  return section(entry[what]);
}

function str(s: Section, key: string): string | undefined {
  const v = s[key];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** `<key>-data` (base64) or `<key>` (a file, relative to the kubeconfig's folder). */
function material(s: Section, key: string, baseDir: string): Buffer | undefined {
  const data = str(s, `${key}-data`);
  if (data) return Buffer.from(data, 'base64');
  const file = str(s, key);
  return file ? readFileSync(resolve(baseDir, file)) : undefined;
}

/** Reads a token file at most once per TTL. */
function tokenFileReader(path: string): () => Promise<string | undefined> {
  let cached: { token: string; at: number } | undefined;
  return async () => {
    if (!cached || Date.now() - cached.at > TOKEN_FILE_TTL_MS) {
      cached = { token: (await readFile(path, 'utf8')).trim(), at: Date.now() };
    }
    return `Bearer ${cached.token}`;
  };
}

/** The current context of a kubeconfig document; `baseDir` resolves relative file references. */
export function credentialsFromKubeconfig(text: string, baseDir = process.cwd()): KubeCredentials {
  const parsed = parseSingleYaml(text, { strict: true });
  if (parsed.issues.length > 0)
    throw invalid(
      `the kubeconfig is not valid YAML that strata-agent accepts: ${parsed.issues.map((i) => i.message).join('; ')}`,
    );
  const config = section(parsed.value);
  const contextName = str(config, 'current-context');
  if (!contextName) throw invalid('the kubeconfig has no current-context');
  const context = named(config.contexts, contextName, 'context');
  const cluster = named(config.clusters, str(context, 'cluster') ?? '', 'cluster');
  const userName = str(context, 'user');
  const user = userName ? named(config.users, userName, 'user') : {};
  const server = str(cluster, 'server');
  if (!server) throw invalid(`the kubeconfig's cluster "${String(context.cluster)}" has no server`);
  if (user.exec !== undefined || user['auth-provider'] !== undefined) {
    throw invalid(
      `the kubeconfig's user "${userName}" authenticates with ${user.exec !== undefined ? 'exec' : 'auth-provider'}; ` +
        'strata-agent accepts tokens and client certificates only',
    );
  }
  try {
    const tls: KubeTls = { rejectUnauthorized: cluster['insecure-skip-tls-verify'] !== true };
    const ca = material(cluster, 'certificate-authority', baseDir);
    const cert = material(user, 'client-certificate', baseDir);
    const key = material(user, 'client-key', baseDir);
    const servername = str(cluster, 'tls-server-name');
    if (ca) tls.ca = ca;
    if (cert) tls.cert = cert;
    if (key) tls.key = key;
    if (servername) tls.servername = servername;
    const token = str(user, 'token');
    const tokenFile = str(user, 'tokenFile');
    const username = str(user, 'username');
    let authorization: () => Promise<string | undefined> = () => Promise.resolve(undefined);
    if (token) authorization = () => Promise.resolve(`Bearer ${token}`);
    else if (tokenFile) authorization = tokenFileReader(resolve(baseDir, tokenFile));
    else if (username) {
      const basic = Buffer.from(`${username}:${str(user, 'password') ?? ''}`).toString('base64');
      authorization = () => Promise.resolve(`Basic ${basic}`);
    }
    return { server: new URL(server), tls, authorization };
  } catch (error) {
    if (error instanceof AgentError) throw error;
    throw invalid(`cannot use the kubeconfig's context "${contextName}": ${errorMessage(error)}`);
  }
}

export function credentialsFromKubeconfigFile(path: string): KubeCredentials {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw invalid(`cannot read the kubeconfig ${path}: ${errorMessage(error)}`);
  }
  return credentialsFromKubeconfig(text, dirname(resolve(path)));
}

/** The pod's service account (KUBERNETES_SERVICE_HOST/PORT and the mounted token and CA). */
export function inClusterCredentials(env = process.env, dir = SERVICE_ACCOUNT_DIR): KubeCredentials {
  const host = env.KUBERNETES_SERVICE_HOST;
  const port = env.KUBERNETES_SERVICE_PORT ?? '443';
  if (!host)
    throw invalid('no kubeconfig given and not running in a pod (KUBERNETES_SERVICE_HOST is not set)');
  let ca: Buffer;
  try {
    ca = readFileSync(`${dir}/ca.crt`);
  } catch (error) {
    throw invalid(`cannot read the service account's CA: ${errorMessage(error)}`);
  }
  return {
    server: new URL(`https://${host.includes(':') ? `[${host}]` : host}:${port}`),
    tls: { ca, rejectUnauthorized: true },
    authorization: tokenFileReader(`${dir}/token`),
  };
}

/**
 * The given kubeconfig file; else `$KUBECONFIG` (its first entry), `~/.kube/config` when it exists, and the pod's
 * service account last — the order kubectl uses.
 */
export function loadKubeCredentials(path?: string, env = process.env): KubeCredentials {
  if (path) return credentialsFromKubeconfigFile(path);
  const fromEnv = env.KUBECONFIG?.split(':').find((p) => p !== '');
  if (fromEnv) return credentialsFromKubeconfigFile(fromEnv);
  const home = resolve(env.HOME ?? homedir(), '.kube/config');
  if (existsSync(home)) return credentialsFromKubeconfigFile(home);
  return inClusterCredentials(env);
}
