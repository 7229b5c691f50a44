import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  LAYER_ANNOTATION,
  LAYER_LABEL,
  MANAGED_BY_LABEL,
  ORIGIN_ANNOTATION,
  decorate,
  isOursForLayer,
  layerLabelValue,
} from './labels.js';

describe('labels', () => {
  it('keeps a short layer key as the label value', () => {
    assert.equal(layerLabelValue('base.ingress-nginx'), 'base.ingress-nginx');
  });

  it('shortens long or invalid keys to a valid label value that stays unique', () => {
    const long = `${'a'.repeat(40)}.${'b'.repeat(40)}`;
    const v = layerLabelValue(long);
    assert.ok(v.length <= 63, v);
    assert.match(v, /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/);
    assert.notEqual(v, layerLabelValue(`${'a'.repeat(40)}.${'b'.repeat(39)}c`));
    assert.match(layerLabelValue('p.with spaces!'), /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/);
  });

  it('decorates without touching the input and keeps existing labels', () => {
    const obj = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', labels: { app: 'x' } } };
    const d = decorate(obj, 'base.cfg', 'created');
    assert.deepEqual(d.metadata, {
      name: 'c',
      labels: { app: 'x', [MANAGED_BY_LABEL]: 'strata', [LAYER_LABEL]: 'base.cfg' },
      annotations: { [LAYER_ANNOTATION]: 'base.cfg', [ORIGIN_ANNOTATION]: 'created' },
    });
    assert.deepEqual(obj.metadata, { name: 'c', labels: { app: 'x' } });
  });

  it('only counts an object as ours for a layer when it was created by the agent for that layer', () => {
    assert.equal(isOursForLayer(decorate({ metadata: {} }, 'p.a', 'created'), 'p.a'), true);
    assert.equal(isOursForLayer(decorate({ metadata: {} }, 'p.a', 'created'), 'p.b'), false);
    assert.equal(isOursForLayer(decorate({ metadata: {} }, 'p.a', 'adopted'), 'p.a'), false);
    assert.equal(isOursForLayer({ metadata: { labels: { [LAYER_LABEL]: 'p.a' } } }, 'p.a'), false);
  });
});
