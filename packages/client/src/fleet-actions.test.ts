import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import type { FleetClusters } from '@strata/api';
import { StrataClient } from './client.js';
import { startCannedServer, type CannedServer } from './testing/index.js';

const page: FleetClusters = {
  items: [],
  total: 0,
  offset: 50,
  facets: { project: {}, provider: {}, phase: {}, health: {}, kubernetesVersion: {} },
};

describe('StrataClient fleet list', () => {
  let server: CannedServer;
  let client: StrataClient;
  before(async () => {
    server = await startCannedServer({ 'GET /v1/fleet/clusters': { body: page } });
    client = new StrataClient({ server: server.url, apiKey: 'key-1' });
  });
  after(() => server.close());

  it('sends the filters that are set, and nothing for the others', async () => {
    const got = await client.fleet.clusters({
      project: 'shop',
      group: 'shop/eu',
      q: '',
      offset: 50,
      limit: 50,
    });
    assert.deepEqual(got, page);
    const sent = server.requests.at(-1)!.query;
    assert.deepEqual(Object.fromEntries(sent), {
      project: 'shop',
      group: 'shop/eu',
      offset: '50',
      limit: '50',
    });
  });
});
