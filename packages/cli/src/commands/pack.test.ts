import { strict as assert } from 'node:assert';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import {
  cannedList,
  cannedObject,
  problemReply,
  startCannedServer,
  type CannedServer,
} from '@strata/client/testing';
import { parse } from 'yaml';
import { run, tempDir } from '../testing/run.js';

const builtin = { 'strata.dev/builtin': 'true' };
const pack = (
  name: string,
  version: string,
  spec: Record<string, unknown> = {},
  labels: Record<string, string> = builtin,
) =>
  cannedObject({
    kind: 'Pack',
    name,
    labels,
    spec: { version, layer: 'addon', type: 'manifest', ...spec },
  });

const ubuntu = pack('ubuntu', '24.04.1', {
  layer: 'os',
  description:
    'Ubuntu Server 24.04.1. Informational for the sandbox provider: its nodes are processes, not VMs.',
});
const cilium = pack('cilium', '1.18.4', {
  displayName: 'Cilium',
  layer: 'cni',
  type: 'helm',
  description: 'eBPF-based networking.',
  namespace: 'kube-system',
  constraints: {
    kubernetes: '>=1.30.0 <1.34.0',
    conflicts: [{ pack: 'calico', reason: 'one CNI per cluster' }],
    requires: [{ pack: 'kubernetes', range: '>=1.30.0' }],
  },
  chart: { repository: 'https://helm.cilium.io/', name: 'cilium', version: '1.18.4' },
  presets: [{ name: 'kube-proxy-replacement', group: 'kube-proxy', description: 'Replace kube-proxy' }],
  values: '# IPAM mode.\nipam:\n  mode: kubernetes\n',
});
const team = pack(
  'team-namespaces',
  '1.0.0',
  { manifests: [{ name: 'ns.yaml', content: 'kind: Namespace\n' }] },
  {},
);

describe('strata pack', () => {
  let server: CannedServer;
  let dir: string;
  let cleanup: () => Promise<void>;
  before(async () => {
    ({ dir, cleanup } = await tempDir());
    server = await startCannedServer({
      'GET /v1/packs': (req) =>
        req.query.get('continue') === 'p2'
          ? { body: cannedList([team]) }
          : { body: cannedList([cilium, ubuntu], { continue: 'p2' }) },
      'GET /v1/packs/cilium': { body: cilium },
      'GET /v1/packs/cilium/versions/1.17.4': { body: pack('cilium', '1.17.4') },
      'GET /v1/packs/team-namespaces': { body: team },
      'POST /v1/packs/push': [
        { status: 201, body: { action: 'created', object: team } },
        { status: 200, body: { action: 'unchanged', object: team } },
        problemReply('STRATA_IMMUTABLE', 'pack team-namespaces@1.0.0 exists with other content', [
          { path: '/values', message: 'differs from the stored pack' },
        ]),
        problemReply('STRATA_PACK_INVALID', 'the pack is not valid: 2 problems (listed in issues)', [
          { path: '/pack.yaml/layer', message: 'must be one of os, k8s, cni, csi, addon' },
          { path: '/manifests/ns.yaml', message: 'not valid YAML' },
        ]),
      ],
    });
  });
  beforeEach(() => server.requests.splice(0));
  after(async () => {
    await server.close();
    await cleanup();
  });
  const env = () => ({ STRATA_SERVER: server.url });

  it('list prints every page as a table with BUILTIN and a truncated one-line description', async () => {
    const r = await run(['pack', 'list'], { env: env() });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.stdout,
      `NAME              VERSION   LAYER   TYPE       BUILTIN   DESCRIPTION
cilium            1.18.4    cni     helm       yes       eBPF-based networking.
ubuntu            24.04.1   os      manifest   yes       Ubuntu Server 24.04.1. Informational for the sandbox provid…
team-namespaces   1.0.0     addon   manifest   no
`,
    );
    assert.deepEqual(
      server.requests.map((q) => q.query.get('continue')),
      [null, 'p2'],
    );
  });

  it('list passes -l; -o name, json and yaml', async () => {
    const names = await run(['pack', 'list', '-l', 'strata.dev/builtin=true', '-o', 'name'], { env: env() });
    assert.equal(names.stdout, 'pack/cilium@1.18.4\npack/ubuntu@24.04.1\npack/team-namespaces@1.0.0\n');
    assert.equal(server.requests[0]!.query.get('labelSelector'), 'strata.dev/builtin=true');
    const json = JSON.parse((await run(['pack', 'list', '-o', 'json'], { env: env() })).stdout) as {
      kind: string;
      items: { metadata: { name: string } }[];
    };
    assert.deepEqual(
      [json.kind, json.items.map((i) => i.metadata.name)],
      ['List', ['cilium', 'ubuntu', 'team-namespaces']],
    );
    const yaml = parse((await run(['pack', 'list', '-o', 'yaml'], { env: env() })).stdout) as {
      items: unknown[];
    };
    assert.equal(yaml.items.length, 3);
  });

  it('show prints a readable summary of the newest version', async () => {
    const r = await run(['pack', 'show', 'cilium'], { env: env() });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(server.requests[0]!.path, '/v1/packs/cilium');
    assert.equal(
      r.stdout,
      `Name:          cilium
Version:       1.18.4
Display name:  Cilium
Layer:         cni
Type:          helm
Built-in:      yes
Providers:     all
Namespace:     kube-system
Description:   eBPF-based networking.
Constraints:
  kubernetes >=1.30.0 <1.34.0
  requires kubernetes >=1.30.0
  conflicts calico (one CNI per cluster)
Content:
  chart cilium 1.18.4 from https://helm.cilium.io/
Presets:
  NAME                     GROUP        DESCRIPTION
  kube-proxy-replacement   kube-proxy   Replace kube-proxy
Default values:
  # IPAM mode.
  ipam:
    mode: kubernetes
`,
    );
  });

  it('show --version addresses the version; -o yaml/json print the object; manifests are listed', async () => {
    const yaml = await run(['pack', 'show', 'cilium', '--version', '1.17.4', '-o', 'yaml'], { env: env() });
    assert.equal(server.requests[0]!.path, '/v1/packs/cilium/versions/1.17.4');
    assert.deepEqual(parse(yaml.stdout), pack('cilium', '1.17.4'));
    const json = await run(['pack', 'show', 'team-namespaces', '-o', 'json'], { env: env() });
    assert.deepEqual(JSON.parse(json.stdout), team);
    const text = await run(['pack', 'show', 'team-namespaces'], { env: env() });
    assert.match(text.stdout, /Built-in: {6}no\n/);
    assert.match(text.stdout, /Content:\n {2}manifest ns\.yaml\n/);
    assert.match(text.stdout, /Constraints:\n {2}<none>\n/);
  });

  it('push sends the directory (text as strings, binary as base64, dot-directories skipped) and prints the action', async () => {
    const packDir = join(dir, 'team-namespaces');
    await mkdir(join(packDir, 'manifests'), { recursive: true });
    await mkdir(join(packDir, '.git'), { recursive: true });
    await writeFile(join(packDir, 'pack.yaml'), 'name: team-namespaces\nversion: 1.0.0\n');
    await writeFile(join(packDir, 'manifests', 'ns.yaml'), 'kind: Namespace\n');
    await writeFile(join(packDir, 'chart.tgz'), Buffer.from([0x1f, 0x8b, 0x08]));
    await writeFile(join(packDir, 'blob.bin'), Buffer.from([0x61, 0x00, 0x62]));
    await writeFile(join(packDir, '.git', 'HEAD'), 'ref: main\n');

    const first = await run(['pack', 'push', packDir], { env: env() });
    assert.deepEqual(first, { code: 0, stdout: 'pack/team-namespaces@1.0.0 created\n', stderr: '' });
    assert.equal(server.requests[0]!.path, '/v1/packs/push');
    assert.deepEqual(JSON.parse(server.requests[0]!.body), {
      files: {
        'blob.bin': { base64: Buffer.from([0x61, 0x00, 0x62]).toString('base64') },
        'chart.tgz': { base64: Buffer.from([0x1f, 0x8b, 0x08]).toString('base64') },
        'manifests/ns.yaml': 'kind: Namespace\n',
        'pack.yaml': 'name: team-namespaces\nversion: 1.0.0\n',
      },
    });
    const again = await run(['pack', 'push', packDir], { env: env() });
    assert.equal(again.stdout, 'pack/team-namespaces@1.0.0 unchanged\n');
    const changed = await run(['pack', 'push', packDir], { env: env() });
    assert.equal(changed.code, 1);
    assert.match(
      changed.stderr,
      /exists with other content\n {2}\/values: differs from the stored pack\ncode: STRATA_IMMUTABLE\n/,
    );
    const invalid = await run(['pack', 'push', packDir], { env: env() });
    assert.equal(invalid.code, 1);
    assert.equal(
      invalid.stderr,
      'error: the pack is not valid: 2 problems (listed in issues)\n  /pack.yaml/layer: must be one of os, k8s, cni, csi, addon\n  /manifests/ns.yaml: not valid YAML\ncode: STRATA_PACK_INVALID\n',
    );
  });

  it('push of a missing directory or a file exits 1 without sending', async () => {
    const missing = await run(['pack', 'push', join(dir, 'nope')], { env: env() });
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /nope: no such directory/);
    const file = join(dir, 'file.txt');
    await writeFile(file, 'x');
    const notDir = await run(['pack', 'push', file], { env: env() });
    assert.match(notDir.stderr, /not a directory/);
    assert.equal(server.requests.length, 0);
  });
});
