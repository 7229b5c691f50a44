import { readFile } from 'node:fs/promises';
import type { Command } from '@commander-js/extra-typings';
import {
  API_VERSION,
  ClusterKind,
  IMPORT_MODES,
  isStrataError,
  MAX_SELECTED_OBJECTS,
  type ClusterDiscovery,
  type ClusterImport,
} from '@strata/api';
import type { Cluster, GeneratedProfileResult, ImportLink, StrataClient } from '@strata/client';
import type { CommandContext } from '../context.js';
import { parseDurationMs } from '../duration.js';
import { InputError, UsageError, WaitTimeoutError } from '../exit-codes.js';
import { readAll } from '../io.js';
import { parseFormat, toFormat } from '../output/format.js';
import { parseWaitCondition } from '../wait-condition.js';
import { waitFor } from '../waiter.js';
import { discoverySummary, generatedProfileText } from './import-output.js';
import { parseInclude, parseIncludeNamespace, selectedObjects, type Selection } from './import-selection.js';
import { clusterTarget } from './cluster-target.js';

type ImportMode = ClusterImport['mode'];
const FORMATS = ['text', 'json', 'yaml'] as const;
const DEFAULT_PROFILE_VERSION = '1.0.0';
const LINK_SECONDS = { min: 60, max: 86400 };
const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];

/** The command line of `strata import`, checked before anything is sent. */
export interface ImportRequest {
  name: string;
  /** How to register the cluster; absent: it exists already (`--generate-profile` alone). */
  register?:
    | { connect: 'server'; kubeconfig: string; mode: ImportMode }
    | { connect: 'manifest'; mode: ImportMode; modeGiven: boolean; expiresInSeconds?: number };
  /** Wait for the agent's discovery report and print a summary. */
  wait: boolean;
  /** The draft profile to make; `selection`: discovered workloads to copy into its manifest layers. */
  generate?: { name: string; version: string; selection?: Selection };
  timeoutMs: number;
  format: (typeof FORMATS)[number];
}

export interface ImportFlags {
  kubeconfig?: string | undefined;
  manifest?: boolean | undefined;
  mode?: string | undefined;
  wait?: boolean | undefined;
  expires?: string | undefined;
  generateProfile?: string | undefined;
  include?: string[] | undefined;
  includeNamespace?: string[] | undefined;
  timeout: string;
  output: string;
}

/** Checks the flag combination; usage errors (exit 2) name the flag. */
export function parseImportFlags(name: string, flags: ImportFlags): ImportRequest {
  const format = parseFormat(flags.output, FORMATS);
  const timeoutMs = parseDurationMs(flags.timeout);
  if (flags.kubeconfig !== undefined && flags.manifest)
    throw new UsageError(
      '--kubeconfig and --manifest exclude each other: the server either reaches the cluster or it does not',
    );
  const registering = flags.kubeconfig !== undefined || flags.manifest === true;
  if (!registering && flags.generateProfile === undefined)
    throw new UsageError(
      'give --kubeconfig FILE (the server runs the agent), --manifest (you apply the agent in the cluster), or --generate-profile PROFILE (for a cluster imported before)',
    );
  if (flags.mode !== undefined && !registering)
    throw new UsageError('--mode is for registering a cluster: use it with --kubeconfig or --manifest');
  const mode = parseMode(flags.mode);
  if (flags.wait && flags.kubeconfig === undefined)
    throw new UsageError(
      flags.manifest
        ? '--wait needs --kubeconfig: with --manifest the agent connects only after you apply the manifest'
        : '--wait needs --kubeconfig (--generate-profile waits for the discovery report by itself)',
    );
  if (flags.expires !== undefined && !flags.manifest)
    throw new UsageError('--expires is the lifetime of the import link: use it with --manifest');
  if (flags.generateProfile !== undefined && flags.manifest)
    throw new UsageError(
      '--generate-profile cannot follow --manifest: apply the manifest first, then run "strata import NAME --generate-profile PROFILE"',
    );
  const selection = parseSelection(flags);
  const generate =
    flags.generateProfile === undefined
      ? undefined
      : { ...parseGeneratedRef(flags.generateProfile), ...(selection ? { selection } : {}) };
  let register: ImportRequest['register'];
  if (flags.kubeconfig !== undefined)
    register = { connect: 'server', kubeconfig: flags.kubeconfig, mode: mode ?? 'read-only' };
  else if (flags.manifest) {
    const expiresInSeconds = flags.expires === undefined ? undefined : parseLinkSeconds(flags.expires);
    register = {
      connect: 'manifest',
      mode: mode ?? 'read-only',
      modeGiven: mode !== undefined,
      ...(expiresInSeconds === undefined ? {} : { expiresInSeconds }),
    };
  }
  return {
    name,
    ...(register ? { register } : {}),
    wait: flags.wait === true,
    ...(generate ? { generate } : {}),
    timeoutMs,
    format,
  };
}

/** `--include` / `--include-namespace`, which only pick objects for `--generate-profile`. */
function parseSelection(flags: ImportFlags): Selection | undefined {
  const include = flags.include ?? [];
  const namespaces = flags.includeNamespace ?? [];
  for (const [flag, values] of [
    ['--include', include],
    ['--include-namespace', namespaces],
  ] as const)
    if (values.length > 0 && flags.generateProfile === undefined)
      throw new UsageError(
        `${flag} needs --generate-profile: it picks discovered workloads to copy into the generated profile`,
      );
  if (include.length === 0 && namespaces.length === 0) return undefined;
  return { include: include.map(parseInclude), namespaces: namespaces.map(parseIncludeNamespace) };
}

function parseMode(value: string | undefined): ImportMode | undefined {
  if (value === undefined) return undefined;
  if ((IMPORT_MODES as readonly string[]).includes(value)) return value as ImportMode;
  throw new UsageError(`unknown --mode "${value}": use one of ${IMPORT_MODES.join(', ')}`);
}

/** `PROFILE[@VERSION]`, the version defaulting to 1.0.0. */
export function parseGeneratedRef(value: string): { name: string; version: string } {
  const at = value.lastIndexOf('@');
  const name = (at === -1 ? value : value.slice(0, at)).trim();
  const version = at === -1 ? DEFAULT_PROFILE_VERSION : value.slice(at + 1).trim();
  if (!name || !version)
    throw new UsageError(
      `--generate-profile expects PROFILE or PROFILE@VERSION (e.g. legacy or legacy@1.0.0), got "${value}"`,
    );
  return { name, version };
}

function parseLinkSeconds(value: string): number {
  const ms = parseDurationMs(value);
  if (ms % 1000 !== 0 || ms < LINK_SECONDS.min * 1000 || ms > LINK_SECONDS.max * 1000)
    throw new UsageError(`--expires must be whole seconds from 1m to 24h, got "${value}"`);
  return ms / 1000;
}

/** `strata import NAME ...`: register a cluster Strata did not build, and describe it as a draft profile. */
export function registerImport(program: Command, ctx: CommandContext): void {
  program
    .command('import')
    .description('Import a cluster Strata did not build; generate a draft profile from what its agent finds')
    .argument('<name>', 'the name the cluster gets in Strata')
    .option(
      '--kubeconfig <file>',
      'register it with this kubeconfig ("-" for stdin); the server runs its agent',
    )
    .option('--manifest', 'register it without giving the server access: print a one-time kubectl apply link')
    .option(
      '--mode <mode>',
      'read-only (default: the agent only reads and reports) | full (it may apply profiles)',
    )
    .option('--wait', 'with --kubeconfig: wait for the discovery report and print a summary')
    .option('--expires <duration>', 'with --manifest: how long the link works, 1m to 24h (default 1h)')
    .option(
      '--generate-profile <profile[@version]>',
      `make a draft ClusterProfile from the discovery report (version default ${DEFAULT_PROFILE_VERSION})`,
    )
    .option(
      '--include <kind/namespace/name>',
      'with --generate-profile: copy this discovered workload into a manifest layer; KIND/NAME when cluster-scoped (repeatable)',
      collect,
    )
    .option(
      '--include-namespace <namespace>',
      'with --generate-profile: copy every discovered workload in the namespace, and the Namespace itself (repeatable)',
      collect,
    )
    .option('--timeout <duration>', 'how long to wait for the discovery report', '2m')
    .option('-o, --output <format>', 'text | json | yaml', 'text')
    .addHelpText(
      'after',
      `
--kubeconfig: the kubeconfig may hold only a token or a client certificate and CA data (no exec, auth-provider
or file references). The server checks that it reaches the cluster before anything is stored, and runs the agent.
--manifest: for clusters the server cannot reach. Prints "kubectl apply -f URL"; the link works once and issues a
new agent token. Run it again for a new link (an existing imported cluster is reused).
--generate-profile: waits (up to --timeout) for the agent's discovery report, then stores a draft profile with
one layer per Helm release and the OS/Kubernetes/CNI/CSI packs it could match; unmatched items are listed.
--include / --include-namespace: workloads outside Helm (the report's "Other objects") to copy, as the agent reads
them now, into manifest layers: one per namespace, cluster-scoped objects in "cluster-objects". KIND matches the
discovered kinds case-insensitively (deployment/shop/web); write KIND.GROUP when two API groups have the kind
(Widget.example.com/shop/w1; core for the core group). --include-namespace NS takes the Namespace object too, so
the layer can create it; with --include alone, add namespace/NS when the profile must create it. At most
${MAX_SELECTED_OBJECTS} objects; Secrets are never copied. Objects gone since the report are listed as unmatched.

Examples:
  strata import legacy -p retail --kubeconfig legacy.kubeconfig --wait
  strata import legacy -p retail --kubeconfig legacy.kubeconfig --generate-profile legacy@1.0.0
  strata import edge-7 -p retail --manifest --mode full --expires 30m
  strata import edge-7 -p retail --generate-profile edge@0.1.0
  strata import legacy -p retail --generate-profile legacy@1.1.0 --include-namespace shop --include clusterrole/shop-reader`,
    )
    .action(async (name, flags) => {
      const request = parseImportFlags(name, flags);
      const kubeconfig =
        request.register?.connect === 'server' ? await readKubeconfig(request.register.kubeconfig, ctx) : '';
      const { client, project } = await clusterTarget(ctx);
      const text = request.format === 'text';
      const result: {
        cluster?: Cluster;
        importLink?: ImportLink;
        discovery?: ClusterDiscovery;
        generated?: GeneratedProfileResult;
      } = {};
      const call = { project, signal: ctx.signal };

      if (request.register?.connect === 'server') {
        result.cluster = await client.create<Cluster>(
          importedCluster(name, { mode: request.register.mode, connect: 'server' }, kubeconfig),
          call,
        );
        if (text) ctx.out(`cluster/${name} imported (${request.register.mode}); the server runs its agent\n`);
      } else if (request.register?.connect === 'manifest') {
        const { cluster, created } = await manifestCluster(client, name, request.register, project, ctx);
        result.cluster = cluster;
        result.importLink = await client.clusters.importLink(
          name,
          { expiresInSeconds: request.register.expiresInSeconds },
          call,
        );
        if (text) {
          const mode = cluster.spec.import?.mode ?? request.register.mode;
          ctx.out(
            `cluster/${name} ${created ? 'imported' : 'exists'} (${mode}, connected by manifest)\n` +
              `Run this where kubectl reaches the cluster; the link works once, until ${result.importLink.expiresAt}:\n` +
              `  ${result.importLink.command}\n`,
          );
        }
      }

      if (request.wait || request.generate) {
        if (text)
          ctx.err(
            `Waiting for the discovery report of cluster/${name} (up to ${flags.timeout}${request.generate?.selection ? '; the selection is resolved against it' : ''})...\n`,
          );
        const again = request.register
          ? `the cluster is registered: run "${rerun(name, project, request.generate)}" later`
          : 'run the command again with a longer --timeout';
        const cluster = await waitForDiscovery(
          client,
          { name, project, timeoutMs: request.timeoutMs, again },
          ctx.signal,
        );
        result.cluster = cluster;
        result.discovery = discoveryOf(cluster);
        if (text && request.wait) ctx.out(discoverySummary(name, result.discovery!));
      }

      if (request.generate) {
        const { selection, ...profile } = request.generate;
        const objects = selection
          ? selectedObjects(result.discovery!, selection, {
              cluster: name,
              again: request.register
                ? `the cluster is registered: fix the selection and run "${rerun(name, project, request.generate)}"`
                : undefined,
            })
          : undefined;
        result.generated = await client.clusters.generateProfile(
          name,
          { ...profile, ...(objects ? { objects } : {}) },
          call,
        );
        if (text)
          ctx.out(
            generatedProfileText(name, project, result.generated, {
              ...(objects ? { selected: objects.length } : {}),
            }),
          );
      }

      if (request.format !== 'text') ctx.out(toFormat(result, request.format));
    });
}

/** The command that generates the profile for the cluster once it is registered. */
function rerun(name: string, project: string, generate: ImportRequest['generate']): string {
  if (!generate) return `strata import ${name} -p ${project} --generate-profile PROFILE`;
  const { include = [], namespaces = [] } = generate.selection ?? {};
  return [
    `strata import ${name} -p ${project} --generate-profile ${generate.name}@${generate.version}`,
    ...namespaces.map((ns) => `--include-namespace ${ns}`),
    ...include.map((s) => `--include ${s.text}`),
  ].join(' ');
}

function importedCluster(name: string, spec: ClusterImport, kubeconfig?: string) {
  return {
    apiVersion: API_VERSION,
    kind: 'Cluster',
    metadata: { name },
    spec: {
      provider: 'imported',
      nodePools: [],
      import: spec,
      ...(kubeconfig ? { kubeconfig } : {}),
    },
  };
}

async function readKubeconfig(path: string, ctx: CommandContext): Promise<string> {
  let text: string;
  try {
    text = path === '-' ? await readAll(ctx.io.stdin) : await readFile(path, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new InputError(`cannot read the kubeconfig ${path}: ${reason}`);
  }
  if (text.trim() === '') throw new InputError(`the kubeconfig ${path === '-' ? '<stdin>' : path} is empty`);
  return text;
}

/** Creates the Cluster (connect manifest), or reuses one imported the same way before. */
async function manifestCluster(
  client: StrataClient,
  name: string,
  register: { mode: ImportMode; modeGiven: boolean },
  project: string,
  ctx: CommandContext,
): Promise<{ cluster: Cluster; created: boolean }> {
  const call = { project, signal: ctx.signal };
  try {
    const body = importedCluster(name, { mode: register.mode, connect: 'manifest' });
    return { cluster: await client.create<Cluster>(body, call), created: true };
  } catch (err) {
    if (!isStrataError(err) || err.code !== 'STRATA_ALREADY_EXISTS') throw err;
  }
  const existing = await client.get<Cluster>(ClusterKind, name, call);
  if (existing.spec.provider !== 'imported' || existing.spec.import?.connect !== 'manifest')
    throw new InputError(
      `cluster/${name} already exists and is not an imported cluster connected by manifest (provider ${existing.spec.provider}${existing.spec.provider === 'imported' ? ', connect server' : ''}); choose another name`,
    );
  if (register.modeGiven && existing.spec.import.mode !== register.mode)
    throw new InputError(
      `cluster/${name} already exists in mode ${existing.spec.import.mode}, not ${register.mode}; leave out --mode, or change spec.import.mode with "strata apply"`,
    );
  return { cluster: existing, created: false };
}

function discoveryOf(cluster: Cluster): ClusterDiscovery | undefined {
  return (cluster.status as { discovery?: ClusterDiscovery }).discovery;
}

/** Follows the cluster until its status carries a discovery report; a timeout says where the cluster is. */
async function waitForDiscovery(
  client: StrataClient,
  o: { name: string; project: string; timeoutMs: number; again: string },
  signal: AbortSignal | undefined,
): Promise<Cluster> {
  const { name, project, timeoutMs } = o;
  try {
    return (await waitFor({
      client,
      kind: ClusterKind,
      name,
      project,
      condition: parseWaitCondition('jsonpath={.status.discovery.observedAt}'),
      timeoutMs,
      signal,
    })) as Cluster;
  } catch (err) {
    if (!(err instanceof WaitTimeoutError)) throw err;
    const cluster = await client.get<Cluster>(ClusterKind, name, { project, signal }).catch(() => undefined);
    const phase = cluster?.status.phase ?? 'unknown';
    const message = cluster?.status.message;
    const agent = cluster?.status.agent?.connected ? 'agent connected' : 'agent not connected';
    throw new WaitTimeoutError(
      `no discovery report from cluster/${name} within ${formatTimeout(timeoutMs)} (phase ${phase}${message ? `: ${message}` : ''}; ${agent}); ${o.again}`,
    );
  }
}

function formatTimeout(ms: number): string {
  return ms % 60_000 === 0 ? `${ms / 60_000}m` : ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}
