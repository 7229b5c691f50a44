import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ProfileLayer, ProfileVariable } from '@strata/api';
import type { ProfileDocument } from './profile.js';
import { exampleProfile, testCatalog } from './test-fixtures.js';
import { validateProfile } from './validate-profile.js';

const catalog = testCatalog();
const infra: ProfileLayer[] = [
  { pack: 'ubuntu', version: '24.04.1' },
  { pack: 'kubernetes', version: '1.36.3' },
  { pack: 'sandbox-cni', version: '0.1.0' },
  { pack: 'sandbox-csi', version: '0.1.0' },
];
function profile(
  type: 'infra' | 'addon' | 'full',
  layers: ProfileLayer[],
  variables: ProfileVariable[] = [],
): ProfileDocument {
  return { metadata: { name: 'p' }, spec: { type, version: '1.0.0', variables, layers } };
}

describe('validateProfile', () => {
  it('the example profile is valid', () => {
    assert.deepEqual(validateProfile({ profile: exampleProfile(), catalog }), []);
  });

  it('an invalid profile with 6 different problems returns all 6 issues with paths', () => {
    const given = profile(
      'full',
      [
        { pack: 'ubuntu', version: '24.04.1' },
        { pack: 'kubernetes', version: '1.36.3' },
        { pack: 'sandbox-csi', version: '0.1.0' }, // 3. CSI before CNI
        { pack: 'calico', version: '3.30.1' }, // 4. calico supports Kubernetes <1.34
        { pack: 'ingress-nginx', version: '9.9.9' }, // 2. no such version
        { pack: 'demo-app', version: '0.1.0', values: 'replicaCount: {{ .var.replicas }}' }, // 5. undeclared variable
        { name: 'web', chart: { repository: 'https://charts.example.org', name: 'web', version: '1.0.0' } },
      ],
      [{ name: 'replicaCount', type: 'number', default: 'three' }], // 1. default not a number
    );
    // 6. values against the pack's JSON Schema after merging the override.
    given.spec.layers.push({
      pack: 'ingress-nginx',
      version: '4.13.0',
      name: 'ingress-internal',
      values: 'controller: {replicaCount: many}',
    });
    const issues = validateProfile({ profile: given, catalog });
    assert.deepEqual(
      issues.map((i) => [i.path, i.code]),
      [
        ['/spec/variables/0/default', 'STRATA_VARIABLE_INVALID'],
        ['/spec/layers/4/version', 'STRATA_PACK_NOT_FOUND'],
        ['/spec/layers/3', 'STRATA_PROFILE_LAYER_ORDER'],
        ['/spec/layers/3/version', 'STRATA_KUBERNETES_VERSION'],
        ['/spec/layers/5/values', 'STRATA_VARIABLE_UNDECLARED'],
        ['/spec/layers/7/values/controller/replicaCount', 'STRATA_VALUES_INVALID'],
      ],
      JSON.stringify(issues, null, 1),
    );
    for (const i of issues) assert.ok(i.message.length > 10, `readable message for ${i.path}`);
  });

  const cases: {
    name: string;
    given: unknown;
    macros?: Record<string, string>;
    expect: [string, string | RegExp][];
  }[] = [
    { name: 'not an object', given: 'profile', expect: [['', /must be an object/]] },
    {
      name: 'unknown field in a layer is named',
      given: profile('addon', [{ pack: 'demo-app', version: '0.1.0', colour: 'red' } as ProfileLayer]),
      expect: [['/spec/layers/0/colour', /unknown field/]],
    },
    {
      name: 'a layer with no shape',
      given: profile('addon', [{ name: 'x' } as ProfileLayer]),
      expect: [['/spec/layers/0', /needs one of/]],
    },
    {
      name: 'profile version must be semver',
      given: { ...profile('infra', infra), spec: { ...profile('infra', infra).spec, version: '1.2' } },
      expect: [['/spec/version', /semver|pattern/]],
    },
    {
      name: 'addon profile with an OS layer',
      given: profile('addon', [infra[0] as ProfileLayer]),
      expect: [['/spec/layers/0', /add-on layers only/]],
    },
    {
      name: 'infra profile without CSI',
      given: profile('infra', infra.slice(0, 3)),
      expect: [['/spec/layers', /needs a storage \(CSI\) layer/]],
    },
    {
      name: 'infra profile with an add-on',
      given: profile('infra', [
        ...infra,
        { name: 'x', manifest: 'apiVersion: v1\nkind: Namespace\nmetadata: {name: x}\n' },
      ]),
      expect: [['/spec/layers/4', /infra profile holds/]],
    },
    {
      name: 'two Kubernetes layers',
      given: profile('full', [
        ...infra.slice(0, 2),
        { pack: 'kubernetes', version: '1.32.4', name: 'k2' },
        ...infra.slice(2),
      ]),
      expect: [['/spec/layers/2', /second Kubernetes layer/]],
    },
    {
      name: 'unknown pack',
      given: profile('addon', [{ pack: 'nope', version: '1.0.0' }]),
      expect: [['/spec/layers/0/pack', /unknown pack "nope"/]],
    },
    {
      name: 'duplicate layer names',
      given: profile('addon', [
        { pack: 'demo-app', version: '0.1.0' },
        { pack: 'demo-app', version: '0.1.0' },
      ]),
      expect: [['/spec/layers/1/pack', /already used by layer 0/]],
    },
    {
      name: 'required pack missing',
      given: profile('full', [...infra, { pack: 'external-dns', version: '1.15.0' }]),
      expect: [['/spec/layers/4/pack', /requires cert-manager >=1.0.0/]],
    },
    {
      name: 'requirements are not checked in addon profiles alone',
      given: profile('addon', [{ pack: 'external-dns', version: '1.15.0' }]),
      expect: [],
    },
    {
      name: 'conflicting packs',
      given: profile('full', [
        ...infra.slice(0, 2),
        { pack: 'calico', version: '3.30.1' },
        { pack: 'sandbox-cni', version: '0.1.0' },
        infra[3] as ProfileLayer,
      ]),
      expect: [
        ['/spec/layers/3', /second network/],
        ['/spec/layers/2/pack', /conflicts with sandbox-cni/],
        ['/spec/layers/2/version', /supports Kubernetes/],
      ],
    },
    {
      name: 'unknown preset',
      given: profile('addon', [{ pack: 'ingress-nginx', version: '4.13.0', presets: ['huge'] }]),
      expect: [['/spec/layers/0/presets/0', /unknown preset "huge"/]],
    },
    {
      name: 'two presets of one group',
      given: profile('addon', [
        { pack: 'ingress-nginx', version: '4.13.0', presets: ['node-port', 'cluster-ip'] },
      ]),
      expect: [['/spec/layers/0/presets/1', /both in group "service"/]],
    },
    {
      name: 'secret with a default',
      given: profile('addon', [], [{ name: 's', type: 'secret', default: 'hunter2' }]),
      expect: [['/spec/variables/0/default', /cannot have a default/]],
    },
    {
      name: 'required hidden variable needs a default',
      given: profile('addon', [], [{ name: 'h', type: 'string', required: true, hidden: true }]),
      expect: [['/spec/variables/0/default', /needs a default/]],
    },
    {
      name: 'default not in options',
      given: profile('addon', [], [{ name: 'e', type: 'string', options: ['a', 'b'], default: 'c' }]),
      expect: [['/spec/variables/0/default', /one of "a", "b"/]],
    },
    {
      name: 'bad regex and bad ipv4 default',
      given: profile('addon', [], [{ name: 'r', type: 'ipv4', regex: '([', default: '300.1.1.1' }]),
      expect: [
        ['/spec/variables/0/regex', /not a valid regular expression/],
        ['/spec/variables/0/default', /IPv4/],
      ],
    },
    {
      name: 'duplicate variable',
      given: profile(
        'addon',
        [],
        [
          { name: 'a', type: 'string' },
          { name: 'a', type: 'number' },
        ],
      ),
      expect: [['/spec/variables/1/name', /declared twice/]],
    },
    {
      name: 'manifest layer without kind',
      given: profile('addon', [{ name: 'm', manifest: 'apiVersion: v1\nmetadata: {name: x}\n' }]),
      expect: [['/spec/layers/0/manifest', /no kind/]],
    },
    {
      name: 'manifest layer that is not YAML',
      given: profile('addon', [{ name: 'm', manifest: 'a: [' }]),
      expect: [['/spec/layers/0/manifest', /line 1/]],
    },
    {
      name: 'unknown macro when macros are known',
      given: profile('addon', [
        { name: 'm', manifest: "apiVersion: v1\nkind: Namespace\nmetadata: {name: '{{ .macro.team }}'}\n" },
      ]),
      macros: { other: 'x' },
      expect: [['/spec/layers/0/manifest', /macro "team" is not defined/]],
    },
    {
      name: 'macro with a default is fine',
      given: profile('addon', [
        {
          name: 'm',
          manifest:
            'apiVersion: v1\nkind: Namespace\nmetadata: {name: \'{{ .macro.team | default "t" }}\'}\n',
        },
      ]),
      macros: {},
      expect: [],
    },
    {
      name: '.values is not for profile layers',
      given: profile('addon', [{ pack: 'demo-app', version: '0.1.0', values: 'message: "{{ .values.x }}"' }]),
      expect: [['/spec/layers/0/values', /only available in pack manifests/]],
    },
    {
      name: 'unknown system value',
      given: profile('addon', [
        { pack: 'demo-app', version: '0.1.0', values: 'message: "{{ .system.cluster.colour }}"' },
      ]),
      expect: [['/spec/layers/0/values', /unknown system value/]],
    },
    {
      name: 'values that are not a map',
      given: profile('addon', [{ pack: 'demo-app', version: '0.1.0', values: '- a\n- b\n' }]),
      expect: [['/spec/layers/0/values', /must be a map/]],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const issues = validateProfile({ profile: c.given, catalog, macros: c.macros });
      assert.equal(issues.length, c.expect.length, JSON.stringify(issues, null, 1));
      c.expect.forEach(([path, message], i) => {
        assert.equal(issues[i]?.path, path);
        assert.match(issues[i]?.message ?? '', typeof message === 'string' ? new RegExp(message) : message);
      });
    });
  }
});

describe('validateProfile fuzz', () => {
  it('never throws on random or garbage input, and always reports with paths', () => {
    let seed = 5;
    const rand = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
    const atoms: unknown[] = [
      null,
      0,
      -1,
      'x',
      '',
      true,
      [],
      {},
      '{{ .var.x',
      '{{ .var.a }}',
      'a: [',
      '1.0.0',
      'addon',
      'full',
      'os',
    ];
    const value = (depth: number): unknown => {
      const r = rand();
      if (depth <= 0 || r < 0.4) return atoms[Math.floor(rand() * atoms.length)];
      if (r < 0.6) return Array.from({ length: Math.floor(rand() * 4) }, () => value(depth - 1));
      const keys = [
        'pack',
        'version',
        'name',
        'values',
        'manifest',
        'chart',
        'presets',
        'type',
        'layers',
        'variables',
        'default',
        'regex',
        'options',
      ];
      return Object.fromEntries(
        Array.from({ length: Math.floor(rand() * 5) }, () => [
          keys[Math.floor(rand() * keys.length)],
          value(depth - 1),
        ]),
      );
    };
    for (let n = 0; n < 2000; n++) {
      const base = exampleProfile() as unknown as { spec: Record<string, unknown> };
      const given =
        rand() < 0.5
          ? value(4)
          : {
              ...base,
              spec: { ...base.spec, [['layers', 'variables', 'type', 'version'][n % 4] as string]: value(3) },
            };
      const issues = validateProfile({ profile: given, catalog });
      for (const i of issues) assert.equal(typeof i.path, 'string');
    }
  });
});

describe('validateProfile with malformed variables', () => {
  it('reports shape problems instead of crashing', () => {
    const p = exampleProfile() as unknown as { spec: { variables: unknown[] } };
    p.spec.variables = [
      { name: 'a', type: 'string', options: 'abc' },
      { name: 'b', type: 'number', regex: 5 },
      { name: 'c', type: 'colour' },
    ];
    const paths = validateProfile({ profile: p, catalog }).map((i) => i.path);
    for (const want of ['/spec/variables/0/options', '/spec/variables/1/regex', '/spec/variables/2/type'])
      assert.ok(paths.includes(want), `${want} in ${paths.join(', ')}`);
  });
});
