import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseYaml } from '@strata/core';
import { parseYamlOffLoop, runOffLoop } from './off-loop.js';
import { longestStall } from '../test/longest-stall.js';

describe('parsing large documents off the event loop', () => {
  it('a large document is parsed in a worker: same result, the event loop not blocked > 200 ms', async () => {
    const text = Array.from({ length: 8_000 }, (_, i) => `key${i}: {a: ${i}, b: "v${i}", c: [p, q]}`).join(
      '\n',
    );
    assert.ok(text.length > 256 * 1024);
    const { value, stallMs } = await longestStall(() =>
      parseYamlOffLoop(text, { maxBytes: 4 * 1024 * 1024, timeoutMs: 120_000 }),
    );
    assert.deepEqual(value.issues, []);
    const doc = value.documents[0] as Record<string, unknown>;
    assert.equal(Object.keys(doc).length, 8_000);
    assert.deepEqual(doc.key7999, { a: 7999, b: 'v7999', c: ['p', 'q'] });
    assert.ok(stallMs < 200, `the event loop was blocked ${Math.round(stallMs)} ms`);
  });

  it('a worker reads a document exactly as the parse in place does', async () => {
    const text = `a: yes\nb: &x {c: [1, 2.5, "s", null, true]}\nd: {<<: *x, e: 'on'}\n---\nf: 0x1F\n`;
    for (const booleans of ['helm', 'yaml-1.2'] as const) {
      assert.deepEqual(
        await parseYamlOffLoop(text, { booleans, thresholdBytes: 0 }),
        parseYaml(text, { booleans }),
      );
    }
    const broken = 'a: [1\nb: c: d\n';
    assert.deepEqual(await parseYamlOffLoop(broken, { thresholdBytes: 0 }), parseYaml(broken));
  });

  it('small documents are parsed in place', async () => {
    assert.deepEqual((await parseYamlOffLoop('a: 1\n')).documents, [{ a: 1 }]);
  });

  it('a parse past its deadline is stopped and reported as too large', async () => {
    const text = `a: [${'1, '.repeat(200_000)}1]\n`;
    const result = await parseYamlOffLoop(text, { timeoutMs: 1, path: '/x' });
    assert.equal(result.tooLarge, true);
    assert.deepEqual(result.issues, [
      {
        path: '/x',
        message: 'the YAML could not be read: it took more than 1 ms',
        code: 'STRATA_YAML_INVALID',
      },
    ]);
  });

  it('a failure in the worker is a result, not a crash', async () => {
    const result = await runOffLoop(import.meta.resolve('@strata/core'), 'noSuchExport', []);
    assert.equal(result.ok, false);
    assert.match(result.ok ? '' : result.message, /^failed: /);
  });
});
