import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseYaml, type LoadYamlOptions } from './load-yaml.js';

/** `a0` holds `width` copies of a `chunk`-byte string, every next level `width` aliases of the one before. */
function amplifier(levels: number, width: number, chunk: number): string {
  const lines = [`a0: &a0 [${Array.from({ length: width }, () => 'x'.repeat(chunk)).join(', ')}]`];
  for (let i = 1; i <= levels; i++)
    lines.push(`a${i}: &a${i} [${Array.from({ length: width }, () => `*a${i - 1}`).join(', ')}]`);
  return `${lines.join('\n')}\n`;
}

describe('parseYaml expansion limits', () => {
  it('refuses a small text that expands huge under the alias limit, quickly and without expanding it', () => {
    // 196 KB of text, 10 aliases of a 196 KB list: 2 MB expanded, which the alias count alone let through.
    const text = `big: &big [${Array.from({ length: 20_000 }, () => 'xxxxxxxx').join(', ')}]\ncopies: [${Array(10).fill('*big').join(', ')}]\n`;
    const started = performance.now();
    const result = parseYaml(text, { path: '/body' });
    assert.ok(performance.now() - started < 10_000);
    assert.equal(result.tooLarge, true);
    assert.deepEqual(result.documents, []);
    assert.match(result.issues[0]?.message ?? '', /expands to more than \d+ bytes/);
    assert.equal(result.issues[0]?.path, '/body');
  });

  it('refuses a deep alias tree by node count without walking the expansion', () => {
    const started = performance.now();
    const result = parseYaml(amplifier(9, 10, 1), { maxAliasCount: -1 });
    assert.ok(performance.now() - started < 10_000, 'sizes each node once');
    assert.equal(result.tooLarge, true);
    assert.match(result.issues[0]?.message ?? '', /expands to more than/);
  });

  it('accepts what expands within the limits, and the limits can be tightened', () => {
    const text = amplifier(2, 10, 10); // 1,000 strings of 10 bytes
    const many: LoadYamlOptions = { maxAliasCount: 1000 };
    assert.deepEqual(parseYaml(text, many).issues, []);
    assert.equal(JSON.stringify(parseYaml(text, many).documents).split('xxxxxxxxxx').length - 1, 1110);
    assert.match(
      parseYaml(text, { ...many, maxNodes: 500 }).issues[0]?.message ?? '',
      /more than 500 values/,
    );
    assert.match(
      parseYaml(text, { ...many, maxExpandedBytes: 5000 }).issues[0]?.message ?? '',
      /more than 5000 bytes/,
    );
  });

  it('counts all documents of a stream against one budget', () => {
    const doc = `a: [${Array(100).fill('1').join(', ')}]\n`;
    const result = parseYaml(`${doc}---\n${doc}---\n${doc}`, { maxNodes: 250 });
    assert.equal(result.tooLarge, true);
    assert.match(result.issues[0]?.message ?? '', /^document 3, /);
  });

  it('an alias inside the node it refers to is an issue, not a crash', () => {
    const result = parseYaml('a: &a [1, *a]\n');
    assert.match(
      result.issues[0]?.message ?? '',
      /line 1, column \d+: the alias \*a refers to a node that contains it/,
    );
  });
});

describe('parseYaml strict mode', () => {
  const strict: LoadYamlOptions = { strict: true, path: '/spec/kubeconfig' };
  const refused: { name: string; given: string; expect: RegExp }[] = [
    { name: 'an anchor', given: 'a: &x 1\n', expect: /line 1, column 7: anchors \(&x\) are not accepted/ },
    {
      name: 'an alias',
      given: 'a: &x 1\nb: *x\n',
      expect: /line 2, column 4: aliases \(\*x\) are not accepted/,
    },
    {
      name: 'a merge key',
      given: 'a:\n  <<: {user: evil}\n  user: decoy\n',
      expect: /line 2, column 3: merge keys \(<<\) are not accepted/,
    },
    { name: 'a quoted merge key', given: "a: {'<<': {b: 1}}\n", expect: /merge keys/ },
    {
      name: 'a !!binary tag',
      given: 'a: !!binary aGVsbG8=\n',
      expect: /tags \(tag:yaml.org,2002:binary\) are not/,
    },
    { name: 'a custom tag', given: 'a: !evil {b: 1}\n', expect: /tags \(!evil\) are not accepted/ },
    { name: 'a %YAML directive', given: '%YAML 1.1\n---\na: yes\n', expect: /%YAML directive/ },
  ];
  for (const c of refused) {
    it(`refuses ${c.name}, with its position`, () => {
      const result = parseYaml(c.given, strict);
      assert.deepEqual(result.documents, []);
      assert.ok(result.issues.every((i) => i.path === '/spec/kubeconfig'));
      assert.match(result.issues.map((i) => i.message).join('\n'), c.expect);
    });
  }

  it('reads booleans as YAML 1.2: yes stays a string', () => {
    assert.deepEqual(parseYaml('name: yes\nb: true\n', strict), {
      documents: [{ name: 'yes', b: true }],
      issues: [],
    });
    assert.deepEqual(parseYaml('name: yes\nb: [true, on]\n', strict).documents, [
      { name: 'yes', b: [true, 'on'] },
    ]);
  });

  it('accepts plain YAML and JSON', () => {
    assert.deepEqual(parseYaml('{"a": {"b": [1, "x"]}}', strict).documents, [{ a: { b: [1, 'x'] } }]);
  });
});
