/**
 * Issue 4 must-shows against the real binaries (etcd, kube-apiserver, kube-controller-manager,
 * kube-scheduler, kwok, helm): one 1 CP + 3 worker cluster serves most assertions; a second cluster
 * (with a tainted pool) runs alongside it to prove isolation. Fails, never skips, without binaries.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { V1Pod } from '@kubernetes/client-node';
import { isStrataError } from '@strata/api';
import { CONTROL_PLANE_ROLE, POOL_LABEL, isNodeReady } from '@strata/sandbox';
import { useSandboxCluster } from '@strata/testing';
import { clients, errorCode, eventually, processesFrom, run } from './sandbox-support.js';

const labels = { app: 'web' };
const podTemplate = (extra: Record<string, unknown> = {}) => ({
  metadata: { labels },
  spec: { containers: [{ name: 'web', image: 'registry.invalid/web:1' }], ...extra },
});

function runningPods(pods: V1Pod[]): V1Pod[] {
  return pods.filter((p) => p.status?.phase === 'Running' && !p.metadata?.deletionTimestamp);
}

describe('sandbox cluster (1 control-plane + 3 workers)', () => {
  const sandbox = useSandboxCluster({ name: 'e2e-main', workers: 3 });

  it('has 4 Ready nodes; the control-plane node is labelled and tainted', async () => {
    const { core } = clients(sandbox.kubeconfig);
    const nodes = (await core.listNode()).items;
    assert.equal(nodes.length, 4);
    assert.ok(nodes.every(isNodeReady), 'every node Ready');
    const cp = nodes.filter((n) => n.metadata?.labels?.[CONTROL_PLANE_ROLE] !== undefined);
    assert.equal(cp.length, 1);
    assert.ok(cp[0]?.spec?.taints?.some((t) => t.key === CONTROL_PLANE_ROLE && t.effect === 'NoSchedule'));
    assert.equal(nodes.filter((n) => n.metadata?.labels?.[POOL_LABEL] === 'workers').length, 3);
  });

  it('etcd accepts only clients with a certificate from the cluster CA', async () => {
    const state = JSON.parse(await readFile(join(sandbox.cluster.stateDir, 'state.json'), 'utf8')) as {
      ports: { etcdClient: number };
    };
    const port = state.ports.etcdClient;
    const plain = await fetch(`http://127.0.0.1:${port}/health`).then(
      (r) => r.status,
      () => 0,
    );
    assert.notEqual(plain, 200, 'plain HTTP to etcd is refused');
    const anonymous = await new Promise<number>((resolve) => {
      const req = httpsRequest(
        `https://127.0.0.1:${port}/v3/kv/range`,
        { method: 'POST', rejectUnauthorized: false },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', () => resolve(0));
      req.end('{"key":"Lw=="}');
    });
    assert.equal(anonymous, 0, 'TLS without a client certificate is refused');
  });

  it('answers client-node calls with the returned kubeconfig (version, create/read/list)', async () => {
    const { core, version } = clients(sandbox.kubeconfig);
    const info = await version.getCode();
    assert.equal(info.gitVersion, sandbox.cluster.kubernetesVersion);
    await core.createNamespace({ body: { metadata: { name: 'calls' } } });
    await core.createNamespacedConfigMap({
      namespace: 'calls',
      body: { metadata: { name: 'cm' }, data: { k: 'v' } },
    });
    const cm = await core.readNamespacedConfigMap({ namespace: 'calls', name: 'cm' });
    assert.equal(cm.data?.['k'], 'v');
    assert.ok((await core.listNamespace()).items.some((n) => n.metadata?.name === 'kube-system'));
    const { stdout } = await run(sandbox.bin('kubectl'), [
      '--kubeconfig',
      sandbox.kubeconfigPath,
      'get',
      'nodes',
      '-o',
      'name',
    ]);
    assert.equal(stdout.trim().split('\n').length, 4);
  });

  it('runs a 3-replica Deployment with every Pod Running on a worker', async () => {
    const { core, apps } = clients(sandbox.kubeconfig);
    await apps.createNamespacedDeployment({
      namespace: 'default',
      body: {
        metadata: { name: 'web' },
        spec: { replicas: 3, selector: { matchLabels: labels }, template: podTemplate() },
      },
    });
    await eventually(async () => {
      const pods = runningPods(
        (await core.listNamespacedPod({ namespace: 'default', labelSelector: 'app=web' })).items,
      );
      assert.equal(pods.length, 3);
      for (const pod of pods) assert.match(pod.spec?.nodeName ?? '', /^workers-\d$/);
    }, 60_000);
    await eventually(async () => {
      const dep = await apps.readNamespacedDeployment({ namespace: 'default', name: 'web' });
      assert.equal(dep.status?.readyReplicas, 3);
    });
  });

  it('runs one DaemonSet Pod per matching node', async () => {
    const { core, apps } = clients(sandbox.kubeconfig);
    const dsLabels = { app: 'agent' };
    await apps.createNamespacedDaemonSet({
      namespace: 'default',
      body: {
        metadata: { name: 'agent' },
        spec: {
          selector: { matchLabels: dsLabels },
          template: {
            metadata: { labels: dsLabels },
            spec: {
              nodeSelector: { [POOL_LABEL]: 'workers' },
              containers: [{ name: 'a', image: 'registry.invalid/agent:1' }],
            },
          },
        },
      },
    });
    await eventually(async () => {
      const pods = runningPods(
        (await core.listNamespacedPod({ namespace: 'default', labelSelector: 'app=agent' })).items,
      );
      assert.deepEqual(pods.map((p) => p.spec?.nodeName).sort(), ['workers-0', 'workers-1', 'workers-2']);
    }, 60_000);
  });

  it('completes Namespace deletion (namespace controller and pod cleanup work)', async () => {
    const { core, apps } = clients(sandbox.kubeconfig);
    await core.createNamespace({ body: { metadata: { name: 'doomed' } } });
    await core.createNamespacedConfigMap({ namespace: 'doomed', body: { metadata: { name: 'x' } } });
    await apps.createNamespacedDeployment({
      namespace: 'doomed',
      body: {
        metadata: { name: 'web' },
        spec: { replicas: 2, selector: { matchLabels: labels }, template: podTemplate() },
      },
    });
    await eventually(async () => {
      assert.equal(runningPods((await core.listNamespacedPod({ namespace: 'doomed' })).items).length, 2);
    }, 60_000);
    await core.deleteNamespace({ name: 'doomed' });
    await eventually(async () => {
      try {
        await core.readNamespace({ name: 'doomed' });
        return false;
      } catch (err) {
        assert.equal(errorCode(err), 404);
        return true;
      }
    }, 90_000);
  });

  it('installs a chart it builds itself with the built helm; helm status says deployed', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'strata-helm-'));
    try {
      const chart = join(dir, 'tiny');
      await mkdir(join(chart, 'templates'), { recursive: true });
      await writeFile(
        join(chart, 'Chart.yaml'),
        'apiVersion: v2\nname: tiny\nversion: 0.1.0\nkubeVersion: ">=1.30.0-0"\n',
      );
      await writeFile(join(chart, 'values.yaml'), 'replicas: 2\nmessage: hello\n');
      await writeFile(
        join(chart, 'templates', 'all.yaml'),
        [
          'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-config\ndata:\n  message: {{ .Values.message | quote }}\n---',
          'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\nspec:\n  replicas: {{ .Values.replicas }}',
          '  selector:\n    matchLabels: { app: tiny }\n  template:\n    metadata:\n      labels: { app: tiny }',
          '    spec:\n      containers:\n        - name: tiny\n          image: registry.invalid/tiny:1\n',
        ].join('\n'),
      );
      const env = {
        ...process.env,
        HELM_CACHE_HOME: join(dir, 'cache'),
        HELM_CONFIG_HOME: join(dir, 'config'),
        HELM_DATA_HOME: join(dir, 'data'),
      };
      const common = ['--kubeconfig', sandbox.kubeconfigPath, '--namespace', 'helm-test'];
      await run(
        sandbox.bin('helm'),
        ['install', 'tiny', chart, ...common, '--create-namespace', '--wait', '--timeout', '90s'],
        { env },
      );
      const { stdout } = await run(sandbox.bin('helm'), ['status', 'tiny', ...common, '-o', 'json'], { env });
      const status = JSON.parse(stdout) as { info: { status: string } };
      assert.equal(status.info.status, 'deployed');
      const { core } = clients(sandbox.kubeconfig);
      const cm = await core.readNamespacedConfigMap({ namespace: 'helm-test', name: 'tiny-config' });
      assert.equal(cm.data?.['message'], 'hello');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('rejects bad input with clear errors and starts nothing', async () => {
    const root = sandbox.sandbox.stateRoot;
    const binDir = sandbox.cluster.processes[0]!.binary.replace(/\/[^/]+$/, '');
    const before = await processesFrom(binDir);
    const cases: {
      spec: Parameters<typeof sandbox.sandbox.createCluster>[0];
      code: string;
      message: RegExp;
    }[] = [
      {
        spec: { name: 'e2e-main', nodePools: [{ name: 'cp', count: 1, controlPlane: true }] },
        code: 'STRATA_ALREADY_EXISTS',
        message: /already exists/,
      },
      {
        spec: { name: 'Not_Valid', nodePools: [{ name: 'cp', count: 1, controlPlane: true }] },
        code: 'STRATA_VALIDATION_FAILED',
        message: /DNS-1123/,
      },
      {
        spec: { name: 'no-cp', nodePools: [{ name: 'w', count: 3 }] },
        code: 'STRATA_VALIDATION_FAILED',
        message: /control-plane node is required/,
      },
      {
        spec: { name: 'zero-cp', nodePools: [{ name: 'cp', count: 0, controlPlane: true }] },
        code: 'STRATA_VALIDATION_FAILED',
        message: /control-plane node is required/,
      },
      {
        spec: {
          name: 'old',
          kubernetesVersion: 'v1.20.0',
          nodePools: [{ name: 'cp', count: 1, controlPlane: true }],
        },
        code: 'STRATA_VALIDATION_FAILED',
        message: /unknown Kubernetes version "v1.20.0"; built versions: v1\.36\./,
      },
    ];
    for (const c of cases) {
      await assert.rejects(sandbox.sandbox.createCluster(c.spec), (err: unknown) => {
        assert.ok(isStrataError(err), String(err));
        assert.equal(err.code, c.code);
        assert.match(err.message, c.message);
        return true;
      });
    }
    assert.deepEqual(
      (await sandbox.sandbox.list()).map((c) => c.name),
      ['e2e-main'],
    );
    assert.deepEqual(await processesFrom(binDir), before, 'no process was started');
    assert.ok(root.length > 0);
  });

  describe('a second cluster at the same time (with a tainted pool)', () => {
    const second = useSandboxCluster({
      name: 'e2e-second',
      nodePools: [
        { name: 'cp', count: 1, controlPlane: true },
        { name: 'general', count: 1, labels: { tier: 'general' } },
        {
          name: 'gpu',
          count: 2,
          labels: { tier: 'gpu' },
          taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }],
          capacity: { cpu: '16', 'nvidia.com/gpu': '4' },
        },
      ],
    });

    it('uses different ports, processes and data', async () => {
      const a = sandbox.cluster;
      const b = second.cluster;
      assert.notEqual(a.server, b.server);
      assert.notEqual(a.stateDir, b.stateDir);
      const pidsA = new Set(a.processes.map((p) => p.pid));
      assert.ok(b.processes.every((p) => !pidsA.has(p.pid)));
      const ca = clients(a.kubeconfig).core;
      const cb = clients(b.kubeconfig).core;
      await cb.createNamespace({ body: { metadata: { name: 'calls' } } }); // same name as in cluster A: no clash
      await assert.rejects(
        cb.readNamespacedConfigMap({ namespace: 'calls', name: 'cm' }),
        (err: unknown) => errorCode(err) === 404,
      );
      assert.equal((await ca.readNamespacedConfigMap({ namespace: 'calls', name: 'cm' })).data?.['k'], 'v');
      const nodesB = (await cb.listNode()).items.map((n) => n.metadata?.name).sort();
      assert.deepEqual(nodesB, ['cp-0', 'general-0', 'gpu-0', 'gpu-1']);
      assert.equal((await ca.listNode()).items.length, 4);
      const gpu = (await cb.readNode({ name: 'gpu-0' })).status?.allocatable;
      assert.equal(gpu?.['nvidia.com/gpu'], '4');
    });

    it('keeps Pods off a tainted pool unless they tolerate it', async () => {
      const { core, apps } = clients(second.kubeconfig);
      await apps.createNamespacedDeployment({
        namespace: 'default',
        body: {
          metadata: { name: 'web' },
          spec: { replicas: 4, selector: { matchLabels: labels }, template: podTemplate() },
        },
      });
      const tolerating = { app: 'trainer' };
      await apps.createNamespacedDeployment({
        namespace: 'default',
        body: {
          metadata: { name: 'trainer' },
          spec: {
            replicas: 2,
            selector: { matchLabels: tolerating },
            template: {
              metadata: { labels: tolerating },
              spec: {
                nodeSelector: { tier: 'gpu' },
                tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }],
                containers: [{ name: 't', image: 'registry.invalid/t:1' }],
              },
            },
          },
        },
      });
      await eventually(async () => {
        const web = runningPods(
          (await core.listNamespacedPod({ namespace: 'default', labelSelector: 'app=web' })).items,
        );
        assert.equal(web.length, 4);
        assert.ok(
          web.every((p) => p.spec?.nodeName === 'general-0'),
          `web pods on ${web.map((p) => p.spec?.nodeName).join(',')}`,
        );
        const trainers = runningPods(
          (await core.listNamespacedPod({ namespace: 'default', labelSelector: 'app=trainer' })).items,
        );
        assert.equal(trainers.length, 2);
        assert.ok(trainers.every((p) => /^gpu-\d$/.test(p.spec?.nodeName ?? '')));
      }, 60_000);
    });
  });

  it('scales the worker pool 3 → 5 → 2 and the Ready node count follows', async () => {
    const { core } = clients(sandbox.kubeconfig);
    const readyWorkers = async (): Promise<number> =>
      (await core.listNode({ labelSelector: `${POOL_LABEL}=workers` })).items.filter(isNodeReady).length;
    assert.equal(await readyWorkers(), 3);
    await sandbox.sandbox.scaleNodePool('e2e-main', 'workers', 5);
    assert.equal(await readyWorkers(), 5);
    assert.equal((await core.listNode()).items.filter(isNodeReady).length, 6);
    await sandbox.sandbox.scaleNodePool('e2e-main', 'workers', 2);
    assert.equal(await readyWorkers(), 2);
    assert.deepEqual(
      (await core.listNode({ labelSelector: `${POOL_LABEL}=workers` })).items
        .map((n) => n.metadata?.name)
        .sort(),
      ['workers-0', 'workers-1'],
    );
    await assert.rejects(sandbox.sandbox.scaleNodePool('e2e-main', 'control-plane', 0), /control-plane/);
  });
});
