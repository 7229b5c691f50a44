import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readDesiredState, readServerRequest, supersedes } from './desired-state.js';

const message = {
  protocol: 1,
  cluster: { tenant: 't', project: 'p', name: 'c', uid: 'u' },
  revision: 3,
  stack: {
    hash: 'sha256:s',
    kubernetesVersion: '1.36.3',
    layers: [
      {
        profile: { name: 'base', version: '1.0.0' },
        name: 'ubuntu',
        layer: 'os',
        type: 'manifest',
        manifests: [],
        hash: 'h1',
        values: {},
      },
      {
        profile: { name: 'base', version: '1.0.0' },
        name: 'cfg',
        type: 'manifest',
        manifests: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } }],
        hash: 'h2',
        futureField: { anything: true },
      },
      {
        profile: { name: 'base', version: '1.0.0' },
        name: 'web',
        type: 'helm',
        manifests: [],
        helm: {
          releaseName: 'web',
          namespace: 'web',
          chart: { name: 'web', version: '1.0.0', repository: 'https://charts.example.org' },
          values: { replicaCount: 2 },
        },
        hash: 'h3',
      },
    ],
  },
  policy: { drift: 'report', paused: false },
  mode: 'full',
  addedInAFutureMinorVersion: 1,
};

describe('readDesiredState', () => {
  it('reads layers in order, with their content type, ignoring unknown fields', () => {
    const s = readDesiredState(message);
    assert.equal(s.revision, 3);
    assert.deepEqual(
      s.layers.map((l) => [l.key, l.index, l.content.type, l.hash]),
      [
        ['base.ubuntu', 0, 'info', 'h1'],
        ['base.cfg', 1, 'manifest', 'h2'],
        ['base.web', 2, 'helm', 'h3'],
      ],
    );
    assert.deepEqual(s.policy, { drift: 'report', paused: false });
    assert.equal(s.kubernetesVersion, '1.36.3');
  });

  it('treats a layer with neither manifests nor helm as informational', () => {
    const s = readDesiredState({
      revision: 1,
      stack: { layers: [{ profile: 'base', name: 'k8s', layer: 'k8s', hash: 'h' }] },
    });
    assert.equal(s.layers[0]!.content.type, 'info');
  });

  it('defaults what an older server may not send', () => {
    const s = readDesiredState({ revision: 1, stack: { layers: [] } });
    assert.deepEqual(s.policy, { drift: 'remediate', paused: false });
    assert.equal(s.mode, 'full');
  });

  const bad: { name: string; value: unknown; error: RegExp }[] = [
    { name: 'no revision', value: { stack: { layers: [] } }, error: /revision/ },
    {
      name: 'a layer without hash',
      value: { revision: 1, stack: { layers: [{ profile: 'p', name: 'l' }] } },
      error: /needs profile, name and hash/,
    },
    {
      name: 'a manifest without a name',
      value: {
        revision: 1,
        stack: {
          layers: [
            {
              profile: 'p',
              name: 'l',
              hash: 'h',
              manifests: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: {} }],
            },
          ],
        },
      },
      error: /manifests\[0\] needs apiVersion, kind and metadata.name/,
    },
    {
      name: 'a duplicate layer',
      value: {
        revision: 1,
        stack: {
          layers: [
            { profile: 'p', name: 'l', hash: 'h' },
            { profile: 'p', name: 'l', hash: 'h' },
          ],
        },
      },
      error: /appears twice/,
    },
    {
      name: 'helm without a chart version',
      value: {
        revision: 1,
        stack: {
          layers: [
            {
              profile: 'p',
              name: 'l',
              hash: 'h',
              helm: { releaseName: 'r', namespace: 'n', chart: { name: 'c' } },
            },
          ],
        },
      },
      error: /chart.version/,
    },
    {
      name: 'a newer protocol',
      value: { protocol: 2, revision: 1, stack: { layers: [] } },
      error: /protocol 2/,
    },
  ];
  for (const row of bad)
    it(`refuses ${row.name}`, () => assert.throws(() => readDesiredState(row.value), row.error));
});

describe('readServerRequest', () => {
  it('reads an adoption preview a desired-state message carries, with its layers read like a desired state', () => {
    assert.equal(readServerRequest(message), undefined, 'none');
    const request = readServerRequest({
      ...message,
      request: { id: 'p1', type: 'adoption-preview', stack: message.stack },
    });
    assert.ok(request?.type === 'adoption-preview');
    assert.equal(request.id, 'p1');
    assert.equal(request.stackHash, 'sha256:s');
    assert.deepEqual(
      request.layers.map((l) => [l.key, l.kind, l.content.type]),
      readDesiredState(message).layers.map((l) => [l.key, l.kind, l.content.type]),
    );
    assert.equal(request.layers[0]?.kind, 'os');
  });

  it('reads a read-objects request, namespace optional', () => {
    const objects = [
      { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'web' },
      { apiVersion: 'v1', kind: 'Namespace', name: 'shop' },
    ];
    assert.deepEqual(
      readServerRequest({ ...message, request: { id: 'r1', type: 'read-objects', objects } }),
      {
        type: 'read-objects',
        id: 'r1',
        objects,
      },
    );
  });

  it('turns an unreadable or unknown request into an error to answer with (the server is waiting), and ignores one without id', () => {
    const bad = {
      ...message,
      request: { id: 'p2', type: 'adoption-preview', stack: { layers: [{ name: 'no-profile' }] } },
    };
    assert.deepEqual(readServerRequest(bad), {
      type: 'invalid',
      id: 'p2',
      error: 'desired state: layers[0] needs profile, name and hash',
    });
    const noName = { id: 'r2', type: 'read-objects', objects: [{ apiVersion: 'v1', kind: 'ConfigMap' }] };
    assert.deepEqual(readServerRequest({ ...message, request: noName }), {
      type: 'invalid',
      id: 'r2',
      error: 'desired state: request.objects[0] needs apiVersion, kind and name',
    });
    assert.deepEqual(readServerRequest({ ...message, request: { id: 'r3', type: 'reboot' } }), {
      type: 'invalid',
      id: 'r3',
      error: 'this agent does not know requests of type "reboot"',
    });
    assert.equal(
      readServerRequest({ ...message, request: { type: 'read-objects', objects: [] } }),
      undefined,
    );
  });
});

describe('supersedes: which received desired state replaces the one the agent has', () => {
  const rows: {
    name: string;
    given: { revision: number; epoch?: string };
    agent: { revision: number; epoch?: string };
    expect: boolean;
  }[] = [
    {
      name: 'a newer revision of the same epoch',
      given: { revision: 4, epoch: 'e1' },
      agent: { revision: 3, epoch: 'e1' },
      expect: true,
    },
    {
      name: 'the same revision of the same epoch',
      given: { revision: 3, epoch: 'e1' },
      agent: { revision: 3, epoch: 'e1' },
      expect: false,
    },
    {
      name: 'an older revision of the same epoch',
      given: { revision: 2, epoch: 'e1' },
      agent: { revision: 3, epoch: 'e1' },
      expect: false,
    },
    {
      name: 'an older revision of another epoch (a restored server)',
      given: { revision: 2, epoch: 'e2' },
      agent: { revision: 7, epoch: 'e1' },
      expect: true,
    },
    {
      name: 'the same number in another epoch',
      given: { revision: 3, epoch: 'e2' },
      agent: { revision: 3, epoch: 'e1' },
      expect: true,
    },
    {
      name: 'an epoch where the agent had none (its state came from an older server)',
      given: { revision: 3, epoch: 'e1' },
      agent: { revision: 3 },
      expect: true,
    },
    {
      name: 'no epoch (an older server): by number, newer',
      given: { revision: 4 },
      agent: { revision: 3, epoch: 'e1' },
      expect: true,
    },
    {
      name: 'no epoch (an older server): by number, older',
      given: { revision: 2 },
      agent: { revision: 3, epoch: 'e1' },
      expect: false,
    },
    {
      name: 'revision 0 (sent with a request before any revision) never',
      given: { revision: 0, epoch: 'e2' },
      agent: { revision: 3, epoch: 'e1' },
      expect: false,
    },
  ];
  for (const row of rows) {
    it(row.name, () => {
      const state = readDesiredState({ ...message, ...row.given });
      assert.equal(supersedes(state, row.agent), row.expect);
    });
  }

  it('reads the epoch from the message (and the persisted copy)', () => {
    assert.equal(readDesiredState({ ...message, epoch: 'e9' }).epoch, 'e9');
    assert.equal(readDesiredState(message).epoch, undefined);
  });
});
