import { chmod, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { StrataError } from '@strata/api';
import {
  AgentRequestRepository,
  ClusterAgentRepository,
  ImportLinkRepository,
  LoginAttemptRepository,
  SsoRepository,
  KyselyResourceRepository,
  openDatabase,
} from '@strata/store';
import {
  CapiProvider,
  IN_MEMORY_KUBERNETES_VERSIONS,
  ImportedProvider,
  SandboxProvider,
} from '@strata/providers';
import { capiInstaller, IN_MEMORY } from '@strata/capi';
import { EmbeddedGatewayHost } from './gateways/embedded-host.js';
import { gatewayClients } from './gateways/gateway-lookup.js';
import { ProviderRegistry } from './clusters/provider-registry.js';
import { pino } from 'pino';
import { buildApp } from './app.js';
import { bootstrap } from './auth/bootstrap.js';
import { parseServerArgs, SERVER_HELP } from './config.js';
import { openCipher } from './secrets.js';
import { startControllers } from './controllers/index.js';
import { BinaryInstaller, type InstallStatus } from '@strata/sandbox';
import { loadCatalogDirectory } from './packs/catalog-loader.js';
import { repairTenants } from './catalog/builtin-packs.js';
import { AuditRetention } from './audit/audit-retention.js';
import { enableFips } from './fips.js';
import { registerConsole } from './routes/console.js';
import { agentCommand } from './clusters/agent-command.js';

/** Logs a build's progress once per step, its end and its failure. */
function installProgressLogger(log: pino.Logger, what: string): (s: InstallStatus) => void {
  let lastStep = -1;
  return (s) => {
    if (s.state === 'installing' && s.step === lastStep) return;
    lastStep = s.step;
    const progress = `${s.percent}% (step ${s.step}/${s.totalSteps}, ${Math.round(s.elapsedMs / 1000)} s)`;
    if (s.state === 'installing') log.info({ build: s }, `${what}: building ${progress} ${s.message}`);
    else if (s.state === 'installed') log.info({ binDir: s.binDir }, `${what}: installed`);
    else if (s.state === 'failed')
      log.error({ errorTail: s.errorTail }, `${what}: build failed: ${s.message}`);
  };
}

/**
 * `strata server`: opens the store (SQLite by default), bootstraps an admin, serves the API, and shuts down
 * gracefully on SIGINT/SIGTERM. Returns the exit code.
 */
export async function runServer(argv: string[]): Promise<number> {
  let config;
  try {
    config = parseServerArgs(argv);
  } catch (err) {
    process.stderr.write(`error: ${(err as Error).message}\n\n${SERVER_HELP}`);
    return 2;
  }
  if (config === 'help') {
    process.stdout.write(SERVER_HELP);
    return 0;
  }
  const log = pino({ level: config.logLevel, base: { service: 'strata-server' } });
  if (config.fips) {
    const fips = enableFips();
    if (!fips.enabled) {
      process.stderr.write(`error: --fips: ${fips.reason}\n`);
      return 1;
    }
    log.info('FIPS mode: OpenSSL FIPS provider active; password sign-in off');
  }
  await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
  const cipher = await openCipher({ dataDir: config.dataDir, warn: (m) => log.warn(m) });
  let handle;
  try {
    handle = await openDatabase({ url: config.databaseUrl });
  } catch (err) {
    // A schema from a newer Strata (migrations are forward-only), a failed migration, an unreachable database.
    log.error({ err }, 'cannot open the database');
    process.stderr.write(`error: cannot open the database: ${(err as Error).message}\n`);
    return 1;
  }
  if (handle.dialect === 'sqlite') await restrictSqliteFiles(config.databaseUrl);
  const store = new KyselyResourceRepository({ db: handle.db });
  const boot = await bootstrap(store, config.dataDir, { passwords: !config.fips });
  const builtin = await loadCatalogDirectory();
  for (const f of builtin.failures)
    log.error({ dir: f.dir, issues: f.issues }, 'built-in pack is invalid and was skipped');
  await repairTenants(store, builtin.packs);
  log.info({ packs: builtin.packs.length }, 'built-in pack catalog loaded');
  const installer = new BinaryInstaller({ onProgress: installProgressLogger(log, 'sandbox binaries') });
  const capiBuild = capiInstaller({ onProgress: installProgressLogger(log, 'Cluster API managers') });
  const sandboxReady = await installer.isInstalled();
  const autoInstall = process.env.STRATA_SANDBOX_AUTO_INSTALL !== 'false';
  if (!sandboxReady && autoInstall) void installer.start();
  const agent = agentCommand(fileURLToPath(new URL('../../../', import.meta.url)));
  if (agent.reason) log.info({ reason: agent.reason }, 'agents run from the TypeScript sources');
  const agentCommandLine = { binary: agent.binary, args: agent.args };
  const embeddedGateway = new EmbeddedGatewayHost({
    dir: join(config.dataDir, 'gateways'),
    kubernetes: installer,
    capi: capiBuild,
    autoInstall,
  });
  const providers = new ProviderRegistry([
    new CapiProvider({
      name: 'capi-dev',
      infrastructure: IN_MEMORY,
      gateway: gatewayClients({ store, embedded: embeddedGateway }),
      kubernetesVersions: IN_MEMORY_KUBERNETES_VERSIONS,
    }),
    new SandboxProvider({ stateDir: join(config.dataDir, 'sandbox'), agentCommand: agentCommandLine }),
    new ImportedProvider({
      stateDir: join(config.dataDir, 'imported'),
      agentCommand: agentCommandLine,
      egress: config.egress,
    }),
  ]);
  let agentServerUrl = config.advertiseUrl ?? `http://${config.host}:${config.port}`;
  const { app, catalogs, agents, service } = await buildApp({
    sandboxInstaller: installer,
    providers,
    clusterAgents: new ClusterAgentRepository({ db: handle.db }),
    agentRequests: new AgentRequestRepository({ db: handle.db }),
    ...agentTimeout(process.env.STRATA_AGENT_TIMEOUT_SECONDS),
    importLinks: new ImportLinkRepository({ db: handle.db }),
    loginAttempts: new LoginAttemptRepository({ db: handle.db }),
    sso: new SsoRepository({ db: handle.db }),
    fips: config.fips,
    egress: config.egress,
    agentServerUrl: () => agentServerUrl,
    builtinPacks: builtin.packs,
    store,
    cipher,
    logger: log,
    httpLimits: { requestTimeoutMs: config.requestTimeoutMs, headersTimeoutMs: config.headersTimeoutMs },
    ready: async () => {
      await store.currentResourceVersion();
      return true;
    },
  });
  const consoleDir =
    process.env.STRATA_CONSOLE_DIR ?? fileURLToPath(new URL('../../web/dist', import.meta.url));
  if (!(await registerConsole(app, { distDir: consoleDir })))
    log.warn({ consoleDir }, 'web console not built (npm run build -w packages/web); serving the API only');
  try {
    await app.listen({ host: config.host, port: config.port });
    const address = app.server.address();
    if (!config.advertiseUrl && address && typeof address === 'object') {
      agentServerUrl = `http://${config.host}:${address.port}`;
    }
  } catch (err) {
    log.error({ err }, 'cannot listen');
    await handle.close();
    throw new StrataError(
      'STRATA_UNAVAILABLE',
      `cannot listen on ${config.host}:${config.port}: ${(err as Error).message}`,
    );
  }
  const controllers = await startControllers({
    store,
    handle,
    cipher,
    ...(agents
      ? {
          clusters: {
            catalogs,
            providers,
            agents,
            agentServerUrl: () => agentServerUrl,
            ...agentTimeout(process.env.STRATA_AGENT_TIMEOUT_SECONDS),
          },
        }
      : {}),
    rollouts: { service },
    gateways: { embedded: embeddedGateway, kubernetesVersions: IN_MEMORY_KUBERNETES_VERSIONS },
    onChartsChanged: (tenant) => catalogs.invalidate(tenant),
    egress: config.egress,
    onError: (e) =>
      log.warn(
        { controller: e.controller, attempt: e.attempt, err: e.error },
        'reconcile failed; retrying with backoff',
      ),
  });
  const auditRetention = new AuditRetention({
    store,
    onError: (err) => log.warn({ err }, 'audit retention pass failed; retrying at the next one'),
  });
  auditRetention.start();
  const address = app.server.address();
  const url = `http://${config.host}:${address && typeof address === 'object' ? address.port : config.port}`;
  log.info(
    { url, dataDir: config.dataDir, database: handle.dialect, encryptionKeys: cipher.source },
    'Strata server ready',
  );
  process.stdout.write(
    [
      '',
      `  Strata is running at ${url}`,
      `  data directory:       ${config.dataDir} (${handle.dialect})`,
      `  admin API key:        ${boot.apiKeyFile}   (export STRATA_API_KEY=$(cat ${boot.apiKeyFile}))`,
      ...(boot.passwordFile ? [`  admin password:       ${boot.passwordFile}   (user "admin")`] : []),
      ...(boot.keyState === 'revoked'
        ? [
            `  warning:              the key in ${boot.apiKeyFile} was revoked; delete the file and restart to mint a new one`,
          ]
        : []),
      sandboxBanner({ installed: sandboxReady, autoInstall, binDir: installer.status().binDir, url }),
      `  try:                  STRATA_SERVER=${url} STRATA_API_KEY=$(cat ${boot.apiKeyFile}) npx strata get projects`,
      '',
    ].join('\n') + '\n',
  );

  return new Promise<number>((resolve) => {
    let closing = false;
    const shutdown = (signal: string) => {
      if (closing) return;
      closing = true;
      log.info({ signal }, 'shutting down');
      const force = setTimeout(() => resolve(1), 10_000);
      force.unref();
      void auditRetention
        .stop()
        .then(() => controllers.stop())
        .then(() => app.close())
        .then(() => handle.close())
        .then(
          () => resolve(0),
          (err: unknown) => {
            log.error({ err }, 'shutdown failed');
            resolve(1);
          },
        );
    };
    process.once('SIGINT', () => shutdown('SIGINT'));
    process.once('SIGTERM', () => shutdown('SIGTERM'));
  });
}

/** The SQLite file holds hashes and ciphertexts: readable by the server's user only, like the key files. */
async function restrictSqliteFiles(url: string): Promise<void> {
  const file = url.replace(/^sqlite:/, '');
  if (file === ':memory:') return;
  for (const f of [file, `${file}-wal`, `${file}-shm`]) await chmod(f, 0o600).catch(() => undefined);
}

/** STRATA_AGENT_TIMEOUT_SECONDS: how long an agent may be silent before it shows disconnected (default 90). */
function agentTimeout(value: string | undefined): { agentTimeoutMs?: number } {
  const seconds = Number(value);
  return value && Number.isFinite(seconds) && seconds > 0 ? { agentTimeoutMs: seconds * 1000 } : {};
}

/** The start banner's sandbox line: what is true of the Kubernetes binaries now. */
export function sandboxBanner(o: {
  installed: boolean;
  autoInstall: boolean;
  binDir?: string | undefined;
  url: string;
}) {
  const label = '  sandbox:              ';
  if (o.installed) return `${label}Kubernetes binaries installed (${o.binDir ?? ''})`;
  if (o.autoInstall)
    return `${label}building Kubernetes binaries in the background (tens of minutes, once); progress: GET ${o.url}/v1/sandbox/status`;
  return `${label}Kubernetes binaries not installed, not building (STRATA_SANDBOX_AUTO_INSTALL=false); sandbox clusters cannot start until they are (restart without it to build them)`;
}
