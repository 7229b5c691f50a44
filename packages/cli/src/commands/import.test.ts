import { strict as assert } from 'node:assert';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ClusterDiscovery, DiscoveredWorkload, SelectedObject } from '@strata/api';
import type { GeneratedProfileResult } from '@strata/client';
import {
  cannedObject,
  problemReply,
  sseEvent,
  startCannedServer,
  startEventStream,
  type CannedReply,
  type CannedServer,
  type RecordedRequest,
} from '@strata/client/testing';
import { UsageError } from '../exit-codes.js';
import { run, tempDir } from '../testing/run.js';
import { generatedProfileText } from './import-output.js';
import { parseGeneratedRef, parseImportFlags, type ImportFlags } from './import.js';

const C = '/v1/projects/retail/clusters';
const KUBECONFIG = 'apiVersion: v1\nkind: Config\n# token inline\n';
const LINK = {
  url: 'https://strata.example.org/v1/import/sil_x.yaml',
  command: 'kubectl apply -f https://strata.example.org/v1/import/sil_x.yaml',
  expiresAt: '2026-01-01T02:00:00.000Z',
};
const discovery: ClusterDiscovery = {
  observedAt: '2026-01-01T00:59:00.000Z',
  durationMs: 812,
  kubernetesVersion: 'v1.36.3',
  distribution: { name: 'kubeadm', evidence: ['ConfigMap kube-system/kubeadm-config'] },
  nodePools: [
    { name: 'control-plane', controlPlane: true, count: 1, ready: 1, labels: {}, taints: [] },
    {
      name: 'workers',
      controlPlane: false,
      count: 2,
      ready: 1,
      cpu: '4',
      memory: '8Gi',
      labels: {},
      taints: [],
    },
  ],
  cni: [{ name: 'calico', version: '3.27.0', evidence: 'DaemonSet kube-system/calico-node' }],
  csi: {
    drivers: ['ebs.csi.aws.com'],
    storageClasses: [
      { name: 'gp3', provisioner: 'ebs.csi.aws.com', default: true },
      { name: 'slow', provisioner: 'ebs.csi.aws.com', default: false },
    ],
  },
  ingress: [],
  helmReleases: [
    {
      name: 'web',
      namespace: 'shop',
      chart: 'web',
      version: '1.2.3',
      status: 'deployed',
      revision: 2,
      values: { replicas: 3 },
    },
  ],
  workloads: [{ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'shop', name: 'settings' }],
  counts: { objects: 40, namespaces: 3, nodes: 3 },
};
const cluster = (name: string, spec: Record<string, unknown>, status: Record<string, unknown> = {}) =>
  cannedObject({ kind: 'Cluster', name, project: 'retail', resourceVersion: '7', spec, status });
const imported = (connect: 'server' | 'manifest', mode = 'read-only') => ({
  provider: 'imported',
  nodePools: [],
  import: { mode, connect },
});
const webLayer = {
  name: 'web',
  chart: { repository: 'https://charts.example.org', name: 'web', version: '1.2.3' },
};
const generated = {
  profile: cannedObject({
    kind: 'ClusterProfile',
    name: 'legacy',
    project: 'retail',
    spec: {
      type: 'full',
      version: '1.0.0',
      layers: [{ pack: 'ubuntu', version: '24.04.1' }, webLayer],
    },
  }),
  matched: [{ item: 'helm release shop/web', layer: 'web' }],
  unmatched: [{ item: 'cni calico 3.27.0', reason: 'the catalog has no calico pack with version 3.27.0' }],
};

/** Discovery of cluster/shop: a few objects in shop (7 of them deleted since), 200 in bulk, one ClusterRole. */
const bulkKinds: [string, string, number][] = [
  ['v1', 'ConfigMap', 120],
  ['apps/v1', 'Deployment', 50],
  ['v1', 'Service', 20],
  ['rbac.authorization.k8s.io/v1', 'Role', 5],
  ['rbac.authorization.k8s.io/v1', 'RoleBinding', 3],
  ['batch/v1', 'CronJob', 2],
];
const shopWorkloads: DiscoveredWorkload[] = [
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', name: 'shop-reader' },
  { apiVersion: 'v1', kind: 'Namespace', name: 'bulk' },
  { apiVersion: 'v1', kind: 'Namespace', name: 'shop' },
  ...bulkKinds.flatMap(([apiVersion, kind, n]) =>
    Array.from({ length: n }, (_, i) => ({ apiVersion, kind, namespace: 'bulk', name: `b${i}` })),
  ),
  ...Array.from({ length: 7 }, (_, i) => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    namespace: 'shop',
    name: `gone-${i}`,
  })),
  { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'shop', name: 'settings' },
  { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'web' },
  { apiVersion: 'v1', kind: 'Service', namespace: 'shop', name: 'web' },
];
const GONE = 'not found in the cluster (deleted since discovery?)';
/** What the server answers for selected objects: one manifest layer per namespace; `gone-*` objects unmatched. */
function generatedFor(body: { name: string; version: string; objects?: SelectedObject[] }) {
  if (!body.objects) return generated;
  const layers = new Map<string, string[]>();
  const unmatched = [...generated.unmatched];
  for (const o of body.objects) {
    const item = `${o.kind} ${o.namespace ? `${o.namespace}/` : ''}${o.name}`;
    if (o.name.startsWith('gone-')) unmatched.push({ item, reason: GONE });
    else {
      const layer = o.namespace ? `objects-${o.namespace}` : 'cluster-objects';
      layers.set(layer, [...(layers.get(layer) ?? []), item]);
    }
  }
  const manifests = [...layers.keys()].sort();
  return {
    profile: cannedObject({
      kind: 'ClusterProfile',
      name: body.name,
      project: 'retail',
      spec: {
        type: 'addon',
        version: body.version,
        layers: [webLayer, ...manifests.map((name) => ({ name, manifest: 'kind: ConfigMap\n' }))],
      },
    }),
    matched: [
      ...generated.matched,
      ...manifests.flatMap((layer) => layers.get(layer)!.map((item) => ({ item, layer }))),
    ],
    unmatched,
  };
}

const flags = (f: Partial<ImportFlags>): ImportFlags => ({ timeout: '2m', output: 'text', ...f });

describe('strata import: flags', () => {
  const usage: [string, Partial<ImportFlags>, RegExp][] = [
    ['nothing to do', {}, /give --kubeconfig FILE .*--manifest .*--generate-profile PROFILE/],
    [
      'both ways to connect',
      { kubeconfig: 'k', manifest: true },
      /--kubeconfig and --manifest exclude each other/,
    ],
    ['--mode alone', { mode: 'full', generateProfile: 'p' }, /--mode is for registering a cluster/],
    [
      'unknown mode',
      { kubeconfig: 'k', mode: 'admin' },
      /unknown --mode "admin": use one of read-only, full/,
    ],
    ['--wait with --manifest', { manifest: true, wait: true }, /--wait needs --kubeconfig: with --manifest/],
    ['--wait alone', { generateProfile: 'p', wait: true }, /--wait needs --kubeconfig/],
    [
      '--expires without --manifest',
      { kubeconfig: 'k', expires: '1h' },
      /--expires .* use it with --manifest/,
    ],
    [
      '--expires too short',
      { manifest: true, expires: '30s' },
      /--expires must be whole seconds from 1m to 24h/,
    ],
    ['--expires too long', { manifest: true, expires: '25h' }, /from 1m to 24h, got "25h"/],
    ['--expires not a duration', { manifest: true, expires: 'soon' }, /invalid duration "soon"/],
    ['generate after manifest', { manifest: true, generateProfile: 'p' }, /apply the manifest first/],
    ['bad timeout', { generateProfile: 'p', timeout: 'forever' }, /invalid duration "forever"/],
    ['bad output', { generateProfile: 'p', output: 'table' }, /unknown output format "table"/],
    ['empty profile', { generateProfile: '@1.0.0' }, /--generate-profile expects PROFILE or PROFILE@VERSION/],
    [
      '--include without --generate-profile',
      { kubeconfig: 'k', include: ['deployment/shop/web'] },
      /^--include needs --generate-profile: it picks discovered workloads to copy into the generated profile$/,
    ],
    [
      '--include-namespace without --generate-profile',
      { manifest: true, includeNamespace: ['shop'] },
      /^--include-namespace needs --generate-profile/,
    ],
    [
      'malformed --include',
      { generateProfile: 'p', include: ['deployment/shop/web', 'web'] },
      /^--include expects KIND\/NAMESPACE\/NAME \(namespaced\) or KIND\/NAME \(cluster-scoped\).*no "\/" in "web"$/,
    ],
    [
      'malformed --include-namespace',
      { generateProfile: 'p', includeNamespace: ['shop/web'] },
      /--include-namespace expects a namespace name \(e\.g\. shop\), got "shop\/web"/,
    ],
  ];
  for (const [name, given, message] of usage) {
    it(`usage error: ${name}`, () => {
      assert.throws(
        () => parseImportFlags('c', flags(given)),
        (e: unknown) => {
          assert.ok(e instanceof UsageError, String(e));
          assert.match(e.message, message);
          return true;
        },
      );
    });
  }

  it('reads the valid combinations', () => {
    assert.deepEqual(parseImportFlags('c', flags({ kubeconfig: 'k.yaml', wait: true })), {
      name: 'c',
      register: { connect: 'server', kubeconfig: 'k.yaml', mode: 'read-only' },
      wait: true,
      timeoutMs: 120_000,
      format: 'text',
    });
    assert.deepEqual(
      parseImportFlags('c', flags({ manifest: true, mode: 'full', expires: '30m', output: 'json' })),
      {
        name: 'c',
        register: { connect: 'manifest', mode: 'full', modeGiven: true, expiresInSeconds: 1800 },
        wait: false,
        timeoutMs: 120_000,
        format: 'json',
      },
    );
    assert.deepEqual(
      parseImportFlags('c', flags({ kubeconfig: '-', generateProfile: 'legacy@2.0.0', timeout: '5m' })),
      {
        name: 'c',
        register: { connect: 'server', kubeconfig: '-', mode: 'read-only' },
        wait: false,
        generate: { name: 'legacy', version: '2.0.0' },
        timeoutMs: 300_000,
        format: 'text',
      },
    );
    assert.deepEqual(
      parseImportFlags(
        'c',
        flags({
          generateProfile: 'legacy',
          include: ['Deployment/shop/web', 'Widget.example.com/w1'],
          includeNamespace: ['billing'],
        }),
      ).generate,
      {
        name: 'legacy',
        version: '1.0.0',
        selection: {
          include: [
            { text: 'Deployment/shop/web', kind: 'deployment', namespace: 'shop', name: 'web' },
            { text: 'Widget.example.com/w1', kind: 'widget', group: 'example.com', name: 'w1' },
          ],
          namespaces: ['billing'],
        },
      },
    );
    // commander's defaults for the repeatable flags: empty lists select nothing (and need no --generate-profile).
    assert.deepEqual(
      parseImportFlags('c', flags({ kubeconfig: 'k', include: [], includeNamespace: [] })).generate,
      undefined,
    );
    assert.deepEqual(parseGeneratedRef('legacy'), { name: 'legacy', version: '1.0.0' });
    assert.throws(() => parseGeneratedRef('legacy@'), UsageError);
  });
});

describe('strata import: generated profile text', () => {
  /** The canned objects are untyped resources; the text only reads what they have. */
  const textOf = (g: unknown) => generatedProfileText('shop', 'retail', g as GeneratedProfileResult);
  const unmatchedOf = (n: number) =>
    textOf({
      ...generated,
      unmatched: Array.from({ length: n }, (_, i) => ({ item: `ConfigMap shop/gone-${i}`, reason: GONE })),
    })
      .split('\n')
      .filter((l) => l.startsWith('  ConfigMap'));

  it('lists up to 5 unmatched items with one reason one per line, and summarises more in one line', () => {
    assert.deepEqual(
      unmatchedOf(5),
      [0, 1, 2, 3, 4].map((i) => `  ConfigMap shop/gone-${i}: ${GONE}`),
    );
    assert.deepEqual(unmatchedOf(6), [
      `  ConfigMap shop/gone-0, ConfigMap shop/gone-1, ConfigMap shop/gone-2 and 3 more (-o json lists all): ${GONE}`,
    ]);
  });

  it('says nothing about selected objects when none were selected, and names a manifest layer without matches', () => {
    const text = textOf({
      ...generated,
      profile: {
        ...generated.profile,
        spec: { type: 'addon', version: '1.0.0', layers: [{ name: 'x', manifest: '' }] },
      },
    });
    assert.match(text, /^ {2}1\. {3}x {3}manifest$/m);
    assert.doesNotMatch(text, /^Objects:/m);
  });
});

describe('strata import against a server', () => {
  let server: CannedServer;
  let dir: string;
  let cleanup: () => Promise<void>;
  /** Cluster GETs by name: a list is served in order, the last one repeating. */
  const gets = new Map<string, CannedReply[]>();
  const served = new Map<string, number>();
  before(async () => {
    ({ dir, cleanup } = await tempDir());
    await writeFile(join(dir, 'legacy.kubeconfig'), KUBECONFIG);
    server = await startCannedServer((req: RecordedRequest, res) => {
      const key = `${req.method} ${req.path}`;
      if (req.method === 'GET' && req.query.get('watch') === 'true') {
        startEventStream(res);
        if (req.query.get('resourceVersion') === '7')
          res.write(
            sseEvent({ type: 'MODIFIED', object: cluster('late', imported('server'), { discovery }) }),
          );
        return undefined;
      }
      if (req.method === 'POST' && req.path === C) {
        const body = JSON.parse(req.body) as { metadata: { name: string }; spec: Record<string, unknown> };
        if (body.metadata.name === 'bad')
          return problemReply('STRATA_VALIDATION_FAILED', '1 problem (listed in issues)', [
            {
              path: '/spec/kubeconfig/users/0/user/exec',
              message:
                'exec is not accepted: runs a command on the server; use a token or a client certificate',
            },
          ]);
        if (['edge', 'legacy-sandbox'].includes(body.metadata.name))
          return problemReply('STRATA_ALREADY_EXISTS', `Cluster "${body.metadata.name}" already exists`);
        const { kubeconfig: _secret, ...spec } = body.spec;
        return { status: 201, body: cluster(body.metadata.name, spec) };
      }
      const get = /^\/v1\/projects\/retail\/clusters\/([a-z0-9-]+)$/.exec(req.path);
      if (req.method === 'GET' && get) {
        const list = gets.get(get[1]!);
        if (!list) return problemReply('STRATA_NOT_FOUND', `Cluster "${get[1]}" not found`);
        const n = served.get(get[1]!) ?? 0;
        served.set(get[1]!, n + 1);
        return list[Math.min(n, list.length - 1)];
      }
      if (key.endsWith('/import-link')) return { status: 201, body: LINK };
      if (key.endsWith('/generate-profile'))
        return { status: 201, body: generatedFor(JSON.parse(req.body) as { name: string; version: string }) };
      return problemReply('STRATA_NOT_FOUND', `unexpected ${key}`);
    });
    gets.set('legacy', [{ body: cluster('legacy', imported('server'), { discovery }) }]);
    gets.set('edge', [{ body: cluster('edge', imported('manifest', 'full')) }]);
    gets.set('legacy-sandbox', [{ body: cluster('legacy-sandbox', { provider: 'sandbox', nodePools: [] }) }]);
    gets.set('shop', [
      {
        body: cluster('shop', imported('server'), { discovery: { ...discovery, workloads: shopWorkloads } }),
      },
    ]);
    gets.set('late', [{ body: cluster('late', imported('server'), {}) }]);
    gets.set('stuck', [
      {
        body: cluster('stuck', imported('server'), {
          phase: 'Provisioning',
          message: 'waiting for the agent',
        }),
      },
    ]);
  });
  after(async () => {
    await server.close();
    await cleanup();
  });
  const env = () => ({ STRATA_SERVER: server.url, STRATA_PROJECT: 'retail' });
  const requests = (key: string) => server.requests.filter((r) => `${r.method} ${r.path}` === key);

  it('--kubeconfig FILE creates the imported Cluster (connect server, read-only) with the file as kubeconfig', async () => {
    const r = await run(['import', 'fresh', '--kubeconfig', join(dir, 'legacy.kubeconfig')], { env: env() });
    assert.deepEqual(r, {
      code: 0,
      stdout: 'cluster/fresh imported (read-only); the server runs its agent\n',
      stderr: '',
    });
    const body = JSON.parse(requests(`POST ${C}`).at(-1)!.body) as Record<string, unknown>;
    assert.deepEqual(body, {
      apiVersion: 'strata.dev/v1alpha1',
      kind: 'Cluster',
      metadata: { name: 'fresh' },
      spec: {
        provider: 'imported',
        nodePools: [],
        import: { mode: 'read-only', connect: 'server' },
        kubeconfig: KUBECONFIG,
      },
    });
  });

  it('--kubeconfig - reads stdin; --mode full is sent', async () => {
    const r = await run(['import', 'piped', '--kubeconfig', '-', '--mode', 'full'], {
      env: env(),
      stdin: KUBECONFIG,
    });
    assert.equal(r.code, 0, r.stderr);
    const body = JSON.parse(requests(`POST ${C}`).at(-1)!.body) as { spec: Record<string, unknown> };
    assert.equal(body.spec.kubeconfig, KUBECONFIG);
    assert.deepEqual(body.spec.import, { mode: 'full', connect: 'server' });
  });

  it('the server’s refusal is shown with its paths (exit 1); unreadable or empty files send nothing', async () => {
    const bad = await run(['import', 'bad', '--kubeconfig', join(dir, 'legacy.kubeconfig')], { env: env() });
    assert.equal(bad.code, 1);
    assert.equal(
      bad.stderr,
      'error: 1 problem (listed in issues)\n' +
        '  /spec/kubeconfig/users/0/user/exec: exec is not accepted: runs a command on the server; use a token or a client certificate\n' +
        'code: STRATA_VALIDATION_FAILED\n',
    );
    const before = server.requests.length;
    const missing = await run(['import', 'x', '--kubeconfig', join(dir, 'nope')], { env: env() });
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /^error: cannot read the kubeconfig .*nope: ENOENT/);
    const empty = await run(['import', 'x', '--kubeconfig', '-'], { env: env(), stdin: '  \n' });
    assert.equal(empty.code, 1);
    assert.match(empty.stderr, /the kubeconfig <stdin> is empty/);
    assert.equal(server.requests.length, before, 'nothing was sent');
  });

  it('--wait prints a summary of the discovery report', async () => {
    const r = await run(['import', 'legacy', '--kubeconfig', join(dir, 'legacy.kubeconfig'), '--wait'], {
      env: env(),
    });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, 'Waiting for the discovery report of cluster/legacy (up to 2m)...\n');
    const lines = r.stdout.split('\n');
    assert.equal(lines[0], 'cluster/legacy imported (read-only); the server runs its agent');
    assert.equal(lines[1], 'Discovered in cluster/legacy (2026-01-01T00:59:00.000Z, 812 ms):');
    for (const expected of [
      /Distribution:\s+kubeadm \(ConfigMap kube-system\/kubeadm-config\)/,
      /Kubernetes:\s+v1\.36\.3/,
      /Nodes:\s+3 \(2 ready\)/,
      /Node pools:\s+control-plane \(1 node, control plane\); workers \(2 nodes, 4 CPU, 8Gi\)/,
      /CNI:\s+calico 3\.27\.0/,
      /CSI:\s+ebs\.csi\.aws\.com; storage classes gp3 \(default\), slow/,
      /Ingress:\s+none/,
      /Helm releases:\s+1: shop\/web \(web 1\.2\.3, deployed\)/,
      /Other objects:\s+1 object outside Helm, 3 namespaces/,
    ])
      assert.match(r.stdout, expected);
  });

  it('--wait follows the cluster until the report arrives', async () => {
    const r = await run(
      ['import', 'late', '--kubeconfig', join(dir, 'legacy.kubeconfig'), '--wait', '-o', 'json'],
      {
        env: env(),
      },
    );
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as {
      cluster: { metadata: { name: string } };
      discovery: ClusterDiscovery;
    };
    assert.equal(out.cluster.metadata.name, 'late');
    assert.deepEqual(out.discovery, discovery);
    assert.equal(r.stderr, '', 'nothing but JSON with -o json');
  });

  it('a discovery report that does not come in time exits 4 saying where the cluster is', async () => {
    const r = await run(['import', 'stuck', '--generate-profile', 'p', '--timeout', '300ms'], { env: env() });
    assert.equal(r.code, 4);
    assert.match(
      r.stderr,
      /error: no discovery report from cluster\/stuck within 300ms \(phase Provisioning: waiting for the agent; agent not connected\); run the command again with a longer --timeout/,
    );
    assert.equal(requests(`POST ${C}/stuck/generate-profile`).length, 0);
  });

  it('--generate-profile prints the draft, its layers and every unmatched item', async () => {
    const r = await run(['import', 'legacy', '--generate-profile', 'legacy'], { env: env() });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(requests(`POST ${C}/legacy/generate-profile`).at(-1)!.body), {
      name: 'legacy',
      version: '1.0.0',
    });
    assert.equal(
      r.stdout,
      [
        'clusterprofile/legacy@1.0.0 created (Draft, type full) from cluster/legacy',
        'Layers (2):',
        '  1.   ubuntu   pack ubuntu 24.04.1',
        '  2.   web      chart web 1.2.3 from https://charts.example.org',
        'Unmatched (1; not in the profile):',
        '  cni calico 3.27.0: the catalog has no calico pack with version 3.27.0',
        'Review it: strata get clusterprofile legacy --version 1.0.0 -p retail -o yaml',
        'Publish it: strata profile publish legacy --version 1.0.0 -p retail',
        '',
      ].join('\n'),
    );
  });

  it('--include / --include-namespace send the selected workloads; the layers count their objects', async () => {
    const r = await run(
      [
        'import',
        'shop',
        '--generate-profile',
        'shop@1.1.0',
        '--include-namespace',
        'shop',
        '--include',
        'clusterrole/shop-reader',
        '--include',
        'Deployment/shop/web',
        '--include-namespace',
        'bulk',
      ],
      { env: env() },
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.stderr,
      'Waiting for the discovery report of cluster/shop (up to 2m; the selection is resolved against it)...\n',
    );
    const body = JSON.parse(requests(`POST ${C}/shop/generate-profile`).at(-1)!.body) as {
      objects: SelectedObject[];
    };
    assert.deepEqual(
      body.objects,
      shopWorkloads.map(({ apiVersion, kind, namespace, name }) => ({
        apiVersion,
        kind,
        ...(namespace ? { namespace } : {}),
        name,
      })),
      'every discovered workload once, in the report’s order, with its apiVersion',
    );
    assert.equal(
      r.stdout,
      [
        'clusterprofile/shop@1.1.0 created (Draft, type addon) from cluster/shop',
        'Layers (4):',
        '  1.   web               chart web 1.2.3 from https://charts.example.org',
        '  2.   cluster-objects   manifest, 3 objects: ClusterRole shop-reader, Namespace bulk, Namespace shop',
        '  3.   objects-bulk      manifest, 200 objects (120 ConfigMap, 50 Deployment, 20 Service, 5 Role, 5 of 2 other kinds)',
        '  4.   objects-shop      manifest, 3 objects: ConfigMap shop/settings, Deployment shop/web, Service shop/web',
        'Objects: 206 of 213 selected copied into 3 manifest layers; 7 not (see Unmatched)',
        'Unmatched (8; not in the profile):',
        '  cni calico 3.27.0: the catalog has no calico pack with version 3.27.0',
        `  ConfigMap shop/gone-0, ConfigMap shop/gone-1, ConfigMap shop/gone-2 and 4 more (-o json lists all): ${GONE}`,
        'Review it: strata get clusterprofile shop --version 1.1.0 -p retail -o yaml',
        'Publish it: strata profile publish shop --version 1.1.0 -p retail',
        '',
      ].join('\n'),
    );

    const json = await run(
      ['import', 'shop', '--generate-profile', 'shop@1.1.1', '--include', 'service/shop/web', '-o', 'json'],
      { env: env() },
    );
    assert.equal(json.code, 0, json.stderr);
    assert.equal(json.stderr, '');
    const out = JSON.parse(json.stdout) as { generated: { matched: { item: string; layer: string }[] } };
    assert.deepEqual(out.generated.matched.at(-1), { item: 'Service shop/web', layer: 'objects-shop' });
  });

  it('a selection the discovery report does not have exits 2 with every problem and sends nothing', async () => {
    const generations = requests(`POST ${C}/shop/generate-profile`).length;
    const r = await run(
      [
        'import',
        'shop',
        '--generate-profile',
        'shop',
        '--include',
        'deployment/shop/wbe',
        '--include-namespace',
        'shopp',
      ],
      { env: env() },
    );
    assert.equal(r.code, 2);
    assert.equal(
      r.stderr,
      'Waiting for the discovery report of cluster/shop (up to 2m; the selection is resolved against it)...\n' +
        'error: 2 problems with the selection:\n' +
        '  --include deployment/shop/wbe matches no discovered workload; did you mean Deployment/shop/web?\n' +
        '  --include-namespace shopp has no discovered workloads; did you mean shop?\n' +
        '(resolved against the discovery report of cluster/shop from 2026-01-01T00:59:00.000Z)\n' +
        '(run "strata --help" for usage)\n',
    );
    assert.equal(requests(`POST ${C}/shop/generate-profile`).length, generations);
  });

  it('after registering, a selection that does not resolve says how to run it again', async () => {
    const generations = requests(`POST ${C}/legacy/generate-profile`).length;
    const r = await run(
      [
        'import',
        'legacy',
        '--kubeconfig',
        join(dir, 'legacy.kubeconfig'),
        '--generate-profile',
        'legacy@2.0.0',
        '--include',
        'Deployment/shop/web',
        '--include-namespace',
        'shop',
      ],
      { env: env() },
    );
    assert.equal(r.code, 2);
    assert.match(
      r.stderr,
      /\nerror: --include Deployment\/shop\/web matches no discovered workload: none is of that kind \(kinds found: ConfigMap\)\n\(resolved against the discovery report of cluster\/legacy from 2026-01-01T00:59:00\.000Z\)\nthe cluster is registered: fix the selection and run "strata import legacy -p retail --generate-profile legacy@2\.0\.0 --include-namespace shop --include Deployment\/shop\/web"\n/,
    );
    assert.equal(requests(`POST ${C}/legacy/generate-profile`).length, generations);
  });

  it('--manifest creates the Cluster (connect manifest) and prints the one-time kubectl command', async () => {
    const r = await run(['import', 'remote', '--manifest', '--expires', '2h'], { env: env() });
    assert.equal(r.code, 0, r.stderr);
    const body = JSON.parse(requests(`POST ${C}`).at(-1)!.body) as { spec: Record<string, unknown> };
    assert.deepEqual(body.spec, {
      provider: 'imported',
      nodePools: [],
      import: { mode: 'read-only', connect: 'manifest' },
    });
    assert.deepEqual(JSON.parse(requests(`POST ${C}/remote/import-link`).at(-1)!.body), {
      expiresInSeconds: 7200,
    });
    assert.equal(
      r.stdout,
      'cluster/remote imported (read-only, connected by manifest)\n' +
        'Run this where kubectl reaches the cluster; the link works once, until 2026-01-01T02:00:00.000Z:\n' +
        `  ${LINK.command}\n`,
    );
  });

  it('--manifest reuses a cluster imported by manifest before, and refuses anything else', async () => {
    const again = await run(['import', 'edge', '--manifest', '-o', 'yaml'], { env: env() });
    assert.equal(again.code, 0, again.stderr);
    assert.match(
      again.stdout,
      /importLink:\n {2}url: https:\/\/strata\.example\.org\/v1\/import\/sil_x\.yaml/,
    );
    assert.deepEqual(JSON.parse(requests(`POST ${C}/edge/import-link`).at(-1)!.body), {});
    const text = await run(['import', 'edge', '--manifest'], { env: env() });
    assert.match(text.stdout, /^cluster\/edge exists \(full, connected by manifest\)/);

    const otherMode = await run(['import', 'edge', '--manifest', '--mode', 'read-only'], { env: env() });
    assert.equal(otherMode.code, 1);
    assert.match(otherMode.stderr, /cluster\/edge already exists in mode full, not read-only/);
    const sandbox = await run(['import', 'legacy-sandbox', '--manifest'], { env: env() });
    assert.equal(sandbox.code, 1);
    assert.match(sandbox.stderr, /is not an imported cluster connected by manifest \(provider sandbox\)/);
    assert.equal(requests(`POST ${C}/legacy-sandbox/import-link`).length, 0);
  });

  it('usage errors exit 2 before any request', async () => {
    const before = server.requests.length;
    const r = await run(['import', 'x', '--manifest', '--wait'], { env: env() });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--wait needs --kubeconfig/);
    const noProject = await run(['import', 'x', '--manifest'], { env: { STRATA_SERVER: server.url } });
    assert.equal(noProject.code, 2);
    assert.match(noProject.stderr, /Cluster is project-scoped/);
    assert.equal(server.requests.length, before);
  });
});
