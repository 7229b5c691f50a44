/**
 * Layer values and manifests with YAML merge keys (`<<`): what validation checks is the merged value, and what the
 * resolved stack hands the agent (which writes values.json for helm and applies manifest objects) is that same merged
 * value as JSON — no `<<` left for a YAML 1.1 reader to merge differently (decision 0005).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ProfileDocument } from './profile.js';
import { resolveProfiles } from './resolve-profiles.js';
import { addonProfile, testCatalog } from './test-fixtures.js';
import { validateProfile } from './validate-profile.js';

const catalog = testCatalog();
const system = { cluster: { name: 'c', uid: 'u' }, project: { name: 'p' }, provider: 'sandbox' };

const addon = (values: string, manifest: string): ProfileDocument =>
  addonProfile([
    { pack: 'ingress-nginx', version: '4.13.0', values },
    { name: 'm', manifest },
  ]);

const MANIFEST = `apiVersion: v1
kind: ConfigMap
metadata: {name: cm, namespace: default}
data:
  <<: {x: "1", z: "1"}
  z: "2"
`;

describe('merge keys in layer values and manifests', () => {
  it('validation sees the merged value: a wrong type merged in is reported at its merged path', () => {
    const issues = validateProfile({
      profile: addon('common: &common {replicaCount: many}\ncontroller:\n  <<: *common\n', MANIFEST),
      catalog,
    });
    assert.ok(
      issues.some((i) => i.path.includes('/layers/0') && /replicaCount/.test(`${i.path} ${i.message}`)),
      JSON.stringify(issues),
    );
  });

  it('the resolved stack carries the same merged value as JSON, with no merge key left', () => {
    const profile = addon('common: &common {replicaCount: 3}\ncontroller:\n  <<: *common\n', MANIFEST);
    assert.deepEqual(validateProfile({ profile, catalog }), []);
    const stack = resolveProfiles({ profiles: [{ profile }], catalog, system });
    const helm = stack.layers.find((l) => l.type === 'helm');
    const values = helm?.helm?.values as { controller: { replicaCount: unknown; service: unknown } };
    assert.equal(values.controller.replicaCount, 3);
    assert.deepEqual(values.controller.service, { type: 'LoadBalancer' }, 'merged over the pack defaults');
    const manifest = stack.layers.find((l) => l.name === 'm');
    assert.deepEqual(manifest?.manifests[0]?.data, { x: '1', z: '2' });
    // What the agent writes for helm (values.json) and applies: JSON of these objects, no `<<` anywhere.
    assert.doesNotMatch(JSON.stringify(stack), /<</);
  });
});
