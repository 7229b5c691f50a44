import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { cannedObject } from '@strata/client/testing';
import { describeObject } from './describe.js';

describe('describeObject', () => {
  const now = new Date('2026-01-01T00:10:00Z');

  it('shows metadata, spec as YAML, status and a conditions table', () => {
    const object = cannedObject({
      kind: 'Widget',
      name: 'shop',
      project: 'retail',
      labels: { env: 'prod', tier: 'web' },
      spec: { provider: 'sandbox', nodePools: [{ name: 'cp', count: 1 }] },
      status: {
        phase: 'Running',
        conditions: [
          {
            type: 'Ready',
            status: 'True',
            reason: 'AllGood',
            message: 'cluster is ready',
            lastTransitionTime: '2026-01-01T00:05:00Z',
          },
        ],
      },
    });
    const text = describeObject(object, now);
    assert.match(text, /^Name:\s+shop\nKind:\s+Widget\nProject:\s+retail\n/);
    assert.match(text, /Labels:\s+env=prod\n\s{18}tier=web\n/);
    assert.match(text, /Annotations:\s+<none>\n/);
    assert.match(text, /Created:\s+2026-01-01T00:00:00.000Z \(10m ago\)\n/);
    assert.match(text, /Spec:\n {2}provider: sandbox\n {2}nodePools:\n {4}- name: cp\n/);
    assert.match(text, /Status:\n {2}phase: Running\nConditions:\n/);
    assert.match(
      text,
      /\n {2}TYPE\s+STATUS\s+REASON\s+AGE\s+MESSAGE\n {2}Ready\s+True\s+AllGood\s+5m\s+cluster is ready\n$/,
    );
    assert.doesNotMatch(text, /conditions:/, 'conditions are not repeated in the status YAML');
  });

  it('shows deletion, finalizers, the version and empty sections', () => {
    const object = cannedObject({
      kind: 'ClusterProfile',
      name: 'base',
      spec: { version: '1.0.0' },
      deletedAt: '2026-01-01T00:09:00Z',
    });
    object.metadata.finalizers = ['strata.dev/cleanup'];
    const text = describeObject(object, now);
    assert.match(text, /Version:\s+1\.0\.0\n/);
    assert.match(
      text,
      /Deleting Since:\s+2026-01-01T00:09:00Z \(60s ago\)\nFinalizers:\s+strata.dev\/cleanup\n/,
    );
    assert.match(text, /Status:\n {2}<none>\nConditions:\n {2}<none>\n$/);
  });
});
