import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StrataError } from '@strata/api';
import type { ProfileDocument } from './profile.js';
import { MASK, maskJson, maskStack } from './mask-stack.js';
import { resolveProfiles, tryResolveProfiles, type ResolveProfilesOptions } from './resolve-profiles.js';
import { addonProfile, exampleProfile, testCatalog } from './test-fixtures.js';

const catalog = testCatalog();
const system = {
  cluster: { name: 'shop-eu-1', uid: 'c-1' },
  project: { name: 'retail' },
  provider: 'sandbox',
  region: 'local',
};
const macros = {
  tenant: { registry: 'tenant.example.org', only: 't' },
  project: { registry: 'project.example.org' },
};
const base = (over: Partial<ResolveProfilesOptions> = {}): ResolveProfilesOptions => ({
  profiles: [{ profile: exampleProfile(), variables: { registryPassword: 's3cret' } }],
  catalog,
  macros,
  system,
  ...over,
});

function addon(values: string, manifest?: string): ProfileDocument {
  return addonProfile([
    { pack: 'demo-app', version: '0.1.0', values },
    ...(manifest ? [{ name: 'm', manifest }] : []),
  ]);
}

describe('resolveProfiles', () => {
  it('resolves the example deterministically: same input, same hashes', () => {
    const a = resolveProfiles(base());
    const b = resolveProfiles({ ...base(), profiles: structuredClone(base().profiles) });
    assert.equal(a.hash, b.hash);
    assert.match(a.hash, /^sha256:[0-9a-f]{64}$/);
    assert.deepEqual(
      a.layers.map((l) => l.hash),
      b.layers.map((l) => l.hash),
    );
    assert.deepEqual(
      a.layers.map((l) => [l.name, l.layer, l.type]),
      [
        ['ubuntu', 'os', 'manifest'],
        ['kubernetes', 'k8s', 'manifest'],
        ['sandbox-cni', 'cni', 'manifest'],
        ['sandbox-csi', 'csi', 'manifest'],
        ['ingress-nginx', 'addon', 'helm'],
        ['team-namespaces', 'addon', 'manifest'],
        ['podinfo', 'addon', 'helm'],
        ['demo-app', 'addon', 'helm'],
      ],
    );
    assert.equal(a.kubernetesVersion, '1.36.3');
    assert.deepEqual(a.sensitive, [{ profile: 'base', layer: 'demo-app', variables: ['registryPassword'] }]);
  });

  it('computes final values, manifests and Helm parameters', () => {
    const stack = resolveProfiles(base());
    const by = (n: string) => stack.layers.find((l) => l.name === n);
    assert.deepEqual(by('kubernetes')?.values, { podCIDR: '10.42.0.0/16', serviceCIDR: '10.96.0.0/12' });
    assert.deepEqual(by('ingress-nginx')?.helm, {
      releaseName: 'ingress-nginx',
      namespace: 'ingress-nginx',
      chart: {
        name: 'ingress-nginx',
        version: '4.13.0',
        repository: 'https://kubernetes.github.io/ingress-nginx',
      },
      values: { controller: { replicaCount: 2, service: { type: 'NodePort' } } },
    });
    assert.deepEqual(by('team-namespaces')?.manifests, [
      {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: 'shop-eu-1-apps', labels: { registry: 'project.example.org', env: 'dev' } },
      },
    ]);
    const csi = by('sandbox-csi')?.manifests ?? [];
    assert.equal(csi.length, 2);
    assert.deepEqual(
      (csi[1]?.metadata as { annotations: unknown }).annotations,
      { 'storageclass.kubernetes.io/is-default-class': 'false' },
      'preset applied, read through .values',
    );
    assert.deepEqual(by('podinfo')?.helm?.chart, {
      name: 'podinfo',
      version: '6.9.0',
      repository: 'https://stefanprodan.github.io/podinfo',
    });
    assert.equal(by('podinfo')?.helm?.namespace, 'podinfo');
    assert.deepEqual(by('demo-app')?.helm?.bundled?.pack, 'demo-app');
    assert.deepEqual(by('demo-app')?.values, { replicaCount: 1, message: 's3cret' });
  });

  it('the hash changes with a variable, an override and a system value, and only for the affected layers', () => {
    const ref = resolveProfiles(base());
    const changed = resolveProfiles(
      base({
        profiles: [
          { profile: exampleProfile(), variables: { registryPassword: 's3cret', ingressReplicas: '3' } },
        ],
      }),
    );
    assert.notEqual(changed.hash, ref.hash);
    const diffNames = ref.layers.filter((l, i) => l.hash !== changed.layers[i]?.hash).map((l) => l.name);
    assert.deepEqual(diffNames, ['ingress-nginx']);
    const over = resolveProfiles(
      base({
        profiles: [
          {
            profile: exampleProfile(),
            variables: { registryPassword: 's3cret' },
            overrides: { podinfo: { values: 'replicaCount: null\nextra: {a: 1}' } },
          },
        ],
      }),
    );
    assert.deepEqual(
      over.layers.find((l) => l.name === 'podinfo')?.values,
      { extra: { a: 1 } },
      'null deletes, maps merge',
    );
    const other = resolveProfiles(base({ system: { ...system, cluster: { name: 'other', uid: 'c-2' } } }));
    assert.notEqual(
      other.layers.find((l) => l.name === 'team-namespaces')?.hash,
      ref.layers.find((l) => l.name === 'team-namespaces')?.hash,
    );
  });

  it('reports the system values the templates read, and only those', () => {
    const cases: { name: string; values: string; manifest?: string; expect: string[] }[] = [
      { name: 'no template', values: 'message: hi\n', expect: [] },
      {
        name: 'the project, not the cluster',
        values: 'message: "{{ .system.project.name }}-{{ .system.provider }}"\n',
        expect: ['project.name', 'provider'],
      },
      {
        name: 'the cluster name',
        values: 'message: "{{ .system.cluster.name }}"\n',
        expect: ['cluster.name'],
      },
      {
        name: 'a whole object reads each of its values',
        values: 'message: hi\n',
        manifest:
          "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {c: '{{ .system.cluster }}'}\n",
        expect: ['cluster.name', 'cluster.uid'],
      },
      {
        name: 'a default does not hide the read',
        values: 'message: \'{{ .system.cluster.uid | default "x" }}\'\n',
        expect: ['cluster.uid'],
      },
    ];
    for (const c of cases) {
      const r = tryResolveProfiles(base({ profiles: [{ profile: addon(c.values, c.manifest) }] }));
      assert.deepEqual(r.issues, [], c.name);
      assert.deepEqual(r.systemReads, c.expect, c.name);
    }
    // The example's templates name the cluster: resolving it reads cluster.name.
    assert.ok(tryResolveProfiles(base()).systemReads.includes('cluster.name'));
  });

  const yamlCases: { name: string; values: string; expect: unknown }[] = [
    {
      name: 'yes/no/on/off become booleans as Helm reads them',
      values: 'message: hi\nflags: {a: yes, b: no, c: on, d: off}\n',
      expect: { a: true, b: false, c: true, d: false },
    },
    {
      name: 'quoted yes stays a string',
      values: 'message: hi\nflags: {a: \'yes\', b: "off"}\n',
      expect: { a: 'yes', b: 'off' },
    },
    { name: 'anchors and aliases', values: 'message: hi\nbase: &b {x: 1}\nflags: *b\n', expect: { x: 1 } },
    {
      name: 'comments are dropped from values',
      values: '# top comment\nmessage: hi # trailing\nflags: {a: 1} # more\n',
      expect: { a: 1 },
    },
  ];
  for (const c of yamlCases) {
    it(`YAML: ${c.name}`, () => {
      const stack = resolveProfiles({ profiles: [{ profile: addon(c.values) }], catalog });
      assert.deepEqual(stack.layers[0]?.values.flags, c.expect);
    });
  }
  it('YAML: a multi-document manifest gives one object per document (trailing --- ignored)', () => {
    const manifest =
      'apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n---\n# comment\napiVersion: v1\nkind: Namespace\nmetadata: {name: b}\n---\n';
    const stack = resolveProfiles({ profiles: [{ profile: addon('message: x', manifest) }], catalog });
    assert.deepEqual(
      stack.layers[1]?.manifests.map((m) => (m.metadata as { name: string }).name),
      ['a', 'b'],
    );
  });

  const errorCases: { name: string; given: ResolveProfilesOptions; expect: [string, RegExp][] }[] = [
    {
      name: 'required variable missing (no default)',
      given: base({
        profiles: [
          {
            profile: {
              ...exampleProfile(),
              spec: {
                ...exampleProfile().spec,
                variables: [
                  { name: 'ingressReplicas', type: 'number', required: true },
                  ...(exampleProfile().spec.variables ?? []).slice(2),
                ],
              },
            },
            variables: { registryPassword: 'x' },
          },
        ],
      }),
      expect: [
        ['/variables/ingressReplicas', /is required/],
        ['/spec/layers/1/values', /variable "podCidr" has no value/],
      ],
    },
    {
      name: 'wrong type, unknown variable, option not allowed',
      given: base({
        profiles: [
          {
            profile: exampleProfile(),
            variables: { ingressReplicas: 'two', env: 'qa', nope: 1, registryPassword: 'x' },
          },
        ],
      }),
      expect: [
        ['/variables/nope', /no variable "nope"/],
        ['/variables/ingressReplicas', /must be a number/],
        ['/variables/env', /one of "dev", "prod"/],
      ],
    },
    {
      name: 'immutable variable cannot change',
      given: base({
        profiles: [
          {
            profile: {
              ...exampleProfile(),
              spec: {
                ...exampleProfile().spec,
                variables: [
                  { name: 'podCidr', type: 'cidr', default: '10.42.0.0/16', immutable: true },
                  ...(exampleProfile().spec.variables ?? []).slice(1),
                ],
              },
            },
            variables: { podCidr: '10.50.0.0/16', registryPassword: 'x' },
            previousVariables: { podCidr: '10.42.0.0/16' },
          },
        ],
      }),
      expect: [['/variables/podCidr', /immutable/]],
    },
    {
      name: 'missing macro',
      given: base({
        macros: {},
        profiles: [{ profile: exampleProfile(), variables: { registryPassword: 'x' } }],
      }),
      expect: [['/spec/layers/5/manifest', /macro "registry" is not defined/]],
    },
    {
      name: 'override for an unknown layer',
      given: base({
        profiles: [
          {
            profile: exampleProfile(),
            variables: { registryPassword: 'x' },
            overrides: { nope: { values: 'a: 1' } },
          },
        ],
      }),
      expect: [['/overrides/nope', /has no layer "nope"/]],
    },
    {
      name: 'bad override YAML and unknown override preset',
      given: base({
        profiles: [
          {
            profile: exampleProfile(),
            variables: { registryPassword: 'x' },
            overrides: { 'ingress-nginx': { values: 'a: [', presets: ['huge'] } },
          },
        ],
      }),
      expect: [
        ['/overrides/ingress-nginx/presets/0', /unknown preset/],
        ['/overrides/ingress-nginx/values', /line/],
      ],
    },
    {
      name: 'two profiles: issues carry /profiles/<i>, requirements are checked across the stack',
      given: {
        catalog,
        profiles: [
          { profile: exampleProfile(), variables: { registryPassword: 'x' } },
          {
            profile: {
              metadata: { name: 'dns' },
              spec: {
                type: 'addon',
                version: '1.0.0',
                layers: [{ pack: 'external-dns', version: '1.15.0' }],
              },
            },
          },
        ],
        macros,
        system,
      },
      expect: [['/profiles/1/spec/layers/0/pack', /requires cert-manager/]],
    },
  ];
  for (const c of errorCases) {
    it(`error: ${c.name}`, () => {
      const { stack, issues } = tryResolveProfiles(c.given);
      assert.equal(stack, undefined);
      assert.deepEqual(
        issues.map((i) => i.path),
        c.expect.map(([p]) => p),
        JSON.stringify(issues, null, 1),
      );
      c.expect.forEach(([, re], i) => assert.match(issues[i]?.message ?? '', re));
    });
  }

  it('resolveProfiles throws a StrataError with every issue', () => {
    assert.throws(
      () =>
        resolveProfiles(
          base({
            profiles: [
              { profile: exampleProfile(), variables: { ingressReplicas: 'x', registryPassword: 'y' } },
            ],
          }),
        ),
      (err: unknown) =>
        err instanceof StrataError && err.code === 'STRATA_VARIABLE_INVALID' && err.issues.length === 1,
    );
  });

  it('a secret value never appears in an issue message', () => {
    const p = exampleProfile();
    p.spec.variables?.push({ name: 'token', type: 'secret', regex: '[a-z]+' });
    const { issues } = tryResolveProfiles(
      base({ profiles: [{ profile: p, variables: { registryPassword: 'x', token: 'TOP-SECRET-1' } }] }),
    );
    assert.equal(issues.length, 1);
    assert.doesNotMatch(JSON.stringify(issues), /TOP-SECRET-1/);
  });
});

describe('maskStack', () => {
  it('hides secret values everywhere, keeps the hashes and the rest', () => {
    const stack = resolveProfiles(
      base({ profiles: [{ profile: exampleProfile(), variables: { registryPassword: 'hunter2' } }] }),
    );
    const masked = maskStack(stack, ['hunter2']);
    assert.match(JSON.stringify(stack), /hunter2/);
    assert.doesNotMatch(JSON.stringify(masked), /hunter2/);
    assert.equal(masked.layers.find((l) => l.name === 'demo-app')?.helm?.values.message, MASK);
    assert.equal(masked.hash, stack.hash);
    assert.deepEqual(
      masked.layers.find((l) => l.name === 'kubernetes'),
      stack.layers.find((l) => l.name === 'kubernetes'),
    );
    assert.equal(maskStack(stack, []), stack);
  });

  it('gets the secrets from the resolution: the values of sensitive variables, not of the others', () => {
    const result = tryResolveProfiles(
      base({ profiles: [{ profile: exampleProfile(), variables: { registryPassword: 'hunter2' } }] }),
    );
    assert.deepEqual(result.secrets, ['hunter2']);
    assert.doesNotMatch(JSON.stringify(maskStack(result.stack!, result.secrets)), /hunter2/);
  });
});

describe('maskJson', () => {
  it('masks secrets in every string of any JSON value, the longest first, and returns the value itself without secrets', () => {
    const drift = [
      { path: '/data/url', desired: 'postgres://app:pa55word@db', live: 'postgres://app:pa55@db', n: 3 },
      { path: '/spec', desired: { token: ['pa55word'] }, live: null },
    ];
    assert.deepEqual(maskJson(drift, ['pa55', 'pa55word']), [
      { path: '/data/url', desired: `postgres://app:${MASK}@db`, live: `postgres://app:${MASK}@db`, n: 3 },
      { path: '/spec', desired: { token: [MASK] }, live: null },
    ]);
    assert.equal(maskJson(drift, []), drift);
    assert.equal(maskJson(drift, ['']), drift);
  });
});
