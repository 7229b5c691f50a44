import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { diffProfiles } from './diff-profiles.js';
import { diffStacks } from './diff-stacks.js';
import type { ProfileDocument } from './profile.js';
import { resolveProfiles } from './resolve-profiles.js';
import { exampleProfile, testCatalog } from './test-fixtures.js';

function nextVersion(): ProfileDocument {
  const p = structuredClone(exampleProfile());
  p.spec.version = '1.3.0';
  const layers = p.spec.layers;
  // change: ingress values and presets; remove: podinfo; add: a new manifest layer; reorder: demo-app before team-namespaces.
  layers[4] = {
    pack: 'ingress-nginx',
    version: '4.13.0',
    values: 'controller: {replicaCount: 5}',
    presets: ['cluster-ip'],
  };
  const demo = layers.splice(7, 1)[0];
  layers.splice(6, 1);
  if (demo) layers.splice(5, 0, demo);
  layers.push({ name: 'extra', manifest: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: extra}\n' });
  p.spec.variables = (p.spec.variables ?? []).map((v) =>
    v.name === 'env' ? { ...v, options: ['dev', 'prod', 'qa'] } : v,
  );
  p.spec.variables.push({ name: 'team', type: 'string', default: 'a' });
  return p;
}

describe('diffProfiles', () => {
  it('reports added, removed, reordered and changed layers with a values diff', () => {
    const d = diffProfiles(exampleProfile(), nextVersion());
    assert.deepEqual(d.added, [{ name: 'extra', index: 7 }]);
    assert.deepEqual(d.removed, [{ name: 'podinfo', index: 6 }]);
    assert.deepEqual(
      d.reordered.map((r) => r.name),
      ['team-namespaces'],
      'a swap of neighbours shows one moved layer',
    );
    assert.deepEqual(
      d.changed.map((c) => c.name),
      ['ingress-nginx'],
    );
    const ingress = d.changed[0];
    assert.deepEqual(ingress?.fields, [{ field: 'presets', from: ['node-port'], to: ['cluster-ip'] }]);
    assert.match(
      ingress?.values?.text ?? '',
      /^-controller: \{replicaCount: \{\{ \.var\.ingressReplicas \}\}\}$/m,
    );
    assert.match(ingress?.values?.text ?? '', /^\+controller: \{replicaCount: 5\}$/m);
    assert.deepEqual(d.variables, {
      added: ['team'],
      removed: [],
      changed: [{ name: 'env', fields: ['options'] }],
    });
    assert.equal(d.unchanged, false);
  });
  it('structured values changes when both sides are plain YAML', () => {
    const a = exampleProfile();
    const b = structuredClone(a);
    b.spec.layers[6] = {
      ...(b.spec.layers[6] as object),
      values: 'replicaCount: 3\nimage: {tag: x}\n',
    } as never;
    const d = diffProfiles(a, b);
    assert.deepEqual(d.changed[0]?.values?.changes, [
      { path: '/replicaCount', type: 'changed', from: 2, to: 3 },
      { path: '/image', type: 'added', to: { tag: 'x' } },
    ]);
  });
  it('a copy is unchanged', () => {
    assert.equal(diffProfiles(exampleProfile(), exampleProfile()).unchanged, true);
  });
});

describe('diffStacks', () => {
  const catalog = testCatalog();
  const system = { cluster: { name: 'c1', uid: 'u' } };
  const macros = { project: { registry: 'r' } };
  it('compares two resolved stacks layer by layer and object by object', () => {
    const a = resolveProfiles({
      catalog,
      system,
      macros,
      profiles: [{ profile: exampleProfile(), variables: { registryPassword: 'x' } }],
    });
    const b = resolveProfiles({
      catalog,
      system,
      macros,
      profiles: [{ profile: nextVersion(), variables: { registryPassword: 'x' } }],
    });
    const d = diffStacks(a, b);
    assert.deepEqual(d.added, [{ profile: 'base', name: 'extra', index: 7 }]);
    assert.deepEqual(d.removed, [{ profile: 'base', name: 'podinfo', index: 6 }]);
    assert.deepEqual(
      d.reordered.map((r) => r.name),
      ['team-namespaces'],
      'a swap of neighbours shows one moved layer',
    );
    assert.deepEqual(
      d.changed.map((c) => c.name),
      ['ingress-nginx'],
    );
    assert.deepEqual(d.changed[0]?.values.changes, [
      { path: '/controller/replicaCount', type: 'changed', from: 2, to: 5 },
      { path: '/controller/service/type', type: 'changed', from: 'NodePort', to: 'ClusterIP' },
    ]);
    assert.match(d.changed[0]?.values.text ?? '', /- {4}type: NodePort\n\+ {4}type: ClusterIP/);
    assert.equal(d.unchanged, false);
  });
  it('manifest objects are matched by identity', () => {
    const one = (name: string, team: string) =>
      resolveProfiles({
        catalog,
        profiles: [
          {
            profile: {
              metadata: { name: 'x' },
              spec: {
                type: 'addon',
                version: '1.0.0',
                layers: [
                  {
                    name: 'm',
                    manifest: `apiVersion: v1\nkind: Namespace\nmetadata: {name: ${name}, labels: {team: ${team}}}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: keep, namespace: ${name}}\n`,
                  },
                ],
              },
            },
          },
        ],
      });
    const d = diffStacks(one('a', 't1'), one('a', 't2'));
    assert.deepEqual(d.changed[0]?.objects.changed, [
      {
        object: { apiVersion: 'v1', kind: 'Namespace', name: 'a' },
        changes: [{ path: '/metadata/labels/team', type: 'changed', from: 't1', to: 't2' }],
      },
    ]);
    const e = diffStacks(one('a', 't1'), one('b', 't1'));
    assert.deepEqual(
      e.changed[0]?.objects.added.map((o) => o.name),
      ['b', 'keep'],
    );
    assert.deepEqual(
      e.changed[0]?.objects.removed.map((o) => o.name),
      ['a', 'keep'],
    );
    assert.equal(diffStacks(one('a', 't1'), one('a', 't1')).unchanged, true);
  });
});
