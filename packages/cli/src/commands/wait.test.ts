import { strict as assert } from 'node:assert';
import type { ServerResponse } from 'node:http';
import { after, describe, it } from 'node:test';
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
import { run } from '../testing/run.js';

const shop = (phase: string, rv: string) =>
  cannedObject({ kind: 'Project', name: 'shop', resourceVersion: rv, status: { phase } });
type Handler = (req: RecordedRequest, res: ServerResponse, n: number) => CannedReply | undefined;

describe('strata wait', () => {
  const servers: CannedServer[] = [];
  after(async () => {
    for (const s of servers) await s.close();
  });
  /** Routes GET /v1/projects/shop to `get` and the watch to `watch` (n counts calls of each). */
  const serve = async (get: (n: number) => CannedReply, watch: Handler = () => undefined) => {
    const counts = { get: 0, watch: 0 };
    const server = await startCannedServer((req, res) => {
      if (req.path === '/v1/projects/shop') return get(counts.get++);
      if (req.path === '/v1/projects' && req.query.get('watch') === 'true') {
        const reply = watch(req, res, counts.watch++);
        if (reply) return reply;
        if (!res.headersSent) startEventStream(res);
        return undefined;
      }
      return problemReply('STRATA_NOT_FOUND', 'unexpected');
    });
    servers.push(server);
    return { server, env: { STRATA_SERVER: server.url } };
  };

  it('returns at once when the condition already holds', async () => {
    const { server, env } = await serve(() => ({ body: shop('Running', '5') }));
    const r = await run(['wait', 'project', 'shop', "--for=jsonpath='{.status.phase}'=Running"], { env });
    assert.deepEqual(r, { code: 0, stdout: 'project/shop condition met\n', stderr: '' });
    assert.equal(server.requests.length, 1);
  });

  it('follows the watch from the object resourceVersion, ignoring other objects', async () => {
    const { server, env } = await serve(
      () => ({ body: shop('Provisioning', '5') }),
      (_req, res) => {
        startEventStream(res);
        res.write(
          sseEvent({
            type: 'MODIFIED',
            object: cannedObject({
              kind: 'Project',
              name: 'other',
              resourceVersion: '6',
              status: { phase: 'Running' },
            }),
          }),
        );
        res.write(sseEvent({ type: 'MODIFIED', object: shop('Running', '7') }));
        return undefined;
      },
    );
    const r = await run(
      ['wait', 'projects', 'shop', '--for', 'jsonpath={.status.phase}=Running', '--timeout', '5s'],
      { env },
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(server.requests.find((q) => q.query.get('watch'))!.query.get('resourceVersion'), '5');
  });

  it('exits 4 on timeout, saying what it last saw', async () => {
    const { env } = await serve(() => ({ body: shop('Provisioning', '5') }));
    const r = await run(
      ['wait', 'project', 'shop', '--for=jsonpath={.status.phase}=Running', '--timeout', '300ms'],
      { env },
    );
    assert.equal(r.code, 4);
    assert.equal(
      r.stderr,
      'error: timed out after 300ms waiting for {.status.phase}=Running on project/shop (last seen: Provisioning)\n',
    );
  });

  it('--for=delete: done when the object is gone, or when the watch says DELETED', async () => {
    const gone = await serve(() => problemReply('STRATA_NOT_FOUND', 'not found'));
    assert.deepEqual(await run(['wait', 'project', 'shop', '--for=delete'], { env: gone.env }), {
      code: 0,
      stdout: 'project/shop deleted\n',
      stderr: '',
    });
    const later = await serve(
      () => ({ body: shop('Deleting', '5') }),
      (_req, res) => {
        startEventStream(res);
        res.write(sseEvent({ type: 'DELETED', object: shop('Deleting', '6') }));
        return undefined;
      },
    );
    assert.equal((await run(['wait', 'project', 'shop', '--for=delete'], { env: later.env })).code, 0);
  });

  it('exits 1 when the object is deleted while waiting for something else', async () => {
    const { env } = await serve(
      () => ({ body: shop('Provisioning', '5') }),
      (_req, res) => {
        startEventStream(res);
        res.write(sseEvent({ type: 'DELETED', object: shop('Provisioning', '6') }));
        return undefined;
      },
    );
    const r = await run(['wait', 'project', 'shop', '--for=condition=Ready'], { env });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^error: project\/shop was deleted while waiting for condition Ready=True\n/);
  });

  it('reads the object again when the watch window has expired (410)', async () => {
    const { env } = await serve(
      (n) => ({ body: n === 0 ? shop('Provisioning', '5') : shop('Running', '40') }),
      () => problemReply('STRATA_GONE', 'resourceVersion 5 is too old'),
    );
    const r = await run(['wait', 'project', 'shop', '--for=jsonpath={.status.phase}=Running'], { env });
    assert.equal(r.code, 0, r.stderr);
  });

  it('exits 1 when the object does not exist', async () => {
    const { env } = await serve(() => problemReply('STRATA_NOT_FOUND', 'Project "shop" not found'));
    const r = await run(['wait', 'project', 'shop', '--for=condition=Ready'], { env });
    assert.deepEqual([r.code, r.stderr], [1, 'error: Project "shop" not found\ncode: STRATA_NOT_FOUND\n']);
  });
});
