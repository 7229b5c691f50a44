// Test data shared by the core tests: a small in-memory catalog and a valid full profile. Not exported from index.
import { loadPack, type PackFiles } from '../packs/load-pack.js';
import { createPackCatalog, type InMemoryPackCatalog } from '../packs/pack-catalog.js';
import type { ProfileDocument } from './profile.js';

const FILES: PackFiles[] = [
  { 'pack.yaml': 'name: ubuntu\nversion: 24.04.1\nlayer: os\ntype: manifest\n' },
  {
    'pack.yaml': 'name: kubernetes\nversion: 1.36.3\nlayer: k8s\ntype: manifest\n',
    'values.yaml': '# pod network\npodCIDR: 10.244.0.0/16\nserviceCIDR: 10.96.0.0/12\n',
    'values.schema.json': JSON.stringify({
      type: 'object',
      properties: {
        podCIDR: { type: 'string', pattern: '^[0-9.]+/[0-9]+$' },
        serviceCIDR: { type: 'string' },
      },
      additionalProperties: false,
    }),
  },
  { 'pack.yaml': 'name: kubernetes\nversion: 1.32.4\nlayer: k8s\ntype: manifest\n' },
  {
    'pack.yaml': [
      'name: calico',
      'version: 3.30.1',
      'layer: cni',
      'type: helm',
      'namespace: tigera-operator',
      'chart: {repository: https://docs.tigera.io/calico/charts, name: tigera-operator, version: v3.30.1}',
      'constraints:',
      '  kubernetes: ">=1.30.0 <1.34.0"',
      '  conflicts: [{pack: sandbox-cni}]',
    ].join('\n'),
  },
  {
    'pack.yaml': 'name: sandbox-cni\nversion: 0.1.0\nlayer: cni\ntype: manifest\n',
    'values.yaml': 'namespace: strata-cni\n',
    'manifests/ds.yaml':
      'apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: cni, namespace: "{{ .values.namespace }}"}\nspec: {}\n',
  },
  {
    'pack.yaml': 'name: sandbox-csi\nversion: 0.1.0\nlayer: csi\ntype: manifest\n',
    'values.yaml': 'storageClass:\n  name: sandbox\n  default: "true"\n',
    'presets.yaml': '- name: not-default\n  add: |\n    storageClass: {default: "false"}\n',
    'manifests/csi.yaml': [
      'apiVersion: storage.k8s.io/v1',
      'kind: CSIDriver',
      'metadata: {name: csi.sandbox.strata.dev}',
      '---',
      'apiVersion: storage.k8s.io/v1',
      'kind: StorageClass',
      'metadata:',
      "  name: '{{ .values.storageClass.name }}'",
      "  annotations: {storageclass.kubernetes.io/is-default-class: '{{ .values.storageClass.default }}'}",
      'provisioner: csi.sandbox.strata.dev',
      '',
    ].join('\n'),
  },
  {
    'pack.yaml':
      'name: ingress-nginx\nversion: 4.13.0\nlayer: addon\ntype: helm\nnamespace: ingress-nginx\nchart: {repository: https://kubernetes.github.io/ingress-nginx, name: ingress-nginx, version: 4.13.0}\n',
    'values.yaml':
      'controller:\n  # one is enough for tests\n  replicaCount: 1\n  service: {type: LoadBalancer}\n',
    'values.schema.json': JSON.stringify({
      type: 'object',
      properties: {
        controller: {
          type: 'object',
          properties: { replicaCount: { type: 'integer', minimum: 0 }, service: { type: 'object' } },
        },
      },
    }),
    'presets.yaml': [
      '- {name: node-port, group: service, add: "controller: {service: {type: NodePort}}"}',
      '- {name: cluster-ip, group: service, add: "controller: {service: {type: ClusterIP}}"}',
      '- {name: no-service, remove: [controller.service]}',
    ].join('\n'),
  },
  {
    'pack.yaml':
      'name: external-dns\nversion: 1.15.0\nlayer: addon\ntype: helm\nchart: {repository: https://kubernetes-sigs.github.io/external-dns/, name: external-dns, version: 1.15.0}\nconstraints:\n  requires: [{pack: cert-manager, range: ">=1.0.0"}]\n',
    'values.yaml': 'txtOwnerId: "{{ .system.cluster.name }}"\n',
  },
  {
    'pack.yaml': 'name: demo-app\nversion: 0.1.0\nlayer: addon\ntype: helm\nnamespace: demo\n',
    'values.yaml': 'replicaCount: 1\nmessage: hello\n',
    'chart/Chart.yaml': 'apiVersion: v2\nname: demo-app\nversion: 0.1.0\n',
    'chart/templates/deployment.yaml': 'kind: Deployment\nmetadata: {name: "{{ .Release.Name }}"}\n',
  },
];

export function testCatalog(): InMemoryPackCatalog {
  return createPackCatalog(FILES.map((f) => loadPack(f)));
}

/** A valid full profile over the test catalog, with variables, a macro, system values, presets and all layer shapes. */
export function exampleProfile(): ProfileDocument {
  return {
    metadata: { name: 'base', project: 'retail' },
    spec: {
      type: 'full',
      version: '1.2.0',
      description: 'test profile',
      variables: [
        { name: 'podCidr', type: 'cidr', default: '10.42.0.0/16' },
        { name: 'ingressReplicas', type: 'number', default: 2, required: true },
        { name: 'registryPassword', type: 'secret', sensitive: true },
        { name: 'env', type: 'string', options: ['dev', 'prod'], default: 'dev' },
      ],
      layers: [
        { pack: 'ubuntu', version: '24.04.1' },
        { pack: 'kubernetes', version: '1.36.3', values: "podCIDR: '{{ .var.podCidr }}'" },
        { pack: 'sandbox-cni', version: '0.1.0' },
        { pack: 'sandbox-csi', version: '0.1.0', presets: ['not-default'] },
        {
          pack: 'ingress-nginx',
          version: '4.13.0',
          values: 'controller: {replicaCount: {{ .var.ingressReplicas }}}',
          presets: ['node-port'],
        },
        {
          name: 'team-namespaces',
          manifest:
            "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: '{{ .system.cluster.name }}-apps'\n  labels: {registry: '{{ .macro.registry }}', env: '{{ .var.env }}'}\n",
        },
        {
          name: 'podinfo',
          chart: { repository: 'https://stefanprodan.github.io/podinfo', name: 'podinfo', version: '6.9.0' },
          values: 'replicaCount: 2\n',
        },
        {
          pack: 'demo-app',
          version: '0.1.0',
          values: 'message: "{{ .var.registryPassword | default `none` }}"\n',
        },
      ],
    },
  };
}

/** An add-on profile named `extras`, version 1.0.0, with these layers. */
export function addonProfile(layers: Record<string, unknown>[]): ProfileDocument {
  return {
    metadata: { name: 'extras' },
    spec: { type: 'addon', version: '1.0.0', layers },
  } as ProfileDocument;
}
