import { fireEvent, screen, within } from '@testing-library/react';
import type { ClusterDiscovery } from '@strata/api';
import { describe, expect, it } from 'vitest';
import { cellsOf, renderUi } from '../test/render';
import { WORKLOAD_ROWS, groupWorkloads } from './DiscoveryLists';
import { DiscoveryView } from './DiscoveryView';

const discovery: ClusterDiscovery = {
  observedAt: new Date(Date.now() - 60_000).toISOString(),
  durationMs: 840,
  kubernetesVersion: 'v1.36.3',
  distribution: { name: 'kubeadm', evidence: ['ConfigMap kube-system/kubeadm-config'] },
  nodePools: [
    {
      name: 'control-plane',
      controlPlane: true,
      count: 1,
      ready: 1,
      cpu: '4',
      memory: '16Gi',
      osImage: 'Ubuntu 24.04.1 LTS',
      kubeletVersion: 'v1.36.3',
      labels: { 'node-role.kubernetes.io/control-plane': '' },
      taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }],
    },
    {
      name: 'workers',
      controlPlane: false,
      count: 3,
      ready: 2,
      cpu: '8',
      memory: '32Gi',
      instanceType: 'm5.2xlarge',
      osImage: 'Ubuntu 24.04.1 LTS',
      kubeletVersion: 'v1.36.3',
      labels: { pool: 'workers' },
      taints: [],
    },
  ],
  cni: [{ name: 'calico', version: '3.28.1', evidence: 'DaemonSet kube-system/calico-node' }],
  csi: {
    drivers: ['ebs.csi.aws.com'],
    storageClasses: [
      { name: 'gp3', provisioner: 'ebs.csi.aws.com', default: true },
      { name: 'io2', provisioner: 'ebs.csi.aws.com', default: false },
    ],
  },
  ingress: [{ name: 'ingress-nginx', namespace: 'ingress', evidence: 'IngressClass nginx' }],
  helmReleases: [
    {
      name: 'web',
      namespace: 'shop',
      chart: 'hello',
      version: '0.1.0',
      appVersion: '1.0',
      status: 'deployed',
      revision: 2,
      values: { replicaCount: 2, extra: { tier: 'gold' } },
    },
    {
      name: 'metrics',
      namespace: 'monitoring',
      chart: 'metrics-server',
      version: '3.12.2',
      status: 'failed',
      revision: 1,
      values: {},
    },
  ],
  workloads: [
    { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'api', managedBy: 'kubectl' },
    { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'shop', name: 'settings', managedBy: 'kubectl' },
    { apiVersion: 'v1', kind: 'Service', namespace: 'shop', name: 'api', managedBy: 'argocd' },
    { apiVersion: 'v1', kind: 'Namespace', name: 'shop' },
    { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'billing', name: 'invoices' },
  ],
  counts: { objects: 212, namespaces: 7, nodes: 4 },
};

describe('DiscoveryView', () => {
  it('summarises distribution, version, nodes, CNI, CSI and ingress', () => {
    renderUi(<DiscoveryView discovery={discovery} />);
    const summary = screen.getByRole('region', { name: 'Discovery summary' });
    expect(summary.textContent).toContain('kubeadm');
    expect(summary.textContent).toContain('ConfigMap kube-system/kubeadm-config');
    expect(summary.textContent).toContain('v1.36.3');
    expect(summary.textContent).toContain('4 in 2 pools');
    expect(summary.textContent).toContain('212 in 7 namespaces');
    expect(summary.textContent).toContain('calico 3.28.1');
    expect(summary.textContent).toContain('ebs.csi.aws.com');
    expect(summary.textContent).toContain('ingress-nginx (ingress)');
  });

  it('shows the inferred node pools with role, count, capacity, OS image and kubelet', () => {
    renderUi(<DiscoveryView discovery={discovery} />);
    expect(cellsOf(screen.getByRole('table', { name: 'Discovered node pools' }))).toEqual([
      [
        'control-plane',
        'control plane',
        '1/1 ready',
        '4 CPU · 16Gi',
        'Ubuntu 24.04.1 LTS',
        'v1.36.3',
        'node-role.kubernetes.io/control-plane:NoSchedule',
      ],
      ['workers', 'workers', '2/3 ready', '8 CPU · 32Gi · m5.2xlarge', 'Ubuntu 24.04.1 LTS', 'v1.36.3', '—'],
    ]);
  });

  it('marks the default StorageClass', () => {
    renderUi(<DiscoveryView discovery={discovery} />);
    expect(cellsOf(screen.getByRole('table', { name: 'Storage classes' }))).toEqual([
      ['gp3', 'ebs.csi.aws.com', 'default'],
      ['io2', 'ebs.csi.aws.com', ''],
    ]);
  });

  it('lists Helm releases and shows a release’s user values as YAML on demand', () => {
    renderUi(<DiscoveryView discovery={discovery} />);
    const releases = screen.getByRole('table', { name: 'Helm releases' });
    const rows = cellsOf(releases);
    expect(rows[0]!.slice(0, 6)).toEqual(['web', 'shop', 'hello', '0.1.0 (app 1.0)', 'deployed', '2']);
    expect(rows[1]!.slice(0, 6)).toEqual([
      'metrics',
      'monitoring',
      'metrics-server',
      '3.12.2',
      'failed',
      '1',
    ]);
    expect(rows[1]![6]).toBe('chart defaults');
    expect(screen.queryByRole('group', { name: 'Values of release shop/web' })).toBeNull();
    const toggle = screen.getByRole('button', { name: 'Show 2 values of release shop/web' });
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    fireEvent.click(toggle);
    const values = screen.getByRole('group', { name: 'Values of release shop/web' });
    expect(values.textContent).toBe('replicaCount: 2\nextra:\n  tier: gold\n');
    const hide = screen.getByRole('button', { name: 'Hide 2 values of release shop/web' });
    expect(hide.getAttribute('aria-expanded')).toBe('true');
    fireEvent.click(hide);
    expect(screen.queryByRole('group', { name: 'Values of release shop/web' })).toBeNull();
  });

  it('groups the other workloads by namespace (cluster-scoped first) and owner', () => {
    renderUi(<DiscoveryView discovery={discovery} />);
    const table = screen.getByRole('table', { name: 'Workloads by namespace and owner' });
    const groups = within(table)
      .getAllByRole('rowheader')
      .map((h) => h.textContent);
    expect(groups).toEqual(['(cluster-scoped) 1 object', 'billing 1 object', 'shop 3 objects']);
    const shop = table.querySelector('tbody[data-namespace="shop"]') as HTMLElement;
    expect(cellsOf(shop)).toEqual([
      ['argocd', 'Service', 'api', 'v1'],
      ['kubectl', 'ConfigMap', 'settings', 'v1'],
      ['kubectl', 'Deployment', 'api', 'apps/v1'],
    ]);
    const billing = table.querySelector('tbody[data-namespace="billing"]') as HTMLElement;
    expect(cellsOf(billing)).toEqual([['unknown', 'Deployment', 'invoices', 'apps/v1']]);
  });

  it('filters every list with the search box', () => {
    renderUi(<DiscoveryView discovery={discovery} />);
    fireEvent.change(screen.getByLabelText('Filter discovery'), { target: { value: 'metrics' } });
    expect(cellsOf(screen.getByRole('table', { name: 'Helm releases' })).map((r) => r[0])).toEqual([
      'metrics',
    ]);
    expect(screen.getByRole('region', { name: 'Helm releases (1 of 2)' })).toBeTruthy();
    expect(screen.queryByRole('table', { name: 'Workloads by namespace and owner' })).toBeNull();
    expect(screen.getByText('No workload outside Helm releases matches.')).toBeTruthy();
    fireEvent.change(screen.getByLabelText('Filter discovery'), { target: { value: 'm5.2xlarge' } });
    expect(cellsOf(screen.getByRole('table', { name: 'Discovered node pools' })).map((r) => r[0])).toEqual([
      'workers',
    ]);
    fireEvent.change(screen.getByLabelText('Filter discovery'), { target: { value: 'kubectl' } });
    expect(screen.getByRole('region', { name: 'Other workloads (2 of 5)' })).toBeTruthy();
  });

  it('shows at most WORKLOAD_ROWS workloads and says how many there are', () => {
    const many = Array.from({ length: WORKLOAD_ROWS + 20 }, (_, i) => ({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      namespace: `ns-${String(i % 7)}`,
      name: `cm-${String(i).padStart(4, '0')}`,
    }));
    renderUi(<DiscoveryView discovery={{ ...discovery, workloads: many }} />);
    const table = screen.getByRole('table', { name: 'Workloads by namespace and owner' });
    expect(within(table).getAllByRole('cell').length).toBe(WORKLOAD_ROWS * 4);
    expect(
      screen.getByText(`Showing ${WORKLOAD_ROWS} of ${WORKLOAD_ROWS + 20}`, { exact: false }),
    ).toBeTruthy();
    expect(groupWorkloads(many).reduce((n, g) => n + g.count, 0)).toBe(WORKLOAD_ROWS + 20);
  });
});
