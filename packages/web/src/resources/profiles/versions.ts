/** The next minor version, the default name of a clone: 1.2.3 → 1.3.0 (versions compare with `compareVersions` of @strata/api). */
export function nextMinor(v: string): string {
  const m = /^(\d+)\.(\d+)\.(\d+)/.exec(v);
  return m ? `${m[1]}.${Number(m[2]) + 1}.0` : v;
}
