import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyOrder, deleteOrder, isCrd } from './apply-order.js';

describe('applyOrder', () => {
  const objects = [
    { kind: 'Widget', name: 'w' },
    { kind: 'Deployment', name: 'd1' },
    { kind: 'Service', name: 's' },
    { kind: 'Namespace', name: 'ns' },
    { kind: 'Deployment', name: 'd2' },
    { kind: 'CustomResourceDefinition', name: 'crd' },
    { kind: 'ConfigMap', name: 'cm' },
  ];

  it('puts definitions and containers first, custom resources last, and keeps manifest order within a kind', () => {
    assert.deepEqual(
      applyOrder(objects).map((o) => o.name),
      ['crd', 'ns', 'cm', 's', 'd1', 'd2', 'w'],
    );
  });

  it('deletes in exactly the reverse order', () => {
    assert.deepEqual(
      deleteOrder(objects).map((o) => o.name),
      ['w', 'd2', 'd1', 's', 'cm', 'ns', 'crd'],
    );
  });

  it('recognises CRDs by group and kind', () => {
    assert.equal(isCrd({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition' }), true);
    assert.equal(isCrd({ apiVersion: 'example.com/v1', kind: 'CustomResourceDefinition' }), false);
  });
});
