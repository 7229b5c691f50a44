import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ClusterSpec, Issue } from '@strata/api';
import { clusterSpecIssues, type ClusterSpecIssuesOptions } from './cluster-spec-issues.js';

const valid = (): ClusterSpec => ({
  provider: 'sandbox',
  nodePools: [
    { name: 'control-plane', controlPlane: true, count: 1 },
    { name: 'workers', count: 3, min: 2, max: 6 },
  ],
  profiles: [
    { name: 'base', version: '1.2.0' },
    { name: 'observability', version: '2.0.1' },
  ],
});

const rows: {
  name: string;
  given: { spec: ClusterSpec; options?: ClusterSpecIssuesOptions };
  expect: Issue[];
}[] = [
  {
    name: 'a valid spec has no issues',
    given: { spec: valid(), options: { providers: ['sandbox'], profileTypes: ['full', 'addon'] } },
    expect: [],
  },
  {
    name: 'unknown provider',
    given: { spec: { ...valid(), provider: 'nope' }, options: { providers: ['sandbox', 'aws'] } },
    expect: [{ path: '/spec/provider', message: 'unknown provider "nope"; known providers: sandbox, aws' }],
  },
  {
    name: 'count below min and above max',
    given: {
      spec: {
        ...valid(),
        nodePools: [
          { name: 'control-plane', controlPlane: true, count: 1 },
          { name: 'a', count: 1, min: 2 },
          { name: 'b', count: 9, max: 6 },
        ],
      },
    },
    expect: [
      { path: '/spec/nodePools/1/count', message: 'count 1 is below min 2' },
      { path: '/spec/nodePools/2/count', message: 'count 9 is above max 6' },
    ],
  },
  {
    name: 'control-plane pool with an even count > 1, duplicate pool name',
    given: {
      spec: {
        ...valid(),
        nodePools: [
          { name: 'control-plane', controlPlane: true, count: 2 },
          { name: 'control-plane', count: 1 },
        ],
      },
    },
    expect: [
      {
        path: '/spec/nodePools/0/count',
        message: 'a control-plane pool needs an odd count (etcd quorum); 2 is even',
      },
      {
        path: '/spec/nodePools/1/name',
        message: 'duplicate node pool name "control-plane" (also at /spec/nodePools/0)',
      },
    ],
  },
  {
    name: 'no control-plane pool',
    given: { spec: { ...valid(), nodePools: [{ name: 'workers', count: 1 }] } },
    expect: [
      { path: '/spec/nodePools', message: 'no control-plane pool: one pool needs controlPlane: true' },
    ],
  },
  {
    name: 'infra profile missing',
    given: { spec: valid(), options: { profileTypes: ['addon', 'addon'] } },
    expect: [
      {
        path: '/spec/profiles',
        message:
          'no infra profile: attach exactly one profile of type infra or full (OS, Kubernetes, CNI, CSI)',
      },
    ],
  },
  {
    name: 'two infra profiles',
    given: { spec: valid(), options: { profileTypes: ['infra', 'full'] } },
    expect: [
      {
        path: '/spec/profiles/1',
        message:
          'two infra profiles: "observability" and "base"; attach exactly one profile of type infra or full',
      },
    ],
  },
  {
    name: 'every problem at once, under a custom prefix',
    given: {
      spec: { provider: 'x', nodePools: [{ name: 'w', count: 0, min: 1 }] },
      options: { providers: ['sandbox'], profileTypes: [], path: '' },
    },
    expect: [
      { path: '/provider', message: 'unknown provider "x"; known providers: sandbox' },
      { path: '/nodePools/0/count', message: 'count 0 is below min 1' },
      { path: '/nodePools', message: 'no control-plane pool: one pool needs controlPlane: true' },
      {
        path: '/profiles',
        message:
          'no infra profile: attach exactly one profile of type infra or full (OS, Kubernetes, CNI, CSI)',
      },
    ],
  },
  {
    name: 'a built cluster needs a control-plane pool (an empty list has none)',
    given: { spec: { ...valid(), nodePools: [] }, options: { providers: ['sandbox'] } },
    expect: [
      { path: '/spec/nodePools', message: 'no control-plane pool: one pool needs controlPlane: true' },
    ],
  },
  {
    name: 'import fields belong to imported clusters only',
    given: {
      spec: { ...valid(), import: { mode: 'full' }, kubeconfig: 'x' },
      options: { providers: ['sandbox'] },
    },
    expect: [
      { path: '/spec/import', message: 'only clusters of provider "imported" are imported' },
      {
        path: '/spec/kubeconfig',
        message: 'a kubeconfig is given only for provider "imported"; the provider makes its own',
      },
    ],
  },
  {
    name: 'an imported cluster: no pools, a mode, and a kubeconfig unless the agent is applied by manifest',
    given: {
      spec: { provider: 'imported', nodePools: [{ name: 'w', count: 1 }] },
      options: { providers: ['imported'], profileTypes: [] },
    },
    expect: [
      { path: '/spec/import', message: 'an imported cluster needs import.mode (read-only or full)' },
      {
        path: '/spec/nodePools',
        message:
          'an imported cluster has no managed node pools: its nodes are discovered; leave nodePools empty',
      },
    ],
  },
  {
    name: 'an imported cluster connected by manifest needs no kubeconfig and no infra profile',
    given: {
      spec: { provider: 'imported', nodePools: [], import: { mode: 'read-only', connect: 'manifest' } },
      options: { providers: ['imported'], profileTypes: [] },
    },
    expect: [],
  },
];

describe('clusterSpecIssues', () => {
  for (const row of rows) {
    it(row.name, () => assert.deepEqual(clusterSpecIssues(row.given.spec, row.given.options), row.expect));
  }
});
