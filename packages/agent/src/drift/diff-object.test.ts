import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JsonValue } from '@strata/core';
import { diffObject, type FieldDiff } from './diff-object.js';
import { storedShape } from './drift-checker.js';

const deployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'shop', labels: { app: 'web' }, creationTimestamp: null },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: { containers: [{ name: 'web', image: 'nginx:1.27', ports: [{ containerPort: 80 }] }] },
    },
  },
};

/** What the API server stores for `deployment`: defaults added, status and metadata filled in. */
const liveDeployment = {
  ...deployment,
  metadata: {
    ...deployment.metadata,
    creationTimestamp: '2025-01-01T00:00:00Z',
    uid: 'u1',
    resourceVersion: '7',
    generation: 1,
    annotations: { 'deployment.kubernetes.io/revision': '1' },
    managedFields: [{ manager: 'strata' }],
  },
  spec: {
    ...deployment.spec,
    strategy: { type: 'RollingUpdate' },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: {
        dnsPolicy: 'ClusterFirst',
        containers: [
          {
            name: 'web',
            image: 'nginx:1.27',
            ports: [{ containerPort: 80, protocol: 'TCP' }],
            terminationMessagePath: '/dev/termination-log',
          },
        ],
      },
    },
  },
  status: { replicas: 2, readyReplicas: 2 },
};

function withPath(value: JsonValue, path: string[], v: JsonValue | undefined): JsonValue {
  const copy = structuredClone(value) as Record<string, JsonValue>;
  let cur: Record<string, JsonValue> = copy;
  for (const p of path.slice(0, -1)) cur = cur[p] as Record<string, JsonValue>;
  const last = path[path.length - 1]!;
  if (v === undefined) delete cur[last];
  else cur[last] = v;
  return copy;
}

const rows: {
  name: string;
  shape: JsonValue;
  live: JsonValue;
  normalized?: JsonValue;
  expect: FieldDiff[];
}[] = [
  {
    name: 'defaults, status and server metadata are not drift',
    shape: deployment,
    live: liveDeployment,
    expect: [],
  },
  {
    name: 'scaled replicas',
    shape: deployment,
    live: withPath(liveDeployment, ['spec', 'replicas'], 5),
    expect: [{ path: '/spec/replicas', desired: 2, live: 5 }],
  },
  {
    name: 'an edited image inside a keyed list points at the live index',
    shape: deployment,
    live: withPath(
      liveDeployment,
      ['spec', 'template', 'spec', 'containers'],
      [
        { name: 'sidecar', image: 'envoy' },
        { name: 'web', image: 'nginx:latest', ports: [{ containerPort: 80, protocol: 'TCP' }] },
      ],
    ),
    expect: [{ path: '/spec/template/spec/containers/1/image', desired: 'nginx:1.27', live: 'nginx:latest' }],
  },
  {
    name: 'a removed label',
    shape: deployment,
    live: withPath(liveDeployment, ['metadata', 'labels'], {}),
    expect: [{ path: '/metadata/labels/app', desired: 'web', live: undefined }],
  },
  {
    name: 'an added label someone else owns is not drift',
    shape: deployment,
    live: withPath(liveDeployment, ['metadata', 'labels'], { app: 'web', team: 'x' }),
    expect: [],
  },
  {
    name: 'a keyed item that disappeared',
    shape: deployment,
    live: withPath(
      liveDeployment,
      ['spec', 'template', 'spec', 'containers'],
      [{ name: 'other', image: 'x' }],
    ),
    expect: [
      {
        path: '/spec/template/spec/containers/0',
        desired: deployment.spec.template.spec.containers[0]!,
        live: undefined,
      },
    ],
  },
  {
    name: 'atomic list of scalars compares exactly',
    shape: { spec: { args: ['a', 'b'] } },
    live: { spec: { args: ['a', 'b', 'c'] } },
    expect: [{ path: '/spec/args', desired: ['a', 'b'], live: ['a', 'b', 'c'] }],
  },
  {
    name: 'an empty list matches an absent one',
    shape: { spec: { tolerations: [] } },
    live: { spec: {} },
    expect: [],
  },
  {
    name: 'null asks for absence',
    shape: { spec: { x: null } },
    live: { spec: { x: 1 } },
    expect: [{ path: '/spec/x', desired: null, live: 1 }],
  },
  {
    name: 'quantities: the naive pass flags 0.5 vs 500m ...',
    shape: { spec: { cpu: '0.5' } },
    live: { spec: { cpu: '500m' } },
    expect: [{ path: '/spec/cpu', desired: '0.5', live: '500m' }],
  },
  {
    name: '... and the normalised (dry-run) pass clears it',
    shape: { spec: { cpu: '0.5' } },
    live: { spec: { cpu: '500m' } },
    normalized: { spec: { cpu: '500m' } },
    expect: [],
  },
  {
    name: 'a field the server does not store (stringData) is not drift against the dry run',
    shape: { kind: 'Secret', stringData: { password: 'p' } },
    live: { kind: 'Secret', data: { password: 'cA==' } },
    normalized: { kind: 'Secret', data: { password: 'cA==' } },
    expect: [],
  },
  {
    name: 'a real change survives the normalised pass and shows the manifest value',
    shape: { spec: { cpu: '0.5' } },
    live: { spec: { cpu: '2' } },
    normalized: { spec: { cpu: '500m' } },
    expect: [{ path: '/spec/cpu', desired: '0.5', live: '2' }],
  },
  {
    name: 'a type change is reported at the object',
    shape: { spec: { selector: { app: 'x' } } },
    live: { spec: { selector: 'app=x' } },
    expect: [{ path: '/spec/selector', desired: { app: 'x' }, live: 'app=x' }],
  },
  {
    name: 'pointer segments are escaped',
    shape: { metadata: { annotations: { 'strata.dev/layer': 'p.l' } } },
    live: { metadata: { annotations: { 'strata.dev/layer': 'other' } } },
    expect: [{ path: '/metadata/annotations/strata.dev~1layer', desired: 'p.l', live: 'other' }],
  },
];

describe('diffObject', () => {
  for (const row of rows)
    it(row.name, () => assert.deepEqual(diffObject(row.shape, row.live, row.normalized), row.expect));
});

describe('storedShape', () => {
  it("compares a Secret's stringData where the API server keeps it (base64 data)", () => {
    const shape = storedShape({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 's' },
      stringData: { password: 'p' },
      data: { user: 'dQ==' },
    });
    assert.deepEqual(shape, {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 's' },
      data: { user: 'dQ==', password: 'cA==' },
    });
    assert.deepEqual(diffObject(shape, { ...shape, data: { user: 'dQ==', password: 'eA==' } }), [
      { path: '/data/password', desired: 'cA==', live: 'eA==' },
    ]);
  });
});
