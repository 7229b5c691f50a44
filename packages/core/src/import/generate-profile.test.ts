import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ClusterDiscovery } from '@strata/api';
import { parse } from 'yaml';
import { validateProfile } from '../profiles/validate-profile.js';
import { testCatalog } from '../profiles/test-fixtures.js';
import { cleanObject } from './clean-object.js';
import { generateProfile, parseOsImage } from './generate-profile.js';

function discovery(over: Partial<ClusterDiscovery> = {}): ClusterDiscovery {
  return {
    observedAt: '2026-11-26T00:00:00Z',
    durationMs: 120,
    kubernetesVersion: 'v1.36.3',
    distribution: { name: 'kubeadm', evidence: ['kubeadm-config ConfigMap'] },
    nodePools: [
      {
        name: 'control-plane',
        controlPlane: true,
        count: 1,
        ready: 1,
        osImage: 'Ubuntu 24.04.1 LTS',
        kubeletVersion: 'v1.36.3',
        labels: {},
        taints: [],
      },
    ],
    cni: [{ name: 'sandbox', evidence: 'DaemonSet kube-system/cni' }],
    csi: { drivers: [], storageClasses: [] },
    ingress: [],
    helmReleases: [],
    workloads: [],
    counts: { objects: 10, namespaces: 3, nodes: 1 },
    ...over,
  };
}

const layerNames = (g: ReturnType<typeof generateProfile>) =>
  g.profile.spec.layers.map((l) => ('pack' in l ? (l.name ?? l.pack) : l.name));

describe('generateProfile', () => {
  const catalog = testCatalog();

  it('matches OS, Kubernetes, CNI and CSI to the exact catalog versions and validates', () => {
    const g = generateProfile({
      discovery: discovery({ csi: { drivers: ['csi.sandbox.strata.dev'], storageClasses: [] } }),
      catalog,
      name: 'imported',
      version: '0.1.0',
    });
    assert.deepEqual(layerNames(g), ['ubuntu', 'kubernetes', 'sandbox-cni', 'sandbox-csi']);
    assert.equal(g.profile.spec.type, 'full');
    assert.deepEqual(g.unmatched, []);
    assert.deepEqual(validateProfile({ profile: g.profile, catalog }), []);
  });

  it('leaves an incomplete infrastructure out (listed) so that the draft stays a valid add-on profile', () => {
    const g = generateProfile({ discovery: discovery(), catalog, name: 'imported', version: '0.1.0' });
    assert.equal(g.profile.spec.type, 'addon');
    assert.deepEqual(layerNames(g), []);
    assert.equal(g.unmatched.length, 3);
    assert.ok(g.unmatched.every((u) => /missing: csi/.test(u.reason)));
    assert.deepEqual(validateProfile({ profile: g.profile, catalog }), []);
  });

  it('lists versions it cannot describe exactly instead of adding layers that would change the cluster', () => {
    const g = generateProfile({
      discovery: discovery({
        kubernetesVersion: 'v1.35.0',
        nodePools: [
          { ...discovery().nodePools[0]!, osImage: 'Ubuntu 20.04.6 LTS' },
          { ...discovery().nodePools[0]!, name: 'w', controlPlane: false, osImage: 'kwok' },
        ],
        cni: [{ name: 'calico', version: '3.27.0', evidence: 'DaemonSet calico-system/calico-node' }],
      }),
      catalog,
      name: 'imported',
      version: '0.1.0',
    });
    assert.deepEqual(layerNames(g), []);
    assert.equal(g.profile.spec.type, 'addon');
    const reasons = new Map(
      g.unmatched
        .filter((u) => !u.item.startsWith('os images'))
        .map((u) => [u.item.split(' ')[0] ?? '', u.reason] as const),
    );
    assert.match(reasons.get('os') ?? '', /no OS pack ubuntu 20\.04\.6 in the catalog \(has 24\.04\.1\)/);
    assert.match(reasons.get('kubernetes') ?? '', /no kubernetes pack 1\.35\.0 .*has 1\.32\.4, 1\.36\.3/);
    assert.match(reasons.get('cni') ?? '', /catalog has 3\.30\.1.*adopting would change the running CNI/);
    assert.ok(g.unmatched.some((u) => u.item.startsWith('os images')));
  });

  it('turns each Helm release into a chart layer with exactly its values, and lists charts nobody serves', () => {
    const g = generateProfile({
      discovery: discovery({
        helmReleases: [
          {
            name: 'edge',
            namespace: 'ingress',
            chart: 'ingress-nginx',
            version: '4.13.0',
            status: 'deployed',
            revision: 3,
            values: { controller: { replicaCount: 2 } },
          },
          {
            name: 'mystery',
            namespace: 'apps',
            chart: 'mystery',
            version: '9.9.9',
            status: 'deployed',
            revision: 1,
            values: {},
          },
          {
            name: 'demo',
            namespace: 'demo',
            chart: 'demo-app',
            version: '0.1.0',
            status: 'deployed',
            revision: 1,
            values: {},
          },
        ],
      }),
      catalog,
      name: 'imported',
      version: '0.1.0',
    });
    const edge = g.profile.spec.layers.find((l) => l.name === 'edge') as {
      chart: { repository: string; name: string; version: string };
      namespace: string;
      values: string;
    };
    assert.deepEqual(edge.chart, {
      repository: 'https://kubernetes.github.io/ingress-nginx',
      name: 'ingress-nginx',
      version: '4.13.0',
    });
    assert.equal(edge.namespace, 'ingress');
    assert.deepEqual(parse(edge.values), { controller: { replicaCount: 2 } });
    const demo = g.profile.spec.layers.find((l) => l.name === 'demo') as { pack: string };
    assert.equal(demo.pack, 'demo-app', 'a chart bundled in a pack is referenced through the pack');
    assert.ok(g.unmatched.some((u) => u.item.includes('apps/mystery') && /PackSource/.test(u.reason)));
  });

  it('adds selected objects as cleaned manifest layers per namespace', () => {
    const g = generateProfile({
      discovery: discovery(),
      catalog,
      name: 'imported',
      version: '0.1.0',
      objects: [
        {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: {
            name: 'settings',
            namespace: 'shop',
            uid: 'u',
            resourceVersion: '5',
            managedFields: [],
          },
          data: { a: '1' },
        },
        {
          apiVersion: 'v1',
          kind: 'Namespace',
          metadata: { name: 'shop', uid: 'n' },
          status: { phase: 'Active' },
        },
      ],
    });
    assert.deepEqual(layerNames(g).slice(-2), ['cluster-objects', 'objects-shop']);
    const shop = g.profile.spec.layers.find((l) => l.name === 'objects-shop') as { manifest: string };
    assert.deepEqual(parse(shop.manifest), {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'settings', namespace: 'shop' },
      data: { a: '1' },
    });
  });

  it('cleans server-set fields and defaults, but keeps values the user chose', () => {
    const cleaned = cleanObject({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {
        name: 'web',
        namespace: 'shop',
        annotations: { 'deployment.kubernetes.io/revision': '2', team: 'a' },
        generation: 2,
      },
      spec: {
        replicas: 2,
        revisionHistoryLimit: 10,
        progressDeadlineSeconds: 120,
        template: {
          metadata: { creationTimestamp: null },
          spec: { dnsPolicy: 'ClusterFirst', containers: [] },
        },
      },
      status: { readyReplicas: 2 },
    });
    assert.deepEqual(cleaned, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'shop', annotations: { team: 'a' } },
      spec: {
        replicas: 2,
        progressDeadlineSeconds: 120,
        template: { metadata: {}, spec: { containers: [] } },
      },
    });
  });

  it('reads OS images', () => {
    assert.deepEqual(parseOsImage('Ubuntu 24.04.1 LTS'), { name: 'ubuntu', version: '24.04.1' });
    assert.deepEqual(parseOsImage('Flatcar Container Linux by Kinvolk 3975.2.0 (Oklo)'), {
      name: 'flatcar',
      version: '3975.2.0',
    });
    assert.equal(parseOsImage('kwok'), undefined);
  });
});
