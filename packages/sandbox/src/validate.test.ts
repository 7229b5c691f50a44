import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isStrataError } from '@strata/api';
import { isDns1123Label, normalizeKubernetesVersion } from './names.js';
import type { ClusterSpec } from './types.js';
import { validateClusterSpec } from './validate.js';

const pools = (cp: number, workers = 1): ClusterSpec['nodePools'] => [
  { name: 'cp', count: cp, controlPlane: true },
  { name: 'w', count: workers },
];
const ctx = { existingNames: new Set(['taken']), availableVersions: ['v1.36.3'] };

describe('validateClusterSpec', () => {
  const rows: { name: string; given: ClusterSpec; code: string; message: RegExp }[] = [
    {
      name: 'duplicate name',
      given: { name: 'taken', nodePools: pools(1) },
      code: 'STRATA_ALREADY_EXISTS',
      message: /already exists/,
    },
    {
      name: 'uppercase name',
      given: { name: 'Bad', nodePools: pools(1) },
      code: 'STRATA_VALIDATION_FAILED',
      message: /DNS-1123/,
    },
    {
      name: 'underscore name',
      given: { name: 'a_b', nodePools: pools(1) },
      code: 'STRATA_VALIDATION_FAILED',
      message: /not a valid name/,
    },
    {
      name: 'too long name',
      given: { name: 'a'.repeat(64), nodePools: pools(1) },
      code: 'STRATA_VALIDATION_FAILED',
      message: /63/,
    },
    {
      name: 'zero control-plane nodes',
      given: { name: 'ok', nodePools: pools(0) },
      code: 'STRATA_VALIDATION_FAILED',
      message: /control-plane node is required/,
    },
    {
      name: 'no control-plane pool',
      given: { name: 'ok', nodePools: [{ name: 'w', count: 3 }] },
      code: 'STRATA_VALIDATION_FAILED',
      message: /control-plane/,
    },
    {
      name: 'no pools',
      given: { name: 'ok', nodePools: [] },
      code: 'STRATA_VALIDATION_FAILED',
      message: /at least one node pool/,
    },
    {
      name: 'unknown version',
      given: { name: 'ok', kubernetesVersion: 'v1.99.0', nodePools: pools(1) },
      code: 'STRATA_VALIDATION_FAILED',
      message: /unknown Kubernetes version "v1.99.0"; built versions: v1.36.3/,
    },
    {
      name: 'garbage version',
      given: { name: 'ok', kubernetesVersion: 'latest', nodePools: pools(1) },
      code: 'STRATA_VALIDATION_FAILED',
      message: /unknown Kubernetes version/,
    },
    {
      name: 'duplicate pool',
      given: { name: 'ok', nodePools: [...pools(1), { name: 'w', count: 1 }] },
      code: 'STRATA_VALIDATION_FAILED',
      message: /duplicate pool name "w"/,
    },
    {
      name: 'negative count',
      given: { name: 'ok', nodePools: pools(1, -1) },
      code: 'STRATA_VALIDATION_FAILED',
      message: /count must be an integer/,
    },
    {
      name: 'bad taint',
      given: {
        name: 'ok',
        nodePools: [
          ...pools(1),
          { name: 't', count: 1, taints: [{ key: 'k', effect: 'Sometimes' as 'NoSchedule' }] },
        ],
      },
      code: 'STRATA_VALIDATION_FAILED',
      message: /taint/,
    },
  ];
  for (const row of rows) {
    it(`rejects ${row.name}`, () => {
      assert.throws(
        () => validateClusterSpec(row.given, ctx),
        (err: unknown) => isStrataError(err) && err.code === row.code && row.message.test(err.message),
      );
    });
  }

  it('reports every problem at once', () => {
    try {
      validateClusterSpec({ name: 'BAD', kubernetesVersion: 'x', nodePools: pools(0) }, ctx);
      assert.fail('expected an error');
    } catch (err) {
      assert.ok(isStrataError(err));
      assert.deepEqual(err.issues.map((i) => i.path).sort(), ['/kubernetesVersion', '/name', '/nodePools']);
    }
  });

  it('accepts a good spec, with or without the v prefix', () => {
    validateClusterSpec({ name: 'dev-1', kubernetesVersion: '1.36.3', nodePools: pools(1, 3) }, ctx);
    validateClusterSpec({ name: 'dev-2', nodePools: pools(3, 0) }, ctx);
  });
});

describe('names', () => {
  it('checks DNS-1123 labels', () => {
    for (const good of ['a', 'dev', 'a-1', '0abc', 'x'.repeat(63)])
      assert.equal(isDns1123Label(good), true, good);
    for (const bad of ['', '-a', 'a-', 'A', 'a.b', 'a_b', 'x'.repeat(64)])
      assert.equal(isDns1123Label(bad), false, bad);
  });
  it('normalises versions', () => {
    assert.equal(normalizeKubernetesVersion('1.36.3'), 'v1.36.3');
    assert.equal(normalizeKubernetesVersion('v1.36.3'), 'v1.36.3');
    assert.equal(normalizeKubernetesVersion('1.36'), undefined);
  });
});
