import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HclError, MAX_HCL_BYTES, parseHcl } from './hcl.js';

describe('parseHcl', () => {
  it('blocks, labels, attributes, lists, objects, heredocs and comments', () => {
    const body = parseHcl(`# comment
resource "a" "b" {
  // another
  name = "x\\"y"   /* inline */
  n    = 3
  ok   = true
  tags = ["a", "b",]
  obj  = { k = "v", "q" = 1 }
  text = <<-EOT
    line one
      indented
  EOT
  inner {
    v = null
  }
}`);
    const block = body.blocks[0]!;
    assert.deepEqual([block.type, ...block.labels], ['resource', 'a', 'b']);
    assert.deepEqual(block.body.attributes, {
      name: 'x"y',
      n: 3,
      ok: true,
      tags: ['a', 'b'],
      obj: { k: 'v', q: 1 },
      text: 'line one\n  indented\n',
    });
    assert.deepEqual(block.body.blocks[0]?.body.attributes, { v: null });
  });

  it('references, calls and interpolation are kept as expressions; $${ is literal', () => {
    const body = parseHcl('a = var.x\nb = file("${path.module}/v.yaml")\nc = "n-${var.y}"\nd = "$${x}"\n');
    assert.deepEqual(body.attributes.a, { expression: 'var.x', line: 1 });
    assert.deepEqual(body.attributes.b, { expression: 'file("${path.module}/v.yaml")', line: 2 });
    assert.deepEqual(body.attributes.c, { expression: 'n-${var.y}', line: 3 });
    assert.equal(body.attributes.d, '${x}');
  });

  const bad: [string, string][] = [
    ['block {', 'not closed'],
    ['a = "x', 'not closed'],
    ['a = 1\na = 2', 'set twice'],
    ['a = <<EOT\nno end', 'not closed'],
    [`${'x {'.repeat(100)}`, 'deeper than'],
    ['a = "\\q"', 'unknown escape'],
  ];
  for (const [text, message] of bad)
    it(`refuses: ${message} (${JSON.stringify(text.slice(0, 20))})`, () => {
      assert.throws(
        () => parseHcl(text),
        (err: unknown) => err instanceof HclError && err.message.includes(message),
      );
    });

  it('refuses text over the size bound', () => {
    assert.throws(() => parseHcl(' '.repeat(MAX_HCL_BYTES + 1)), /larger than/);
  });
});
