/**
 * strata-agent: wires the protocol (long poll + status reporter), the reconciler, cluster facts and the ops server.
 * Start order matters for offline operation: the last desired state persisted in the cluster is loaded and
 * enforced without waiting for the server; the long poll then resumes from its revision.
 */
import { access, constants, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AGENT_PROTOCOL,
  Backoff,
  LAYER_STATES,
  type AgentMode,
  type AgentStatusReport,
  type ClusterDiscovery,
} from '@strata/api';
import { AgentError, errorMessage, sleep } from './errors.js';
import { loadKubeCredentials } from './kube/credentials.js';
import { KubeClient } from './kube/kube-client.js';
import { jsonLogger, type Logger } from './log/logger.js';
import { Metrics } from './ops/metrics.js';
import { OpsServer } from './ops/ops-server.js';
import { readDesiredState, type DesiredState } from './protocol/desired-state.js';
import { DesiredStatePoller } from './protocol/desired-state-poller.js';
import { HttpServerClient, type ServerClient } from './protocol/server-client.js';
import { StatusReporter } from './protocol/status-reporter.js';
import { HelmCli } from './helm/helm-cli.js';
import { ensureNamespace, InventoryStore } from './inventory/inventory-store.js';
import { RequestRunner } from './requests/request-runner.js';
import { DesiredStateStore } from './state/desired-state-store.js';
import { ClusterFacts } from './engine/cluster-facts.js';
import { DiscoveryLoop } from './discovery/discovery-loop.js';
import { Engine } from './engine/engine.js';
import { AGENT_VERSION } from './version.js';

export interface AgentOptions {
  /** The management server's base URL (the agent dials out to it). */
  serverUrl: string;
  /** File holding the agent token (`sat.<uid>.<secret>`), re-read on every request. */
  tokenFile: string;
  /** Absent: the default loading rules (KUBECONFIG, ~/.kube/config, in-cluster service account). */
  kubeconfigPath?: string;
  /** The helm binary; without it Helm layers fail with a clear message. */
  helmPath?: string;
  /** Where the inventory and the persisted desired state live. Default strata-system. */
  namespace?: string;
  /** `read-only`: never writes to the cluster, only reports. */
  mode?: AgentMode;
  /** HOST:PORT for /healthz and /metrics. Default 127.0.0.1:0 (a free port, logged). */
  listen?: string;
  /** Per-layer timeout for apply + readiness. Default 5 minutes. */
  layerTimeoutMs?: number;
  /**
   * Cluster discovery (import): at start, then this often; its result goes into the next status report. Default
   * 10 minutes; 0 disables it.
   */
  discoveryIntervalMs?: number;
  logger?: Logger;
  /** Overrides for tests. */
  heartbeatMs?: number;
  waitSeconds?: number;
  retryBaseMs?: number;
  serverClient?: ServerClient;
}

export class Agent {
  private readonly stopController = new AbortController();
  private loaded: Promise<void> | undefined;
  private serverConnected = false;
  private stopped = false;

  readonly options: AgentOptions;
  private readonly kube: KubeClient;
  private readonly engine: Engine;
  private readonly poller: DesiredStatePoller;
  private readonly reporter: StatusReporter;
  private readonly facts: ClusterFacts;
  private readonly ops: OpsServer;
  private readonly store: DesiredStateStore;
  private readonly metrics: Metrics;
  private readonly logger: Logger;
  private readonly helmHome: string | undefined;
  readonly opsAddress: string;
  private readonly discoveryLoop: DiscoveryLoop | undefined;
  private readonly requests: RequestRunner;

  private constructor(
    options: AgentOptions,
    kube: KubeClient,
    engine: Engine,
    poller: DesiredStatePoller,
    reporter: StatusReporter,
    facts: ClusterFacts,
    ops: OpsServer,
    store: DesiredStateStore,
    metrics: Metrics,
    logger: Logger,
    helmHome: string | undefined,
    opsAddress: string,
    discoveryLoop: DiscoveryLoop | undefined,
    requests: RequestRunner,
  ) {
    this.options = options;
    this.kube = kube;
    this.engine = engine;
    this.poller = poller;
    this.reporter = reporter;
    this.facts = facts;
    this.ops = ops;
    this.store = store;
    this.metrics = metrics;
    this.logger = logger;
    this.helmHome = helmHome;
    this.opsAddress = opsAddress;
    this.discoveryLoop = discoveryLoop;
    this.requests = requests;
  }

  /** Starts everything and returns once the ops server listens (the desired state loads in the background). */
  static async start(options: AgentOptions): Promise<Agent> {
    const logger = options.logger ?? jsonLogger();
    const namespace = options.namespace ?? 'strata-system';
    const readOnly = options.mode === 'read-only';
    const credentials = loadKubeCredentials(options.kubeconfigPath);
    // Fail fast on a missing token file (it is re-read on every request, so rotation needs no restart).
    await access(options.tokenFile, constants.R_OK).catch((error: unknown) => {
      throw new AgentError(
        'InvalidOptions',
        `cannot read the token file ${options.tokenFile}: ${errorMessage(error)}`,
      );
    });
    const kube = new KubeClient(credentials);
    const metrics = new Metrics();
    const server =
      options.serverClient ??
      new HttpServerClient({ serverUrl: options.serverUrl, tokenFile: options.tokenFile });
    const helmHome = options.helmPath ? await mkdtemp(join(tmpdir(), 'strata-agent-helm-')) : undefined;
    const helm =
      options.helmPath && helmHome
        ? new HelmCli({
            helmPath: options.helmPath,
            homeDir: helmHome,
            ...(options.kubeconfigPath ? { kubeconfigPath: options.kubeconfigPath } : {}),
          })
        : undefined;

    // The reporter is created after the engine, but the engine reports through it: bind late.
    let changed = (): void => undefined;
    const engine = new Engine({
      kube,
      ...(helm ? { helm } : {}),
      server,
      logger,
      metrics,
      namespace,
      readOnly,
      layerTimeoutMs: options.layerTimeoutMs ?? 300_000,
      onChange: () => changed(),
      ...(options.retryBaseMs !== undefined ? { retryBaseMs: options.retryBaseMs } : {}),
    });
    const facts = new ClusterFacts(kube, logger, () => changed());
    const store = new DesiredStateStore(kube, namespace);
    // Callbacks created below need the agent, which is constructed last.
    const self: { agent?: Agent } = {};
    const onConnection = (connected: boolean): void => self.agent?.setConnected(connected);
    // A discovery waits here until a report carrying it is accepted (it is sent once, not with every heartbeat).
    let unsent: ClusterDiscovery | undefined;
    const intervalMs = options.discoveryIntervalMs ?? 600_000;
    const discoveryLoop =
      intervalMs > 0
        ? new DiscoveryLoop({
            kube,
            logger,
            metrics,
            intervalMs,
            agentNamespace: namespace,
            onResult: (discovery) => {
              unsent = discovery;
              changed();
            },
          })
        : undefined;
    const reporter = new StatusReporter({
      client: server,
      logger,
      build: () => buildReport(engine, facts),
      attach: (report) => (unsent ? { ...report, discovery: unsent } : report),
      onSent: (report) => {
        if (report.discovery !== undefined && report.discovery === unsent) unsent = undefined;
      },
      onRefused: (report) => {
        if (report.discovery === undefined) return false;
        logger.error('the server refused the status report carrying the discovery; sending it without');
        if (report.discovery === unsent) unsent = undefined;
        return true;
      },
      onAck: (revision) => {
        if (revision > engine.revision) poller.wake();
      },
      onConnection,
      ...(options.heartbeatMs !== undefined ? { heartbeatMs: options.heartbeatMs } : {}),
    });
    // The server's requests (adoption previews, object reads): answered from the cluster alone, never through the
    // engine (which they must not change).
    const requests = new RequestRunner({
      kube,
      client: server,
      logger,
      readOnly: () => engine.readOnly,
      inventory: new InventoryStore(kube, namespace),
    });
    const poller = new DesiredStatePoller({
      client: server,
      logger,
      position: () => engine.position,
      onDesiredState: (raw, state) => self.agent!.accept(raw, state),
      onRequest: (request) => requests.submit(request),
      onConnection,
      ...(options.waitSeconds !== undefined ? { waitSeconds: options.waitSeconds } : {}),
    });
    const ops = new OpsServer({
      listen: options.listen ?? '127.0.0.1:0',
      metrics: () => self.agent?.renderMetrics() ?? '',
      healthy: () => self.agent !== undefined && !self.agent.stopped,
    });
    const opsAddress = await ops.start();
    const agent = new Agent(
      options,
      kube,
      engine,
      poller,
      reporter,
      facts,
      ops,
      store,
      metrics,
      logger,
      helmHome,
      opsAddress,
      discoveryLoop,
      requests,
    );
    self.agent = agent;
    changed = () => reporter.changed();
    await engine.start(tmpdir());
    facts.start();
    reporter.start();
    discoveryLoop?.start();
    agent.loaded = agent.loadPersisted(readOnly, namespace);
    poller.start();
    logger.info('agent started', {
      version: AGENT_VERSION,
      server: new URL(options.serverUrl).origin,
      namespace,
      mode: readOnly ? 'read-only' : 'full',
      listen: opsAddress,
      helm: helm ? 'yes' : 'no',
      discoveryEveryMs: intervalMs,
    });
    return agent;
  }

  get revision(): number {
    return this.engine.revision;
  }

  /** The report the agent would send now (tests and diagnostics). */
  currentReport(): Omit<AgentStatusReport, 'observedAt'> {
    return buildReport(this.engine, this.facts);
  }

  /** The newest cluster discovery (undefined before the first one finished, or when discovery is off). */
  get discovery(): ClusterDiscovery | undefined {
    return this.discoveryLoop?.latest;
  }

  /** Runs discovery now (its result goes into the next report), instead of waiting for the interval. */
  refreshDiscovery(): void {
    this.discoveryLoop?.refresh();
  }

  get queuedReports(): number {
    return this.reporter.queueLength;
  }

  private setConnected(connected: boolean): void {
    if (connected !== this.serverConnected)
      this.logger.info(connected ? 'server connected' : 'server disconnected');
    this.serverConnected = connected;
  }

  /** Reads the desired state persisted in the cluster, retrying while the API server is unreachable. */
  private async loadPersisted(readOnly: boolean, namespace: string): Promise<void> {
    const backoff = new Backoff({ baseMs: 1000, maxMs: 30_000 });
    const signal = this.stopController.signal;
    while (!signal.aborted && this.engine.revision === 0) {
      try {
        if (!readOnly) await ensureNamespace(this.kube, namespace, signal);
        const raw = await this.store.load(signal);
        if (raw !== undefined && this.engine.revision === 0) {
          const state = readDesiredState(raw);
          this.logger.info('loaded the persisted desired state', { revision: state.revision });
          this.engine.setDesired(state);
        }
        return;
      } catch (error) {
        if (signal.aborted) return;
        const delayMs = backoff.next();
        this.logger.warn('cannot load the persisted desired state', {
          error: errorMessage(error),
          retryInMs: delayMs,
        });
        await sleep(delayMs, signal).catch(() => undefined);
      }
    }
  }

  /** A new desired state from the server: persisted first (so a restart offline still has it), then enforced. */
  private async accept(raw: unknown, state: DesiredState): Promise<void> {
    this.logger.info('desired state received', { revision: state.revision, layers: state.layers.length });
    if (!(this.options.mode === 'read-only' || state.mode === 'read-only')) {
      try {
        await this.store.save(raw, this.stopController.signal);
      } catch (error) {
        this.logger.warn('cannot persist the desired state; enforcing it from memory', {
          error: errorMessage(error),
        });
      }
    }
    this.engine.setDesired(state);
  }

  renderMetrics(): string {
    const m = this.metrics;
    m.set('strata_agent_info', 'Agent version', 1, { version: AGENT_VERSION });
    m.set('strata_agent_desired_revision', 'Desired-state revision being enforced', this.engine.revision);
    m.set(
      'strata_agent_server_connected',
      '1 when the last call to the server succeeded',
      this.serverConnected ? 1 : 0,
    );
    m.set('strata_agent_status_queue_length', 'Status reports waiting to be sent', this.reporter.queueLength);
    m.set(
      'strata_agent_status_reports_sent_total',
      'Status reports the server accepted',
      this.reporter.counts.sent,
    );
    m.set('strata_agent_managed_objects', 'Objects under drift detection', this.engine.registry.size);
    m.set('strata_agent_watched_kinds', 'Kinds watched for drift', this.engine.watchedKinds.length);
    const counts = this.engine.book.counts();
    for (const state of LAYER_STATES)
      m.set('strata_agent_layers', 'Layers by state', counts[state], { state });
    return m.render();
  }

  /** Stops every loop; in-flight Helm operations finish on their own. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.stopController.abort();
    await this.loaded;
    await this.poller.stop();
    await this.requests.stop();
    await this.reporter.stop();
    await this.discoveryLoop?.stop();
    await this.engine.stop();
    await this.facts.stop();
    await this.ops.stop();
    this.kube.close();
    if (this.helmHome) await rm(this.helmHome, { recursive: true, force: true });
    this.logger.info('agent stopped');
  }
}

function buildReport(engine: Engine, facts: ClusterFacts): Omit<AgentStatusReport, 'observedAt'> {
  const f = facts.current;
  const layers = engine.book.reports();
  const troubled = layers.some((l) => l.state === 'Failed' || l.state === 'Drifted');
  const nodesDown = f.nodes !== undefined && f.nodes.ready < f.nodes.total;
  return {
    protocol: AGENT_PROTOCOL,
    agentVersion: AGENT_VERSION,
    revision: engine.revision,
    ...(engine.position.epoch ? { epoch: engine.position.epoch } : {}),
    ...(f.kubernetesVersion ? { kubernetesVersion: f.kubernetesVersion } : {}),
    ...(f.nodes ? { nodes: f.nodes } : {}),
    health: !f.reachable ? 'Unknown' : troubled || nodesDown ? 'Degraded' : 'Healthy',
    layers,
  };
}
