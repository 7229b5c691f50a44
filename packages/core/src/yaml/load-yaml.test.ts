import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StrataError } from '@strata/api';
import { emitYaml } from './emit-yaml.js';
import { loadYaml, loadYamlDocuments, parseYaml, type LoadYamlOptions } from './load-yaml.js';

describe('parseYaml', () => {
  const cases: {
    name: string;
    given: string;
    options?: LoadYamlOptions;
    expect: unknown[] | { issue: RegExp };
  }[] = [
    {
      name: 'plain yes/no/on/off are booleans as Helm reads them',
      given: 'a: yes\nb: no\nc: On\nd: OFF\ne: y\n',
      expect: [{ a: true, b: false, c: true, d: false, e: true }],
    },
    { name: 'quoted yes stays a string', given: 'a: \'yes\'\nb: "on"\n', expect: [{ a: 'yes', b: 'on' }] },
    {
      name: 'yaml-1.2 mode keeps yes as a string',
      given: 'a: yes\nb: true\n',
      options: { booleans: 'yaml-1.2' },
      expect: [{ a: 'yes', b: true }],
    },
    { name: 'an `on:` key becomes "true" like Helm', given: 'on: 1\n', expect: [{ true: 1 }] },
    {
      name: 'anchors and aliases are expanded',
      given: 'base: &b {x: 1}\ncopy: *b\nlist: [*b]\n',
      expect: [{ base: { x: 1 }, copy: { x: 1 }, list: [{ x: 1 }] }],
    },
    {
      name: 'merge keys merge in helm mode, as Helm and kubectl read them',
      given: 'a: &a {x: 1, z: 1}\nb: {<<: *a, z: 2}\n',
      expect: [{ a: { x: 1, z: 1 }, b: { x: 1, z: 2 } }],
    },
    {
      name: 'merge key is not special in YAML 1.2',
      given: 'a: &a {x: 1}\nb: {<<: *a}\n',
      options: { booleans: 'yaml-1.2' },
      expect: [{ a: { x: 1 }, b: { '<<': { x: 1 } } }],
    },
    {
      name: 'multi-document stream, trailing --- ignored',
      given: 'a: 1\n---\nb: 2\n---\n',
      expect: [{ a: 1 }, { b: 2 }],
    },
    { name: 'comments are ignored', given: '# top\na: 1 # trailing\n# b: 2\n', expect: [{ a: 1 }] },
    { name: 'empty text gives no documents', given: '', expect: [] },
    { name: 'only comments gives no documents', given: '# nothing\n', expect: [] },
    {
      name: 'duplicate keys are an issue',
      given: 'a: 1\na: 2\n',
      expect: { issue: /line 2.*unique|Map keys must be unique/i },
    },
    {
      name: 'syntax error carries its line',
      given: 'a: 1\nb: [1\nc: d: e\n',
      expect: { issue: /line \d+, column \d+/ },
    },
    { name: 'too large', given: 'a: 1234567890\n', options: { maxBytes: 5 }, expect: { issue: /too large/ } },
    { name: 'alias bomb is refused', given: bomb(), expect: { issue: /alias/i } },
    { name: '.inf is not JSON', given: 'a: .inf\n', expect: { issue: /not a valid JSON number/ } },
    { name: '__proto__ key is refused', given: '__proto__: {polluted: 1}\n', expect: { issue: /__proto__/ } },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const result = parseYaml(c.given, { path: '/spec/values', ...c.options });
      if (Array.isArray(c.expect)) {
        assert.deepEqual(result.issues, []);
        assert.deepEqual(result.documents, c.expect);
      } else {
        assert.ok(result.issues.length > 0, 'expected an issue');
        assert.ok(result.issues.every((i) => i.path === '/spec/values'));
        assert.match(result.issues.map((i) => i.message).join('\n'), c.expect.issue);
      }
    });
  }

  it('loadYaml throws a StrataError with issues, loadYamlDocuments returns all documents', () => {
    assert.throws(
      () => loadYaml('a: [', { path: '/x' }),
      (err: unknown) =>
        err instanceof StrataError && err.code === 'STRATA_YAML_INVALID' && err.issues[0]?.path === '/x',
    );
    assert.throws(() => loadYaml('a: 1\n---\nb: 2\n'), StrataError);
    assert.deepEqual(loadYamlDocuments('- 1\n---\n- 2\n'), [[1], [2]]);
  });
});

describe('emitYaml', () => {
  const cases: { name: string; given: Record<string, unknown>; expect: RegExp[] }[] = [
    {
      name: 'quotes strings a YAML 1.1 reader would take for booleans',
      given: { a: 'yes', b: 'on', c: 'n' },
      expect: [/a: "yes"/, /b: "on"/, /c: "n"/],
    },
    {
      name: 'quotes octal-looking and sexagesimal strings',
      given: { a: '0777', b: '1:20' },
      expect: [/a: "0777"/, /b: "1:20"/],
    },
    { name: 'keeps real booleans and numbers plain', given: { a: true, b: 2 }, expect: [/a: true/, /b: 2/] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const text = emitYaml(c.given as never);
      for (const re of c.expect) assert.match(text, re);
      assert.deepEqual(loadYaml(text), c.given, 'round-trips through the Helm-style loader');
    });
  }
  it('does not emit anchors for repeated objects', () => {
    const shared = { x: 1 };
    assert.doesNotMatch(emitYaml({ a: shared, b: shared }), /[&*]/);
  });
});

function bomb(): string {
  const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
  for (let i = 1; i < 8; i++)
    lines.push(`a${i}: &a${i} [${Array.from({ length: 10 }, () => `*a${i - 1}`).join(', ')}]`);
  return `${lines.join('\n')}\n`;
}

describe('parseYaml fuzz', () => {
  const pieces = [
    'a',
    ':',
    ' ',
    '\n',
    '  ',
    '- ',
    '&x ',
    '*x',
    '[',
    ']',
    '{',
    '}',
    ',',
    '"',
    "'",
    '#',
    '---',
    '...',
    '!!str ',
    '!t ',
    '|',
    '>',
    '? ',
    'yes',
    'on',
    '1e9',
    '0x1F',
    '\t',
    '%YAML 1.1\n',
    '<<: ',
    '\\',
    '\u0000',
    'é',
    '.inf',
  ];
  it('never throws and never hangs on random input', () => {
    let seed = 11;
    const rand = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
    const started = performance.now();
    for (let n = 0; n < 3000; n++) {
      let text = '';
      const len = Math.floor(rand() * 40);
      for (let i = 0; i < len; i++) text += pieces[Math.floor(rand() * pieces.length)];
      const result = parseYaml(text, { path: '/f' });
      assert.ok(Array.isArray(result.documents));
      for (const issue of result.issues) {
        assert.equal(issue.path, '/f');
        assert.equal(typeof issue.message, 'string');
      }
      for (const doc of result.documents) assert.doesNotThrow(() => JSON.stringify(doc));
    }
    for (const text of [
      '['.repeat(10_000),
      '- '.repeat(10_000),
      `a: "${'x'.repeat(100_000)}`,
      '&a [*a]',
      Buffer.from([0xff, 0xfe, 0x00]).toString('latin1'),
    ]) {
      const result = parseYaml(text);
      assert.ok(Array.isArray(result.issues));
    }
    assert.ok(performance.now() - started < 30_000);
  });
  it('non-string input is an issue, not a crash', () => {
    assert.equal(parseYaml(undefined as unknown as string).issues.length, 1);
  });
});
