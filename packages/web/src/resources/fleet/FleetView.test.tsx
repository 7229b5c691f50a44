import { fireEvent, screen, within } from '@testing-library/react';
import type { FleetCluster, FleetClusters } from '@strata/api';
import { describe, expect, it, vi } from 'vitest';
import { cellsOf, renderUi } from '../../test/render';
import { FLEET_PAGE, FleetClustersView, type FleetFilterState } from './FleetView';

const row = (project: string, name: string, over: Partial<FleetCluster> = {}): FleetCluster => ({
  project,
  name,
  provider: 'sandbox',
  phase: 'Running',
  health: 'Healthy',
  kubernetesVersion: 'v1.36.3',
  profiles: ['base@1.0.0'],
  labels: {},
  agentDisconnected: false,
  updatesAvailable: false,
  ...over,
});

const data: FleetClusters = {
  items: [row('retail', 'eu1'), row('shop', 's1', { phase: 'Failed', health: 'Degraded', profiles: [] })],
  total: 120,
  offset: 0,
  facets: {
    project: { retail: 70, shop: 50 },
    provider: { sandbox: 120 },
    phase: { Running: 119, Failed: 1 },
    health: { Healthy: 119, Degraded: 1 },
    kubernetesVersion: { 'v1.36.3': 120 },
  },
};

function view(over: { filter?: FleetFilterState; page?: number } = {}) {
  const onFilter = vi.fn();
  const onPage = vi.fn();
  const onOpen = vi.fn();
  renderUi(
    <FleetClustersView
      data={data}
      filter={over.filter ?? {}}
      page={over.page ?? 1}
      groups={['eu', 'retail/edge']}
      onFilter={onFilter}
      onPage={onPage}
      onOpen={onOpen}
    />,
  );
  return { onFilter, onPage, onOpen };
}

describe('FleetClustersView', () => {
  it('shows one page of clusters of every project, and how many match', () => {
    view();
    expect(screen.getByTestId('fleet-count').textContent).toBe('120 cluster(s) match');
    expect(cellsOf(screen.getByRole('table', { name: 'Clusters in all projects' }))).toEqual([
      ['retail', 'eu1', 'Running', 'Healthy', 'v1.36.3', 'sandbox', 'base@1.0.0'],
      ['shop', 's1', 'Failed', 'Degraded', 'v1.36.3', 'sandbox', ''],
    ]);
  });

  it('offers each filter value with its count, and reports a choice', async () => {
    const { onFilter } = view({ filter: { phase: 'Running' } });
    const project = screen.getAllByLabelText('Project').find((el) => el.tagName === 'INPUT')!;
    fireEvent.click(project);
    const option = await screen.findByRole('option', { name: 'shop (50)' });
    fireEvent.click(option);
    expect(onFilter).toHaveBeenCalledWith({ phase: 'Running', project: 'shop' });
    fireEvent.change(screen.getByRole('textbox', { name: 'Name' }), { target: { value: 'eu' } });
    expect(onFilter).toHaveBeenLastCalledWith({ phase: 'Running', q: 'eu' });
  });

  it('clears a filter', () => {
    const { onFilter } = view({ filter: { q: 'eu', health: 'Healthy' } });
    fireEvent.change(screen.getByRole('textbox', { name: 'Name' }), { target: { value: '' } });
    expect(onFilter).toHaveBeenCalledWith({ health: 'Healthy' });
  });

  it('pages through the matches and opens a cluster in its project', () => {
    const { onPage, onOpen } = view();
    expect(Math.ceil(data.total / FLEET_PAGE)).toBe(3);
    fireEvent.click(screen.getByRole('button', { name: 'page 2' }));
    expect(onPage).toHaveBeenCalledWith(2);
    const table = screen.getByRole('table', { name: 'Clusters in all projects' });
    fireEvent.click(within(table).getByRole('button', { name: 's1' }));
    expect(onOpen).toHaveBeenCalledWith('shop', 's1');
  });
});
