/** Shared pieces of the Cluster API e2e suites: the infra profile, and an embedded gateway brought up Ready. */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { GatewayClient } from '@strata/capi';
import { Sandbox } from '@strata/sandbox';
import { eventually } from '../sandbox-support.js';
import type { Api } from './api.js';
import { PROJECT, infraLayers, publishProfile } from './clusters.js';
import { strata } from './run-strata.js';

/** An infra profile `base` 1.0.0 (OS, Kubernetes, sandbox CNI and CSI): what a capi-dev cluster attaches. */
export async function publishInfraProfile(a: Api): Promise<void> {
  await publishProfile(a, {
    metadata: { name: 'base' },
    spec: { type: 'infra', version: '1.0.0', layers: infraLayers() },
  });
}

/** A capi-dev Cluster on gateway `local`: 1 control-plane node and `workers` workers (surge 1), Kubernetes v1.35.0. */
export function capiClusterBody(name: string, workers = 2): Record<string, unknown> {
  return {
    metadata: { name },
    spec: {
      provider: 'capi-dev',
      gateway: 'local',
      kubernetesVersion: 'v1.35.0',
      profiles: [{ name: 'base', version: '1.0.0' }],
      nodePools: [
        { name: 'cp', controlPlane: true, count: 1 },
        {
          name: 'workers',
          count: workers,
          min: 1,
          max: 5,
          updateStrategy: { maxSurge: 1, maxUnavailable: 0 },
        },
      ],
    },
  };
}

/**
 * Applies the embedded Gateway `local` in the default project with the CLI (`env`: STRATA_SERVER etc.), waits until
 * it is Ready, and returns a client of its management cluster (the server's data directory is `dataDir`).
 */
export async function embeddedGatewayReady(
  a: Api,
  env: Record<string, string>,
  dataDir: string,
): Promise<GatewayClient> {
  const gateway = `kind: Gateway
metadata: {name: local}
spec: {type: embedded, description: this server's management cluster}
`;
  const applied = await strata(['apply', '-p', 'default', '-f', '-'], env, gateway);
  assert.equal(applied.code, 0, applied.stderr);
  const started = Date.now();
  await eventually(async () => {
    const gw = await a.ok('GET', `${PROJECT}/gateways/local`);
    assert.equal((gw.status as { phase: string }).phase, 'Ready', JSON.stringify(gw.status));
  }, 240_000);
  console.log(`gateway Ready after ${Date.now() - started} ms`);
  const sandbox = new Sandbox({ stateRoot: join(dataDir, 'gateways', 'sandbox') });
  return new GatewayClient(await sandbox.kubeconfig('strata-gateway'));
}
