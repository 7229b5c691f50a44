/**
 * Shared pieces of the import suites (issue 7 and the console's import wizard): a sandbox cluster populated
 * directly — never through Strata — with a Helm release of a chart the test builds (custom values) and plain
 * manifests applied with kubectl; a snapshot of resourceVersions to prove nothing changed; the Cluster body of an
 * import; and kubeconfigs the server must refuse, with the message it refuses them with.
 */
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse, stringify } from 'yaml';
import type { SandboxClusterFixture } from '@strata/testing';
import { serveChartRepo, type ChartRepo } from '../../../packages/agent/src/test/chart-repo.js';

const run = promisify(execFile);

export type Tool = (...args: string[]) => Promise<string>;

/** kubectl against the fixture's cluster. */
export function kubectlIn(fx: SandboxClusterFixture): Tool {
  return (...args) =>
    run(fx.bin('kubectl'), ['--kubeconfig', fx.kubeconfigPath, ...args], { maxBuffer: 64 << 20 }).then(
      (r) => r.stdout,
    );
}

/** helm against the fixture's cluster, with private cache/config/data directories under `home`. */
export function helmIn(fx: SandboxClusterFixture, home: string): Tool {
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: home,
    HELM_CACHE_HOME: join(home, 'cache'),
    HELM_CONFIG_HOME: join(home, 'config'),
    HELM_DATA_HOME: join(home, 'data'),
  };
  return (...args) =>
    run(fx.bin('helm'), [...args, '--kubeconfig', fx.kubeconfigPath], { env, maxBuffer: 64 << 20 }).then(
      (r) => r.stdout,
    );
}

/** The Cluster body of an import (`provider: imported`, no pools). */
export function importedCluster(
  name: string,
  kubeconfig: string,
  mode: 'read-only' | 'full' = 'read-only',
): Record<string, unknown> {
  return {
    metadata: { name },
    spec: { provider: 'imported', nodePools: [], import: { mode }, kubeconfig },
  };
}

/**
 * `Kind/namespace/name@resourceVersion` of every ConfigMap, Deployment, Service and Namespace outside kube-system
 * and kube-node-lease, sorted: equal snapshots mean nothing was created, changed or deleted there.
 */
export async function objectVersions(kubectl: Tool): Promise<string[]> {
  const out = await kubectl('get', 'configmaps,deployments,services,namespaces', '-A', '-o', 'json');
  const items = (
    JSON.parse(out) as {
      items: { kind: string; metadata: { namespace?: string; name: string; resourceVersion: string } }[];
    }
  ).items;
  return (
    items
      .filter((o) => !['kube-system', 'kube-node-lease'].includes(o.metadata.namespace ?? ''))
      // kube-controller-manager publishes kube-root-ca.crt into every namespace, whenever it gets to it (late on a busy
      // machine): not the user's object, and not Strata's doing.
      .filter((o) => !(o.kind === 'ConfigMap' && o.metadata.name === 'kube-root-ca.crt'))
      .map((o) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}@${o.metadata.resourceVersion}`)
      .sort()
  );
}

/** objectVersions once two snapshots 1.5 s apart agree (controllers finished with the seeded objects). */
export async function settledObjectVersions(kubectl: Tool, timeoutMs = 60_000): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  let last = await objectVersions(kubectl);
  for (;;) {
    await new Promise((r) => setTimeout(r, 1500));
    const next = await objectVersions(kubectl);
    if (next.join('\n') === last.join('\n')) return next;
    if (Date.now() > deadline) throw new Error(`the seeded objects did not settle in ${timeoutMs} ms`);
    last = next;
  }
}

type Kubeconfig = {
  clusters: { cluster: Record<string, unknown> }[];
  users: { user: Record<string, unknown> }[];
};

/** The kubeconfig with one change (`f` edits a parsed copy). */
export function kubeconfigVariant(kubeconfig: string, f: (k: Kubeconfig) => void): string {
  const k = structuredClone(parse(kubeconfig) as Kubeconfig);
  f(k);
  return stringify(k);
}

/** A kubeconfig whose user runs a command (`exec`): refused before anything is stored. */
export function execKubeconfig(kubeconfig: string): string {
  return kubeconfigVariant(
    kubeconfig,
    (k) => (k.users[0]!.user = { exec: { command: 'sh', args: ['-c', 'id'] } }),
  );
}

/** Unusable kubeconfigs, what makes each unusable, and the message the server refuses it with. */
export async function refusedKubeconfigs(kubeconfig: string): Promise<[string, string, RegExp][]> {
  const { stdout: otherCa } = await run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    '/dev/null',
    '-subj',
    '/CN=not-this-cluster',
    '-days',
    '1',
  ]);
  const variant = (f: (k: Kubeconfig) => void) => kubeconfigVariant(kubeconfig, f);
  return [
    ['exec', execKubeconfig(kubeconfig), /exec is not accepted/],
    [
      'auth-provider',
      variant((k) => (k.users[0]!.user = { 'auth-provider': { name: 'oidc' } })),
      /auth-provider is not accepted/,
    ],
    [
      'unreachable server',
      variant((k) => (k.clusters[0]!.cluster.server = 'https://127.0.0.1:1')),
      /could not connect to https:\/\/127\.0\.0\.1:1;/,
    ],
    [
      'wrong CA',
      variant(
        (k) =>
          (k.clusters[0]!.cluster['certificate-authority-data'] = Buffer.from(otherCa).toString('base64')),
      ),
      /not trusted with the kubeconfig's certificate-authority-data/,
    ],
    [
      'expired or wrong token',
      variant((k) => (k.users[0]!.user = { token: 'expired-or-revoked-token-000' })),
      /rejected the kubeconfig's credentials \(HTTP 401\)/,
    ],
  ];
}

/** A Helm release the seed installs: chart built by the test, served from a local repository. */
export interface SeededRelease {
  name: string;
  namespace: string;
  chart: string;
  version: string;
  values: Record<string, unknown>;
}

export interface SeededCluster {
  /** The local Helm repository serving the chart (register it as a PackSource to match the release). */
  repo: ChartRepo;
  release: SeededRelease;
  kubectl: Tool;
  helm: Tool;
  stop(): Promise<void>;
}

export interface SeedOptions {
  /** Directory for the chart, the repository and helm's own state. */
  dir: string;
  release?: Partial<SeededRelease>;
}

/** Plain objects applied with kubectl: a namespace with a ConfigMap, a Deployment and a Service. */
export const SHOP_MANIFEST = [
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } },
  {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'settings', namespace: 'shop', labels: { app: 'shop' } },
    data: { color: 'blue', size: 'L' },
  },
  {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'shop' },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'web', image: 'registry.invalid/web:1' }] },
      },
    },
  },
  {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web', namespace: 'shop' },
    spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 80 }] },
  },
];

/**
 * Populates the fixture's cluster directly: `helm install` of a chart built and served by the test, with custom
 * values, and `kubectl apply` of SHOP_MANIFEST.
 */
export async function seedCluster(fx: SandboxClusterFixture, options: SeedOptions): Promise<SeededCluster> {
  const release: SeededRelease = {
    name: 'web',
    namespace: 'web',
    chart: 'greeter',
    version: '0.4.0',
    values: { replicaCount: 2, greeting: 'hey', extra: { tier: 'gold', ports: [80, 443] } },
    ...options.release,
  };
  const kubectl = kubectlIn(fx);
  const helm = helmIn(fx, join(options.dir, 'helm-user'));
  const repo = await serveChartRepo(
    fx.bin('helm'),
    join(options.dir, 'charts'),
    release.version,
    release.chart,
  );
  try {
    const valuesFile = join(options.dir, 'release-values.json');
    await writeFile(valuesFile, JSON.stringify(release.values));
    await helm(
      'install',
      release.name,
      release.chart,
      '--repo',
      repo.url,
      '--version',
      release.version,
      '-n',
      release.namespace,
      '--create-namespace',
      '-f',
      valuesFile,
    );
    const manifest = join(options.dir, 'shop.yaml');
    await writeFile(manifest, SHOP_MANIFEST.map((o) => JSON.stringify(o)).join('\n---\n'));
    await kubectl('apply', '-f', manifest);
  } catch (err) {
    await repo.stop();
    throw err;
  }
  return { repo, release, kubectl, helm, stop: () => repo.stop() };
}
