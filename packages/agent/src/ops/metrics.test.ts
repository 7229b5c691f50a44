import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Metrics } from './metrics.js';

describe('Metrics', () => {
  it('renders counters and gauges with escaped labels, in Prometheus text format', () => {
    const m = new Metrics();
    m.inc('strata_agent_applies_total', 'Layer applies.', { layer: 'a"b' });
    m.inc('strata_agent_applies_total', 'Layer applies.', { layer: 'a"b' }, 2);
    m.set('strata_agent_desired_revision', 'Desired revision.', 7);
    const text = m.render();
    assert.match(text, /^# TYPE strata_agent_applies_total counter$/m);
    assert.match(text, /^strata_agent_applies_total\{layer="a\\"b"\} 3$/m);
    assert.match(text, /^strata_agent_desired_revision 7$/m);
  });

  it("exposes the process's memory and CPU", () => {
    const text = new Metrics().render();
    const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1]);
    assert.ok(value('process_resident_memory_bytes') > 10 * 2 ** 20);
    assert.ok(value('nodejs_heap_size_used_bytes') > 0);
    assert.ok(value('nodejs_heap_size_total_bytes') >= value('nodejs_heap_size_used_bytes'));
    assert.ok(value('process_cpu_seconds_total') > 0);
    assert.match(text, /^# TYPE process_cpu_seconds_total counter$/m);
  });
});
