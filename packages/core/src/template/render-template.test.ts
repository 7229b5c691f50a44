import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseTemplate } from './parse-template.js';
import { renderTemplate, type TemplateContext } from './render-template.js';

const ctx: TemplateContext = {
  var: { podCidr: '10.42.0.0/16', replicas: 2, debug: false, empty: '' },
  macro: { registry: 'registry.example.org', 'team-name': 'shop' },
  system: {
    cluster: { name: 'shop-eu-1', uid: 'u-1' },
    kubernetes: { version: '1.36.3' },
    provider: 'sandbox',
  },
};

describe('renderTemplate', () => {
  const cases: {
    name: string;
    given: string;
    context?: TemplateContext;
    expect: string | { issues: RegExp[] };
  }[] = [
    { name: 'text without actions is unchanged', given: 'a: 1\n', expect: 'a: 1\n' },
    { name: 'variable', given: "podCIDR: '{{ .var.podCidr }}'", expect: "podCIDR: '10.42.0.0/16'" },
    {
      name: 'number variable inserted raw',
      given: 'replicaCount: {{ .var.replicas }}',
      expect: 'replicaCount: 2',
    },
    { name: 'boolean variable', given: 'debug: {{.var.debug}}', expect: 'debug: false' },
    {
      name: 'macro with dash in name',
      given: '{{ .macro.registry }}/{{ .macro.team-name }}',
      expect: 'registry.example.org/shop',
    },
    {
      name: 'system values',
      given: '{{ .system.cluster.name }} {{ .system.kubernetes.version }}',
      expect: 'shop-eu-1 1.36.3',
    },
    { name: 'default for a missing macro', given: '{{ .macro.nope | default "x" }}', expect: 'x' },
    {
      name: 'default for an empty value',
      given: '{{ .var.empty | default "fallback" }}',
      expect: 'fallback',
    },
    { name: 'quote escapes', given: 'a: {{ "say \\"hi\\"\\n" | quote }}', expect: 'a: "say \\"hi\\"\\n"' },
    { name: 'squote', given: '{{ .system.cluster.name | squote }}', expect: "'shop-eu-1'" },
    {
      name: 'upper and lower chain',
      given: '{{ .macro.registry | upper | lower }}',
      expect: 'registry.example.org',
    },
    { name: 'trim markers', given: 'a:\n  {{- " x" }}  \n  {{ 1 -}}\n  b', expect: 'a: x  \n  1b' },
    {
      name: 'Helm actions pass through',
      given: 'name: {{ .Release.Name }}-{{ .var.replicas }}',
      expect: 'name: {{ .Release.Name }}-2',
    },
    { name: 'string literal escapes braces', given: '{{ "{{ .Values.x }}" }}', expect: '{{ .Values.x }}' },
    {
      name: 'missing variable',
      given: 'x: 1\ny: {{ .var.nope }}',
      expect: { issues: [/line 2: variable "nope" has no value/] },
    },
    {
      name: 'missing macro',
      given: '{{ .macro.nope }}',
      expect: { issues: [/macro "nope" is not defined/] },
    },
    {
      name: 'unknown system value',
      given: '{{ .system.cluster.colour }}',
      expect: { issues: [/unknown system value .system.cluster.colour/] },
    },
    { name: 'unknown root', given: '{{ .vars.x }}', expect: { issues: [/unknown reference ".vars.x"/] } },
    {
      name: 'unknown function',
      given: '{{ .var.replicas | exec "rm" }}',
      expect: { issues: [/unknown function "exec"/] },
    },
    {
      name: 'function call is not allowed',
      given: '{{ include "x" . }}',
      expect: { issues: [/unexpected "."|is not supported/] },
    },
    { name: 'unclosed action', given: 'a: {{ .var.x', expect: { issues: [/unclosed action/] } },
    {
      name: 'every problem is reported',
      given: '{{ .var.a }} {{ .var.b }}\n{{ .macro.c }}',
      expect: { issues: [/"a"/, /"b"/, /line 2: macro "c"/] },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const result = renderTemplate(c.given, c.context ?? ctx, { path: '/spec/layers/1/values' });
      if (typeof c.expect === 'string') {
        assert.deepEqual(result.issues, []);
        assert.equal(result.output, c.expect);
      } else {
        assert.equal(result.issues.length, c.expect.issues.length, JSON.stringify(result.issues));
        c.expect.issues.forEach((re, i) => assert.match(result.issues[i]?.message ?? '', re));
        assert.ok(result.issues.every((i) => i.path === '/spec/layers/1/values'));
      }
    });
  }

  it('bounds the output size', () => {
    const big = renderTemplate(
      '{{ .var.x }}'.repeat(100),
      { var: { x: 'y'.repeat(1000) } },
      { maxOutputBytes: 10_000 },
    );
    assert.match(big.issues[0]?.message ?? '', /larger than 10000 bytes/);
    assert.ok(big.output.length <= 10_000);
  });

  it('trims around {{- -}} in linear time (a long run of spaces before text is not quadratic)', () => {
    const spaces = ' '.repeat(200_000);
    const started = performance.now();
    const result = renderTemplate(`a${spaces}b${spaces}{{- .var.replicas -}}${spaces}c`, ctx);
    assert.ok(performance.now() - started < 200, 'trimming took longer than 200 ms');
    assert.equal(result.output, `a${spaces}b2c`);
  });

  it('lists references for validation', () => {
    const refs = parseTemplate(
      '{{ .var.a }} {{ .macro.m | default "1" }} {{ .system.cluster.name }}',
    ).references;
    assert.deepEqual(
      refs.map((r) => [r.root, r.path.join('.'), r.hasDefault]),
      [
        ['var', 'a', false],
        ['macro', 'm', true],
        ['system', 'cluster.name', false],
      ],
    );
  });
});

describe('renderTemplate fuzz', () => {
  const alphabet = [
    '{{',
    '}}',
    '{{-',
    '-}}',
    '.',
    'var',
    'macro',
    'system',
    '|',
    '"',
    '`',
    '\\',
    ' ',
    '\n',
    'a',
    '1',
    '-',
    'default',
    'quote',
    '.var.podCidr',
    '{',
    '}',
    '\u0000',
    'é',
    '$',
    '(',
  ];
  it('never throws and never hangs on random input', () => {
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
    const started = performance.now();
    for (let n = 0; n < 5000; n++) {
      const len = Math.floor(rand() * 60);
      let text = '';
      for (let i = 0; i < len; i++) text += alphabet[Math.floor(rand() * alphabet.length)];
      const result = renderTemplate(text, ctx, { path: '/x' });
      assert.equal(typeof result.output, 'string');
      for (const issue of result.issues) assert.equal(issue.path, '/x');
    }
    for (const text of [
      '{{'.repeat(20_000),
      `{{ "${'a'.repeat(50_000)}`,
      '}}'.repeat(10_000),
      `{{ ${'.a'.repeat(5_000)} }}`,
    ]) {
      const result = renderTemplate(text, ctx);
      assert.ok(result.issues.length > 0 || typeof result.output === 'string');
    }
    assert.ok(performance.now() - started < 20_000, 'fuzz run finished');
  });
  it('non-string input is an issue, not a crash', () => {
    assert.equal(renderTemplate(42 as unknown as string, ctx).issues.length, 1);
  });
});
