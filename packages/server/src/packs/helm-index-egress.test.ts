import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { DEFAULT_EGRESS_POLICY, parseEgressPolicy } from '@strata/core';
import { readHelmIndex } from './helm-index.js';

describe('Helm index reader: egress and URLs with a password', () => {
  let server: Server;
  let port = 0;
  const seen: (string | undefined)[] = [];
  before(async () => {
    server = createServer((req, res) => {
      seen.push(req.headers.authorization);
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(() => server.close());

  it('the default policy refuses the index of a loopback repository without asking it', async () => {
    const r = await readHelmIndex({ url: `http://127.0.0.1:${port}/`, egress: DEFAULT_EGRESS_POLICY });
    assert.equal(r.ok, false);
    assert.equal(r.condition.reason, 'EgressDenied');
    assert.deepEqual(seen, []);
  });

  it('a password in a stored URL (written before it was refused) is neither sent nor shown', async () => {
    const egress = parseEgressPolicy('127.0.0.0/8').policy;
    const missing = await readHelmIndex({ url: `http://robot:s3cret-pw@127.0.0.1:${port}/charts`, egress });
    assert.equal(missing.condition.reason, 'HttpError');
    assert.equal(
      missing.condition.message,
      `GET http://127.0.0.1:${port}/charts/index.yaml returned HTTP 404`,
    );
    assert.deepEqual(seen, [undefined]);
    const gone = await readHelmIndex({ url: 'http://robot:s3cret-pw@127.0.0.1:9/', egress });
    assert.equal(gone.condition.message, 'could not connect to http://127.0.0.1:9');
    const invalid = await readHelmIndex({ url: 'not a url with s3cret-pw', egress });
    assert.doesNotMatch(invalid.condition.message, /s3cret/);
  });
});
