// Profiles and packs through the strata CLI against a real server process (SQLite): push a pack, write a profile,
// publish it, clone and edit the next version, compare the two, and preview the resolved stack.
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { useCliSession } from './support/cli-session.js';
import { strata } from './support/run-strata.js';

/** The profile `web` in project default; `storageClass` is the sandbox-csi layer's StorageClass name. */
const profileYaml = (o: {
  version: string;
  namespacePrefix: string;
  storageClass: string;
}) => `apiVersion: strata.dev/v1alpha1
kind: ClusterProfile
metadata: {name: web}
spec:
  type: full
  version: ${o.version}
  description: Web clusters on the sandbox provider
  variables:
    - {name: team, type: string, required: true, regex: '[a-z][a-z0-9-]*'}
  layers:
    - {pack: ubuntu, version: 24.04.1}
    - {pack: kubernetes, version: 1.36.3}
    - {pack: sandbox-cni, version: 0.1.0}
    - pack: sandbox-csi
      version: 0.1.0
      values: |
        storageClass:
          name: ${o.storageClass}
    - name: team-namespace
      manifest: |
        apiVersion: v1
        kind: Namespace
        metadata:
          name: ${o.namespacePrefix}-{{ .var.team }}
`;

describe('strata profile and pack commands against a real server', () => {
  const session = useCliSession('strata-cli-profiles-e2e');

  it('pack list shows the built-in catalog', async () => {
    const list = await strata(['pack', 'list'], session.env);
    assert.equal(list.code, 0, list.stderr);
    const rows = list.stdout.trimEnd().split('\n');
    assert.match(rows[0]!, /^NAME +VERSION +LAYER +TYPE +BUILTIN +DESCRIPTION$/);
    const builtins: [name: string, version: string, layer: string][] = [
      ['ubuntu', '24.04.1', 'os'],
      ['kubernetes', '1.36.3', 'k8s'],
      ['sandbox-cni', '0.1.0', 'cni'],
      ['sandbox-csi', '0.1.0', 'csi'],
    ];
    for (const [name, version, layer] of builtins) {
      assert.ok(
        rows.some((r) =>
          new RegExp(`^${name} +${version.replace(/\./g, '\\.')} +${layer} +manifest +yes `).test(r),
        ),
        `${name}@${version} is listed as a built-in ${layer} pack:\n${list.stdout}`,
      );
    }
    const show = await strata(['pack', 'show', 'sandbox-cni'], session.env);
    assert.equal(show.code, 0, show.stderr);
    assert.match(show.stdout, /^Name: +sandbox-cni\nVersion: +0\.1\.0\n/);
    assert.match(show.stdout, /Constraints:\n {2}conflicts calico \(one CNI per cluster\)/);
    assert.match(show.stdout, /Default values:\n {2}namespace: strata-cni\n/);
  });

  it('pack push: created, then unchanged, then other content under the same version is refused', async () => {
    const packDir = join(session.dir, 'team-quota');
    await mkdir(join(packDir, 'manifests'), { recursive: true });
    const write = async (limit: string) => {
      await writeFile(
        join(packDir, 'pack.yaml'),
        'name: team-quota\nversion: 1.0.0\nlayer: addon\ntype: manifest\ndescription: A quota for the team namespace.\n',
      );
      await writeFile(join(packDir, 'values.yaml'), `# Pods per namespace.\npods: "${limit}"\n`);
      await writeFile(
        join(packDir, 'manifests', 'quota.yaml'),
        'apiVersion: v1\nkind: ResourceQuota\nmetadata:\n  name: team-quota\n  namespace: default\nspec:\n  hard:\n    pods: "{{ .values.pods }}"\n',
      );
    };
    await write('20');
    const first = await strata(['pack', 'push', packDir], session.env);
    assert.equal(first.code, 0, first.stderr);
    assert.equal(first.stdout, 'pack/team-quota@1.0.0 created\n');
    const again = await strata(['pack', 'push', packDir], session.env);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(again.stdout, 'pack/team-quota@1.0.0 unchanged\n');
    await write('50');
    const changed = await strata(['pack', 'push', packDir], session.env);
    assert.equal(changed.code, 1);
    assert.match(changed.stderr, /code: STRATA_IMMUTABLE/);
    const listed = await strata(
      ['pack', 'list', '-l', 'strata.dev/builtin!=true', '-o', 'name'],
      session.env,
    );
    assert.equal(listed.stdout, 'pack/team-quota@1.0.0\n');
  });

  it('a profile goes draft → published → cloned, edited, compared and resolved deterministically', async () => {
    const file = join(session.dir, 'web.yaml');
    await writeFile(
      file,
      profileYaml({ version: '1.0.0', namespacePrefix: 'team', storageClass: 'standard' }),
    );
    const created = await strata(['apply', '-f', file, '-p', 'default'], session.env);
    assert.equal(created.code, 0, created.stderr);
    assert.equal(created.stdout, 'clusterprofile/web@1.0.0 created\n');

    const published = await strata(
      ['profile', 'publish', 'web', '--version', '1.0.0', '-p', 'default'],
      session.env,
    );
    assert.equal(published.code, 0, published.stderr);
    assert.equal(published.stdout, 'clusterprofile/web@1.0.0 published\n');
    const state = await strata(
      ['get', 'profile', 'web', '--version', '1.0.0', '-p', 'default', '-o', 'json'],
      session.env,
    );
    assert.equal((JSON.parse(state.stdout) as { status: { state: string } }).status.state, 'Published');

    await writeFile(
      file,
      profileYaml({ version: '1.0.0', namespacePrefix: 'squad', storageClass: 'standard' }),
    );
    const refused = await strata(['apply', '-f', file, '-p', 'default'], session.env);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /code: STRATA_PROFILE_PUBLISHED/);

    const cloned = await strata(
      ['profile', 'clone', 'web', '--from', '1.0.0', '--to', '1.1.0', '-p', 'default'],
      session.env,
    );
    assert.equal(cloned.code, 0, cloned.stderr);
    assert.equal(cloned.stdout, 'clusterprofile/web@1.1.0 created (draft)\n');
    await writeFile(file, profileYaml({ version: '1.1.0', namespacePrefix: 'squad', storageClass: 'fast' }));
    const edited = await strata(['apply', '-f', file, '-p', 'default'], session.env);
    assert.equal(edited.code, 0, edited.stderr);
    assert.equal(edited.stdout, 'clusterprofile/web@1.1.0 configured\n');

    const diff = await strata(['profile', 'diff', 'web', '1.0.0', '1.1.0', '-p', 'default'], session.env);
    assert.equal(diff.code, 0, diff.stderr);
    assert.match(diff.stdout, /^clusterprofile\/web 1\.0\.0 -> 1\.1\.0\nLayers:\n/);
    assert.match(
      diff.stdout,
      /~ sandbox-csi \(changed\)\n {6}values:\n {8}~ \/storageClass\/name: "standard" -> "fast"\n/,
    );
    assert.match(diff.stdout, /~ team-namespace \(changed\)\n {6}manifest:\n/);
    assert.match(
      diff.stdout,
      /\n {8}- {2}name: team-\{\{ \.var\.team \}\}\n {8}\+ {2}name: squad-\{\{ \.var\.team \}\}\n/,
    );
    assert.doesNotMatch(diff.stdout, /ubuntu|kubernetes|sandbox-cni/, 'unchanged layers are not listed');
    const diffJson = await strata(
      ['profile', 'diff', 'web', '1.0.0', '1.1.0', '-p', 'default', '-o', 'json'],
      session.env,
    );
    const structured = JSON.parse(diffJson.stdout) as { changed: { name: string }[]; unchanged: boolean };
    assert.deepEqual(
      structured.changed.map((c) => c.name),
      ['sandbox-csi', 'team-namespace'],
    );

    const args = [
      'profile',
      'resolve',
      'web',
      '--version',
      '1.1.0',
      '-p',
      'default',
      '--set',
      'team=x',
      '-o',
      'json',
    ];
    const first = await strata(args, session.env);
    const second = await strata(args, session.env);
    assert.equal(first.code, 0, first.stderr);
    assert.equal(second.stdout, first.stdout, 'same input, byte-identical output');
    type Stack = {
      hash: string;
      layers: { name: string; hash: string; manifests: { metadata: { name: string } }[] }[];
    };
    const stack = JSON.parse(first.stdout) as Stack;
    assert.match(stack.hash, /^sha256:[0-9a-f]{64}$/);
    assert.equal((JSON.parse(second.stdout) as Stack).hash, stack.hash);
    assert.deepEqual(
      stack.layers.map((l) => l.name),
      ['ubuntu', 'kubernetes', 'sandbox-cni', 'sandbox-csi', 'team-namespace'],
    );
    assert.equal(stack.layers.at(-1)!.manifests[0]!.metadata.name, 'squad-x');

    const yaml = await strata(
      ['profile', 'resolve', 'web', '--version', '1.1.0', '-p', 'default', '--set', 'team=x'],
      session.env,
    );
    assert.equal(yaml.code, 0, yaml.stderr);
    assert.ok(yaml.stdout.includes(`\nhash: ${stack.hash}\n`), 'YAML output carries the same stack hash');
    const other = await strata(
      ['profile', 'resolve', 'web', '--version', '1.1.0', '-p', 'default', '--set', 'team=y', '-o', 'json'],
      session.env,
    );
    assert.notEqual((JSON.parse(other.stdout) as Stack).hash, stack.hash, 'another value, another hash');

    const missing = await strata(
      ['profile', 'resolve', 'web', '--version', '1.1.0', '-p', 'default'],
      session.env,
    );
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /team/);
    assert.match(missing.stderr, /code: STRATA_VARIABLE_INVALID/);
  });
});
