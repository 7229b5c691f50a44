/** Name and version rules shared by validation and the CLI. */

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** A DNS-1123 label: lowercase alphanumerics and '-', starts and ends alphanumeric, at most 63 characters. */
export function isDns1123Label(name: string): boolean {
  return name.length > 0 && name.length <= 63 && DNS1123_LABEL.test(name);
}

/** 'v1.36.3' / '1.36.3' → 'v1.36.3'; anything else → undefined. */
export function normalizeKubernetesVersion(version: string): string | undefined {
  const match = /^v?(\d+)\.(\d+)\.(\d+)$/.exec(version.trim());
  return match ? `v${match[1]}.${match[2]}.${match[3]}` : undefined;
}
