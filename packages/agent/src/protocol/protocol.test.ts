/**
 * The protocol side of the agent against an in-test server: long poll resumes from the newest revision, status
 * reports go out on change and as heartbeats, queue while the server is gone and arrive in order when it returns,
 * and the token is read from its file on every request.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Backoff, type AgentStatusReport } from '@strata/api';
import { silentLogger } from '../log/logger.js';
import { ProtocolServer } from '../test/protocol-server.js';
import type { DesiredState } from './desired-state.js';
import { DesiredStatePoller } from './desired-state-poller.js';
import { HttpServerClient, ServerRejectedError, type ServerClient } from './server-client.js';
import { StatusReporter } from './status-reporter.js';

const fastBackoff = (): Backoff => new Backoff({ baseMs: 50, maxMs: 200 });

async function eventually(check: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('agent protocol client', () => {
  let dir: string;
  let tokenFile: string;
  let server: ProtocolServer;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'strata-agent-protocol-'));
    tokenFile = join(dir, 'token');
    await writeFile(tokenFile, 'sat.uid.one\n', { mode: 0o600 });
    server = new ProtocolServer({ token: 'sat.uid.one' });
    await server.start();
  });
  after(async () => {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('long-polls, resumes from the newest revision, and re-reads a rotated token', async () => {
    const client = new HttpServerClient({ serverUrl: server.url, tokenFile });
    const received: DesiredState[] = [];
    let revision = 0;
    const connection: boolean[] = [];
    const poller = new DesiredStatePoller({
      client,
      logger: silentLogger,
      position: () => ({ revision }),
      onDesiredState: async (_raw, state) => {
        received.push(state);
        revision = state.revision;
      },
      onConnection: (c) => connection.push(c),
      waitSeconds: 1,
      backoff: fastBackoff(),
    });
    poller.start();
    try {
      await eventually(() => server.polls.length >= 1, 'the first poll');
      assert.equal(server.polls[0]!.after, 0);
      server.publish({
        stack: { layers: [{ profile: 'p', name: 'a', hash: 'h1' }] },
        policy: { drift: 'report' },
      });
      await eventually(() => received.length === 1, 'revision 1');
      assert.equal(received[0]!.policy.drift, 'report');
      await eventually(() => server.polls.some((p) => p.after === 1), 'a poll resuming after revision 1');

      // Rotation: the server now wants a new token; the agent gets 401s until the file changes.
      server.token = 'sat.uid.two';
      await eventually(() => server.rejected.some((r) => r.status === 401), 'a rejected poll');
      // The server records the rejection before the agent reads the answer: wait for the agent to say so.
      await eventually(
        () => connection[connection.length - 1] === false,
        'the poller reporting the lost connection',
      );
      server.publish({ stack: { layers: [] } });
      await writeFile(tokenFile, 'sat.uid.two');
      await eventually(() => received.length === 2, 'revision 2 after rotation');
      assert.equal(received[1]!.revision, 2);
      assert.equal(connection[connection.length - 1], true);
    } finally {
      await poller.stop();
      server.token = 'sat.uid.one';
      await writeFile(tokenFile, 'sat.uid.one');
    }
  });

  it('a poll that gets no change within waitSeconds asks again (204)', async () => {
    const client = new HttpServerClient({ serverUrl: server.url, tokenFile });
    const before = server.polls.length;
    assert.equal(await client.desiredState({ revision: server.revision }, 1), undefined);
    assert.equal(server.polls.length, before + 1);
  });

  it('names the failure: 401 is a rejected token, a closed port is unreachable', async () => {
    const bad = join(dir, 'bad-token');
    await writeFile(bad, 'sat.uid.wrong');
    await assert.rejects(
      new HttpServerClient({ serverUrl: server.url, tokenFile: bad }).desiredState({ revision: 0 }, 1),
      (e: unknown) => {
        assert.ok(e instanceof ServerRejectedError);
        assert.equal(e.status, 401);
        assert.equal(e.serverCode, 'STRATA_UNAUTHENTICATED');
        return true;
      },
    );
    await assert.rejects(
      new HttpServerClient({ serverUrl: 'http://127.0.0.1:1', tokenFile }).postStatus(
        {} as AgentStatusReport,
      ),
      /unreachable/,
    );
    await assert.rejects(
      new HttpServerClient({ serverUrl: server.url, tokenFile: join(dir, 'missing') }).desiredState(
        { revision: 0 },
        1,
      ),
      /cannot read the token file/,
    );
  });

  it('fetches a bundled chart', async () => {
    server.charts.set('sha256:abc', { name: 'c', version: '1.0.0', files: { 'Chart.yaml': 'name: c' } });
    const chart = await new HttpServerClient({ serverUrl: server.url, tokenFile }).chart('sha256:abc');
    assert.deepEqual(chart, { name: 'c', version: '1.0.0', files: { 'Chart.yaml': 'name: c' } });
  });

  it('reports on change and as heartbeat, queues while the server is gone, and delivers in order', async () => {
    let state = 'Applied';
    let acked = 0;
    const reporter = new StatusReporter({
      client: new HttpServerClient({ serverUrl: server.url, tokenFile }),
      logger: silentLogger,
      build: () => ({
        protocol: 1,
        agentVersion: 'test',
        revision: 5,
        health: 'Healthy',
        layers: [{ profile: 'p', name: 'l', hash: 'h', state: state as 'Applied' }],
      }),
      onAck: (r) => (acked = r),
      onConnection: () => undefined,
      heartbeatMs: 300,
      backoff: fastBackoff(),
    });
    const start = server.reports.length;
    reporter.start();
    try {
      await eventually(() => server.reports.length >= start + 3, 'heartbeats');
      assert.equal(acked, server.revision);

      await server.stop();
      for (const s of ['Drifted', 'Drifted', 'Applying', 'Applied']) {
        state = s;
        reporter.changed();
      }
      await new Promise((r) => setTimeout(r, 400));
      // Drifted twice collapses; the heartbeat while offline adds nothing new after the last Applied.
      assert.ok(reporter.queueLength >= 3, `queued ${reporter.queueLength}`);
      const offlineFrom = server.reports.length;

      await server.start();
      await eventually(() => reporter.queueLength === 0, 'the queue to drain');
      const states = server.reports.slice(offlineFrom).map((r) => r.layers[0]!.state);
      assert.deepEqual(states.slice(0, 3), ['Drifted', 'Applying', 'Applied']);
      const times = server.reports.slice(offlineFrom).map((r) => Date.parse(r.observedAt));
      assert.deepEqual(
        times,
        [...times].sort((a, b) => a - b),
        'reports arrive oldest first',
      );
    } finally {
      await reporter.stop();
    }
  });

  it('hands a preview to onPreview without taking the revision it travels with as new, or persisting it', async () => {
    const client = new HttpServerClient({ serverUrl: server.url, tokenFile });
    const received: unknown[] = [];
    const previews: string[] = [];
    const revision = server.publish({ stack: { layers: [] }, policy: { drift: 'report' } });
    let current = revision;
    const poller = new DesiredStatePoller({
      client,
      logger: silentLogger,
      position: () => ({ revision: current }),
      onDesiredState: async (raw, state) => {
        received.push(raw);
        current = state.revision;
      },
      onRequest: (request) => previews.push(request.id),
      waitSeconds: 5,
      onConnection: () => undefined,
      backoff: fastBackoff(),
    });
    poller.start();
    try {
      await eventually(() => server.polls.some((p) => p.after === revision), 'a parked poll');
      const outcome = (p: Promise<unknown>) =>
        p.then(
          () => 'answered',
          (e: Error) => e.message,
        );
      const answered = outcome(server.requestPreview([{ profile: 'p', name: 'a', hash: 'h1' }], 2000));
      const mark = server.polls.length;
      await eventually(() => previews.length === 1, 'the preview, delivered at once');
      assert.equal(received.length, 0, 'the same revision is not applied again');
      await eventually(() => server.polls.length > mark, 'the next poll, parked again');
      // A new revision and a request in the same answer: both are taken, the request is not persisted with it.
      server.publish({ stack: { layers: [] }, policy: { drift: 'remediate' } });
      const both = outcome(server.requestPreview([{ profile: 'p', name: 'b', hash: 'h2' }], 2000));
      await eventually(() => received.length === 1 && previews.length === 2, 'the revision and the preview');
      assert.equal((received[0] as { request?: unknown }).request, undefined);
      assert.equal((received[0] as { revision: number }).revision, revision + 1);
      for (const p of [answered, both])
        assert.match(await p, /no answer to adoption-preview/, 'nobody answers here');
    } finally {
      await poller.stop();
    }
  });

  it('sends an attachment (the discovery) once, with the next report, and without it if the server refuses it', async () => {
    const posted: AgentStatusReport[] = [];
    let refuseAttached = false;
    const client: ServerClient = {
      desiredState: () => Promise.resolve(undefined),
      chart: () => Promise.reject(new Error('no charts')),
      postAnswer: () => Promise.resolve(),
      postStatus: (report) => {
        if (refuseAttached && report.discovery !== undefined)
          return Promise.reject(new ServerRejectedError(413, 'STRATA_PAYLOAD_TOO_LARGE', 'too large'));
        posted.push(report);
        return Promise.resolve({ revision: 0 });
      },
    };
    let attachment: unknown;
    const refused: unknown[] = [];
    const reporter = new StatusReporter({
      client,
      logger: silentLogger,
      build: () => ({ protocol: 1, agentVersion: 'test', revision: 1, health: 'Healthy', layers: [] }),
      onAck: () => undefined,
      onConnection: () => undefined,
      attach: (r) => (attachment === undefined ? r : { ...r, discovery: attachment }),
      onSent: (r) => {
        if (r.discovery === attachment) attachment = undefined;
      },
      onRefused: (r) => {
        refused.push(r.discovery);
        attachment = undefined;
        return true;
      },
      heartbeatMs: 100,
      backoff: fastBackoff(),
    });
    reporter.start();
    try {
      await eventually(() => posted.length >= 1, 'a first report');
      attachment = { n: 1 };
      reporter.changed();
      await eventually(() => posted.length >= 4, 'heartbeats after the attachment');
      assert.deepEqual(
        posted.filter((r) => r.discovery !== undefined).map((r) => r.discovery),
        [{ n: 1 }],
      );

      refuseAttached = true;
      const from = posted.length;
      attachment = { n: 2 };
      reporter.changed();
      await eventually(() => refused.length === 1 && posted.length > from, 'the report resent without it');
      assert.deepEqual(refused, [{ n: 2 }]);
      assert.ok(posted.slice(from).every((r) => r.discovery === undefined));
      assert.equal(reporter.counts.sent, posted.length);
    } finally {
      await reporter.stop();
    }
  });
});
