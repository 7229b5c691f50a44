/**
 * What the backup/restore drills share: `strata admin` as a real process, a desired state published the way the
 * Cluster controller does (ClusterAgents, encrypted with the data directory's key ring), and the agent's own protocol
 * code (HttpServerClient + DesiredStatePoller) long-polling a real server.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Backoff } from '@strata/api';
import { ClusterAgentRepository, openDatabase } from '@strata/store';
import { ClusterAgents } from '../../../packages/server/src/agent-gateway/cluster-agents.js';
import { openCipher } from '../../../packages/server/src/secrets.js';
import { DesiredStatePoller } from '../../../packages/agent/src/protocol/desired-state-poller.js';
import { HttpServerClient } from '../../../packages/agent/src/protocol/server-client.js';
import type { DesiredState } from '../../../packages/agent/src/protocol/desired-state.js';
import { silentLogger } from '../../../packages/agent/src/log/logger.js';

const ROOT = new URL('../../../', import.meta.url).pathname;
export const CLUSTER = { clusterUid: 'c-0001', tenant: 'default', project: 'retail', name: 'shop' };

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** `strata admin ARGS` as an operator runs it (its own process). */
export async function strataAdmin(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const child = spawn(process.execPath, [join(ROOT, 'bin/strata.js'), 'admin', ...args], {
    env: { ...process.env, STRATA_ENCRYPTION_KEYS: '', STRATA_ENCRYPTION_KEY: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number>((resolve) => child.once('exit', (c) => resolve(c ?? 1)));
  return { code, stdout, stderr };
}

/** Publishes a desired state (stack hash `stackHash`) for CLUSTER into the database at `url`; returns its revision. */
export async function publishDesired(o: {
  url: string;
  dataDir: string;
  stackHash: string;
}): Promise<number> {
  const handle = await openDatabase({ url: o.url });
  try {
    const agents = new ClusterAgents({
      repository: new ClusterAgentRepository({ db: handle.db }),
      cipher: await openCipher({ dataDir: o.dataDir, env: {} }),
    });
    const { revision } = await agents.publish(CLUSTER.clusterUid, {
      stack: { hash: o.stackHash, layers: [], sensitive: [] },
      policy: { drift: 'remediate', paused: false },
      mode: 'full',
    });
    return revision;
  } finally {
    await handle.close();
  }
}

/** Issues CLUSTER's agent token in the database at `url` and writes it to `tokenFile`. */
export async function issueAgentToken(o: { url: string; dataDir: string; tokenFile: string }): Promise<void> {
  const handle = await openDatabase({ url: o.url });
  try {
    const agents = new ClusterAgents({
      repository: new ClusterAgentRepository({ db: handle.db }),
      cipher: await openCipher({ dataDir: o.dataDir, env: {} }),
    });
    await writeFile(o.tokenFile, `${await agents.issueToken(CLUSTER)}\n`, { mode: 0o600 });
  } finally {
    await handle.close();
  }
}

/** The agent's protocol loop against a server URL, keeping what it accepted the way the agent's engine does. */
export class TestAgent {
  accepted: DesiredState[] = [];
  private poller: DesiredStatePoller | undefined;

  get current(): DesiredState | undefined {
    return this.accepted.at(-1);
  }

  start(serverUrl: string, tokenFile: string): void {
    this.poller = new DesiredStatePoller({
      client: new HttpServerClient({ serverUrl, tokenFile }),
      logger: silentLogger,
      position: () => ({ revision: this.current?.revision ?? 0, epoch: this.current?.epoch }),
      onDesiredState: (_raw, state) => {
        this.accepted.push(state);
        return Promise.resolve();
      },
      onConnection: () => undefined,
      waitSeconds: 5,
      backoff: new Backoff({ baseMs: 100, maxMs: 500 }),
    });
    this.poller.start();
  }

  async stop(): Promise<void> {
    await this.poller?.stop();
  }
}

/**
 * The handshake after a restore: the agent, ahead of the restored server, takes its revision 1 (`restoredStack`) in
 * a new epoch, then revision 2 once it is published.
 */
export async function expectAgentFollowsRestore(
  agent: TestAgent,
  o: { epochBefore: string | undefined; restoredStack: string; url: string; dataDir: string },
): Promise<void> {
  await eventually(() => agent.current?.revision === 1, 'the agent to take the restored revision 1', 30_000);
  assert.equal(agent.current?.stackHash, o.restoredStack);
  assert.ok(agent.current?.epoch, 'the restored server sends its epoch');
  assert.notEqual(agent.current?.epoch, o.epochBefore);
  assert.equal(await publishDesired({ url: o.url, dataDir: o.dataDir, stackHash: 'stack-next' }), 2);
  await eventually(() => agent.current?.revision === 2, 'the agent to take the next revision');
  assert.equal(agent.current?.stackHash, 'stack-next');
}

export async function eventually(check: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
