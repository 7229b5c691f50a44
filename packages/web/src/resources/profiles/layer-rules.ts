import type { ProfileLayer } from '@strata/api';

const RANK: Record<string, number> = { os: 0, k8s: 1, cni: 2, csi: 3, addon: 4 };

/** The stack position of a layer: its pack's layer kind; manifest and chart layers are add-ons. */
export function layerKind(
  layer: ProfileLayer,
  packLayer: (pack: string, version: string) => string | undefined,
): string {
  if ('pack' in layer) return packLayer(layer.pack, layer.version) ?? 'addon';
  return 'addon';
}

/** Layers must go os → k8s → cni → csi → add-ons; add-ons may be in any order among themselves. */
export function inOrder(kinds: readonly string[]): boolean {
  for (let i = 1; i < kinds.length; i++)
    if ((RANK[kinds[i]!] ?? 4) < (RANK[kinds[i - 1]!] ?? 4)) return false;
  return true;
}

/** Would moving layer `i` by `delta` keep the order rules? */
export function canMove(kinds: readonly string[], i: number, delta: -1 | 1): boolean {
  const j = i + delta;
  if (j < 0 || j >= kinds.length) return false;
  const next = [...kinds];
  [next[i], next[j]] = [next[j]!, next[i]!];
  return inOrder(next);
}

export function move<T>(items: readonly T[], i: number, delta: -1 | 1): T[] {
  const next = [...items];
  const j = i + delta;
  [next[i], next[j]] = [next[j]!, next[i]!];
  return next;
}

/** Where a new layer of this kind goes: after the last layer whose kind ranks at or below it. */
export function insertionIndex(kinds: readonly string[], kind: string): number {
  const rank = RANK[kind] ?? 4;
  let at = 0;
  kinds.forEach((k, i) => {
    if ((RANK[k] ?? 4) <= rank) at = i + 1;
  });
  return at;
}
