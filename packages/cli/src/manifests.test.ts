import { strict as assert } from 'node:assert';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { InputError } from './exit-codes.js';
import { loadManifests, sortForApply } from './manifests.js';
import { tempDir } from './testing/run.js';

const stdin = (text = '') => ({ stdin: Readable.from([text]) });
const project = (name: string) =>
  `apiVersion: strata.dev/v1alpha1\nkind: Project\nmetadata: {name: ${name}}\nspec: {}\n`;

describe('loadManifests', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  before(async () => {
    ({ dir, cleanup } = await tempDir());
    await mkdir(join(dir, 'tree', 'b-sub'), { recursive: true });
    await writeFile(join(dir, 'tree', 'c.yaml'), project('c'));
    await writeFile(join(dir, 'tree', 'a.yml'), `${project('a1')}---\n${project('a2')}---\n`);
    await writeFile(
      join(dir, 'tree', 'b-sub', 'x.json'),
      JSON.stringify({ kind: 'project', metadata: { name: 'b' } }),
    );
    await writeFile(join(dir, 'tree', 'notes.txt'), 'not a manifest');
    await writeFile(join(dir, 'tree', '.hidden.yaml'), 'kind: [');
  });
  after(() => cleanup());

  it('reads directories recursively in sorted path order, skipping other and hidden files', async () => {
    const manifests = await loadManifests([join(dir, 'tree')], stdin());
    assert.deepEqual(
      manifests.map((m) => m.object.metadata.name),
      ['a1', 'a2', 'b', 'c'],
    );
    assert.deepEqual(
      manifests.map((m) => m.location.slice(dir.length + 1)),
      ['tree/a.yml#1', 'tree/a.yml#2', 'tree/b-sub/x.json#1', 'tree/c.yaml#1'],
    );
    assert.equal(manifests[2]!.object.kind, 'Project', 'kind aliases are normalised');
  });

  it('reads stdin for "-" and expands List objects', async () => {
    const list = `kind: List\nitems:\n  - {kind: Project, metadata: {name: x}}\n  - {kind: Role, metadata: {name: r}, spec: {permissions: []}}\n`;
    const manifests = await loadManifests(['-'], stdin(list));
    assert.deepEqual(
      manifests.map((m) => `${m.location} ${m.object.kind}/${m.object.metadata.name}`),
      ['<stdin>#1/items/0 Project/x', '<stdin>#1/items/1 Role/r'],
    );
  });

  it('checks every document and reports all problems with file and document number', async () => {
    const file = join(dir, 'bad.yaml');
    await writeFile(
      file,
      [
        project('ok'),
        'kind: Gizmo\nmetadata: {name: g}\n',
        'kind: Project\nmetadata: {}\n',
        'kind: Project\nmetadata: {name: x}\nspec: [1]\napiVersion: v1\n',
        'just a string\n',
        'kind: Project\nmetadata: {name: [unclosed\n',
      ].join('---\n'),
    );
    await assert.rejects(loadManifests([file], stdin()), (err: InputError) => {
      assert.ok(err instanceof InputError);
      assert.equal(err.message, '5 documents are not valid; nothing was applied');
      const issues = err.issues.map((i) => `${i.path.slice(dir.length + 1)}: ${i.message}`);
      assert.match(issues[0]!, /^bad\.yaml#2\/kind: unknown kind "Gizmo"; known kinds: Tenant, Project/);
      assert.equal(issues[1], 'bad.yaml#3/metadata/name: required');
      assert.equal(issues[2], 'bad.yaml#4/apiVersion: must be strata.dev/v1alpha1');
      assert.equal(issues[3], 'bad.yaml#4/spec: must be an object');
      assert.equal(issues[4], 'bad.yaml#5: must be an object with apiVersion, kind, metadata and spec');
      assert.match(issues[5]!, /^bad\.yaml#6: .*\(line \d+, column \d+\)$/);
      return true;
    });
  });

  it('names missing paths and empty inputs', async () => {
    await assert.rejects(
      loadManifests([join(dir, 'nope.yaml')], stdin()),
      /nope\.yaml: no such file or directory/,
    );
    await assert.rejects(loadManifests(['-'], stdin('---\n')), /no objects found in -/);
  });
});

describe('sortForApply', () => {
  it('puts containers first (KINDS order) and keeps file order otherwise', () => {
    const m = (kind: string, name: string) => ({
      source: 'f',
      location: `f#${name}`,
      object: { kind, metadata: { name } },
    });
    const sorted = sortForApply([m('Macro', 'm1'), m('Project', 'p'), m('Macro', 'm2'), m('Tenant', 't')]);
    assert.deepEqual(
      sorted.map((x) => x.object.metadata.name),
      ['t', 'p', 'm1', 'm2'],
    );
  });
});
