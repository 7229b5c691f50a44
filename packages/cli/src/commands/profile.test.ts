import { strict as assert } from 'node:assert';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { cannedObject, problemReply, startCannedServer, type CannedServer } from '@strata/client/testing';
import { parse } from 'yaml';
import type { ProfileDiff } from '../output/profile-diff.js';
import { run, tempDir } from '../testing/run.js';

const profile = (version: string, state: string, project?: string) =>
  cannedObject({
    kind: 'ClusterProfile',
    name: 'web',
    ...(project ? { project } : {}),
    spec: { type: 'full', version, layers: [] },
    status: { state },
  });

const diff: ProfileDiff = {
  from: { name: 'web', version: '1.0.0' },
  to: { name: 'web', version: '1.1.0' },
  added: [{ name: 'metrics-server', index: 5 }],
  removed: [{ name: 'old-ingress', index: 4 }],
  reordered: [{ name: 'namespaces', from: 5, to: 4 }],
  changed: [
    {
      name: 'sandbox-csi',
      index: { from: 3, to: 3 },
      fields: [{ field: 'version', from: '0.1.0', to: '0.2.0' }],
      values: {
        changes: [
          { path: '/storageClass/name', type: 'changed', from: 'sandbox', to: 'fast' },
          { path: '/debug', type: 'added', to: true },
        ],
        text: '--- a/sandbox-csi/values.yaml\n+++ b/sandbox-csi/values.yaml\n',
      },
    },
    {
      name: 'team',
      index: { from: 6, to: 6 },
      fields: [],
      manifest: '--- a/team/manifest.yaml\n+++ b/team/manifest.yaml\n@@ -1 +1 @@\n-name: a\n+name: b\n',
    },
  ],
  variables: { added: ['region'], removed: [], changed: [{ name: 'team', fields: ['default', 'regex'] }] },
  fields: [{ field: 'description', from: null, to: 'Web clusters' }],
  unchanged: false,
};

const stack = { layers: [{ name: 'ubuntu', hash: 'sha256:aa' }], hash: 'sha256:ff', sensitive: [] };

describe('strata profile', () => {
  let server: CannedServer;
  let dir: string;
  let cleanup: () => Promise<void>;
  before(async () => {
    ({ dir, cleanup } = await tempDir());
    server = await startCannedServer({
      'POST /v1/projects/retail/clusterprofiles/web/versions/1.0.0/publish': {
        body: profile('1.0.0', 'Published', 'retail'),
      },
      'POST /v1/clusterprofiles/web/versions/1.0.0/publish': {
        body: profile('1.0.0', 'Published'),
      },
      'POST /v1/clusterprofiles/web/versions/9.9.9/publish': problemReply(
        'STRATA_PROFILE_INVALID',
        'cannot publish: 1 problems (listed in issues)',
        [{ path: '/spec/layers/0/version', message: 'pack ubuntu has no version 1.0.0' }],
      ),
      'POST /v1/projects/retail/clusterprofiles/web/versions/1.0.0/clone': (req) => ({
        status: 201,
        body: profile((JSON.parse(req.body) as { version: string }).version, 'Draft', 'retail'),
      }),
      'POST /v1/projects/retail/clusterprofiles/web/diff': { body: diff },
      'POST /v1/clusterprofiles/web/diff': {
        body: {
          ...diff,
          added: [],
          removed: [],
          reordered: [],
          changed: [],
          fields: [],
          unchanged: true,
          variables: { added: [], removed: [], changed: [] },
        },
      },
      'POST /v1/projects/retail/clusterprofiles/web/versions/1.1.0/resolve': { body: stack },
      'POST /v1/clusterprofiles/web/versions/2.0.0/resolve': problemReply(
        'STRATA_VARIABLE_INVALID',
        'cannot resolve: 1 problems (listed in issues)',
        [{ path: '/variables/team', message: 'required' }],
      ),
    });
  });
  beforeEach(() => server.requests.splice(0));
  after(async () => {
    await server.close();
    await cleanup();
  });
  const env = (extra: Record<string, string> = {}) => ({ STRATA_SERVER: server.url, ...extra });
  const calls = () => server.requests.map((r) => `${r.method} ${r.path}`);

  it('publish posts to the version in the project and prints the published version', async () => {
    const r = await run(['profile', 'publish', 'web', '--version', '1.0.0', '-p', 'retail'], { env: env() });
    assert.deepEqual(r, { code: 0, stdout: 'clusterprofile/web@1.0.0 published\n', stderr: '' });
    assert.deepEqual(calls(), ['POST /v1/projects/retail/clusterprofiles/web/versions/1.0.0/publish']);
  });

  it('without --project / STRATA_PROJECT addresses the tenant-wide profile, even with a config default', async () => {
    const config = join(dir, 'config.json');
    await writeFile(config, JSON.stringify({ server: server.url, project: 'retail' }));
    const r = await run(['profile', 'publish', 'web', '--version', '1.0.0', '--config', config]);
    assert.equal(r.code, 0, r.stderr);
    const viaEnv = await run(['profile', 'publish', 'web', '--version', '1.0.0'], {
      env: env({ STRATA_PROJECT: 'retail' }),
    });
    assert.equal(viaEnv.code, 0, viaEnv.stderr);
    assert.deepEqual(calls(), [
      'POST /v1/clusterprofiles/web/versions/1.0.0/publish',
      'POST /v1/projects/retail/clusterprofiles/web/versions/1.0.0/publish',
    ]);
  });

  it('publish of an invalid draft prints every issue and the code, exit 1', async () => {
    const r = await run(['profile', 'publish', 'web', '--version', '9.9.9'], { env: env() });
    assert.equal(r.code, 1);
    assert.equal(
      r.stderr,
      'error: cannot publish: 1 problems (listed in issues)\n  /spec/layers/0/version: pack ubuntu has no version 1.0.0\ncode: STRATA_PROFILE_INVALID\n',
    );
  });

  it('a missing --version is a usage error and sends nothing', async () => {
    const r = await run(['profile', 'publish', 'web'], { env: env() });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /required option '--version <version>' not specified/);
    assert.match(r.stderr, /strata profile publish --help/);
    assert.equal(server.requests.length, 0);
  });

  it('clone posts the new version to the source version', async () => {
    const r = await run(['profile', 'clone', 'web', '--from', '1.0.0', '--to', '1.1.0', '-p', 'retail'], {
      env: env(),
    });
    assert.deepEqual(r, { code: 0, stdout: 'clusterprofile/web@1.1.0 created (draft)\n', stderr: '' });
    assert.deepEqual(calls(), ['POST /v1/projects/retail/clusterprofiles/web/versions/1.0.0/clone']);
    assert.deepEqual(JSON.parse(server.requests[0]!.body), { version: '1.1.0' });
  });

  it('diff prints layers added, removed, moved and changed with values and manifest diffs', async () => {
    const r = await run(['profile', 'diff', 'web', '1.0.0', '1.1.0', '-p', 'retail'], { env: env() });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(server.requests[0]!.body), { from: '1.0.0', to: '1.1.0' });
    assert.equal(
      r.stdout,
      `clusterprofile/web 1.0.0 -> 1.1.0
Layers:
  + metrics-server (added at position 6)
  - old-ingress (removed from position 5)
  > namespaces (moved from position 6 to 5)
  ~ sandbox-csi (changed)
      version: "0.1.0" -> "0.2.0"
      values:
        ~ /storageClass/name: "sandbox" -> "fast"
        + /debug: true
  ~ team (changed)
      manifest:
        --- a/team/manifest.yaml
        +++ b/team/manifest.yaml
        @@ -1 +1 @@
        -name: a
        +name: b
Variables:
  + region
  ~ team (default, regex)
Profile:
  ~ description: <none> -> "Web clusters"
`,
    );
  });

  it('diff says when only the version differs; -o json and -o yaml print the server diff', async () => {
    const same = await run(['profile', 'diff', 'web', '1.0.0', '1.1.0'], { env: env() });
    assert.equal(same.stdout, 'clusterprofile/web 1.0.0 -> 1.1.0: no differences besides the version\n');
    const json = await run(['profile', 'diff', 'web', '1.0.0', '1.1.0', '-p', 'retail', '-o', 'json'], {
      env: env(),
    });
    assert.deepEqual(JSON.parse(json.stdout), diff);
    const yaml = await run(['profile', 'diff', 'web', '1.0.0', '1.1.0', '-p', 'retail', '-o', 'yaml'], {
      env: env(),
    });
    assert.deepEqual(parse(yaml.stdout), diff);
    const bad = await run(['profile', 'diff', 'web', '1.0.0', '1.1.0', '-o', 'table'], { env: env() });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /unknown output format "table": use one of text, json, yaml/);
  });

  it('resolve sends variables from --values-file and --set (which wins), overrides and system', async () => {
    const values = join(dir, 'preview.yaml');
    await writeFile(
      values,
      'variables: {team: from-file, replicas: 2}\noverrides:\n  sandbox-csi: {values: "x: 1\\n"}\nsystem: {region: eu-west-1}\n',
    );
    const r = await run(
      [
        'profile',
        'resolve',
        'web',
        '--version',
        '1.1.0',
        '-p',
        'retail',
        '--values-file',
        values,
        '--set',
        'team=x',
        '--set',
        'note=a=b',
      ],
      { env: env() },
    );
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(calls(), ['POST /v1/projects/retail/clusterprofiles/web/versions/1.1.0/resolve']);
    assert.deepEqual(JSON.parse(server.requests[0]!.body), {
      variables: { team: 'x', replicas: 2, note: 'a=b' },
      overrides: { 'sandbox-csi': { values: 'x: 1\n' } },
      system: { region: 'eu-west-1' },
    });
    assert.deepEqual(parse(r.stdout), stack);
  });

  it('resolve output is byte-identical for the same input; -o json too', async () => {
    const args = ['profile', 'resolve', 'web', '--version', '1.1.0', '-p', 'retail', '--set', 'team=x'];
    const first = await run(args, { env: env() });
    const second = await run(args, { env: env() });
    assert.equal(first.stdout, second.stdout);
    assert.equal(
      first.stdout,
      'layers:\n  - name: ubuntu\n    hash: sha256:aa\nhash: sha256:ff\nsensitive: []\n',
    );
    const json = await run([...args, '-o', 'json'], { env: env() });
    assert.equal(json.stdout, `${JSON.stringify(stack, null, 2)}\n`);
    assert.deepEqual(JSON.parse(server.requests[0]!.body), { variables: { team: 'x' } });
  });

  it('resolve refuses a bad --set or values file before sending anything', async () => {
    const bad = await run(['profile', 'resolve', 'web', '--version', '1.1.0', '--set', 'team'], {
      env: env(),
    });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--set expects NAME=VALUE, got "team"/);
    const file = join(dir, 'bad.yaml');
    await writeFile(file, 'variables: [a]\nlayers: {}\n');
    const badFile = await run(['profile', 'resolve', 'web', '--version', '1.1.0', '--values-file', file], {
      env: env(),
    });
    assert.equal(badFile.code, 1);
    assert.match(
      badFile.stderr,
      /not a valid values file\n {2}\/variables: must be a map\n {2}\/layers: unknown key/,
    );
    assert.equal(server.requests.length, 0);
  });

  it('resolve reports invalid variables with their paths, exit 1', async () => {
    const r = await run(['profile', 'resolve', 'web', '--version', '2.0.0'], { env: env() });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /\/variables\/team: required\ncode: STRATA_VARIABLE_INVALID/);
    assert.equal(r.stdout, '');
  });
});
