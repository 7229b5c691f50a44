import { strict as assert } from 'node:assert';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { ClusterPlan } from '@strata/api';
import { cannedObject, problemReply, startCannedServer, type CannedServer } from '@strata/client/testing';
import { run, tempDir } from '../testing/run.js';

const C = '/v1/projects/retail/clusters';
const spec = {
  provider: 'sandbox',
  nodePools: [
    { name: 'control-plane', controlPlane: true, count: 1 },
    { name: 'workers', count: 5 },
  ],
  profiles: [{ name: 'base', version: '1.3.0' }],
};
const cluster = (name: string, status: Record<string, unknown> = {}) =>
  cannedObject({ kind: 'Cluster', name, project: 'retail', spec, status });

/** base 1.2.0 → 1.3.0 moves the OS layer: both pools repave, approval needed. */
const osPlan: ClusterPlan = {
  layers: {
    from: 'sha256:a',
    to: 'sha256:b',
    added: [],
    removed: [],
    reordered: [],
    changed: [
      {
        profile: 'base',
        name: 'ubuntu',
        hash: { from: 'sha256:1', to: 'sha256:2' },
        fields: [],
        values: { changes: [{ path: '/image', type: 'changed', from: '24.04.1', to: '24.04.2' }], text: '' },
        objects: { added: [], removed: [], changed: [] },
      },
    ],
    unchanged: false,
  },
  pools: [
    { name: 'control-plane', controlPlane: true, repave: { reasons: ['os'] }, inPlace: [] },
    { name: 'workers', controlPlane: false, repave: { reasons: ['os'] }, inPlace: [] },
  ],
  repave: ['control-plane', 'workers'],
  approvalRequired: true,
  paused: false,
  unchanged: false,
};
const OS_PLAN_TEXT = `Plan for cluster/shop:
Layers:
  ~ base/ubuntu (changed)
      values:
        ~ /image: "24.04.1" -> "24.04.2"
Node pools:
  ~ control-plane (control plane): repave (OS layer changed)
  ~ workers: repave (OS layer changed)
Approval required: the repave of control-plane, workers waits for "strata cluster approve-repave shop -p retail".
`;
const scalePlan: ClusterPlan = {
  pools: [{ name: 'workers', controlPlane: false, scale: { from: 3, to: 5 }, inPlace: [] }],
  repave: [],
  approvalRequired: false,
  paused: false,
  unchanged: false,
};
const unchangedPlan: ClusterPlan = {
  pools: [],
  repave: [],
  approvalRequired: false,
  paused: false,
  unchanged: true,
};

interface UpgradeBody {
  profile: string;
  version: string;
  dryRun?: boolean;
}

/** An imported cluster adopting a generated profile: one release, a manifest layer with differences. */
const adoptionPlan: ClusterPlan = {
  ...unchangedPlan,
  unchanged: false,
  adoption: {
    stackHash: 'sha256:s',
    at: '2026-03-01T10:00:00.000Z',
    noChanges: false,
    dryRun: true,
    layers: [
      {
        profile: 'legacy',
        name: 'web',
        objects: [
          { object: { apiVersion: 'v1', kind: 'Service', namespace: 'web', name: 'web' }, action: 'adopt' },
        ],
        release: { name: 'web', namespace: 'web', action: 'adopt', revision: 2 },
      },
      {
        profile: 'legacy',
        name: 'api',
        objects: [],
        release: {
          name: 'api',
          namespace: 'api',
          action: 'upgrade',
          revision: 1,
          reason: 'values differ at /replicaCount',
        },
      },
      {
        profile: 'legacy',
        name: 'shop',
        objects: [
          {
            object: { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'shop', name: 'settings' },
            action: 'update',
            changes: [
              { path: '/data/color', type: 'changed', from: 'blue', to: 'green' },
              { path: '/data/size', type: 'added', to: 'L' },
            ],
          },
          {
            object: { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'shop', name: 'new' },
            action: 'create',
          },
        ],
      },
      {
        profile: 'legacy',
        name: 'ubuntu',
        objects: [],
        note: 'os layer: informational, nothing is applied in the cluster',
      },
    ],
  },
};

describe('strata cluster plan, upgrade, scale, approve-repave', () => {
  let server: CannedServer;
  let dir: string;
  let cleanup: () => Promise<void>;
  before(async () => {
    ({ dir, cleanup } = await tempDir());
    const upgrade =
      (applied: ClusterPlan, dry: ClusterPlan = applied) =>
      (req: { body: string }) => {
        const body = JSON.parse(req.body) as UpgradeBody;
        return {
          body: body.dryRun
            ? { plan: dry, proposed: cluster('shop') }
            : { plan: applied, cluster: cluster('shop') },
        };
      };
    server = await startCannedServer({
      [`POST ${C}/shop/plan`]: (req) => {
        const body = JSON.parse(req.body) as { spec: { nodePools: { count: number }[] } };
        if (body.spec.nodePools[0]!.count < 0)
          return problemReply(
            'STRATA_VALIDATION_FAILED',
            'the Cluster is not valid: 2 problems (listed in issues)',
            [
              { path: '/spec/nodePools/0/count', message: 'must be >= 0' },
              {
                path: '/spec/profiles/0/version',
                message: 'clusterprofile base has no published version 9.9.9',
              },
            ],
          );
        return { body: { plan: scalePlan, proposed: cluster('shop') } };
      },
      [`POST ${C}/legacy/plan`]: { body: { plan: adoptionPlan, proposed: cluster('legacy') } },
      [`POST ${C}/adopted/plan`]: {
        body: {
          plan: {
            ...adoptionPlan,
            adoption: {
              ...adoptionPlan.adoption!,
              noChanges: true,
              layers: adoptionPlan.adoption!.layers.slice(0, 1),
            },
          },
          proposed: cluster('adopted'),
        },
      },
      [`POST ${C}/offline/plan`]: {
        body: {
          plan: { ...unchangedPlan, adoptionUnavailable: 'the agent of this cluster is not connected' },
          proposed: cluster('offline'),
        },
      },
      [`POST ${C}/shop/upgrade`]: upgrade(osPlan),
      [`POST ${C}/same/upgrade`]: upgrade(unchangedPlan),
      [`POST ${C}/moving/upgrade`]: upgrade(osPlan, scalePlan),
      [`POST ${C}/shop/scale`]: (req) => {
        const body = JSON.parse(req.body) as { pool: string };
        if (body.pool !== 'workers')
          return problemReply(
            'STRATA_VALIDATION_FAILED',
            'the request is not valid: 1 problem (listed in issues)',
            [
              {
                path: '/pool',
                message: `cluster "shop" has no node pool "${body.pool}"; pools: control-plane, workers`,
              },
            ],
          );
        return { body: cluster('shop') };
      },
      [`POST ${C}/shop/approve-repave`]: {
        body: cluster('shop', {
          pendingRepave: {
            reason: 'OS layer changed',
            pools: ['control-plane', 'workers'],
            approved: true,
            target: 't1',
          },
        }),
      },
      [`POST ${C}/idle/approve-repave`]: problemReply(
        'STRATA_CONFLICT',
        'cluster "idle" has no repave waiting for approval',
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
  const bodies = () => server.requests.map((r) => JSON.parse(r.body) as unknown);
  const file = async (name: string, text: string) => {
    const path = join(dir, name);
    await writeFile(path, text);
    return path;
  };

  describe('plan', () => {
    it('posts the Cluster document from -f and prints the readable plan', async () => {
      const path = await file(
        'shop.yaml',
        `apiVersion: strata.dev/v1alpha1\nkind: Cluster\nmetadata: {name: shop}\nspec: ${JSON.stringify(spec)}\n`,
      );
      const r = await run(['cluster', 'plan', 'shop', '-f', path, '-p', 'retail'], { env: env() });
      assert.deepEqual(r, {
        code: 0,
        stdout: `Plan for cluster/shop:
Node pools:
  ~ workers: scale 3 -> 5
No approval needed: no node pool is repaved.
`,
        stderr: '',
      });
      assert.deepEqual(calls(), [`POST ${C}/shop/plan`]);
      assert.deepEqual(bodies(), [
        { apiVersion: 'strata.dev/v1alpha1', kind: 'Cluster', metadata: { name: 'shop' }, spec },
      ]);
    });

    it('wraps a bare spec in {spec}; takes the project from the file when no flag gives one', async () => {
      const bare = await file('bare.yaml', JSON.stringify(spec));
      const r = await run(['cluster', 'plan', 'shop', '-f', bare, '-p', 'retail'], { env: env() });
      assert.equal(r.code, 0, r.stderr);
      const own = await file(
        'own.yaml',
        `kind: Cluster\nmetadata: {name: shop, project: retail}\nspec: {provider: sandbox, nodePools: [{name: w, count: 1}]}\n`,
      );
      const r2 = await run(['cluster', 'plan', 'shop', '-f', own], { env: env() });
      assert.equal(r2.code, 0, r2.stderr);
      assert.deepEqual(calls(), [`POST ${C}/shop/plan`, `POST ${C}/shop/plan`]);
      assert.deepEqual(bodies()[0], { spec });
    });

    it('reads the proposed Cluster from stdin with -f -', async () => {
      const r = await run(['cluster', 'plan', 'shop', '-f', '-', '-p', 'retail'], {
        env: env(),
        stdin: `spec: ${JSON.stringify(spec)}\n`,
      });
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(bodies(), [{ spec }]);
    });

    it('-o json and -o yaml print the server response as is', async () => {
      const path = await file('plain.yaml', `spec: ${JSON.stringify(spec)}\n`);
      const json = await run(['cluster', 'plan', 'shop', '-f', path, '-p', 'retail', '-o', 'json'], {
        env: env(),
      });
      assert.equal(json.code, 0, json.stderr);
      assert.deepEqual(JSON.parse(json.stdout), { plan: scalePlan, proposed: cluster('shop') });
      const yaml = await run(['cluster', 'plan', 'shop', '-f', path, '-p', 'retail', '-o', 'yaml'], {
        env: env(),
      });
      assert.match(yaml.stdout, /^plan:\n {2}pools:\n {4}- name: workers\n/);
    });

    it('imported clusters: a table of what adoption does and a one-line verdict, or why there is none', async () => {
      const path = await file('legacy.yaml', `spec: ${JSON.stringify(spec)}\n`);
      const r = await run(['cluster', 'plan', 'legacy', '-f', path, '-p', 'retail'], { env: env() });
      assert.equal(r.code, 0, r.stderr);
      const adoption = r.stdout.slice(r.stdout.indexOf('Adoption'));
      assert.equal(
        adoption,
        `Adoption (what the first apply does to what already runs; confirmed by server-side dry runs):
  LAYER           OBJECT OR RELEASE         ACTION    DETAILS
  legacy/web      release web/web           adopt     revision 2, not upgraded
  legacy/web      Service web/web           adopt
  legacy/api      release api/api           upgrade   values differ at /replicaCount; live revision 1
  legacy/shop     ConfigMap shop/settings   update    ~ /data/color: "blue" -> "green"
                                                      + /data/size: "L"
  legacy/shop     ConfigMap shop/new        create
  legacy/ubuntu   -                         -         os layer: informational, nothing is applied in the cluster
Adoption makes 3 changes: 1 object to create, 1 object to update, 1 release to upgrade.
`,
      );
      const same = await run(['cluster', 'plan', 'adopted', '-f', path, '-p', 'retail'], { env: env() });
      assert.match(
        same.stdout,
        /\nAdoption changes nothing: every object and release is adopted as it is\.\n$/,
      );
      const offline = await run(['cluster', 'plan', 'offline', '-f', path, '-p', 'retail'], { env: env() });
      assert.match(
        offline.stdout,
        /\nAdoption: not previewed \(the agent of this cluster is not connected\)\.\n$/,
      );
    });

    it('an invalid spec exits 1 with every issue from the server', async () => {
      const bad = await file('bad.yaml', 'spec: {provider: sandbox, nodePools: [{name: w, count: -1}]}\n');
      const r = await run(['cluster', 'plan', 'shop', '-f', bad, '-p', 'retail'], { env: env() });
      assert.deepEqual(r, {
        code: 1,
        stdout: '',
        stderr: `error: the Cluster is not valid: 2 problems (listed in issues)
  /spec/nodePools/0/count: must be >= 0
  /spec/profiles/0/version: clusterprofile base has no published version 9.9.9
code: STRATA_VALIDATION_FAILED
`,
      });
    });

    it('refuses unusable files before sending anything', async () => {
      const cases: [string, string, RegExp][] = [
        [
          'two.yaml',
          'spec: {a: 1}\n---\nspec: {b: 2}\n',
          /expected one Cluster document \(or a spec\), found 2/,
        ],
        [
          'kind.yaml',
          'kind: ClusterProfile\nmetadata: {name: shop}\nspec: {}\n',
          /\/kind: must be Cluster, not "ClusterProfile"/,
        ],
        ['nospec.yaml', 'kind: Cluster\nmetadata: {name: shop}\n', /\/spec: required/],
        ['broken.yaml', 'spec: [unclosed\n', /is not valid YAML\n {2}.*broken\.yaml#1: /],
        ['list.yaml', '- a\n- b\n', /must be a Cluster document or a Cluster spec/],
      ];
      for (const [name, text, expected] of cases) {
        const r = await run(['cluster', 'plan', 'shop', '-f', await file(name, text), '-p', 'retail'], {
          env: env(),
        });
        assert.equal(r.code, 1, name);
        assert.match(r.stderr, expected, name);
      }
      const missing = await run(['cluster', 'plan', 'shop', '-f', join(dir, 'nope.yaml'), '-p', 'retail'], {
        env: env(),
      });
      assert.match(missing.stderr, /nope\.yaml: cannot read the file/);
      assert.deepEqual(calls(), []);
    });

    it("a file's project that contradicts --project is refused; no project at all is a usage error", async () => {
      const own = await file('other.yaml', `metadata: {name: shop, project: retail}\nspec: {}\n`);
      const r = await run(['cluster', 'plan', 'shop', '-f', own, '-p', 'payments'], { env: env() });
      assert.equal(r.code, 1);
      assert.match(r.stderr, /metadata.project is "retail" but --project is "payments"/);
      const none = await run(['cluster', 'plan', 'shop', '-f', await file('p.yaml', 'spec: {}\n')], {
        env: env(),
      });
      assert.equal(none.code, 2);
      assert.match(none.stderr, /Cluster is project-scoped: pass --project/);
      assert.deepEqual(calls(), []);
    });
  });

  describe('upgrade', () => {
    const upgrade = (name: string, ...rest: string[]) => [
      'cluster',
      'upgrade',
      name,
      '-p',
      'retail',
      '--profile',
      'base@1.3.0',
      ...rest,
    ];

    it('--dry-run asks only for the plan and prints it', async () => {
      const r = await run(upgrade('shop', '--dry-run'), { env: env() });
      assert.deepEqual(r, { code: 0, stdout: `${OS_PLAN_TEXT}Dry run: nothing was changed.\n`, stderr: '' });
      assert.deepEqual(bodies(), [{ profile: 'base', version: '1.3.0', dryRun: true }]);
    });

    it('--yes upgrades in one request and prints the plan that was applied', async () => {
      const r = await run(upgrade('shop', '--yes'), { env: env() });
      assert.deepEqual(r, {
        code: 0,
        stdout: `${OS_PLAN_TEXT}cluster/shop upgraded to base@1.3.0\n`,
        stderr: '',
      });
      assert.deepEqual(bodies(), [{ profile: 'base', version: '1.3.0' }]);
    });

    it('without --yes and without a terminal: shows the plan, then refuses (exit 2) and changes nothing', async () => {
      const r = await run(upgrade('shop'), { env: env() });
      assert.equal(r.code, 2);
      assert.equal(r.stdout, OS_PLAN_TEXT);
      assert.match(
        r.stderr,
        /^error: not upgrading profile base of cluster\/shop to 1\.3\.0 without confirmation: stdin is not a terminal; pass --yes to upgrade/,
      );
      assert.deepEqual(bodies(), [{ profile: 'base', version: '1.3.0', dryRun: true }]);
    });

    it('on a terminal asks for confirmation; "y" upgrades', async () => {
      const r = await run(upgrade('shop'), { env: env(), tty: true, stdin: 'y\n' });
      assert.deepEqual(r, {
        code: 0,
        stdout: `${OS_PLAN_TEXT}cluster/shop upgraded to base@1.3.0\n`,
        stderr: 'Upgrade profile base of cluster/shop to 1.3.0? [y/N]: ',
      });
      assert.deepEqual(bodies(), [
        { profile: 'base', version: '1.3.0', dryRun: true },
        { profile: 'base', version: '1.3.0' },
      ]);
    });

    it('on a terminal anything but yes (or end of input) cancels with exit 1', async () => {
      for (const stdin of ['n\n', '\n', '']) {
        server.requests.splice(0);
        const r = await run(upgrade('shop'), { env: env(), tty: true, stdin });
        assert.equal(r.code, 1, JSON.stringify(stdin));
        assert.match(r.stderr, /Upgrade cancelled; nothing was changed\.\n$/);
        assert.equal(server.requests.length, 1, 'only the dry run');
      }
    });

    it('nothing to do: no prompt and no second request', async () => {
      const r = await run(upgrade('same'), { env: env(), tty: true, stdin: 'y\n' });
      assert.deepEqual(r, {
        code: 0,
        stdout:
          'Plan for cluster/same: no changes\nNothing to upgrade: cluster/same already uses base@1.3.0.\n',
        stderr: '',
      });
      assert.equal(server.requests.length, 1);
    });

    it('warns when the applied plan differs from the confirmed one', async () => {
      const r = await run(upgrade('moving'), { env: env(), tty: true, stdin: 'yes\n' });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /warning: the cluster changed after the plan was shown/);
      assert.match(
        r.stdout,
        /Plan for cluster\/moving:\nNode pools:\n {2}~ workers: scale 3 -> 5\n[\s\S]*Plan for cluster\/moving:\nLayers:/,
      );
    });

    it('-o json prints the raw response; without --yes or --dry-run it is a usage error', async () => {
      const r = await run(upgrade('shop', '--yes', '-o', 'json'), { env: env() });
      assert.deepEqual(JSON.parse(r.stdout), { plan: osPlan, cluster: cluster('shop') });
      const refused = await run(upgrade('shop', '-o', 'json'), { env: env() });
      assert.equal(refused.code, 2);
      assert.match(refused.stderr, /-o json needs --yes or --dry-run/);
      assert.equal(server.requests.length, 1);
    });

    it('--profile must be NAME@VERSION', async () => {
      for (const value of ['base', 'base@', '@1.3.0']) {
        const r = await run(['cluster', 'upgrade', 'shop', '-p', 'retail', '--profile', value, '--yes'], {
          env: env(),
        });
        assert.equal(r.code, 2, value);
        assert.match(r.stderr, /--profile expects NAME@VERSION/);
      }
      assert.deepEqual(calls(), []);
    });
  });

  describe('scale', () => {
    it('posts pool and count and says what changed', async () => {
      const r = await run(['cluster', 'scale', 'shop', '-p', 'retail', '--pool', 'workers', '--count', '5'], {
        env: env(),
      });
      assert.deepEqual(r, { code: 0, stdout: 'cluster/shop scaled: pool workers to 5 nodes\n', stderr: '' });
      assert.deepEqual(calls(), [`POST ${C}/shop/scale`]);
      assert.deepEqual(bodies(), [{ pool: 'workers', count: 5 }]);
    });

    it("an unknown pool exits 1 with the server's issue", async () => {
      const r = await run(['cluster', 'scale', 'shop', '-p', 'retail', '--pool', 'gpu', '--count', '2'], {
        env: env(),
      });
      assert.deepEqual(r, {
        code: 1,
        stdout: '',
        stderr: `error: the request is not valid: 1 problem (listed in issues)
  /pool: cluster "shop" has no node pool "gpu"; pools: control-plane, workers
code: STRATA_VALIDATION_FAILED
`,
      });
    });

    it('--count must be a whole number; nothing is sent otherwise', async () => {
      for (const count of ['-1', 'five', '2.5']) {
        const r = await run(
          ['cluster', 'scale', 'shop', '-p', 'retail', '--pool', 'workers', '--count', count],
          { env: env() },
        );
        assert.equal(r.code, 2, count);
        assert.match(r.stderr, /--count expects a whole number/);
      }
      assert.deepEqual(calls(), []);
    });
  });

  describe('approve-repave', () => {
    it('approves and names the pools and the reason', async () => {
      const r = await run(['cluster', 'approve-repave', 'shop', '-p', 'retail'], { env: env() });
      assert.deepEqual(r, {
        code: 0,
        stdout: 'cluster/shop repave approved: control-plane, workers (OS layer changed)\n',
        stderr: '',
      });
      assert.deepEqual(calls(), [`POST ${C}/shop/approve-repave`]);
    });

    it('exits 1 with the conflict when nothing is pending', async () => {
      const r = await run(['cluster', 'approve-repave', 'idle', '-p', 'retail'], { env: env() });
      assert.deepEqual(r, {
        code: 1,
        stdout: '',
        stderr: 'error: cluster "idle" has no repave waiting for approval\ncode: STRATA_CONFLICT\n',
      });
    });
  });

  it('cluster --help lists every subcommand', async () => {
    const r = await run(['cluster', '--help']);
    assert.equal(r.code, 0);
    for (const sub of [
      'plan',
      'upgrade',
      'scale',
      'approve-repave',
      'kubeconfig',
      'agent-manifest',
      'rotate-agent-token',
      'events',
    ])
      assert.match(r.stdout, new RegExp(`\\n  ${sub} `), sub);
  });
});
