/**
 * Repairs drift in one layer. Manifest layers: the drifted objects are applied again (in apply order) and waited
 * for. Helm layers: the release's current revision is re-applied with `helm rollback RELEASE <current>`, whose
 * three-way merge restores edited fields and re-creates deleted objects from the release's own stored manifest — no
 * chart download, so it works while the server is unreachable; a release uninstalled behind the agent's back is
 * installed again (that does need the chart).
 */
import { applyOrder } from '../apply/apply-order.js';
import type { ManagedObject } from '../apply/managed-object.js';
import { applyObject } from '../apply/manifest-applier.js';
import { applyHelmLayer, assertHelm } from '../helm/helm-applier.js';
import type { HelmCli } from '../helm/helm-cli.js';
import type { InventoryStore } from '../inventory/inventory-store.js';
import type { KubeClient } from '../kube/kube-client.js';
import type { KubeObject } from '../kube/object-ref.js';
import type { Logger } from '../log/logger.js';
import type { DesiredLayer } from '../protocol/desired-state.js';
import type { ServerClient } from '../protocol/server-client.js';
import { waitReady } from '../readiness/wait-ready.js';

export interface RemediationContext {
  kube: KubeClient;
  inventory: InventoryStore;
  logger: Logger;
  deadline: number;
  signal: AbortSignal;
  helm: HelmCli | undefined;
  server: ServerClient | undefined;
  workRoot: string;
}

export async function remediateLayer(
  ctx: RemediationContext,
  layer: DesiredLayer,
  objects: readonly ManagedObject[],
): Promise<void> {
  const { kube, deadline, signal } = ctx;
  if (layer.content.type === 'info') return;
  if (layer.content.type === 'manifest') {
    const ordered = applyOrder(objects.map((m) => ({ kind: m.ref.kind, m }))).map((x) => x.m);
    const results: KubeObject[] = [];
    // Forced, adopted objects too: drift on a field someone else changed since is exactly what must be undone.
    for (const m of ordered) results.push(await applyObject(kube, m, signal, true));
    await waitReady(results, { kube, deadline, signal });
    return;
  }
  const spec = layer.content.helm;
  const helm = assertHelm(ctx.helm);
  const status = await helm.status(spec.releaseName, spec.namespace);
  if (!status) {
    const inv = (await ctx.inventory.list(signal)).find((i) => i.key === layer.key);
    const result = await applyHelmLayer({ ...ctx, helm }, layer, spec, inv);
    await ctx.inventory.write(result.inventory, signal);
    return;
  }
  await helm.rollback(
    spec.releaseName,
    spec.namespace,
    status.revision,
    Math.max(10_000, deadline - Date.now()),
  );
  const live = await Promise.all(objects.map((m) => kube.get(m.ref, signal)));
  await waitReady(
    live.filter((o) => o !== undefined),
    { kube, deadline, signal },
  );
}
