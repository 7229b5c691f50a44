/**
 * An embedded gateway: a management cluster on this machine (a sandbox control plane, one kwok node) running the Cluster
 * API managers as local processes — core, kubeadm bootstrap, kubeadm control plane and the in-memory infrastructure
 * provider — with their CRDs installed and their webhooks registered (defaulting, validation, conversion).
 *
 *   const gw = new EmbeddedGateway({ sandbox, name: 'gw-local', dir, build });
 *   await gw.ensure();   // creates or repairs whatever is missing; re-entrant, safe after kill -9 anywhere
 *   await gw.delete();   // every process, the management cluster and the gateway's files
 *
 * State: `<dir>/gateway.json` (mode 0600) keeps the ports and the webhook PKI so that a second ensure() starts the
 * managers with the same command line (a changed one restarts them). The managers are companions of the sandbox
 * cluster: recorded with their PIDs, stopped with it, restarted when they died.
 */
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { StrataError } from '@strata/api';
import { loadYamlDocuments } from '@strata/core';
import {
  freePorts,
  generateServingPki,
  probe,
  waitUntil,
  type ClusterInfo,
  type CompanionStatus,
  type PemPair,
  type Sandbox,
} from '@strata/sandbox';
import { CAPI_COMPONENTS, type CapiBuild, type CapiComponent } from './binaries.js';
import { prepareCrd, prepareWebhookConfigurations, type KubeObject } from './install.js';
import { apiMessage, GatewayClient } from './kube.js';

export interface EmbeddedGatewayOptions {
  sandbox: Sandbox;
  /** DNS-1123 label: the management cluster's name in the sandbox. */
  name: string;
  /** Directory for gateway.json (created). */
  dir: string;
  build: CapiBuild;
  /** How long each manager may take to become ready (default 120 s). */
  readyTimeoutMs?: number;
}

interface ComponentPorts {
  webhook: number;
  health: number;
}

interface GatewayState {
  ports: Record<CapiComponent, ComponentPorts>;
  webhookCa: PemPair;
  webhookServing: PemPair;
}

export interface GatewayComponentStatus {
  component: CapiComponent;
  pid: number;
  /** True when this ensure() started it (first time, after a crash, or after a change). */
  started: boolean;
  restarts: number;
  ready: boolean;
  logFile: string;
}

/** One manager as probed now: its readiness endpoint, and its webhook server over TLS with the gateway's CA. */
export interface GatewayComponentHealth {
  component: CapiComponent;
  ready: boolean;
  webhookReachable: boolean;
  /** What failed, when something did. */
  detail?: string;
}

export interface EmbeddedGatewayStatus {
  clusterApiVersion: string;
  /** The management cluster's API server and admin kubeconfig (system:masters; never leaves the server). */
  server: string;
  kubeconfig: string;
  components: GatewayComponentStatus[];
  crds: number;
  webhooks: number;
}

/**
 * The in-memory provider serves each simulated workload API server on a fixed port range (20000–30000, and 19000
 * for its debug server); two such managers on one machine would collide.
 */
export const IN_MEMORY_FIXED_PORTS = [19000, 20000] as const;

function companionId(component: CapiComponent): string {
  return `capi-${component}`;
}

async function writePrivate(path: string, content: string): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, content, { mode: 0o600 });
  await rename(tmp, path);
}

export class EmbeddedGateway {
  readonly options: EmbeddedGatewayOptions;

  constructor(options: EmbeddedGatewayOptions) {
    this.options = options;
  }

  get name(): string {
    return this.options.name;
  }

  private get stateFile(): string {
    return join(this.options.dir, 'gateway.json');
  }

  /** gateway.json, or undefined before the first ensure(). */
  private async readState(): Promise<GatewayState | undefined> {
    try {
      return JSON.parse(await readFile(this.stateFile, 'utf8')) as GatewayState;
    } catch {
      return undefined;
    }
  }

  private async state(): Promise<GatewayState> {
    const existing = await this.readState();
    if (existing) return existing;
    await mkdir(this.options.dir, { recursive: true, mode: 0o700 });
    const ports = await freePorts(CAPI_COMPONENTS.length * 2, new Set(IN_MEMORY_FIXED_PORTS));
    const pki = await generateServingPki({ name: `capi-webhooks-${this.name}` });
    const state: GatewayState = {
      ports: Object.fromEntries(
        CAPI_COMPONENTS.map((c, i) => [c, { webhook: ports[2 * i], health: ports[2 * i + 1] }]),
      ) as Record<CapiComponent, ComponentPorts>,
      webhookCa: pki.ca,
      webhookServing: pki.serving,
    };
    await writePrivate(this.stateFile, JSON.stringify(state));
    return state;
  }

  /** The management cluster (one simulated node, no scheduler), created, or adopted and started again when needed. */
  private async managementCluster(): Promise<ClusterInfo> {
    const { sandbox } = this.options;
    let info = await sandbox.get(this.name).catch((err: unknown) => {
      if (err instanceof StrataError && err.code === 'STRATA_NOT_FOUND') return undefined;
      throw err;
    });
    if (!info) {
      await sandbox
        .createCluster({
          name: this.name,
          nodePools: [{ name: 'control-plane', count: 1, controlPlane: true }],
          cost: { scheduler: false },
        })
        .catch(async (err: unknown) => {
          // A create interrupted by a crash leaves a directory without state: clear it, the next ensure retries.
          if (err instanceof StrataError && err.code === 'STRATA_ALREADY_EXISTS') {
            await sandbox.delete(this.name).catch(() => undefined);
          }
          throw err;
        });
      info = await sandbox.get(this.name);
    } else if (info.phase !== 'running') {
      info = await sandbox.adopt(this.name);
      if (info.phase === 'stopped') info = await sandbox.start(this.name);
    }
    return info;
  }

  private async readDocs(
    component: CapiComponent,
    file: string,
  ): Promise<ReturnType<typeof loadYamlDocuments>> {
    return loadYamlDocuments(await readFile(join(this.options.build.dir, 'config', component, file), 'utf8'));
  }

  /** CRDs and webhook configurations of every component, pointed at this gateway's ports. */
  async installObjects(state: GatewayState): Promise<{ crds: KubeObject[]; webhooks: KubeObject[] }> {
    const crds: KubeObject[] = [];
    const webhooks: KubeObject[] = [];
    for (const component of CAPI_COMPONENTS) {
      const endpoint = { port: state.ports[component].webhook, caPem: state.webhookCa.cert };
      const crdDir = join(this.options.build.dir, 'config', component, 'crd');
      for (const file of (await readdir(crdDir)).filter((f) => f.endsWith('.yaml')).sort()) {
        for (const doc of await this.readDocs(component, join('crd', file)))
          crds.push(prepareCrd(doc, component, endpoint));
      }
      webhooks.push(
        ...prepareWebhookConfigurations(await this.readDocs(component, 'webhook.yaml'), component, endpoint),
      );
    }
    return { crds, webhooks };
  }

  private managerArgs(component: CapiComponent, ports: ComponentPorts): string[] {
    return [
      '--kubeconfig={dir}/kubeconfig',
      `--webhook-port=${ports.webhook}`,
      '--webhook-cert-dir={dir}',
      `--health-addr=127.0.0.1:${ports.health}`,
      '--diagnostics-address=0',
      '--leader-elect=false',
      '--v=1',
      // Pool labels reach Nodes in place (CAPI syncs only its own prefixes otherwise), and pool taints too.
      ...(component === 'core'
        ? [
            '--feature-gates=ClusterTopology=true,MachineTaintPropagation=true',
            '--additional-sync-machine-labels=.*',
          ]
        : []),
    ];
  }

  /** Creates or repairs the whole gateway and waits until every manager is ready. */
  async ensure(): Promise<EmbeddedGatewayStatus> {
    const { sandbox, build } = this.options;
    const state = await this.state();
    const info = await this.managementCluster();
    const kubeconfig = await sandbox.kubeconfig(this.name);
    const client = new GatewayClient(kubeconfig);
    const { crds, webhooks } = await this.installObjects(state);
    for (const crd of crds) {
      await client.apply(crd).catch((err: unknown) => {
        throw new StrataError(
          'STRATA_UNAVAILABLE',
          `installing CRD ${crd.metadata.name}: ${apiMessage(err)}`,
        );
      });
    }
    // The managers build REST mappings when they start: every CRD must be served first.
    await waitUntil(
      async () => {
        const pending: string[] = [];
        for (const crd of crds) {
          const live = await client.get({
            apiVersion: crd.apiVersion,
            kind: crd.kind,
            name: crd.metadata.name,
          });
          const conditions = (live?.status?.['conditions'] ?? []) as { type: string; status: string }[];
          if (!conditions.some((c) => c.type === 'Established' && c.status === 'True'))
            pending.push(crd.metadata.name);
        }
        return pending.length === 0 || `not established: ${pending.slice(0, 3).join(', ')}`;
      },
      { what: 'Cluster API CRDs', timeoutMs: 60_000, intervalMs: 250 },
    );
    const started: CompanionStatus[] = [];
    for (const component of CAPI_COMPONENTS) {
      started.push(
        await sandbox.ensureCompanion(this.name, {
          id: companionId(component),
          binary: join(build.dir, component),
          args: this.managerArgs(component, state.ports[component]),
          env: component === 'infrastructure-in-memory' ? { POD_IP: '127.0.0.1' } : {},
          files: {
            kubeconfig,
            'tls.crt': state.webhookServing.cert,
            'tls.key': state.webhookServing.key,
          },
        }),
      );
    }
    const components: GatewayComponentStatus[] = [];
    for (const [i, component] of CAPI_COMPONENTS.entries()) {
      const companion = started[i]!;
      await waitUntil(
        async () => {
          const res = await probe(`http://127.0.0.1:${state.ports[component].health}/readyz`);
          return res.status === 200 || `readyz ${res.status || 'unreachable'} (log: ${companion.logFile})`;
        },
        {
          what: `Cluster API ${component} manager`,
          timeoutMs: this.options.readyTimeoutMs ?? 120_000,
          intervalMs: 250,
        },
      );
      components.push({ component, ...companion, ready: true });
    }
    // Registered once the managers answer, so the API server never calls a webhook nobody serves.
    for (const config of webhooks) {
      await client.apply(config).catch((err: unknown) => {
        throw new StrataError(
          'STRATA_UNAVAILABLE',
          `registering ${config.metadata.name}: ${apiMessage(err)}`,
        );
      });
    }
    return {
      clusterApiVersion: build.manifest.clusterApiVersion,
      server: info.server,
      kubeconfig,
      components,
      crds: crds.length,
      webhooks: webhooks.length,
    };
  }

  /**
   * Probes every manager without changing anything: readyz, and a TLS handshake with its webhook server that the
   * gateway's CA verifies (what the API server does before each webhook call). Undefined before the first ensure().
   */
  async health(): Promise<GatewayComponentHealth[] | undefined> {
    const state = await this.readState();
    if (!state) return undefined;
    return Promise.all(
      CAPI_COMPONENTS.map(async (component) => {
        const ports = state.ports[component];
        const [ready, webhook] = await Promise.all([
          probe(`http://127.0.0.1:${ports.health}/readyz`),
          probe(`https://127.0.0.1:${ports.webhook}/`, { ca: state.webhookCa.cert }),
        ]);
        const problems = [
          ...(ready.status === 200 ? [] : [`readyz ${ready.status || `unreachable: ${ready.body}`}`]),
          ...(webhook.status > 0 ? [] : [`webhook server: ${webhook.body}`]),
        ];
        return {
          component,
          ready: ready.status === 200,
          webhookReachable: webhook.status > 0,
          ...(problems.length > 0 ? { detail: problems.join('; ') } : {}),
        };
      }),
    );
  }

  async client(): Promise<GatewayClient> {
    return new GatewayClient(await this.options.sandbox.kubeconfig(this.name));
  }

  /** Ends every manager and the management cluster and removes the gateway's files. */
  async delete(): Promise<void> {
    await this.options.sandbox.delete(this.name).catch((err: unknown) => {
      if (!(err instanceof StrataError && err.code === 'STRATA_NOT_FOUND')) throw err;
    });
    await rm(this.options.dir, { recursive: true, force: true });
  }
}
