/** Running the real helm binary on deploy/helm/strata, and reading what it renders. */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

export const CHART = resolve(fileURLToPath(import.meta.url), '..', '..', '..', 'deploy', 'helm', 'strata');

/** The values every install needs: the key ring Secret and a PostgreSQL URL Secret. */
export const REQUIRED = [
  '--set',
  'encryption.existingSecret=strata-keys',
  '--set',
  'database.existingSecret=strata-db',
];

export interface HelmResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec?: Record<string, unknown>;
  [key: string]: unknown;
}

/** helm with private cache/config/data directories (nothing read from or written to the user's Helm setup). */
export class Helm {
  readonly #binary: string;
  readonly #home: string;
  readonly #kubeconfigPath: (() => string) | undefined;

  private constructor(binary: string, home: string, kubeconfigPath?: () => string) {
    this.#binary = binary;
    this.#home = home;
    this.#kubeconfigPath = kubeconfigPath;
  }

  static async create(binary: string, kubeconfigPath?: () => string): Promise<Helm> {
    return new Helm(binary, await mkdtemp(join(tmpdir(), 'strata-helm-')), kubeconfigPath);
  }

  /** Removes Helm's private directories. */
  dispose(): Promise<void> {
    return rm(this.#home, { recursive: true, force: true });
  }

  run(args: string[], timeoutMs = 60_000): Promise<HelmResult> {
    const kube = this.#kubeconfigPath ? ['--kubeconfig', this.#kubeconfigPath()] : [];
    return new Promise((done) => {
      execFile(
        this.#binary,
        [...args, ...kube],
        {
          timeout: timeoutMs,
          maxBuffer: 32 * 1024 * 1024,
          env: {
            PATH: process.env.PATH ?? '/usr/bin:/bin',
            HOME: this.#home,
            HELM_CACHE_HOME: join(this.#home, 'cache'),
            HELM_CONFIG_HOME: join(this.#home, 'config'),
            HELM_DATA_HOME: join(this.#home, 'data'),
          },
        },
        (err, stdout, stderr) => {
          const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
          done({ code, stdout, stderr });
        },
      );
    });
  }

  /** helm run that must succeed; the error carries helm's stderr. */
  async ok(args: string[], timeoutMs?: number): Promise<string> {
    const r = await this.run(args, timeoutMs);
    if (r.code !== 0) throw new Error(`helm ${args.join(' ')} failed (${r.code}):\n${r.stderr}${r.stdout}`);
    return r.stdout;
  }

  /** `helm template` (release strata in namespace strata) → the manifest text. */
  render(extra: string[]): Promise<string> {
    return this.ok(['template', 'strata', CHART, '--namespace', 'strata', ...REQUIRED, ...extra]);
  }

  /** `helm template` → the rendered objects. */
  async template(extra: string[]): Promise<K8sObject[]> {
    return parseObjects(await this.render(extra));
  }

  /** `helm template` that must fail; returns its message. */
  async templateError(extra: string[], values: string[] = REQUIRED): Promise<string> {
    const r = await this.run(['template', 'strata', CHART, ...values, ...extra]);
    if (r.code === 0) throw new Error(`helm template ${extra.join(' ')} succeeded, expected an error`);
    return r.stderr;
  }
}

/** kubectl from the same binary set; resolves to its output (stderr carries warnings), rejects with stderr. */
export function kubectl(
  binary: string,
  kubeconfigPath: string,
  args: string[],
): Promise<{ stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    execFile(
      binary,
      [...args, '--kubeconfig', kubeconfigPath],
      { timeout: 60_000 },
      (err, stdout, stderr) => {
        if (err) fail(new Error(`kubectl ${args.join(' ')}: ${stderr || err.message}`));
        else done({ stdout, stderr });
      },
    );
  });
}

export function parseObjects(text: string): K8sObject[] {
  return parseAllDocuments(text)
    .map((d) => d.toJS() as K8sObject | null)
    .filter((o): o is K8sObject => o !== null && typeof o === 'object' && 'kind' in o);
}

export function only(objects: K8sObject[], kind: string): K8sObject {
  const found = objects.filter((o) => o.kind === kind);
  if (found.length !== 1) throw new Error(`expected one ${kind}, rendered ${found.length}`);
  return found[0]!;
}

export interface PodTemplate {
  spec: {
    securityContext: Record<string, unknown>;
    automountServiceAccountToken: boolean;
    topologySpreadConstraints?: { topologyKey: string; whenUnsatisfiable: string }[];
    containers: {
      image: string;
      args?: string[];
      env: { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }[];
      resources: { requests?: Record<string, string>; limits?: Record<string, string> };
      securityContext: Record<string, unknown>;
      startupProbe: { httpGet: { path: string; port: string } };
      livenessProbe: { httpGet: { path: string; port: string } };
      readinessProbe: { httpGet: { path: string; port: string } };
    }[];
  };
}

export function podTemplate(deployment: K8sObject): PodTemplate {
  return (deployment.spec as { template: PodTemplate }).template;
}

export function env(deployment: K8sObject): Map<string, PodTemplate['spec']['containers'][0]['env'][0]> {
  const container = podTemplate(deployment).spec.containers[0]!;
  return new Map(container.env.map((e) => [e.name, e]));
}
