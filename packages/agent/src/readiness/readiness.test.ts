import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JsonObject } from '@strata/core';
import { readinessOf, type Readiness } from './readiness.js';

const deploy = (spec: JsonObject, status: JsonObject, generation = 2): JsonObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'd', generation },
  spec,
  status,
});

const rows: { name: string; given: JsonObject; expect: Readiness['state'] }[] = [
  {
    name: 'deployment rolled out',
    given: deploy(
      { replicas: 2 },
      { observedGeneration: 2, replicas: 2, updatedReplicas: 2, availableReplicas: 2 },
    ),
    expect: 'ready',
  },
  {
    name: 'deployment: controller has not seen the new spec',
    given: deploy(
      { replicas: 2 },
      { observedGeneration: 1, replicas: 2, updatedReplicas: 2, availableReplicas: 2 },
    ),
    expect: 'progressing',
  },
  {
    name: 'deployment: old replicas still around',
    given: deploy(
      { replicas: 2 },
      { observedGeneration: 2, replicas: 3, updatedReplicas: 2, availableReplicas: 2 },
    ),
    expect: 'progressing',
  },
  {
    name: 'deployment: replicas default to 1',
    given: deploy({}, { observedGeneration: 2, replicas: 1, updatedReplicas: 1, availableReplicas: 1 }),
    expect: 'ready',
  },
  { name: 'deployment without status', given: deploy({ replicas: 1 }, {}), expect: 'progressing' },
  {
    name: 'deployment scaled to zero',
    given: deploy({ replicas: 0 }, { observedGeneration: 2 }),
    expect: 'ready',
  },
  {
    name: 'deployment past its progress deadline',
    given: deploy(
      { replicas: 1 },
      {
        observedGeneration: 2,
        conditions: [{ type: 'Progressing', status: 'False', message: 'deadline exceeded' }],
      },
    ),
    expect: 'failed',
  },
  {
    name: 'statefulset ready',
    given: {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { generation: 1 },
      spec: { replicas: 2 },
      status: {
        observedGeneration: 1,
        readyReplicas: 2,
        updatedReplicas: 2,
        currentRevision: 'r1',
        updateRevision: 'r1',
      },
    },
    expect: 'ready',
  },
  {
    name: 'statefulset mid-rollout',
    given: {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { generation: 1 },
      spec: { replicas: 2 },
      status: {
        observedGeneration: 1,
        readyReplicas: 2,
        updatedReplicas: 2,
        currentRevision: 'r1',
        updateRevision: 'r2',
      },
    },
    expect: 'progressing',
  },
  {
    name: 'daemonset ready',
    given: {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { generation: 1 },
      status: {
        observedGeneration: 1,
        desiredNumberScheduled: 3,
        updatedNumberScheduled: 3,
        numberAvailable: 3,
      },
    },
    expect: 'ready',
  },
  {
    name: 'daemonset not available everywhere',
    given: {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { generation: 1 },
      status: {
        observedGeneration: 1,
        desiredNumberScheduled: 3,
        updatedNumberScheduled: 3,
        numberAvailable: 2,
      },
    },
    expect: 'progressing',
  },
  {
    name: 'job complete',
    given: {
      apiVersion: 'batch/v1',
      kind: 'Job',
      status: { conditions: [{ type: 'Complete', status: 'True' }] },
    },
    expect: 'ready',
  },
  {
    name: 'job failed',
    given: {
      apiVersion: 'batch/v1',
      kind: 'Job',
      status: { conditions: [{ type: 'Failed', status: 'True' }] },
    },
    expect: 'failed',
  },
  {
    name: 'job running',
    given: { apiVersion: 'batch/v1', kind: 'Job', status: { active: 1 } },
    expect: 'progressing',
  },
  {
    name: 'crd established',
    given: {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      status: { conditions: [{ type: 'Established', status: 'True' }] },
    },
    expect: 'ready',
  },
  {
    name: 'crd names not accepted',
    given: {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      status: { conditions: [{ type: 'NamesAccepted', status: 'False' }] },
    },
    expect: 'failed',
  },
  {
    name: 'a ConfigMap is ready once accepted',
    given: { apiVersion: 'v1', kind: 'ConfigMap' },
    expect: 'ready',
  },
  {
    name: 'a Deployment-named kind of another group is not a Deployment',
    given: { apiVersion: 'example.com/v1', kind: 'Deployment', status: {} },
    expect: 'ready',
  },
];

describe('readinessOf', () => {
  for (const row of rows) it(row.name, () => assert.equal(readinessOf(row.given).state, row.expect));

  it('says why it is not ready', () => {
    const r = readinessOf(
      deploy(
        { replicas: 3 },
        { observedGeneration: 2, replicas: 3, updatedReplicas: 3, availableReplicas: 1 },
      ),
    );
    assert.deepEqual(r, { state: 'progressing', reason: '1 of 3 replicas available' });
  });
});
