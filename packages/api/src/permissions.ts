/**
 * Does a set of `kind.verb` patterns (with `*` wildcards) grant `kind.verb`? Pure; the server decides with it and
 * the console uses it to hide actions the server would refuse.
 */
export function grants(patterns: Iterable<string>, kind: string, verb: string): boolean {
  const k = kind.toLowerCase();
  for (const p of patterns) {
    const dot = p.indexOf('.');
    const pk = p.slice(0, dot);
    const pv = p.slice(dot + 1);
    if ((pk === '*' || pk === k) && (pv === '*' || pv === verb)) {
      // The wildcard kind never grants tenant management: that needs `tenant.*` explicitly.
      if (pk === '*' && k === 'tenant') continue;
      return true;
    }
  }
  return false;
}
