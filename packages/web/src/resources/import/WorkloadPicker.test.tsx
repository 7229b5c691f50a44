import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import type { DiscoveredWorkload, GenerateProfileRequest } from '@strata/api';
import type { GeneratedProfileResult } from '@strata/client';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useState } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { renderUi } from '../../test/render';
import { GenerateStep } from './GenerateStep';
import type { Generated } from './import-api';
import { MAX_SELECTED_OBJECTS, toSelectedObjects, type WorkloadSelection } from './workload-selection';
import { GROUP_ROWS, WorkloadPicker } from './WorkloadPicker';

const fake = vi.hoisted(() => ({
  generateProfile:
    vi.fn<
      (cluster: string, request: GenerateProfileRequest, options: { project: string }) => Promise<unknown>
    >(),
}));

// GenerateStep reads the session (client, project, permissions) and lists earlier profiles: both stand-ins here.
vi.mock(import('../../lib/session'), async (importOriginal) => ({
  ...(await importOriginal()),
  useSession: () =>
    ({
      client: { clusters: { generateProfile: fake.generateProfile } },
      project: 'default',
      can: () => true,
    }) as never,
}));
vi.mock(import('../../lib/queries'), async (importOriginal) => ({
  ...(await importOriginal()),
  useLiveList: () => ({ data: { items: [] } }) as never,
}));

const workloads: DiscoveredWorkload[] = [
  { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'web', managedBy: 'kubectl' },
  { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'shop', name: 'settings' },
  { apiVersion: 'v1', kind: 'Service', namespace: 'shop', name: 'web' },
  { apiVersion: 'v1', kind: 'Namespace', name: 'shop' },
  { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'billing', name: 'invoices' },
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', name: 'reader' },
];

/** The picker with its selection held like the wizard holds it; every change is reported as request objects. */
function Picker({
  items,
  onObjects,
}: {
  items: readonly DiscoveredWorkload[];
  onObjects?: (objects: ReturnType<typeof toSelectedObjects>) => void;
}) {
  const [selected, setSelected] = useState<WorkloadSelection>(new Set());
  return (
    <WorkloadPicker
      workloads={items}
      selected={selected}
      onChange={(next) => {
        setSelected(next);
        onObjects?.(toSelectedObjects(items, next));
      }}
    />
  );
}

const group = (name: string) => screen.getByRole('group', { name });
const checkboxNames = (el: HTMLElement): string[] =>
  within(el)
    .queryAllByRole<HTMLInputElement>('checkbox')
    .map((c) => c.getAttribute('aria-label') ?? c.labels?.[0]?.textContent ?? '');
const box = (name: string) => screen.getByRole<HTMLInputElement>('checkbox', { name });
const count = () => screen.getByTestId('workload-selection-count').textContent;

function many(n: number, namespace: (i: number) => string): DiscoveredWorkload[] {
  return Array.from({ length: n }, (_, i) => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    namespace: namespace(i),
    name: `cm-${String(i).padStart(4, '0')}`,
  }));
}

describe('WorkloadPicker', () => {
  it('groups workloads by namespace, cluster-scoped first, with a named checkbox each', () => {
    renderUi(<Picker items={workloads} />);
    const groups = within(screen.getByTestId('workload-picker'))
      .getAllByRole('group')
      .map((g) => g.getAttribute('data-namespace'));
    expect(groups).toEqual(['', 'billing', 'shop']);
    expect(checkboxNames(group('cluster-scoped'))).toEqual([
      'Select all cluster-scoped',
      'ClusterRole reader',
      'Namespace shop',
    ]);
    expect(checkboxNames(group('billing'))).toEqual([
      'Select all in namespace billing',
      'Deployment billing/invoices',
    ]);
    expect(checkboxNames(group('shop'))).toEqual([
      'Select all in namespace shop',
      'ConfigMap shop/settings',
      'Deployment shop/web',
      'Service shop/web',
    ]);
    expect(within(group('shop')).getByText('apps/v1 · kubectl')).toBeTruthy();
    expect(count()).toBe('0 selected');
    expect(screen.getByRole('button', { name: 'Clear selection' })).toHaveProperty('disabled', true);
  });

  it('names a workload with its API version when another one has the same kind, namespace and name', () => {
    renderUi(
      <Picker
        items={[
          { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', namespace: 'shop', name: 'web' },
          { apiVersion: 'extensions/v1beta1', kind: 'Ingress', namespace: 'shop', name: 'web' },
        ]}
      />,
    );
    expect(box('Ingress shop/web (networking.k8s.io/v1)')).toBeTruthy();
    expect(box('Ingress shop/web (extensions/v1beta1)')).toBeTruthy();
  });

  it('filters by kind, namespace and name, and hides namespaces without a match', async () => {
    renderUi(<Picker items={workloads} />);
    const filter = screen.getByLabelText('Filter workloads');
    fireEvent.change(filter, { target: { value: 'web' } });
    await waitFor(() => expect(screen.queryByRole('group', { name: 'billing' })).toBeNull());
    expect(screen.queryByRole('group', { name: 'cluster-scoped' })).toBeNull();
    expect(checkboxNames(group('shop')).slice(1)).toEqual(['Deployment shop/web', 'Service shop/web']);
    expect(within(group('shop')).getByText('2 of 3 objects match')).toBeTruthy();

    fireEvent.change(filter, { target: { value: 'deployment billing' } });
    await waitFor(() => expect(screen.queryByRole('group', { name: 'shop' })).toBeNull());
    expect(checkboxNames(group('billing')).slice(1)).toEqual(['Deployment billing/invoices']);

    fireEvent.change(filter, { target: { value: 'cluster-scoped role' } });
    await waitFor(() => expect(screen.queryByRole('group', { name: 'billing' })).toBeNull());
    expect(checkboxNames(group('cluster-scoped')).slice(1)).toEqual(['ClusterRole reader']);

    fireEvent.change(filter, { target: { value: 'nothing-like-this' } });
    await screen.findByText('No workload matches the filter.');
  });

  it('selects all of a namespace, shows it partly selected, and clears', () => {
    const objects = vi.fn();
    renderUi(<Picker items={workloads} onObjects={objects} />);
    const all = box('Select all in namespace shop');
    fireEvent.click(box('Deployment shop/web'));
    expect(all.checked).toBe(false);
    expect(all.indeterminate).toBe(true);
    expect(count()).toBe('1 selected');

    fireEvent.click(all);
    expect(all.checked).toBe(true);
    expect(all.indeterminate).toBe(false);
    expect(count()).toBe('3 selected');
    expect(objects).toHaveBeenLastCalledWith([
      { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'web' },
      { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'shop', name: 'settings' },
      { apiVersion: 'v1', kind: 'Service', namespace: 'shop', name: 'web' },
    ]);
    expect(box('Select all in namespace billing').checked).toBe(false);
    expect(within(group('shop')).getByText('3 objects · 3 selected')).toBeTruthy();

    fireEvent.click(all);
    expect(count()).toBe('0 selected');
    expect(box('Service shop/web').checked).toBe(false);

    fireEvent.click(box('Select all cluster-scoped'));
    fireEvent.click(box('Deployment billing/invoices'));
    expect(objects).toHaveBeenLastCalledWith([
      { apiVersion: 'v1', kind: 'Namespace', name: 'shop' },
      { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'billing', name: 'invoices' },
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', name: 'reader' },
    ]);
    fireEvent.click(screen.getByRole('button', { name: 'Clear selection' }));
    expect(count()).toBe('0 selected');
    expect(objects).toHaveBeenLastCalledWith([]);
  });

  it('with a filter, a namespace’s checkbox selects only what matches in it', async () => {
    const objects = vi.fn();
    renderUi(<Picker items={workloads} onObjects={objects} />);
    fireEvent.change(screen.getByLabelText('Filter workloads'), { target: { value: 'web' } });
    await waitFor(() =>
      expect(screen.queryByRole('checkbox', { name: 'ConfigMap shop/settings' })).toBeNull(),
    );
    fireEvent.click(box('Select all in namespace shop'));
    expect(objects).toHaveBeenLastCalledWith([
      { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'web' },
      { apiVersion: 'v1', kind: 'Service', namespace: 'shop', name: 'web' },
    ]);
    fireEvent.change(screen.getByLabelText('Filter workloads'), { target: { value: '' } });
    await screen.findByRole('checkbox', { name: 'ConfigMap shop/settings' });
    expect(box('Select all in namespace shop').indeterminate).toBe(true);
    expect(box('ConfigMap shop/settings').checked).toBe(false);
  });

  it(`refuses to select more than ${MAX_SELECTED_OBJECTS} objects and says why`, () => {
    const items = [
      ...many(MAX_SELECTED_OBJECTS, () => 'big'),
      { apiVersion: 'v1', kind: 'Service', namespace: 'shop', name: 'web' },
      { apiVersion: 'v1', kind: 'Service', namespace: 'shop', name: 'api' },
    ];
    const objects = vi.fn();
    renderUi(<Picker items={items} onObjects={objects} />);
    fireEvent.click(box('Select all in namespace big'));
    expect(count()).toBe(`${MAX_SELECTED_OBJECTS} selected`);
    expect(objects.mock.lastCall?.[0]).toHaveLength(MAX_SELECTED_OBJECTS);
    expect(screen.getByText(/That is the limit: a profile takes at most 500 objects/)).toBeTruthy();
    expect(screen.queryByRole('alert')).toBeNull();

    fireEvent.click(screen.getByRole('button', { name: 'shop' }));
    fireEvent.click(box('Service shop/web'));
    expect(box('Service shop/web').checked).toBe(false);
    expect(screen.getByRole('alert').textContent).toBe(
      `Service shop/web was not selected: a profile takes at most ${MAX_SELECTED_OBJECTS} objects. Clear some first.`,
    );
    fireEvent.click(box('Select all in namespace shop'));
    expect(screen.getByRole('alert').textContent).toContain(
      `Selecting the 2 other objects of shop would make ${MAX_SELECTED_OBJECTS + 2}`,
    );
    expect(count()).toBe(`${MAX_SELECTED_OBJECTS} selected`);
    expect(objects).toHaveBeenCalledTimes(1);

    // Making room lets the selection grow again, and the message goes.
    fireEvent.click(screen.getByRole('button', { name: 'big' }));
    fireEvent.click(box('ConfigMap big/cm-0000'));
    fireEvent.click(box('Service shop/web'));
    expect(count()).toBe(`${MAX_SELECTED_OBJECTS} selected`);
    expect(box('Service shop/web').checked).toBe(true);
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('refuses a namespace larger than the limit as a whole', () => {
    renderUi(<Picker items={many(MAX_SELECTED_OBJECTS + 1, () => 'huge')} />);
    fireEvent.click(box('Select all in namespace huge'));
    expect(count()).toBe('0 selected');
    expect(screen.getByRole('alert').textContent).toContain(
      `Selecting the ${MAX_SELECTED_OBJECTS + 1} other objects of huge`,
    );
  });

  it('keeps 5,000 workloads quick: namespaces closed, an open one shows GROUP_ROWS at a time', () => {
    const items = many(5000, (i) => `ns-${String(i % 40).padStart(2, '0')}`);
    renderUi(<Picker items={items} />);
    // One checkbox per namespace, none per workload.
    expect(screen.getAllByRole('checkbox')).toHaveLength(40);
    expect(
      screen.getByText('5,000 workloads in 40 namespace groups: open a namespace, or filter.'),
    ).toBeTruthy();
    const toggle = screen.getByRole('button', { name: 'ns-07' });
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    fireEvent.click(toggle);
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    expect(within(group('ns-07')).getAllByRole('checkbox')).toHaveLength(GROUP_ROWS + 1);
    fireEvent.click(screen.getByRole('button', { name: 'Show 25 more in ns-07' }));
    expect(within(group('ns-07')).getAllByRole('checkbox')).toHaveLength(125 + 1);
    expect(screen.queryByRole('button', { name: /Show .* more in ns-07/ })).toBeNull();
    // Selecting a closed namespace selects all of it.
    fireEvent.click(box('Select all in namespace ns-08'));
    expect(count()).toBe('125 selected');
    fireEvent.click(toggle);
    expect(screen.getAllByRole('checkbox')).toHaveLength(40);
  });

  it('opens the namespaces by itself when a filter leaves few workloads', async () => {
    const items = many(5000, (i) => `ns-${String(i % 40).padStart(2, '0')}`);
    renderUi(<Picker items={items} />);
    fireEvent.change(screen.getByLabelText('Filter workloads'), { target: { value: 'cm-004' } });
    // cm-0040 … cm-0049: ten workloads in ten namespaces, all shown.
    await waitFor(() => expect(screen.getAllByRole('checkbox')).toHaveLength(20));
    expect(box('ConfigMap ns-00/cm-0040')).toBeTruthy();
  });
});

describe('GenerateStep with selected workloads', () => {
  const result: GeneratedProfileResult = {
    profile: {
      kind: 'ClusterProfile',
      metadata: { name: 'legacy-imported' },
      spec: { type: 'addon', version: '1.0.0', layers: [] },
    } as unknown as GeneratedProfileResult['profile'],
    matched: [],
    unmatched: [],
  };

  function Step({ onGenerated }: { onGenerated: (g: Generated) => void }) {
    const [selected, setSelected] = useState<WorkloadSelection>(new Set());
    return (
      <QueryClientProvider client={new QueryClient()}>
        <GenerateStep
          cluster="legacy"
          workloads={workloads}
          selected={selected}
          onSelect={setSelected}
          onGenerated={onGenerated}
        />
      </QueryClientProvider>
    );
  }

  it('sends the chosen objects, with their API version, to generate-profile', async () => {
    fake.generateProfile.mockReset().mockResolvedValue(result);
    const onGenerated = vi.fn();
    renderUi(<Step onGenerated={onGenerated} />);
    fireEvent.click(box('Deployment shop/web'));
    fireEvent.click(box('Select all cluster-scoped'));
    expect(screen.getByText('with 3 selected objects')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Generate profile' }));
    await waitFor(() => expect(onGenerated).toHaveBeenCalledTimes(1));
    const objects = [
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', name: 'reader' },
      { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'web' },
      { apiVersion: 'v1', kind: 'Namespace', name: 'shop' },
    ];
    expect(fake.generateProfile).toHaveBeenCalledWith(
      'legacy',
      { name: 'legacy-imported', version: '1.0.0', objects: expect.arrayContaining(objects) as unknown },
      { project: 'default' },
    );
    expect(fake.generateProfile.mock.calls[0]![1].objects).toHaveLength(3);
    expect(onGenerated).toHaveBeenCalledWith({
      result,
      requested: fake.generateProfile.mock.calls[0]![1].objects,
    });
  });

  it('sends no objects when none is selected', async () => {
    fake.generateProfile.mockReset().mockResolvedValue(result);
    const onGenerated = vi.fn();
    renderUi(<Step onGenerated={onGenerated} />);
    expect(screen.getByText('without workloads')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Generate profile' }));
    await waitFor(() => expect(onGenerated).toHaveBeenCalledTimes(1));
    expect(fake.generateProfile).toHaveBeenCalledWith(
      'legacy',
      { name: 'legacy-imported', version: '1.0.0' },
      { project: 'default' },
    );
  });
});
