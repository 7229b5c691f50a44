/**
 * The shared provider conformance suite on the Cluster API provider (capi-dev): the real v1.14 managers and the
 * in-memory infrastructure on an embedded gateway. Nodes are observed through the gateway's Machines (the simulated
 * workload API servers serve no /version and no watch); CAPI-specific checks stay in capi-provider.test.ts.
 * Fails, never skips, without the Kubernetes binaries and the Cluster API managers.
 */
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { IN_MEMORY } from '@strata/capi';
import { runProviderConformance } from '@strata/provider-sdk/conformance';
import { leftOnGateway, machineObserver, startTestGateway, type TestGateway } from '../test/capi-gateway.js';
import { CapiProvider } from './capi-provider.js';

let gw: TestGateway | undefined;
const started = (): TestGateway => {
  if (!gw) throw new Error('the gateway did not start (see the before hook)');
  return gw;
};

before(async () => {
  gw = await startTestGateway('gw-conformance');
});
after(async () => {
  await gw?.stop();
});

runProviderConformance({
  name: 'capi-dev (in-memory infrastructure)',
  namePrefix: 'capi-conf',
  timeoutMs: 120_000,
  observer: machineObserver(() => started().client),
  makeProvider: () => {
    const { client } = started();
    return new CapiProvider({
      name: 'capi-dev',
      infrastructure: IN_MEMORY,
      gateway: async () => client,
      kubernetesVersions: ['v1.35.0', 'v1.35.1'],
    });
  },
  makeCluster: ({ name, kubernetesVersion, nodePools }) => ({
    name,
    kubernetesVersion,
    spec: { provider: 'capi-dev', nodePools },
  }),
  assertNothingLeft: async (cluster) => {
    assert.deepEqual(
      await leftOnGateway(started().client, cluster.name),
      [],
      'nothing of the cluster is left on the gateway',
    );
  },
});
