import { describe, expect, it } from 'vitest';
import type { ClusterObject } from '../../lib/clusters';
import { adoptionSpec } from './AdoptStep';

const cluster = {
  apiVersion: 'strata.dev/v1alpha1',
  kind: 'Cluster',
  metadata: { name: 'legacy' },
  spec: {
    provider: 'imported',
    nodePools: [],
    import: { mode: 'read-only', connect: 'manifest' },
    profiles: [
      { name: 'addons', version: '2.0.0' },
      { name: 'legacy-imported', version: '0.9.0' },
    ],
  },
} as unknown as ClusterObject;

describe('adoptionSpec', () => {
  it('switches to full mode, keeps how the agent connects, and attaches the version in place of an older one', () => {
    const spec = adoptionSpec(cluster, 'legacy-imported', '1.0.0');
    expect(spec.import).toEqual({ mode: 'full', connect: 'manifest' });
    expect(spec.profiles).toEqual([
      { name: 'addons', version: '2.0.0' },
      { name: 'legacy-imported', version: '1.0.0' },
    ]);
    expect(spec.nodePools).toEqual([]);
    expect(cluster.spec.import?.mode).toBe('read-only');
  });
});
