/**
 * The server's one embedded management cluster, behind every `Gateway` of type `embedded`: built and started on first
 * use (the Kubernetes binaries and the Cluster API managers build in the background, with progress), adopted again
 * after a restart of the server (the managers outlive it as sandbox companions), repaired when a manager died.
 *
 * The Gateway controller drives it (`observe`); the Cluster API providers take clients from it (`client`).
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import {
  CAPI_SETUP_HINT,
  EmbeddedGateway,
  findCapiBuild,
  type CapiBuild,
  type EmbeddedGatewayStatus,
  type GatewayClient,
  type GatewayComponentHealth,
} from '@strata/capi';
import { transient } from '@strata/provider-sdk';
import { Sandbox, type BinaryInstaller, type InstallStatus } from '@strata/sandbox';

export interface EmbeddedHostOptions {
  /** Where the management cluster and its state live (`<dataDir>/gateways`). */
  dir: string;
  /** The Kubernetes binaries (shared with the sandbox provider). */
  kubernetes: BinaryInstaller;
  /** The Cluster API managers. */
  capi: BinaryInstaller;
  /** Start builds that are missing (default true; off: the gateway says how to build them). */
  autoInstall?: boolean;
  /** How long each manager may take to become ready (default 120 s). */
  readyTimeoutMs?: number;
}

/** What the embedded gateway is doing now. */
export type EmbeddedObservation =
  | { state: 'building'; what: string; install: InstallStatus }
  | { state: 'missing'; message: string }
  /** `stage`: the build failed, or the built gateway could not start. */
  | { state: 'failed'; stage: 'build' | 'start'; message: string }
  | {
      state: 'running';
      clusterApiVersion: string;
      started: EmbeddedGatewayStatus;
      health: GatewayComponentHealth[];
    };

/** The management cluster's name in the gateway sandbox. */
export const EMBEDDED_GATEWAY_NAME = 'strata-gateway';

export class EmbeddedGatewayHost {
  readonly #o: EmbeddedHostOptions;
  #gateway: EmbeddedGateway | undefined;
  #started: EmbeddedGatewayStatus | undefined;
  #client: GatewayClient | undefined;
  #ensuring: Promise<EmbeddedGatewayStatus> | undefined;

  constructor(options: EmbeddedHostOptions) {
    this.#o = options;
  }

  #newGateway(build: CapiBuild): EmbeddedGateway {
    return new EmbeddedGateway({
      sandbox: new Sandbox({ stateRoot: join(this.#o.dir, 'sandbox') }),
      name: EMBEDDED_GATEWAY_NAME,
      dir: join(this.#o.dir, EMBEDDED_GATEWAY_NAME),
      build,
      ...(this.#o.readyTimeoutMs ? { readyTimeoutMs: this.#o.readyTimeoutMs } : {}),
    });
  }

  /** A build that is missing, running or failed; undefined once both are installed. */
  async #build(): Promise<EmbeddedObservation | undefined> {
    for (const [what, installer, hint] of [
      ['Kubernetes binaries', this.#o.kubernetes, 'scripts/setup-local-k8s.sh'],
      ['Cluster API managers', this.#o.capi, CAPI_SETUP_HINT],
    ] as const) {
      if (await installer.isInstalled()) continue;
      const status = installer.status();
      if (status.state === 'installing') return { state: 'building', what, install: status };
      if (status.state === 'failed') {
        return {
          state: 'failed',
          stage: 'build',
          message: `building the ${what} failed: ${status.message}; retry with ${hint}`,
        };
      }
      if (this.#o.autoInstall === false)
        return { state: 'missing', message: `the ${what} are not built: ${hint}` };
      void installer.start();
      return { state: 'building', what, install: installer.status() };
    }
    return undefined;
  }

  async #ensure(): Promise<EmbeddedGatewayStatus> {
    if (!this.#gateway) {
      const build = await findCapiBuild();
      if (!build) throw new Error(`the Cluster API managers are not built: ${CAPI_SETUP_HINT}`);
      this.#gateway = this.#newGateway(build);
    }
    const gateway = this.#gateway;
    // One ensure at a time, whoever asks: it starts processes.
    this.#ensuring ??= gateway.ensure().finally(() => {
      this.#ensuring = undefined;
    });
    const started = await this.#ensuring;
    this.#started = started;
    this.#client = await gateway.client();
    return started;
  }

  /**
   * Builds, starts or repairs what is needed, then probes every manager. Never throws: a failure is an observation.
   * Cheap once running (probes only); ensure runs again when a manager is not ready or the server just started.
   */
  async observe(): Promise<EmbeddedObservation> {
    const building = await this.#build();
    if (building) return building;
    try {
      let started = this.#started;
      let health = started ? await this.#gateway?.health() : undefined;
      if (!started || !health || health.some((h) => !h.ready || !h.webhookReachable)) {
        started = await this.#ensure();
        health = (await this.#gateway?.health()) ?? [];
      }
      return { state: 'running', clusterApiVersion: started.clusterApiVersion, started, health };
    } catch (err) {
      this.#client = undefined;
      return { state: 'failed', stage: 'start', message: err instanceof Error ? err.message : String(err) };
    }
  }

  /** Stops every manager and the management cluster and removes their files (the last embedded Gateway went). */
  async delete(): Promise<void> {
    await this.#ensuring?.catch(() => undefined);
    this.#client = undefined;
    this.#started = undefined;
    const build = await findCapiBuild();
    if (build && !this.#gateway) this.#gateway = this.#newGateway(build);
    await this.#gateway?.delete();
    await rm(this.#o.dir, { recursive: true, force: true });
  }

  /** A client of the management cluster once the gateway runs; a transient provider error before. */
  async client(): Promise<GatewayClient> {
    if (this.#client) return this.#client;
    throw transient('the embedded gateway is not running yet; its Gateway status says why');
  }
}
