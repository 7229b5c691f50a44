/**
 * Issue 23's end-to-end path: Palette packs and a Palette cluster profile export, imported with the strata CLI into a
 * real server process, the profile published, and a sandbox cluster brought to Running with it — the imported
 * manifest pack's objects in the cluster, carrying the translated macros and the profile variable.
 */
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { requireSandboxBinaries } from '@strata/testing';
import { api } from './support/api.js';
import { useCliSession } from './support/cli-session.js';
import { PROJECT, running, waitForCluster } from './support/clusters.js';
import { strata } from './support/run-strata.js';
import { clients, eventually } from './sandbox-support.js';

await requireSandboxBinaries();

const FIXTURES = fileURLToPath(new URL('../fixtures/palette/', import.meta.url));

describe('a Palette profile imported, published and running on a sandbox cluster', () => {
  const session = useCliSession('strata-palette-e2e');
  const env = () => ({ ...session.env, STRATA_PROJECT: 'default' });

  it('imports the pack and the profile with the CLI (dry run first), publishes, and runs a cluster with it', async () => {
    const dry = await strata(
      ['pack', 'import', '--from', 'palette', `${FIXTURES}packs/hello-manifests`, '--dry-run'],
      env(),
    );
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(
      dry.stdout,
      /^pack\/hello-manifests@1\.0\.0 would be imported \(dry run\) from hello-manifests/,
    );
    assert.match(dry.stdout, /dropped {4}\/pack\.json\/cloudTypes: cloud type "tke" has no Strata provider/);
    const packs = await strata(
      ['pack', 'import', '--from', 'palette', `${FIXTURES}packs/hello-manifests`],
      env(),
    );
    assert.equal(packs.code, 0, packs.stderr);
    assert.match(packs.stdout, /^pack\/hello-manifests@1\.0\.0 created/);

    const file = `${FIXTURES}profiles/sandbox-hello.yaml`;
    const check = await strata(['profile', 'import', '--from', 'palette', file, '--dry-run'], env());
    assert.equal(check.code, 0, check.stdout + check.stderr);
    assert.match(
      check.stdout,
      /clusterprofile\/palette-hello@1\.0\.0 is valid and would be created \(dry run\)/,
    );
    assert.match(check.stdout, /\.spectro\.pack\.kubernetes\.pack\.podCIDR → "10\.244\.0\.0\/16"/);
    const imported = await strata(['profile', 'import', '--from', 'palette', file], env());
    assert.equal(imported.code, 0, imported.stdout + imported.stderr);
    assert.match(imported.stdout, /clusterprofile\/palette-hello@1\.0\.0 created \(draft\)/);
    const published = await strata(['profile', 'publish', 'palette-hello', '--version', '1.0.0'], env());
    assert.equal(published.code, 0, published.stderr);

    const a = api(session.server.url, session.server.adminKey);
    const name = 'from-palette';
    await a.ok('POST', `${PROJECT}/clusters`, {
      metadata: { name },
      spec: {
        provider: 'sandbox',
        region: 'local',
        nodePools: [
          { name: 'cp', controlPlane: true, count: 1 },
          { name: 'workers', count: 1 },
        ],
        profiles: [{ name: 'palette-hello', version: '1.0.0', variables: { greeting: 'hi there' } }],
      },
    });
    const cluster = await waitForCluster(a, name, 'Running with all conditions True', running, 240_000);
    assert.deepEqual(
      cluster?.status.layers?.map((l) => [l.name, l.state]),
      [
        ['ubuntu', 'Applied'],
        ['kubernetes', 'Applied'],
        ['sandbox-cni', 'Applied'],
        ['sandbox-csi', 'Applied'],
        ['hello-manifests', 'Applied'],
        ['cluster-info', 'Applied'],
      ],
    );

    const { core } = clients((await a.call('POST', `${PROJECT}/clusters/${name}/kubeconfig`)).text);
    await eventually(async () => {
      const hello = await core.readNamespacedConfigMap({ name: 'hello', namespace: 'hello' });
      assert.deepEqual(hello.data, { message: `hi there from ${name}`, replicas: '1', region: 'local' });
      const info = await core.readNamespacedConfigMap({ name: 'cluster-info', namespace: 'default' });
      assert.deepEqual(info.data, { cluster: name, provider: 'sandbox' });
    });
    await a.ok('DELETE', `${PROJECT}/clusters/${name}`);
    await waitForCluster(a, name, 'gone', (c) => c === undefined, 120_000);
  });
});
