/**
 * Compares two ordered name lists: which names were added, removed, and which common names moved relative to the
 * others (the names outside a longest common subsequence).
 */
export function compareOrder(
  from: readonly string[],
  to: readonly string[],
): { added: string[]; removed: string[]; moved: string[] } {
  const inTo = new Set(to);
  const inFrom = new Set(from);
  const a = from.filter((n) => inTo.has(n));
  const b = to.filter((n) => inFrom.has(n));
  const keep = lcs(a, b);
  return {
    added: to.filter((n) => !inFrom.has(n)),
    removed: from.filter((n) => !inTo.has(n)),
    moved: b.filter((n) => !keep.has(n)),
  };
}

function lcs(a: readonly string[], b: readonly string[]): Set<string> {
  const n = a.length;
  const m = b.length;
  const dp: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      const row = dp[i] as number[];
      row[j] = a[i] === b[j] ? (dp[i + 1]?.[j + 1] ?? 0) + 1 : Math.max(dp[i + 1]?.[j] ?? 0, row[j + 1] ?? 0);
    }
  }
  const out = new Set<string>();
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      out.add(a[i] as string);
      i++;
      j++;
    } else if ((dp[i + 1]?.[j] ?? 0) >= (dp[i]?.[j + 1] ?? 0)) i++;
    else j++;
  }
  return out;
}
