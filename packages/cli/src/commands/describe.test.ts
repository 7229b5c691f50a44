import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { cannedObject, startCannedServer, type CannedServer } from '@strata/client/testing';
import { run } from '../testing/run.js';

describe('strata describe', () => {
  let server: CannedServer;
  before(async () => {
    server = await startCannedServer({
      'GET /v1/projects/dev/clusterprofiles/base/versions/1.2.0': {
        body: cannedObject({
          kind: 'ClusterProfile',
          name: 'base',
          project: 'dev',
          spec: { version: '1.2.0', type: 'full' },
          status: {
            state: 'Draft',
            conditions: [
              {
                type: 'Valid',
                status: 'True',
                reason: 'Checked',
                message: 'ok',
                lastTransitionTime: '2026-01-01T00:30:00Z',
              },
            ],
          },
        }),
      },
    });
  });
  after(() => server.close());

  it('prints metadata, spec, status and conditions of one version', async () => {
    const r = await run(['describe', 'profile', 'base', '--version', '1.2.0', '-p', 'dev'], {
      env: { STRATA_SERVER: server.url },
    });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Name:\s+base\nKind:\s+ClusterProfile\nVersion:\s+1\.2\.0\nProject:\s+dev\n/);
    assert.match(
      r.stdout,
      /Spec:\n {2}version: 1\.2\.0\n {2}type: full\nStatus:\n {2}state: Draft\nConditions:\n {2}TYPE\s+STATUS\s+REASON\s+AGE\s+MESSAGE\n {2}Valid\s+True\s+Checked\s+30m\s+ok\n$/,
    );
  });
});
