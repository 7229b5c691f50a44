/**
 * Helm releases read straight from Helm's storage, without the helm binary: one Secret (type `helm.sh/release.v1`,
 * label `owner=helm`, named `sh.helm.release.v1.<release>.v<revision>`) per revision. Its `data.release` is base64
 * (the Secret encoding) of base64 of gzip of the release JSON; the ConfigMap driver stores base64 of gzip. Only the
 * newest revision of each release is decoded (chosen from the labels, before any decoding).
 */
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import type { DiscoveredHelmRelease } from '@strata/api';
import { isPlainObject } from '@strata/core';
import { forEachLimited } from '../apply/pool.js';
import type { KubeClient } from '../kube/kube-client.js';
import { metadataOf, type KubeObject } from '../kube/object-ref.js';

const gunzipAsync = promisify(gunzip);

/**
 * The largest release record read (its `data.release` text) and the most its gzip may inflate to. A Secret is at most
 * 1 MiB, so real records are far below these; a gzip bomb in a Secret is refused instead of filling the agent's memory.
 */
export const MAX_RELEASE_RECORD_BYTES = 4 * 1024 * 1024;
export const MAX_RELEASE_JSON_BYTES = 32 * 1024 * 1024;

/** A release record that cannot be read (too large, or not gzip/JSON): reported with the reason, never thrown further. */
export class UnreadableRelease extends Error {
  constructor(record: string, reason: string) {
    super(`Helm release record ${record} is unreadable: ${reason}`);
    this.name = 'UnreadableRelease';
  }
}

export const HELM_OWNER_SELECTOR = 'owner=helm';
const RELEASE_NAME = /^sh\.helm\.release\.v1\./;

/** A decoded release: what discovery reports, plus the rendered manifest (for adoption). */
export interface HelmRelease extends DiscoveredHelmRelease {
  manifest: string;
}

function labelsOf(obj: KubeObject): Record<string, unknown> {
  const labels = metadataOf(obj).labels;
  return isPlainObject(labels) ? labels : {};
}

/** Is this a Helm release record (Secret or ConfigMap storage)? */
export function isReleaseRecord(obj: KubeObject): boolean {
  const name = metadataOf(obj).name;
  return labelsOf(obj).owner === 'helm' && typeof name === 'string' && RELEASE_NAME.test(name);
}

/** The newest revision of every release among these records (by the `name` and `version` labels). */
export function newestRecords(records: readonly KubeObject[]): KubeObject[] {
  const newest = new Map<string, { revision: number; obj: KubeObject }>();
  for (const obj of records) {
    if (!isReleaseRecord(obj)) continue;
    const labels = labelsOf(obj);
    const namespace = metadataOf(obj).namespace;
    const revision = Number(labels.version);
    if (typeof labels.name !== 'string' || typeof namespace !== 'string' || !Number.isInteger(revision))
      continue;
    const key = `${namespace}/${labels.name}`;
    const seen = newest.get(key);
    if (!seen || revision > seen.revision) newest.set(key, { revision, obj });
  }
  return [...newest.values()].map((x) => x.obj);
}

/**
 * Decodes one release record; undefined when it is not a release. Throws UnreadableRelease (with the reason) when the
 * record or what it inflates to is over the limits, or its gzip is broken.
 */
export async function decodeRecord(
  obj: KubeObject,
  limits: { maxRecordBytes?: number; maxJsonBytes?: number } = {},
): Promise<HelmRelease | undefined> {
  const data = isPlainObject(obj.data) ? obj.data : {};
  const encoded = data.release;
  if (typeof encoded !== 'string') return undefined;
  const meta = metadataOf(obj);
  const text = (v: unknown): string => (typeof v === 'string' ? v : '?');
  const record = `${text(meta.namespace)}/${text(meta.name)}`;
  const maxRecord = limits.maxRecordBytes ?? MAX_RELEASE_RECORD_BYTES;
  if (encoded.length > maxRecord)
    throw new UnreadableRelease(record, `${encoded.length} bytes, more than ${maxRecord}`);
  // Secrets carry one more base64 layer (the Secret's own encoding of Helm's base64 text).
  const helmText = obj.kind === 'Secret' ? Buffer.from(encoded, 'base64').toString('latin1') : encoded;
  let bytes = Buffer.from(helmText, 'base64');
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    const maxOutputLength = limits.maxJsonBytes ?? MAX_RELEASE_JSON_BYTES;
    try {
      bytes = await gunzipAsync(bytes, { maxOutputLength });
    } catch (error) {
      const tooLarge = (error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE';
      throw new UnreadableRelease(
        record,
        tooLarge ? `it inflates to more than ${maxOutputLength} bytes` : `its gzip data is broken`,
      );
    }
  }
  let release: unknown;
  try {
    release = JSON.parse(bytes.toString('utf8'));
  } catch {
    return undefined;
  }
  if (!isPlainObject(release)) return undefined;
  const chart = isPlainObject(release.chart) ? release.chart : {};
  const metadata = isPlainObject(chart.metadata) ? chart.metadata : {};
  const info = isPlainObject(release.info) ? release.info : {};
  const name = typeof release.name === 'string' ? release.name : labelsOf(obj).name;
  const namespace = typeof release.namespace === 'string' ? release.namespace : meta.namespace;
  if (typeof name !== 'string' || typeof namespace !== 'string') return undefined;
  return {
    name,
    namespace,
    chart: typeof metadata.name === 'string' ? metadata.name : '',
    version: typeof metadata.version === 'string' ? metadata.version : '',
    ...(typeof metadata.appVersion === 'string' && metadata.appVersion !== ''
      ? { appVersion: metadata.appVersion }
      : {}),
    status: typeof info.status === 'string' ? info.status : 'unknown',
    revision: typeof release.version === 'number' ? release.version : Number(labelsOf(obj).version) || 0,
    values: isPlainObject(release.config) ? release.config : {},
    manifest: typeof release.manifest === 'string' ? release.manifest : '',
  };
}

/**
 * Decodes the newest revision of every release among `records`, `concurrency` at a time (gunzip runs on libuv's
 * thread pool). Releases uninstalled with `--keep-history` are left out: nothing of them runs. Records that cannot be
 * read are left out too, each with a warning that says why.
 */
export async function decodeReleases(
  records: readonly KubeObject[],
  concurrency = 8,
): Promise<{ releases: HelmRelease[]; warnings: string[] }> {
  const out: HelmRelease[] = [];
  const warnings: string[] = [];
  await forEachLimited(newestRecords(records), concurrency, async (obj) => {
    const release = await decodeRecord(obj).catch((error: unknown) => {
      if (error instanceof UnreadableRelease) warnings.push(error.message);
      return undefined;
    });
    if (release && release.status !== 'uninstalled') out.push(release);
  });
  return {
    releases: out.sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name)),
    warnings: warnings.sort(),
  };
}

/** The newest revision of one release (Secret storage, Helm's default), or undefined when there is none. */
export async function readRelease(
  kube: KubeClient,
  namespace: string,
  name: string,
  signal?: AbortSignal,
): Promise<HelmRelease | undefined> {
  const { items } = await kube.list('v1', 'Secret', {
    namespace,
    labelSelector: `${HELM_OWNER_SELECTOR},name=${name}`,
    ...(signal ? { signal } : {}),
  });
  const [newest] = newestRecords(items);
  return newest ? decodeRecord(newest) : undefined;
}

/** The discovery shape (without the manifest). */
export function discovered(release: HelmRelease): DiscoveredHelmRelease {
  const { manifest: _manifest, ...rest } = release;
  return rest;
}
