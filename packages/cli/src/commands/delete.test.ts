import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import {
  cannedObject,
  problemReply,
  sseEvent,
  startCannedServer,
  startEventStream,
  type CannedServer,
} from '@strata/client/testing';
import { run } from '../testing/run.js';

const deleting = () => {
  const o = cannedObject({ kind: 'Project', name: 'slow', deletedAt: '2026-01-01T00:59:00Z' });
  o.metadata.finalizers = ['strata.dev/cleanup'];
  return o;
};

describe('strata delete', () => {
  let server: CannedServer;
  before(async () => {
    server = await startCannedServer({
      'DELETE /v1/projects/quick': { body: cannedObject({ kind: 'Project', name: 'quick' }) },
      'DELETE /v1/projects/slow': { body: deleting() },
      'GET /v1/projects/slow': { body: deleting() },
      'DELETE /v1/projects/stuck': {
        body: { ...deleting(), metadata: { ...deleting().metadata, name: 'stuck' } },
      },
      'GET /v1/projects/stuck': {
        body: { ...deleting(), metadata: { ...deleting().metadata, name: 'stuck' } },
      },
      'DELETE /v1/projects/missing': problemReply('STRATA_NOT_FOUND', 'Project "missing" not found'),
      'DELETE /v1/clusterprofiles/base/versions/1.0.0': {
        body: cannedObject({ kind: 'ClusterProfile', name: 'base', spec: { version: '1.0.0' } }),
      },
      'GET /v1/projects': (req, res) => {
        startEventStream(res);
        if (req.query.get('watch') === 'true') res.write(sseEvent({ type: 'DELETED', object: deleting() }));
        return undefined;
      },
    });
  });
  after(() => server.close());
  const env = () => ({ STRATA_SERVER: server.url });

  it('deletes and says so', async () => {
    assert.deepEqual(await run(['delete', 'project', 'quick'], { env: env() }), {
      code: 0,
      stdout: 'project/quick deleted\n',
      stderr: '',
    });
  });

  it('--dry-run asks the server with dryRun=All and says nothing was deleted', async () => {
    const r = await run(['delete', 'project', 'quick', '--dry-run'], { env: env() });
    assert.deepEqual(r, { code: 0, stdout: 'project/quick deleted (server dry run)\n', stderr: '' });
    const sent = server.requestsTo('DELETE /v1/projects/quick').at(-1)!;
    assert.equal(sent.query.get('dryRun'), 'All');
  });

  it('reports pending finalizers, and with --wait waits until the object is gone', async () => {
    const noWait = await run(['delete', 'project', 'slow'], { env: env() });
    assert.equal(
      noWait.stdout,
      'project/slow deletion requested (waiting for finalizers: strata.dev/cleanup)\n',
    );
    const waited = await run(['delete', 'project', 'slow', '--wait'], { env: env() });
    assert.equal(waited.code, 0, waited.stderr);
    assert.equal(
      waited.stdout,
      'project/slow deletion requested (waiting for finalizers: strata.dev/cleanup)\nproject/slow deleted\n',
    );
  });

  it('exits 4 when --wait times out', async () => {
    const r = await run(['delete', 'project', 'stuck', '--wait', '--timeout', '200ms'], { env: env() });
    assert.equal(r.code, 4);
    assert.match(
      r.stderr,
      /timed out after 200ms waiting for deletion on project\/stuck \(last seen: deleting\)/,
    );
  });

  it('a missing object is an error unless --ignore-not-found', async () => {
    assert.equal((await run(['delete', 'project', 'missing'], { env: env() })).code, 1);
    assert.deepEqual(await run(['delete', 'project', 'missing', '--ignore-not-found'], { env: env() }), {
      code: 0,
      stdout: '',
      stderr: '',
    });
  });

  it('deletes one version of a versioned kind', async () => {
    const r = await run(['delete', 'profile', 'base', '--version', '1.0.0'], { env: env() });
    assert.deepEqual([r.code, r.stdout], [0, 'clusterprofile/base@1.0.0 deleted\n']);
  });
});
