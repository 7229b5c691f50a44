import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AGENT_PROTOCOL_HEADER } from '@strata/api';
import { testBackends, requireSandboxBinaries } from '@strata/testing';
import {
  agentProtocol,
  createUserWithRole,
  expectOk,
  startTestServer,
  type TestServer,
} from '../test/harness.js';

const P = '/v1/projects/default';

const infra = (name: string, version: string, os = '24.04.1') => ({
  metadata: { name },
  spec: {
    type: 'full',
    version,
    variables: [
      { name: 'replicas', type: 'number', default: 1 },
      { name: 'team', type: 'string', default: 'web' },
    ],
    layers: [
      { pack: 'ubuntu', version: os },
      { pack: 'kubernetes', version: '1.36.3' },
      { pack: 'sandbox-cni', version: '0.1.0' },
      { pack: 'sandbox-csi', version: '0.1.0' },
      {
        name: 'team-ns',
        manifest: "apiVersion: v1\nkind: Namespace\nmetadata: {name: '{{ .var.team }}'}\n",
      },
    ],
  },
});

const addon = {
  metadata: { name: 'apps' },
  spec: {
    type: 'addon',
    version: '1.0.0',
    layers: [
      { name: 'cm', manifest: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, namespace: default}\n' },
    ],
  },
};

const cluster = (name: string, spec: Record<string, unknown> = {}) => ({
  metadata: { name },
  spec: {
    provider: 'sandbox',
    nodePools: [
      { name: 'cp', controlPlane: true, count: 1 },
      { name: 'workers', count: 2, min: 1, max: 5 },
    ],
    profiles: [{ name: 'base', version: '1.0.0' }],
    ...spec,
  },
});

await requireSandboxBinaries();

for (const backend of await testBackends()) {
  describe(`clusters through the API on ${backend.name}`, () => {
    let s: TestServer;
    before(async () => {
      s = await startTestServer(backend);
      for (const [body, publish] of [
        [infra('base', '1.0.0'), true],
        [infra('base', '1.1.0', '22.04.5'), true],
        [infra('base', '1.2.0'), false],
        [infra('other', '1.0.0'), true],
        [addon, true],
      ] as const) {
        await expectOk(s.call({ method: 'POST', url: `${P}/clusterprofiles`, body }));
        if (publish) {
          await expectOk(
            s.call({
              method: 'POST',
              url: `${P}/clusterprofiles/${body.metadata.name}/versions/${body.spec.version}/publish`,
            }),
          );
        }
      }
    });
    after(async () => s?.close());

    const create = (body: unknown) => s.call({ method: 'POST', url: `${P}/clusters`, body });
    const paths = (res: { body: Record<string, unknown> }) =>
      ((res.body.issues as { path: string }[] | undefined) ?? []).map((i) => i.path);

    const badInput: [string, Record<string, unknown>, string][] = [
      ['unknown provider', cluster('c1', { provider: 'nimbus' }), '/spec/provider'],
      [
        'unknown profile version',
        cluster('c1', { profiles: [{ name: 'base', version: '9.9.9' }] }),
        '/spec/profiles/0/version',
      ],
      [
        'unpublished profile version',
        cluster('c1', { profiles: [{ name: 'base', version: '1.2.0' }] }),
        '/spec/profiles/0/version',
      ],
      [
        'infra profile missing',
        cluster('c1', { profiles: [{ name: 'apps', version: '1.0.0' }] }),
        '/spec/profiles',
      ],
      [
        'two infra profiles',
        cluster('c1', {
          profiles: [
            { name: 'base', version: '1.0.0' },
            { name: 'other', version: '1.0.0' },
          ],
        }),
        '/spec/profiles/1',
      ],
      [
        'variable of the wrong type',
        cluster('c1', { profiles: [{ name: 'base', version: '1.0.0', variables: { replicas: 'three' } }] }),
        '/spec/profiles/0/variables/replicas',
      ],
      [
        'pool count below min',
        cluster('c1', {
          nodePools: [
            { name: 'cp', controlPlane: true, count: 1 },
            { name: 'workers', count: 0, min: 1 },
          ],
        }),
        '/spec/nodePools/1/count',
      ],
      [
        'control-plane pool with an even count',
        cluster('c1', { nodePools: [{ name: 'cp', controlPlane: true, count: 2 }] }),
        '/spec/nodePools/0/count',
      ],
      [
        'explicit Kubernetes version that is not built',
        cluster('c1', { kubernetesVersion: 'v1.20.0' }),
        '/spec/kubernetesVersion',
      ],
    ];
    for (const [what, body, path] of badInput) {
      it(`refuses ${what} with a 4xx naming ${path}, and stores nothing`, async () => {
        const res = await create(body);
        assert.ok(res.status >= 400 && res.status < 500, `${what}: ${res.status} ${res.text}`);
        assert.ok(paths(res).includes(path), `${what}: ${JSON.stringify(res.body.issues)}`);
        const list = await s.call({ method: 'GET', url: `${P}/clusters` });
        assert.deepEqual(list.body.items, []);
      });
    }

    it('reports several problems at once', async () => {
      const res = await create(
        cluster('c1', {
          provider: 'nimbus',
          nodePools: [{ name: 'cp', controlPlane: true, count: 2 }],
          profiles: [{ name: 'base', version: '9.9.9' }],
        }),
      );
      assert.equal(res.status, 422);
      for (const p of ['/spec/provider', '/spec/nodePools/0/count', '/spec/profiles/0/version']) {
        assert.ok(paths(res).includes(p), `${p} in ${JSON.stringify(res.body.issues)}`);
      }
    });

    it('creates a valid cluster as Pending with the infrastructure finalizer', async () => {
      const res = await expectOk(create(cluster('web')));
      assert.equal(res.status, 201);
      const meta = res.body.metadata as { finalizers: string[] };
      assert.deepEqual(meta.finalizers, ['strata.dev/infrastructure']);
      assert.equal((res.body.status as { phase: string }).phase, 'Pending');
    });

    it('keeps the platform finalizer when a client drops it, and refuses changing the provider', async () => {
      const current = await s.call({ method: 'GET', url: `${P}/clusters/web` });
      const body = { ...cluster('web'), metadata: { name: 'web', finalizers: [] } };
      const res = await expectOk(s.call({ method: 'PUT', url: `${P}/clusters/web`, body }));
      assert.deepEqual((res.body.metadata as { finalizers: string[] }).finalizers, [
        'strata.dev/infrastructure',
      ]);
      const moved = await s.call({
        method: 'PUT',
        url: `${P}/clusters/web`,
        body: cluster('web', { provider: 'nimbus' }),
      });
      assert.equal(moved.status, 422);
      assert.ok(paths(moved).includes('/spec/provider'));
      assert.ok(current.status === 200);
    });

    it('plans a values-only change without a repave, and an OS change as an approved-only repave', async () => {
      const values = await expectOk(
        s.call({
          method: 'POST',
          url: `${P}/clusters/web/plan`,
          body: cluster('web', {
            profiles: [{ name: 'base', version: '1.0.0', variables: { team: 'shop' } }],
          }),
        }),
      );
      const plan = values.body.plan as {
        repave: string[];
        approvalRequired: boolean;
        layers: { changed: unknown[] };
      };
      assert.deepEqual(plan.repave, []);
      assert.equal(plan.approvalRequired, false);
      assert.equal(plan.layers.changed.length, 1, 'the team-ns layer changes');

      const os = await expectOk(
        s.call({
          method: 'POST',
          url: `${P}/clusters/web/upgrade`,
          body: { profile: 'base', version: '1.1.0', dryRun: true },
        }),
      );
      const osPlan = os.body.plan as {
        repave: string[];
        approvalRequired: boolean;
        pools: { repave?: { reasons: string[] } }[];
      };
      assert.deepEqual(osPlan.repave, ['cp', 'workers']);
      assert.equal(osPlan.approvalRequired, true);
      assert.deepEqual(osPlan.pools[0]?.repave?.reasons, ['os']);
      const stored = await s.call({ method: 'GET', url: `${P}/clusters/web` });
      assert.equal(
        (stored.body.spec as { profiles: { version: string }[] }).profiles[0]?.version,
        '1.0.0',
        'a dry run stores nothing',
      );
    });

    it('plans refuse what an update would refuse (an unpublished version)', async () => {
      const res = await s.call({
        method: 'POST',
        url: `${P}/clusters/web/upgrade`,
        body: { profile: 'base', version: '1.2.0' },
      });
      assert.equal(res.status, 422);
      assert.ok(paths(res).includes('/spec/profiles/0/version'));
    });

    it('scales within min/max and names the pool or count otherwise', async () => {
      const tooMany = await s.call({
        method: 'POST',
        url: `${P}/clusters/web/scale`,
        body: { pool: 'workers', count: 9 },
      });
      assert.equal(tooMany.status, 422);
      assert.ok(paths(tooMany).includes('/spec/nodePools/1/count'));
      const noPool = await s.call({
        method: 'POST',
        url: `${P}/clusters/web/scale`,
        body: { pool: 'gpu', count: 1 },
      });
      assert.equal(noPool.status, 422);
      assert.ok(paths(noPool).includes('/pool'));
      const ok = await expectOk(
        s.call({ method: 'POST', url: `${P}/clusters/web/scale`, body: { pool: 'workers', count: 4 } }),
      );
      assert.equal((ok.body.spec as { nodePools: { count: number }[] }).nodePools[1]?.count, 4);
    });

    it('guards kubeconfig and approvals by permission, and profile versions in use against deletion', async () => {
      const viewer = await createUserWithRole(s, {
        user: 'vera',
        role: 'project-viewer',
        project: 'default',
      });
      const denied = await s.call({ method: 'POST', url: `${P}/clusters/web/kubeconfig`, key: viewer });
      assert.equal(denied.status, 403);
      const approve = await s.call({ method: 'POST', url: `${P}/clusters/web/approve-repave`, key: viewer });
      assert.equal(approve.status, 403);
      const early = await s.call({ method: 'POST', url: `${P}/clusters/web/kubeconfig` });
      assert.equal(early.status, 409, 'no control plane yet');
      const nothingPending = await s.call({ method: 'POST', url: `${P}/clusters/web/approve-repave` });
      assert.equal(nothingPending.status, 409);
      const inUse = await s.call({ method: 'DELETE', url: `${P}/clusterprofiles/base/versions/1.0.0` });
      assert.equal(inUse.status, 409);
      assert.match(String(inUse.body.detail), /default\/web/);
    });

    it('opens the agent gateway only to the cluster’s agent token', async () => {
      const noToken = await s.call({ method: 'GET', url: '/v1/agent/desired-state', key: null });
      assert.equal(noToken.status, 401);
      const userKey = await s.call({ method: 'GET', url: '/v1/agent/desired-state' });
      assert.equal(userKey.status, 401, 'an API key is not an agent token');
      const rotated = await expectOk(s.call({ method: 'POST', url: `${P}/clusters/web/rotate-agent-token` }));
      const token = String(rotated.body.token);
      assert.match(token, /^sat\./);
      const empty = await s.call({
        method: 'GET',
        url: '/v1/agent/desired-state?after=0&waitSeconds=0',
        key: token,
      });
      assert.equal(empty.status, 204, 'nothing published yet (no controller runs in this test)');
      const asUser = await s.call({ method: 'GET', url: `${P}/clusters`, key: token });
      assert.equal(asUser.status, 401, 'an agent token opens nothing else');

      const report = {
        protocol: 1,
        agentVersion: '0.1.0',
        revision: 0,
        observedAt: new Date().toISOString(),
        health: 'Healthy',
        layers: [{ profile: 'base', name: 'ubuntu', hash: 'sha256:x', state: 'Applied' }],
        futureField: 'ignored by a tolerant reader',
      };
      await expectOk(s.call({ method: 'POST', url: '/v1/agent/status', key: token, body: report }));
      const status = (await s.call({ method: 'GET', url: `${P}/clusters/web` })).body.status as {
        health: string;
        layers: { state: string }[];
      };
      assert.equal(status.health, 'Healthy');
      assert.equal(status.layers[0]?.state, 'Applied');

      const bad = await s.call({
        method: 'POST',
        url: '/v1/agent/status',
        key: token,
        body: { ...report, health: 'Great', revision: undefined },
      });
      assert.equal(bad.status, 422);
      assert.deepEqual(bad.body.issues, [
        { path: '/body/revision', message: 'required field is missing' },
        { path: '/body/health', message: 'must be one of "Healthy", "Degraded", "Unknown"' },
      ]);
      const badAndNoToken = await s.call({
        method: 'POST',
        url: '/v1/agent/status',
        key: null,
        body: { ...report, health: 'Great' },
      });
      assert.equal(badAndNoToken.status, 401, 'the token is checked before the body');
      const res = await s.app.inject({
        method: 'GET',
        url: '/v1/agent/desired-state',
        headers: { authorization: `Bearer ${token}`, [AGENT_PROTOCOL_HEADER]: '99' },
      });
      assert.equal(res.statusCode, 409);
      assert.match(res.body, /STRATA_PROTOCOL_UNSUPPORTED/);

      await expectOk(s.call({ method: 'POST', url: `${P}/clusters/web/rotate-agent-token` }));
      const old = await s.call({ method: 'GET', url: '/v1/agent/desired-state', key: token });
      assert.equal(old.status, 401, 'a rotated token stops working at once');
    });

    it('generates a draft profile from the discovery an agent reported', async () => {
      const early = await s.call({
        method: 'POST',
        url: `${P}/clusters/web/generate-profile`,
        body: { name: 'web-imported', version: '0.1.0' },
      });
      assert.equal(early.status, 409, 'no discovery yet');
      const token = String(
        (await expectOk(s.call({ method: 'POST', url: `${P}/clusters/web/rotate-agent-token` }))).body.token,
      );
      const discovery = {
        observedAt: new Date().toISOString(),
        durationMs: 50,
        kubernetesVersion: 'v1.36.3',
        distribution: { name: 'kubeadm', evidence: ['kubeadm-config'] },
        nodePools: [
          {
            name: 'cp',
            controlPlane: true,
            count: 1,
            ready: 1,
            osImage: 'Ubuntu 24.04.1 LTS',
            labels: {},
            taints: [],
          },
        ],
        cni: [{ name: 'sandbox', evidence: 'DaemonSet' }],
        csi: { drivers: ['csi.sandbox.strata.dev'], storageClasses: [] },
        ingress: [],
        helmReleases: [
          {
            name: 'x',
            namespace: 'y',
            chart: 'unknown-chart',
            version: '1.0.0',
            status: 'deployed',
            revision: 1,
            values: {},
          },
        ],
        workloads: [],
        counts: { objects: 3, namespaces: 1, nodes: 1 },
      };
      await agentProtocol(s, () => token).report({ discovery });
      const res = await expectOk(
        s.call({
          method: 'POST',
          url: `${P}/clusters/web/generate-profile`,
          body: { name: 'web-imported', version: '0.1.0' },
        }),
      );
      assert.equal(res.status, 201);
      const profile = res.body.profile as {
        spec: { layers: { pack?: string }[] };
        status: { state: string };
      };
      assert.deepEqual(
        profile.spec.layers.map((l) => l.pack),
        ['ubuntu', 'kubernetes', 'sandbox-cni', 'sandbox-csi'],
      );
      assert.equal(profile.status.state, 'Draft');
      assert.ok((res.body.unmatched as { item: string }[]).some((u) => u.item.includes('unknown-chart')));
    });

    it('renders no agent manifest for a provider that runs the agent itself', async () => {
      const res = await s.call({ method: 'POST', url: `${P}/clusters/web/agent-manifest` });
      assert.equal(res.status, 409);
      assert.match(String(res.body.detail), /sandbox provider runs the agent of "web" itself/);
    });

    it('deletion waits for the controller to remove the infrastructure (finalizer)', async () => {
      const res = await expectOk(s.call({ method: 'DELETE', url: `${P}/clusters/web` }));
      assert.ok(res.status < 300);
      const still = await s.call({ method: 'GET', url: `${P}/clusters/web` });
      assert.equal(still.status, 200);
      assert.ok((still.body.metadata as { deletedAt?: string }).deletedAt);
      const change = await s.call({ method: 'PUT', url: `${P}/clusters/web`, body: cluster('web') });
      assert.equal(change.status, 409, 'a cluster being deleted cannot change');
    });
  });
}
