import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JsonObject } from '@strata/core';
import type { KubeObject } from './install.js';
import { IN_MEMORY, ObjectSetRenderer, STRATA_CLUSTER_UID_LABEL, type ClusterInput } from './render.js';

const renderer = new ObjectSetRenderer(IN_MEMORY);
const base: ClusterInput = {
  name: 'edge-1',
  namespace: 'strata-acme',
  uid: '0b7d6c1e-5d52-4f4e-9a52-4d4f2b8c1a11',
  kubernetesVersion: 'v1.35.2',
  controlPlane: { replicas: 1 },
  pools: [{ name: 'workers', replicas: 2 }],
};

function find(objects: KubeObject[], kind: string, name?: string): KubeObject {
  const found = objects.find((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
  assert.ok(found, `${kind} ${name ?? ''} rendered`);
  return found;
}

function at(value: unknown, ...path: string[]): unknown {
  return path.reduce<unknown>((v, key) => (v as Record<string, unknown> | undefined)?.[key], value);
}

/** Every {apiGroup, kind, name} reference inside `value`. */
function refs(value: unknown): { apiGroup: string; kind: string; name: string }[] {
  if (Array.isArray(value)) return value.flatMap(refs);
  if (typeof value !== 'object' || value === null) return [];
  const v = value as Record<string, unknown>;
  const own =
    typeof v['apiGroup'] === 'string' && typeof v['kind'] === 'string' && typeof v['name'] === 'string'
      ? [{ apiGroup: v['apiGroup'], kind: v['kind'], name: v['name'] }]
      : [];
  return [...own, ...Object.values(v).flatMap(refs)];
}

describe('ObjectSetRenderer (in-memory infrastructure)', () => {
  it('renders the self-managed set, templates first and the Cluster last', () => {
    const objects = renderer.render(base);
    assert.deepEqual(
      objects.map((o) => o.kind),
      [
        'DevCluster',
        'DevMachineTemplate',
        'KubeadmControlPlane',
        'DevMachineTemplate',
        'KubeadmConfigTemplate',
        'MachineDeployment',
        'Cluster',
      ],
    );
    for (const o of objects) {
      assert.equal(o.metadata['namespace'], 'strata-acme');
      assert.equal((o.metadata['labels'] as Record<string, string>)[STRATA_CLUSTER_UID_LABEL], base.uid);
      assert.ok(o.apiVersion.endsWith('/v1beta2'), `${o.kind} uses v1beta2`);
    }
  });

  it('resolves every reference inside the set', () => {
    const objects = renderer.render({ ...base, pools: [...base.pools, { name: 'gpu', replicas: 0 }] });
    for (const r of refs(objects.map((o) => o['spec']))) {
      assert.ok(
        objects.some(
          (o) => o.kind === r.kind && o.metadata.name === r.name && o.apiVersion.startsWith(`${r.apiGroup}/`),
        ),
        `${r.kind}/${r.name} is in the set`,
      );
    }
  });

  it('maps replicas, version, pause and the rollout strategy', () => {
    const objects = renderer.render({
      ...base,
      paused: true,
      controlPlane: { replicas: 3, pool: 'masters', maxSurge: 0 },
      pools: [{ name: 'workers', replicas: 5, maxSurge: '25%', maxUnavailable: 1 }],
    });
    const kcp = find(objects, 'KubeadmControlPlane');
    assert.equal(at(kcp, 'spec', 'replicas'), 3);
    assert.equal(
      at(kcp, 'spec', 'machineTemplate', 'metadata', 'labels', 'strata.dev/node-pool'),
      'masters',
      'control-plane Machines (and their nodes) carry the pool label',
    );
    assert.equal(at(kcp, 'spec', 'version'), 'v1.35.2');
    assert.deepEqual(at(kcp, 'spec', 'rollout', 'strategy', 'rollingUpdate'), { maxSurge: 0 });
    const md = find(objects, 'MachineDeployment');
    assert.equal(at(md, 'spec', 'replicas'), 5);
    assert.equal(at(md, 'spec', 'template', 'spec', 'version'), 'v1.35.2');
    assert.deepEqual(at(md, 'spec', 'rollout', 'strategy', 'rollingUpdate'), {
      maxSurge: '25%',
      maxUnavailable: 1,
    });
    assert.equal(at(find(objects, 'Cluster'), 'spec', 'paused'), true);
  });

  it('renames a template when the machine changes, and only that one', () => {
    const before = renderer.render(base);
    const after = renderer.render({
      ...base,
      pools: [{ name: 'workers', replicas: 2, machine: { instanceType: 'large' } }],
    });
    const names = (objects: KubeObject[]) =>
      objects.filter((o) => o.kind === 'DevMachineTemplate').map((o) => o.metadata.name);
    assert.equal(names(before)[0], names(after)[0], 'control-plane template unchanged');
    assert.notEqual(names(before)[1], names(after)[1], 'worker template renamed');
    assert.equal(
      at(find(after, 'MachineDeployment'), 'spec', 'template', 'spec', 'infrastructureRef', 'name'),
      names(after)[1],
    );
  });

  it('keeps template names across a version change or a scale (CAPI rolls versions itself)', () => {
    const templates = (objects: KubeObject[]) =>
      objects.filter((o) => o.kind.endsWith('Template')).map((o) => o.metadata.name);
    const upgraded = renderer.render({
      ...base,
      kubernetesVersion: 'v1.36.0',
      pools: [{ name: 'workers', replicas: 7 }],
    });
    assert.deepEqual(templates(upgraded), templates(renderer.render(base)));
  });

  it('puts node labels and taints on the machine template (in place) and kubeadm settings where kubeadm reads them', () => {
    const objects = renderer.render({
      ...base,
      pools: [
        {
          name: 'workers',
          replicas: 2,
          nodeLabels: { tier: 'web' },
          taints: [{ key: 'dedicated', value: 'web', effect: 'NoSchedule' }],
        },
      ],
      kubeadm: {
        apiServerExtraArgs: { 'audit-log-maxage': '30' },
        postKubeadmCommands: ['echo done'],
        files: [{ path: '/etc/strata/agent.yaml', content: 'x: 1' }],
      },
    });
    const md = find(objects, 'MachineDeployment');
    assert.equal((at(md, 'spec', 'template', 'metadata', 'labels') as Record<string, string>)['tier'], 'web');
    assert.deepEqual(at(md, 'spec', 'template', 'spec', 'taints'), [
      { key: 'dedicated', value: 'web', effect: 'NoSchedule', propagation: 'Always' },
    ]);
    const kct = find(objects, 'KubeadmConfigTemplate');
    assert.deepEqual(at(kct, 'spec', 'template', 'spec', 'postKubeadmCommands'), ['echo done']);
    const kcp = find(objects, 'KubeadmControlPlane');
    assert.deepEqual(at(kcp, 'spec', 'kubeadmConfigSpec', 'clusterConfiguration', 'apiServer', 'extraArgs'), [
      { name: 'audit-log-maxage', value: '30' },
    ]);
    assert.deepEqual(at(kcp, 'spec', 'kubeadmConfigSpec', 'files'), [
      { path: '/etc/strata/agent.yaml', content: 'x: 1', permissions: '0600' },
    ]);
    assert.notEqual(
      kct.metadata.name,
      find(renderer.render(base), 'KubeadmConfigTemplate').metadata.name,
      'kubeadm settings rename the bootstrap template',
    );
  });

  it('changes labels and taints without renaming any template', () => {
    const names = (objects: KubeObject[]) =>
      objects.filter((o) => o.kind.endsWith('Template')).map((o) => o.metadata.name);
    const labelled = renderer.render({
      ...base,
      pools: [
        {
          name: 'workers',
          replicas: 2,
          nodeLabels: { tier: 'api' },
          taints: [{ key: 'k', effect: 'NoExecute' }],
        },
      ],
    });
    assert.deepEqual(names(labelled), names(renderer.render(base)));
  });

  it('renders a pinned pool with what it runs: no new templates, its version and references kept', () => {
    const running = renderer.desired(base);
    const changed: ClusterInput = {
      ...base,
      kubernetesVersion: 'v1.36.0',
      controlPlane: { replicas: 1, pinned: running.controlPlane },
      pools: [
        {
          name: 'workers',
          replicas: 4,
          machine: { instanceType: 'large' },
          pinned: running.pools['workers'],
        },
      ],
    };
    const objects = renderer.render(changed);
    assert.deepEqual(
      objects.map((o) => o.kind),
      ['DevCluster', 'KubeadmControlPlane', 'MachineDeployment', 'Cluster'],
    );
    const md = find(objects, 'MachineDeployment');
    assert.equal(at(md, 'spec', 'replicas'), 4, 'the count still follows the spec');
    assert.equal(at(md, 'spec', 'template', 'spec', 'version'), 'v1.35.2');
    assert.equal(
      at(md, 'spec', 'template', 'spec', 'infrastructureRef', 'name'),
      running.pools['workers']!.machineTemplate,
    );
    assert.equal(at(find(objects, 'KubeadmControlPlane'), 'spec', 'version'), 'v1.35.2');
    const wanted = renderer.desired(changed);
    assert.notEqual(wanted.pools['workers']!.machineTemplate, running.pools['workers']!.machineTemplate);
    assert.equal(wanted.controlPlane.machineTemplate, running.controlPlane.machineTemplate);
    assert.equal(wanted.controlPlane.version, 'v1.36.0');
  });

  it('is deterministic', () => {
    assert.deepEqual(renderer.render(base), renderer.render(structuredClone(base)));
    const spec = find(renderer.render(base), 'DevCluster')['spec'] as JsonObject;
    assert.deepEqual(spec, { backend: { inMemory: {} } });
  });
});
