import type { Issue, PackLayerKind, ProfileType } from '@strata/api';

const RANK: Record<PackLayerKind, number> = { os: 0, k8s: 1, cni: 2, csi: 3, addon: 4 };
const INFRA: PackLayerKind[] = ['os', 'k8s', 'cni', 'csi'];
const NAMES: Record<PackLayerKind, string> = {
  os: 'OS',
  k8s: 'Kubernetes',
  cni: 'network (CNI)',
  csi: 'storage (CSI)',
  addon: 'add-on',
};

/**
 * Layer order rules: infra = exactly one os, k8s, cni, csi in that order; full = the same, then add-ons; addon = add-ons
 * only. `layers` holds the kind of each layer (undefined when unknown, e.g. a missing pack: it is skipped).
 */
export function checkLayerOrder(
  type: ProfileType,
  layers: readonly (PackLayerKind | undefined)[],
  path = '/spec/layers',
): Issue[] {
  const issues: Issue[] = [];
  const add = (at: string, message: string) =>
    issues.push({ path: at, message, code: 'STRATA_PROFILE_LAYER_ORDER' });
  const seen = new Map<PackLayerKind, number>();
  let highest = -1;
  let highestKind: PackLayerKind | undefined;
  layers.forEach((kind, i) => {
    if (!kind) return;
    const at = `${path}/${i}`;
    if (type === 'addon' && kind !== 'addon') {
      add(
        at,
        `an addon profile holds add-on layers only; this is a ${NAMES[kind]} layer (use an infra or full profile)`,
      );
      return;
    }
    if (type === 'infra' && kind === 'addon') {
      add(
        at,
        'an infra profile holds OS, Kubernetes, CNI and CSI layers only; put add-ons in a full or addon profile',
      );
      return;
    }
    if (kind !== 'addon' && seen.has(kind)) {
      add(
        at,
        `a second ${NAMES[kind]} layer (the first is layer ${seen.get(kind)}); a profile has exactly one`,
      );
      return;
    }
    if (RANK[kind] < highest && highestKind) {
      add(
        at,
        `the ${NAMES[kind]} layer must come before the ${NAMES[highestKind]} layer (order: OS, Kubernetes, CNI, CSI, add-ons)`,
      );
    }
    seen.set(kind, i);
    if (RANK[kind] > highest) {
      highest = RANK[kind];
      highestKind = kind;
    }
  });
  if (type !== 'addon') {
    const unknown = layers.some((k) => k === undefined);
    for (const kind of INFRA) {
      if (!seen.has(kind) && !unknown) add(path, `an ${type} profile needs a ${NAMES[kind]} layer`);
    }
  }
  return issues;
}
