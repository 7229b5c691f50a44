/**
 * Applies a Helm layer with `helm upgrade --install` and reads back what Helm rendered (`helm get manifest`), so the
 * release's objects get the same readiness wait and drift detection as manifest layers. A release left pending by
 * an agent killed mid-operation is recovered first (rolled back, or uninstalled if it never finished installing),
 * so a restart neither duplicates the release nor stays locked.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { canonicalJson, isPlainObject, parseYaml } from '@strata/core';
import { AgentError, sleep } from '../errors.js';
import type { KubeClient } from '../kube/kube-client.js';
import { metadataOf, refOf } from '../kube/object-ref.js';
import type { Logger } from '../log/logger.js';
import type { DesiredLayer, HelmSpec } from '../protocol/desired-state.js';
import type { ServerClient } from '../protocol/server-client.js';
import { waitReady } from '../readiness/wait-ready.js';
import type { InventoryStore, LayerInventory } from '../inventory/inventory-store.js';
import type { ManagedObject } from '../apply/managed-object.js';
import type { Origin } from '../apply/labels.js';
import { readRelease, type HelmRelease } from '../discovery/helm-releases.js';
import { chartArgs } from './chart-source.js';
import type { HelmCli } from './helm-cli.js';

export interface HelmApplyContext {
  kube: KubeClient;
  helm: HelmCli;
  inventory: InventoryStore;
  server: ServerClient | undefined;
  logger: Logger;
  workRoot: string;
  deadline: number;
  signal?: AbortSignal;
}

/** Objects of a rendered release, namespaced ones placed in the release namespace when the chart left it out. */
export async function releaseObjects(
  kube: KubeClient,
  manifest: string,
  namespace: string,
): Promise<ManagedObject[]> {
  const { documents } = parseYaml(manifest, { maxBytes: 64 * 1024 * 1024, maxDocuments: 100_000 });
  const out: ManagedObject[] = [];
  for (const doc of documents) {
    if (!isPlainObject(doc) || !refOf(doc)) continue;
    const ref = refOf(doc)!;
    const info = await kube.discovery.lookup(ref.apiVersion, ref.kind);
    const desired = { ...doc, metadata: { ...metadataOf(doc) } };
    if (info?.namespaced && !ref.namespace)
      (desired.metadata as Record<string, unknown>).namespace = namespace;
    out.push({ ref: refOf(desired)!, desired, origin: 'helm' });
  }
  return out;
}

/** Waits out (then repairs) a release left pending-* by an agent that died during a Helm operation. */
async function recoverPending(ctx: HelmApplyContext, spec: HelmSpec): Promise<void> {
  const { helm } = ctx;
  let status = await helm.status(spec.releaseName, spec.namespace);
  // A Helm process orphaned by a killed agent may still be finishing (without --wait that takes seconds, unless
  // hooks run): give it a minute before taking over.
  const until = Math.min(ctx.deadline, Date.now() + 60_000);
  while (status?.status.startsWith('pending-') && Date.now() < until) {
    await sleep(2000, ctx.signal);
    status = await helm.status(spec.releaseName, spec.namespace);
  }
  if (!status?.status.startsWith('pending-')) return;
  ctx.logger.warn('recovering a release left pending', { release: spec.releaseName, status: status.status });
  if (status.status === 'pending-install' || status.revision <= 1)
    await helm.uninstall(spec.releaseName, spec.namespace, 120_000);
  else await helm.rollback(spec.releaseName, spec.namespace, status.revision - 1, 120_000);
}

const stripV = (v: string): string => v.replace(/^v/, '');

/**
 * Whether the installed release already is what the layer asks for — deployed, same chart name and version, same
 * user-supplied values — so `helm upgrade` would only add a revision (and restart nothing, but still write).
 */
export function releaseMatches(release: HelmRelease | undefined, spec: HelmSpec): release is HelmRelease {
  return (
    release !== undefined &&
    release.status === 'deployed' &&
    release.chart === spec.chart.name &&
    stripV(release.version) === stripV(spec.chart.version) &&
    canonicalJson(release.values) === canonicalJson(spec.values)
  );
}

export async function applyHelmLayer(
  ctx: HelmApplyContext,
  layer: DesiredLayer,
  spec: HelmSpec,
  previous: LayerInventory | undefined,
): Promise<{ managed: ManagedObject[]; inventory: LayerInventory }> {
  const { helm, kube, signal } = ctx;
  await recoverPending(ctx, spec);
  const samePrevious =
    previous?.helm?.releaseName === spec.releaseName && previous.helm.namespace === spec.namespace;
  let origin: Origin = samePrevious ? previous.helm!.origin : 'created';
  if (!samePrevious && (await helm.status(spec.releaseName, spec.namespace))) origin = 'adopted';
  const record: LayerInventory = {
    profile: layer.profile,
    layer: layer.name,
    key: layer.key,
    index: layer.index,
    type: 'helm',
    objects: [],
    helm: { releaseName: spec.releaseName, namespace: spec.namespace, origin },
  };
  // Written ahead: a restart after this point knows the release is ours.
  await ctx.inventory.write(record, signal);

  // Adoption without disruption: a release that already is what the layer asks for is taken as it is (no upgrade,
  // no new revision), only recorded and put under drift detection.
  const installed = await readRelease(kube, spec.namespace, spec.releaseName, signal);
  let manifest: string;
  if (releaseMatches(installed, spec)) {
    ctx.logger.info('release already as desired; not upgraded', {
      layer: layer.key,
      release: spec.releaseName,
      revision: installed.revision,
    });
    manifest = installed.manifest;
  } else {
    const work = await mkdtemp(join(ctx.workRoot, 'layer-'));
    try {
      const chart = await chartArgs(spec, { server: ctx.server, workDir: work, signal });
      const valuesFile = join(work, 'values.json');
      await writeFile(valuesFile, JSON.stringify(spec.values), { mode: 0o600 });
      const timeoutMs = Math.max(10_000, ctx.deadline - Date.now());
      await helm.upgradeInstall({
        release: spec.releaseName,
        namespace: spec.namespace,
        chart: chart.chart,
        extraArgs: chart.extraArgs,
        valuesFile,
        timeoutMs,
      });
    } finally {
      await rm(work, { recursive: true, force: true });
    }
    manifest = await helm.getManifest(spec.releaseName, spec.namespace);
  }

  const managed = await releaseObjects(kube, manifest, spec.namespace);
  const live = await Promise.all(managed.map(async (m) => (await kube.get(m.ref, signal)) ?? m.desired));
  await waitReady(live, { kube, deadline: ctx.deadline, signal });

  // The layer moved to another release: the old one goes, if the agent installed it.
  if (previous?.helm && !samePrevious && previous.helm.origin === 'created')
    await helm.uninstall(
      previous.helm.releaseName,
      previous.helm.namespace,
      Math.max(10_000, ctx.deadline - Date.now()),
    );
  return { managed, inventory: { ...record, appliedHash: layer.hash } };
}

/** The objects of an installed release (for drift detection of a layer that needs no apply). */
export async function installedReleaseObjects(
  kube: KubeClient,
  helm: HelmCli,
  spec: { releaseName: string; namespace: string },
): Promise<ManagedObject[] | undefined> {
  const status = await helm.status(spec.releaseName, spec.namespace);
  if (!status) return undefined;
  return releaseObjects(kube, await helm.getManifest(spec.releaseName, spec.namespace), spec.namespace);
}

export function assertHelm(helm: HelmCli | undefined): HelmCli {
  if (!helm)
    throw new AgentError(
      'InvalidOptions',
      'this layer is a Helm chart but the agent has no helm binary (--helm)',
    );
  return helm;
}
