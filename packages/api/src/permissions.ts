/**
 * Does a set of `kind.verb` patterns (with `*` wildcards) grant `kind.verb`? Pure; the server decides with it and
 * the console uses it to hide actions the server would refuse.
 */
/** Kinds a `*` kind never grants: tenant management, and the server's process-wide metrics (every tenant's traffic). */
export const EXPLICIT_ONLY_KINDS: ReadonlySet<string> = new Set(['tenant', 'metrics']);

export function grants(patterns: Iterable<string>, kind: string, verb: string): boolean {
  const k = kind.toLowerCase();
  for (const p of patterns) {
    const dot = p.indexOf('.');
    const pk = p.slice(0, dot);
    const pv = p.slice(dot + 1);
    if ((pk === '*' || pk === k) && (pv === '*' || pv === verb)) {
      // The wildcard kind never grants tenant management or metrics: they need `tenant.*` / `metrics.get` by name.
      if (pk === '*' && EXPLICIT_ONLY_KINDS.has(k)) continue;
      return true;
    }
  }
  return false;
}
