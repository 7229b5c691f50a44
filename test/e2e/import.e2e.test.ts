/**
 * Import (issue 7), the parts that exist so far: a sandbox cluster made directly with the runtime (not through
 * Strata) and populated with kubectl is registered read-only through the API; the server runs a read-only agent
 * for it; nothing in the cluster changes; unusable kubeconfigs are refused before anything is stored; detaching
 * stops the agent and leaves the cluster and its workloads alone.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { parse, stringify } from 'yaml';
import { useSandboxCluster } from '@strata/testing';
import { api, type Api } from './support/api.js';
import { PROJECT, waitForCluster } from './support/clusters.js';
import { startServerProcess, type ServerProcess } from './support/server-process.js';
import { processesMentioning } from './sandbox-support.js';

const run = promisify(execFile);

describe('import a cluster Strata did not build', () => {
  const fx = useSandboxCluster({ name: 'imp-src', workers: 1 });
  let server: ServerProcess;
  let a: Api;
  let dataDir: string;
  const kubectl = (...args: string[]) =>
    run(fx.bin('kubectl'), ['--kubeconfig', fx.kubeconfigPath, ...args]).then((r) => r.stdout);
  /** Every object's resourceVersion in the namespaces Strata must not touch, plus all namespaces. */
  const versions = async () =>
    (
      await kubectl('get', 'configmaps,deployments,services,namespaces', '-A', '-o', 'json').then(
        (out) =>
          (
            JSON.parse(out) as {
              items: {
                kind: string;
                metadata: { namespace?: string; name: string; resourceVersion: string };
              }[];
            }
          ).items,
      )
    )
      .filter((o) => !['kube-system', 'kube-node-lease'].includes(o.metadata.namespace ?? ''))
      .map((o) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}@${o.metadata.resourceVersion}`)
      .sort();

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'strata-import-'));
    await kubectl('create', 'namespace', 'shop');
    await kubectl('-n', 'shop', 'create', 'configmap', 'settings', '--from-literal=color=blue');
    await kubectl(
      '-n',
      'shop',
      'create',
      'deployment',
      'web',
      '--image=registry.invalid/web:1',
      '--replicas=2',
    );
    server = await startServerProcess({ dataDir, logFile: join(dataDir, 'server.log') });
    a = api(server.url, server.adminKey);
  });
  after(async () => {
    await server?.stop();
    for (const pid of await processesMentioning(dataDir)) process.kill(pid, 'SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
  });

  const imported = (name: string, kubeconfig: string) => ({
    metadata: { name },
    spec: { provider: 'imported', nodePools: [], import: { mode: 'read-only' }, kubeconfig },
  });

  it('refuses unusable kubeconfigs with the reason, and registers nothing', async () => {
    const good = parse(fx.kubeconfig) as {
      clusters: { cluster: Record<string, unknown> }[];
      users: { user: Record<string, unknown> }[];
    };
    const variant = (f: (k: typeof good) => void) => {
      const k = structuredClone(good);
      f(k);
      return stringify(k);
    };
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
    const cases: [string, string, RegExp][] = [
      [
        'exec',
        variant((k) => (k.users[0]!.user = { exec: { command: 'sh', args: ['-c', 'id'] } })),
        /exec is not accepted/,
      ],
      [
        'auth-provider',
        variant((k) => (k.users[0]!.user = { 'auth-provider': { name: 'oidc' } })),
        /auth-provider is not accepted/,
      ],
      [
        'unreachable server',
        variant((k) => (k.clusters[0]!.cluster.server = 'https://127.0.0.1:1')),
        /cannot reach https:\/\/127\.0\.0\.1:1/,
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
    for (const [what, kubeconfig, message] of cases) {
      const res = await a.call('POST', `${PROJECT}/clusters`, imported('bad', kubeconfig));
      assert.equal(res.status, 422, `${what}: ${res.text}`);
      assert.match(res.text, message, what);
      const key = String(good.users[0]!.user['client-key-data']).slice(0, 40);
      assert.ok(!res.text.includes(key), `${what}: the kubeconfig's secrets are not echoed back`);
    }
    assert.deepEqual((await a.ok('GET', `${PROJECT}/clusters`)).items, []);
  });

  it('registers read-only: the server runs a read-only agent, the kubeconfig is write-only, nothing changes', async () => {
    const before = await versions();
    await a.ok('POST', `${PROJECT}/clusters`, imported('legacy', fx.kubeconfig));
    const c = await waitForCluster(
      a,
      'legacy',
      'Running with the agent connected',
      (x) => x?.status.phase === 'Running' && x.status.agent?.connected === true,
      120_000,
    );
    assert.equal((c?.spec as { kubeconfig?: string }).kubeconfig, undefined, 'never returned');
    assert.equal(c?.status.endpoint, fx.cluster.server);
    const raw = await readFile(join(dataDir, 'strata.db'));
    assert.ok(!raw.includes(Buffer.from('client-key-data')), 'the kubeconfig is encrypted at rest');
    await new Promise((r) => setTimeout(r, 2000));
    assert.deepEqual(await versions(), before, 'no object created or modified');
    await assert.rejects(
      kubectl('get', 'namespace', 'strata-system'),
      'read-only writes nothing, not even its own state',
    );
  });

  it('detaches without touching the cluster: the agent stops, the workloads stay', async () => {
    const before = await versions();
    const agentDir = join(dataDir, 'imported');
    assert.ok((await processesMentioning(agentDir)).length === 1, 'one agent runs');
    await a.ok('DELETE', `${PROJECT}/clusters/legacy`);
    await waitForCluster(a, 'legacy', 'gone', (x) => x === undefined, 60_000);
    assert.deepEqual(await processesMentioning(agentDir), []);
    assert.deepEqual(await versions(), before);
    assert.match(
      await kubectl('-n', 'shop', 'get', 'deployment', 'web', '-o', 'name'),
      /deployment.apps\/web/,
    );
  });
});
