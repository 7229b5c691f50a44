/**
 * The shared setup of the agent's cluster suites: a sandbox cluster, the in-test protocol server, a local Helm
 * repository with the test chart, a token file, and the agent under test. `install()` brings the cluster to the
 * suites' starting point: the 6-layer stack of test/stack.ts Applied.
 */
import { appendFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before } from 'node:test';
import type { AgentStatusReport, DriftEntry } from '@strata/api';
import type { JsonObject } from '@strata/core';
import { useSandboxCluster, type SandboxClusterFixture } from '@strata/testing';
import { Agent, type AgentOptions } from '../agent.js';
import { jsonLogger, silentLogger } from '../log/logger.js';
import { serveChartRepo, type ChartRepo } from './chart-repo.js';
import { desiredMessage, kubectl } from './cluster-helpers.js';
import { ProtocolServer } from './protocol-server.js';
import { appLayer, crdLayer, extraLayer, helmLayer, infoLayers } from './stack.js';

export const TOKEN = 'sat.uid-1.c2VjcmV0LXNlY3JldC1zZWNyZXQ';
export const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));

/** STRATA_AGENT_TEST_LOG=FILE writes the agents' JSON logs there (the test runner swallows child stderr). */
const logFile = process.env.STRATA_AGENT_TEST_LOG;
const logger = logFile
  ? jsonLogger({ level: 'debug', write: (l) => appendFileSync(logFile, l) })
  : silentLogger;

export function layerState(
  r: AgentStatusReport,
  key: string,
): AgentStatusReport['layers'][number] | undefined {
  return r.layers.find((l) => `${l.profile}.${l.name}` === key);
}

export function driftOf(r: AgentStatusReport, key: string): DriftEntry[] {
  return layerState(r, key)?.drift ?? [];
}

export interface AgentWorld {
  readonly fx: SandboxClusterFixture;
  readonly server: ProtocolServer;
  readonly repo: ChartRepo;
  readonly dir: string;
  readonly tokenFile: string;
  /** The in-process agent, if one runs (stopped in `after`). */
  agent: Agent | undefined;
  /** The layers last published with publishAndSettle. */
  stack: JsonObject[];
  startAgent(overrides?: Partial<AgentOptions>): Promise<Agent>;
  /** Publishes a stack and waits for a report of that revision in which every layer is Applied. */
  publishAndSettle(
    layers: JsonObject[],
    policy?: { drift: 'remediate' | 'report' },
  ): Promise<AgentStatusReport>;
  /** Creates the pre-existing ConfigMap the stack adopts, starts the agent, applies the 6-layer stack. */
  install(): Promise<AgentStatusReport>;
}

export function useAgentWorld(): AgentWorld {
  const fx = useSandboxCluster({ workers: 2 });
  let server: ProtocolServer | undefined;
  let repo: ChartRepo | undefined;
  let dir = '';
  const need = <T>(v: T | undefined): T => {
    if (v === undefined) throw new Error('the agent world is not set up (used outside a test?)');
    return v;
  };

  const world: AgentWorld = {
    fx,
    get server() {
      return need(server);
    },
    get repo() {
      return need(repo);
    },
    get dir() {
      return dir;
    },
    get tokenFile() {
      return join(dir, 'token');
    },
    agent: undefined,
    stack: [],
    startAgent: (overrides = {}) =>
      Agent.start({
        serverUrl: world.server.url,
        tokenFile: world.tokenFile,
        kubeconfigPath: fx.kubeconfigPath,
        helmPath: fx.bin('helm'),
        namespace: 'strata-system',
        layerTimeoutMs: 60_000,
        heartbeatMs: 2000,
        waitSeconds: 5,
        retryBaseMs: 1000,
        logger,
        ...overrides,
      }),
    publishAndSettle: async (layers, policy = { drift: 'remediate' }) => {
      world.stack = layers;
      const revision = world.server.publish(desiredMessage(layers, policy));
      return world.server.waitForReport(
        (r) =>
          r.revision === revision &&
          r.layers.length === layers.length &&
          r.layers.every((l) => l.state === 'Applied'),
        90_000,
      );
    },
    install: async () => {
      // An object that exists before Strata: the agent adopts it and must never delete it.
      await kubectl(
        fx,
        'create',
        'configmap',
        'preexisting',
        '-n',
        'default',
        '--from-literal=owner=someone',
      );
      world.agent = await world.startAgent();
      return world.publishAndSettle([
        ...infoLayers(),
        crdLayer(),
        helmLayer(world.repo.url),
        appLayer(),
        extraLayer(),
      ]);
    },
  };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'strata-agent-test-'));
    await writeFile(join(dir, 'token'), TOKEN, { mode: 0o600 });
    server = new ProtocolServer({ token: TOKEN });
    await server.start();
    repo = await serveChartRepo(fx.bin('helm'), join(dir, 'charts'));
  });

  after(async () => {
    await world.agent?.stop();
    await server?.stop();
    await repo?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  return world;
}
