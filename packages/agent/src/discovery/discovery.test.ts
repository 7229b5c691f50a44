/** The pure parts of discovery: distribution hints, node pools, add-ons and workloads (Helm records: helm-releases.test.ts). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JsonObject } from '@strata/core';
import { detectCni, detectCsi, detectIngress } from './addons.js';
import { detectDistribution } from './distribution.js';
import { imageTag, versionTag } from './k8s-fields.js';
import { groupNodePools } from './node-pools.js';
import { isUnmanagedWorkload, managerOf } from './workloads.js';

function node(
  name: string,
  o: {
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    providerID?: string;
    taints?: JsonObject[];
    cpu?: string;
    memory?: string;
    ready?: boolean;
    osImage?: string;
    kubelet?: string;
  } = {},
): JsonObject {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      labels: { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', ...o.labels },
      annotations: o.annotations ?? {},
    },
    spec: {
      ...(o.providerID ? { providerID: o.providerID } : {}),
      ...(o.taints ? { taints: o.taints } : {}),
    },
    status: {
      capacity: { cpu: o.cpu ?? '4', memory: o.memory ?? '16Gi' },
      conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True' }],
      nodeInfo: { osImage: o.osImage ?? 'Ubuntu 24.04.1 LTS', kubeletVersion: o.kubelet ?? 'v1.33.4' },
    },
  };
}

function daemonSet(
  namespace: string,
  name: string,
  image: string,
  labels: Record<string, string> = {},
): JsonObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name, namespace, labels },
    spec: { template: { spec: { containers: [{ name: 'main', image }] } } },
  };
}

const dist = (input: Partial<Parameters<typeof detectDistribution>[0]>) =>
  detectDistribution({
    kubernetesVersion: 'v1.33.4',
    nodes: [],
    kubeadmConfig: false,
    daemonSets: [],
    ...input,
  });

describe('detectDistribution', () => {
  it('recognises each distribution with its evidence', () => {
    const cases: [string, ReturnType<typeof dist>][] = [
      [
        'sandbox',
        dist({
          kubernetesVersion: 'v1.36.3',
          nodes: [
            node('a', { annotations: { 'kwok.x-k8s.io/node': 'fake' } }),
            node('b', { annotations: { 'kwok.x-k8s.io/node': 'fake' } }),
          ],
        }),
      ],
      [
        'k3s',
        dist({
          kubernetesVersion: 'v1.33.4+k3s1',
          nodes: [node('a', { labels: { 'node.kubernetes.io/instance-type': 'k3s' } })],
        }),
      ],
      [
        'rke2',
        dist({
          kubernetesVersion: 'v1.33.4+rke2r1',
          nodes: [node('a', { annotations: { 'rke2.io/node-args': '[]' } })],
        }),
      ],
      [
        'eks',
        dist({
          kubernetesVersion: 'v1.33.4-eks-1234',
          nodes: [
            node('a', {
              providerID: 'aws:///eu-west-1a/i-1',
              labels: { 'eks.amazonaws.com/nodegroup': 'ng' },
            }),
          ],
        }),
      ],
      [
        'aks',
        dist({
          nodes: [
            node('a', {
              providerID: 'azure:///subscriptions/x',
              labels: { 'kubernetes.azure.com/agentpool': 'np1' },
            }),
          ],
        }),
      ],
      [
        'gke',
        dist({ kubernetesVersion: 'v1.33.4-gke.100', nodes: [node('a', { providerID: 'gce://p/z/n' })] }),
      ],
      [
        'kind',
        dist({
          nodes: [node('c-control-plane', { providerID: 'kind://docker/c/c-control-plane' })],
          kubeadmConfig: true,
          daemonSets: [daemonSet('kube-system', 'kindnet', 'docker.io/kindest/kindnetd:v20250512')],
        }),
      ],
      ['kubeadm', dist({ nodes: [node('a')], kubeadmConfig: true })],
      ['unknown', dist({ nodes: [node('a')] })],
    ];
    for (const [want, got] of cases) {
      assert.equal(got.name, want, `${want}: ${JSON.stringify(got)}`);
      assert.ok(got.evidence.length > 0, want);
    }
    assert.deepEqual(cases[0]![1].evidence, ['2 of 2 nodes: annotation kwok.x-k8s.io/node=fake']);
    assert.ok(cases[3]![1].evidence.includes('server version v1.33.4-eks-1234'));
  });

  it('takes kubeadm on cloud machines for kubeadm, not for the managed offering', () => {
    const onAws = dist({ nodes: [node('a', { providerID: 'aws:///eu-west-1a/i-1' })], kubeadmConfig: true });
    assert.equal(onAws.name, 'kubeadm');
    assert.deepEqual(onAws.evidence, [
      'ConfigMap kube-system/kubeadm-config',
      '1 of 1 nodes: providerID aws://',
    ]);
    assert.equal(dist({ nodes: [node('a', { providerID: 'aws:///eu-west-1a/i-1' })] }).name, 'eks');
  });
});

describe('groupNodePools', () => {
  it('groups by pool label, keeps what the nodes share, drops per-node labels and transient taints', () => {
    const pools = groupNodePools([
      node('cp-0', {
        labels: { 'strata.dev/node-pool': 'control-plane', 'node-role.kubernetes.io/control-plane': '' },
        taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }],
      }),
      ...[0, 1, 2].map((i) =>
        node(`w-${i}`, {
          labels: {
            'strata.dev/node-pool': 'workers',
            'topology.kubernetes.io/zone': `z${i}`,
            tier: 'app',
            ...(i === 0 ? { odd: 'one' } : {}),
          },
          taints: [
            { key: 'dedicated', value: 'app', effect: 'NoSchedule' },
            ...(i === 1 ? [{ key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' }] : []),
          ],
          ready: i !== 2,
        }),
      ),
    ]);
    assert.deepEqual(
      pools.map((p) => [p.name, p.controlPlane, p.count, p.ready]),
      [
        ['control-plane', true, 1, 1],
        ['workers', false, 3, 2],
      ],
    );
    const workers = pools[1]!;
    assert.deepEqual(workers.labels, {
      'kubernetes.io/os': 'linux',
      'strata.dev/node-pool': 'workers',
      tier: 'app',
    });
    assert.deepEqual(workers.taints, [{ key: 'dedicated', value: 'app', effect: 'NoSchedule' }]);
    assert.equal(workers.cpu, '4');
    assert.equal(workers.memory, '16Gi');
    assert.equal(workers.osImage, 'Ubuntu 24.04.1 LTS');
    assert.equal(workers.kubeletVersion, 'v1.33.4');
    // A one-node pool still drops what names the node.
    assert.equal(pools[0]!.labels['kubernetes.io/hostname'], undefined);
  });

  it('uses EKS/GKE/AKS pool labels, and role plus machine shape without any', () => {
    const names = (nodes: JsonObject[]) => groupNodePools(nodes).map((p) => `${p.name}:${p.count}`);
    assert.deepEqual(
      names([
        node('a', {
          labels: { 'eks.amazonaws.com/nodegroup': 'ng-1', 'node.kubernetes.io/instance-type': 'm5.large' },
        }),
        node('b', {
          labels: { 'eks.amazonaws.com/nodegroup': 'ng-1', 'node.kubernetes.io/instance-type': 'm5.large' },
        }),
        node('c', { labels: { 'cloud.google.com/gke-nodepool': 'default-pool' } }),
        node('d', { labels: { 'kubernetes.azure.com/agentpool': 'sys' } }),
      ]),
      ['default-pool:1', 'ng-1:2', 'sys:1'],
    );
    const pools = groupNodePools([
      node('m', { labels: { 'node-role.kubernetes.io/control-plane': '' } }),
      node('x', { labels: { 'node.kubernetes.io/instance-type': 'small' } }),
      node('y', { labels: { 'node.kubernetes.io/instance-type': 'big' }, cpu: '16' }),
      node('z', { labels: { 'node.kubernetes.io/instance-type': 'big' }, cpu: '16' }),
    ]);
    assert.deepEqual(
      pools.map((p) => `${p.name}:${p.count}:${p.instanceType ?? ''}:${p.cpu}`),
      ['control-plane:1::4', 'workers-big:2:big:16', 'workers-small:1:small:4'],
    );
  });
});

describe('add-ons', () => {
  it('finds CNIs by DaemonSet with the image version, by CRD group without one, and the sandbox CNI', () => {
    assert.deepEqual(
      detectCni(
        [
          daemonSet('kube-system', 'calico-node', 'docker.io/calico/node:v3.27.0'),
          daemonSet('kube-system', 'kube-proxy', 'registry.k8s.io/kube-proxy:v1.33.4'),
        ],
        [],
      ),
      [
        {
          name: 'calico',
          version: 'v3.27.0',
          evidence: 'DaemonSet kube-system/calico-node (image docker.io/calico/node:v3.27.0)',
        },
      ],
    );
    assert.deepEqual(
      detectCni([daemonSet('kube-system', 'c', 'quay.io/cilium/cilium:v1.17.4@sha256:abc')], []).map((c) => [
        c.name,
        c.version,
      ]),
      [['cilium', 'v1.17.4']],
    );
    assert.deepEqual(
      detectCni([], [{ apiVersion: 'x', kind: 'CustomResourceDefinition', spec: { group: 'cilium.io' } }]),
      [{ name: 'cilium', evidence: 'CRDs of group cilium.io' }],
    );
    assert.deepEqual(
      detectCni(
        [
          daemonSet('strata-cni', 'sandbox-cni-node', 'registry.k8s.io/pause:3.10', {
            'app.kubernetes.io/name': 'sandbox-cni',
          }),
        ],
        [],
      ),
      [
        {
          name: 'sandbox',
          evidence: 'DaemonSet strata-cni/sandbox-cni-node (image registry.k8s.io/pause:3.10)',
        },
      ],
    );
    assert.deepEqual(
      detectCni(
        [
          daemonSet('kube-system', 'canal', 'docker.io/calico/node:v3.27.0'),
          daemonSet('kube-system', 'kube-flannel-ds', 'flannel/flannel:v0.26.7'),
        ],
        [],
      ).map((c) => c.name),
      ['canal'],
    );
  });

  it('lists CSI drivers and storage classes with the default marked', () => {
    assert.deepEqual(
      detectCsi(
        [{ kind: 'CSIDriver', metadata: { name: 'ebs.csi.aws.com' } }],
        [
          {
            kind: 'StorageClass',
            metadata: { name: 'gp3', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
            provisioner: 'ebs.csi.aws.com',
          },
          { kind: 'StorageClass', metadata: { name: 'slow' }, provisioner: 'kubernetes.io/no-provisioner' },
        ],
      ),
      {
        drivers: ['ebs.csi.aws.com'],
        storageClasses: [
          { name: 'gp3', provisioner: 'ebs.csi.aws.com', default: true },
          { name: 'slow', provisioner: 'kubernetes.io/no-provisioner', default: false },
        ],
      },
    );
  });

  it('merges an IngressClass with its controller Deployment', () => {
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'ingress-nginx-controller', namespace: 'ingress-nginx' },
      spec: {
        template: {
          spec: {
            containers: [{ name: 'c', image: 'registry.k8s.io/ingress-nginx/controller:v1.13.0@sha256:x' }],
          },
        },
      },
    };
    assert.deepEqual(
      detectIngress(
        [
          { kind: 'IngressClass', metadata: { name: 'nginx' }, spec: { controller: 'k8s.io/ingress-nginx' } },
          { kind: 'IngressClass', metadata: { name: 'other' }, spec: { controller: 'example.com/thing' } },
        ],
        [deployment],
      ),
      [
        { name: 'example.com/thing', evidence: 'IngressClass other (controller example.com/thing)' },
        {
          name: 'ingress-nginx',
          namespace: 'ingress-nginx',
          evidence:
            'Deployment ingress-nginx/ingress-nginx-controller (image registry.k8s.io/ingress-nginx/controller:v1.13.0@sha256:x); IngressClass nginx (controller k8s.io/ingress-nginx)',
        },
      ],
    );
  });

  it('reads image tags and version tags', () => {
    assert.equal(imageTag('localhost:5000/a/b:v1@sha256:x'), 'v1');
    assert.equal(imageTag('localhost:5000/a/b'), undefined);
    assert.equal(versionTag('x/y:latest'), undefined);
    assert.equal(versionTag('x/y:v0.26.7-amd64'), 'v0.26.7-amd64');
  });
});

describe('workloads', () => {
  const excluded = new Set(['kube-system', 'strata-system']);
  const cm = (meta: JsonObject): JsonObject => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'x', namespace: 'app', ...meta },
  });

  it('keeps top-level objects nobody else manages', () => {
    assert.equal(isUnmanagedWorkload(cm({}), excluded), true);
    assert.equal(isUnmanagedWorkload(cm({ namespace: 'kube-system' }), excluded), false);
    assert.equal(isUnmanagedWorkload(cm({ namespace: 'strata-system' }), excluded), false);
    assert.equal(
      isUnmanagedWorkload(cm({ labels: { 'app.kubernetes.io/managed-by': 'Helm' } }), excluded),
      false,
    );
    assert.equal(
      isUnmanagedWorkload(cm({ annotations: { 'meta.helm.sh/release-name': 'r' } }), excluded),
      false,
    );
    assert.equal(
      isUnmanagedWorkload(cm({ labels: { 'app.kubernetes.io/managed-by': 'strata' } }), excluded),
      false,
    );
    assert.equal(isUnmanagedWorkload(cm({ ownerReferences: [{ kind: 'X' }] }), excluded), false);
    assert.equal(isUnmanagedWorkload(cm({ name: 'kube-root-ca.crt' }), excluded), false);
    assert.equal(
      isUnmanagedWorkload({ kind: 'ClusterRole', metadata: { name: 'system:controller:x' } }, excluded),
      false,
    );
    assert.equal(
      isUnmanagedWorkload({ kind: 'Namespace', metadata: { name: 'kube-system' } }, excluded),
      false,
    );
    assert.equal(isUnmanagedWorkload({ kind: 'Namespace', metadata: { name: 'shop' } }, excluded), true);
  });

  it('names the manager: an Apply entry, else the earliest Update, never a status writer', () => {
    assert.equal(
      managerOf(
        cm({
          managedFields: [
            {
              manager: 'kube-controller-manager',
              operation: 'Update',
              subresource: 'status',
              time: '2020-01-01T00:00:00Z',
            },
            { manager: 'kubectl-edit', operation: 'Update', time: '2024-01-02T00:00:00Z' },
            { manager: 'kubectl-client-side-apply', operation: 'Update', time: '2024-01-01T00:00:00Z' },
          ],
        }),
      ),
      'kubectl-client-side-apply',
    );
    assert.equal(
      managerOf(
        cm({
          managedFields: [
            { manager: 'a', operation: 'Update', time: '2024' },
            { manager: 'kubectl', operation: 'Apply' },
          ],
        }),
      ),
      'kubectl',
    );
    assert.equal(managerOf(cm({ labels: { 'app.kubernetes.io/managed-by': 'kustomize' } })), 'kustomize');
  });
});
