import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StrataError } from '@strata/api';
import { loadPack, parsePack, type PackFiles } from './load-pack.js';
import { checkPackPush, packDigest } from './pack.js';
import { createPackCatalog } from './pack-catalog.js';

const manifestPack: PackFiles = {
  'pack.yaml':
    'name: ns\nversion: 1.0.0\nlayer: addon\ntype: manifest\nconstraints: {kubernetes: ">=1.25.0"}\n',
  'values.yaml': '# the namespace\nname: apps # inline comment\n',
  'manifests/ns.yaml': "apiVersion: v1\nkind: Namespace\nmetadata: {name: '{{ .values.name }}'}\n",
  'README.md': '# docs are ignored',
};

describe('parsePack', () => {
  const cases: { name: string; given: PackFiles; expect: string[] }[] = [
    { name: 'valid manifest pack', given: manifestPack, expect: [] },
    { name: 'pack.yaml missing', given: { 'values.yaml': 'a: 1' }, expect: ['/pack.yaml'] },
    {
      name: 'bad version and unknown field',
      given: { 'pack.yaml': 'name: x\nversion: one\nlayer: addon\ntype: manifest\ncolour: red\n' },
      expect: ['/pack.yaml/colour', '/pack.yaml/version', '/pack.yaml/version'],
    },
    {
      name: 'invalid layer',
      given: { 'pack.yaml': 'name: x\nversion: 1.0.0\nlayer: gpu\ntype: manifest\n' },
      expect: ['/pack.yaml/layer'],
    },
    {
      name: 'helm pack needs a chart',
      given: { 'pack.yaml': 'name: x\nversion: 1.0.0\nlayer: addon\ntype: helm\n' },
      expect: ['/pack.yaml'],
    },
    {
      name: 'bad semver range',
      given: {
        'pack.yaml':
          'name: x\nversion: 1.0.0\nlayer: addon\ntype: manifest\nconstraints: {kubernetes: "not a range"}\n',
      },
      expect: ['/pack.yaml/constraints/kubernetes'],
    },
    {
      name: 'values that are not YAML',
      given: { ...manifestPack, 'values.yaml': 'a: [' },
      expect: ['/values.yaml'],
    },
    {
      name: 'values fail the schema',
      given: {
        ...manifestPack,
        'values.schema.json': '{"type":"object","properties":{"name":{"type":"integer"}}}',
      },
      expect: ['/values.yaml/name'],
    },
    {
      name: 'schema is not JSON',
      given: { ...manifestPack, 'values.schema.json': '{' },
      expect: ['/values.schema.json'],
    },
    {
      name: 'manifest without kind',
      given: { ...manifestPack, 'manifests/bad.yaml': 'apiVersion: v1\nmetadata: {name: x}\n' },
      expect: ['/manifests~1bad.yaml/content'.replace('/content', '')],
    },
    {
      name: 'pack values cannot read profile variables',
      given: { ...manifestPack, 'values.yaml': 'name: "{{ .var.x }}"\n' },
      expect: ['/values.yaml'],
    },
    {
      name: 'duplicate preset and empty preset',
      given: { ...manifestPack, 'presets.yaml': '- {name: a, add: "x: 1"}\n- {name: a}\n' },
      expect: ['/presets.yaml/1', '/presets.yaml/1/name'],
    },
    { name: 'unexpected file', given: { ...manifestPack, 'notes.bin': 'x' }, expect: ['/notes.bin'] },
    {
      name: 'bundled chart directory needs a Chart.yaml',
      given: {
        'pack.yaml': 'name: app\nversion: 0.1.0\nlayer: addon\ntype: helm\n',
        'chart/templates/a.yaml': 'kind: x\n',
      },
      expect: ['/chart'],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const { pack, issues } = parsePack(c.given);
      assert.deepEqual(
        [...new Set(issues.map((i) => i.path))].sort(),
        [...new Set(c.expect)].sort(),
        JSON.stringify(issues),
      );
      assert.equal(pack === undefined, c.expect.length > 0);
    });
  }

  it('keeps values.yaml as text with its comments, and digests the pack', () => {
    const pack = loadPack(manifestPack);
    assert.match(pack.values ?? '', /# the namespace/);
    assert.match(pack.values ?? '', /# inline comment/);
    assert.match(pack.digest ?? '', /^sha256:[0-9a-f]{64}$/);
    assert.equal(pack.digest, packDigest(pack));
    assert.equal(loadPack({ ...manifestPack }).digest, pack.digest, 'same content, same digest');
    assert.notEqual(loadPack({ ...manifestPack, 'values.yaml': 'name: other\n' }).digest, pack.digest);
  });

  it('loadPack throws one StrataError with every issue', () => {
    assert.throws(
      () => loadPack({ 'pack.yaml': 'name: Bad_Name\nversion: x\nlayer: addon\ntype: manifest\n' }),
      (err: unknown) =>
        err instanceof StrataError && err.code === 'STRATA_PACK_INVALID' && err.issues.length >= 2,
    );
  });

  it('bundled .tgz becomes a base64 archive', () => {
    const pack = loadPack({
      'pack.yaml': 'name: app\nversion: 0.1.0\nlayer: addon\ntype: helm\n',
      'charts/app-0.1.0.tgz': new Uint8Array([31, 139, 8, 0]),
    });
    assert.deepEqual(pack.bundledChart, { name: 'app', version: '0.1.0', archive: 'H4sIAA==' });
  });

  it('catalog lists versions in semver order and finds exact versions', () => {
    const mk = (v: string) =>
      loadPack({ ...manifestPack, 'pack.yaml': `name: ns\nversion: ${v}\nlayer: addon\ntype: manifest\n` });
    const catalog = createPackCatalog([mk('1.10.0'), mk('1.2.0'), mk('1.9.1')]);
    assert.deepEqual(catalog.versions('ns'), ['1.2.0', '1.9.1', '1.10.0']);
    assert.equal(catalog.latest('ns')?.version, '1.10.0');
    assert.equal(catalog.get('ns', '1.9.1')?.version, '1.9.1');
    assert.equal(catalog.get('ns', '9.9.9'), undefined);
    assert.deepEqual(catalog.versions('nope'), []);
  });
});

describe('checkPackPush', () => {
  const pack = loadPack(manifestPack);
  const cases: { name: string; existing: boolean; values?: string; expect: string }[] = [
    { name: 'a new version is created', existing: false, expect: 'create' },
    { name: 'the same content again is a no-op', existing: true, expect: 'unchanged' },
    {
      name: 'different content under the same version is refused',
      existing: true,
      values: 'name: changed\n',
      expect: 'STRATA_PACK_EXISTS',
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const incoming = c.values
        ? loadPack({ ...manifestPack, 'values.yaml': c.values })
        : loadPack(manifestPack);
      try {
        assert.equal(checkPackPush(c.existing ? pack : undefined, incoming), c.expect);
      } catch (err) {
        assert.ok(err instanceof StrataError);
        assert.equal(err.code, c.expect);
      }
    });
  }
});
