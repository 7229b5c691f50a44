import type { Issue, PackSourceChart } from '@strata/api';
import {
  DEFAULT_EGRESS_POLICY,
  packVersionOf,
  parseSingleYaml,
  type EgressPolicy,
  type Pack,
} from '@strata/core';
import {
  EgressDeniedError,
  egressGet,
  readEgressBody,
  type EgressResolver,
  type EgressResponse,
} from '@strata/provider-sdk';

/** One chart version listed in a Helm repository index.yaml. */
export interface HelmIndexEntry {
  name: string;
  version: string;
  appVersion?: string;
  description?: string;
  urls: string[];
  digest?: string;
}

/** The Ready condition a PackSource gets from reading its index (the caller adds lastTransitionTime). */
export interface PackSourceCondition {
  type: 'Ready';
  status: 'True' | 'False';
  reason:
    'IndexRead' | 'Unreachable' | 'EgressDenied' | 'HttpError' | 'TooLarge' | 'Malformed' | 'Unsupported';
  message: string;
}

export type HelmIndexResult =
  | {
      ok: true;
      entries: HelmIndexEntry[];
      charts: PackSourceChart[];
      issues: Issue[];
      condition: PackSourceCondition;
    }
  | { ok: false; condition: PackSourceCondition };

export interface ReadHelmIndexOptions {
  /** The repository URL (index.yaml is read from `<url>/index.yaml`). */
  url: string;
  timeoutMs?: number;
  /** Largest index accepted, in bytes. Default 20 MiB. */
  maxBytes?: number;
  credentials?: { username?: string; password?: string; token?: string };
  /** Which addresses may be reached (default: public addresses only); checked for every redirect too. */
  egress?: EgressPolicy;
  /** Skip certificate verification (the PackSource's insecureSkipTlsVerify). */
  insecureSkipTlsVerify?: boolean;
  /** Injected in tests; default: the system resolver. */
  resolver?: EgressResolver;
}

/**
 * Reads a Helm repository's index.yaml over HTTP(S) with a timeout and a size limit. Never throws: an unreachable,
 * oversized or malformed index gives `{ok: false, condition}` with a reason and message for the PackSource status.
 */
export async function readHelmIndex(options: ReadHelmIndexOptions): Promise<HelmIndexResult> {
  const fail = (reason: PackSourceCondition['reason'], message: string): HelmIndexResult => ({
    ok: false,
    condition: { type: 'Ready', status: 'False', reason, message },
  });
  let indexUrl: URL;
  try {
    indexUrl = new URL(`${options.url.replace(/\/+$/, '')}/index.yaml`);
  } catch {
    return fail('Malformed', 'the repository URL is not a valid URL');
  }
  // Shown in status and events: never the user name or password a URL may carry.
  indexUrl.username = '';
  indexUrl.password = '';
  if (indexUrl.protocol !== 'http:' && indexUrl.protocol !== 'https:')
    return fail(
      'Unsupported',
      `${indexUrl.protocol} repositories are not read yet (OCI registries come later)`,
    );
  const maxBytes = options.maxBytes ?? 20 * 1024 * 1024;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const headers: Record<string, string> = { accept: 'application/yaml, text/yaml, */*' };
  const c = options.credentials;
  if (c?.token) headers.authorization = `Bearer ${c.token}`;
  else if (c?.username !== undefined)
    headers.authorization = `Basic ${Buffer.from(`${c.username}:${c.password ?? ''}`).toString('base64')}`;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  let text: string;
  try {
    const res = await egressGet({
      policy: options.egress ?? DEFAULT_EGRESS_POLICY,
      url: indexUrl,
      headers,
      signal: controller.signal,
      maxRedirects: 5,
      ...(options.insecureSkipTlsVerify ? { tls: { rejectUnauthorized: false } } : {}),
      ...(options.resolver ? { resolver: options.resolver } : {}),
    });
    const body = await readIndex(res, maxBytes);
    if (typeof body !== 'string') return fail(body.reason, body.message);
    text = body;
  } catch (err) {
    if (err instanceof EgressDeniedError) return fail('EgressDenied', err.message);
    return fail(
      'Unreachable',
      controller.signal.aborted
        ? `no answer from ${indexUrl.href} within ${timeoutMs} ms`
        : `could not connect to ${indexUrl.origin}`,
    );
  } finally {
    clearTimeout(timer);
  }
  const parsed = parseHelmIndex(text, { maxBytes });
  if (!parsed.ok)
    return fail(
      'Malformed',
      `index.yaml is not a valid Helm repository index: ${parsed.issues.map((i) => `${i.path || '/'}: ${i.message}`).join('; ')}`,
    );
  const charts = summarize(parsed.entries);
  const versions = parsed.entries.length;
  return {
    ok: true,
    entries: parsed.entries,
    charts,
    issues: parsed.issues,
    condition: {
      type: 'Ready',
      status: 'True',
      reason: 'IndexRead',
      message: `${charts.length} chart${charts.length === 1 ? '' : 's'}, ${versions} version${versions === 1 ? '' : 's'}${parsed.issues.length ? `; ${parsed.issues.length} entries skipped` : ''}`,
    },
  };
}

/** Parses index.yaml text. Entries that are unusable are skipped with an issue; a wrong overall shape is not ok. */
export function parseHelmIndex(
  text: string,
  options: { maxBytes?: number } = {},
): { ok: boolean; entries: HelmIndexEntry[]; issues: Issue[] } {
  const parsed = parseSingleYaml(text, {
    path: '',
    booleans: 'yaml-1.2',
    maxBytes: options.maxBytes ?? 20 * 1024 * 1024,
    maxAliasCount: 1000,
  });
  if (parsed.issues.length) return { ok: false, entries: [], issues: parsed.issues };
  const doc = parsed.value;
  if (
    !doc ||
    typeof doc !== 'object' ||
    Array.isArray(doc) ||
    typeof doc.apiVersion !== 'string' ||
    !doc.entries ||
    typeof doc.entries !== 'object' ||
    Array.isArray(doc.entries)
  ) {
    return {
      ok: false,
      entries: [],
      issues: [{ path: '', message: 'expected a map with apiVersion and entries' }],
    };
  }
  const entries: HelmIndexEntry[] = [];
  const issues: Issue[] = [];
  for (const [name, list] of Object.entries(doc.entries)) {
    if (!Array.isArray(list)) {
      issues.push({ path: `/entries/${name}`, message: 'expected a list of chart versions' });
      continue;
    }
    list.forEach((e, i) => {
      if (
        !e ||
        typeof e !== 'object' ||
        Array.isArray(e) ||
        typeof e.version !== 'string' ||
        !Array.isArray(e.urls)
      ) {
        issues.push({ path: `/entries/${name}/${i}`, message: 'a chart version needs version and urls' });
        return;
      }
      const entry: HelmIndexEntry = {
        name,
        version: e.version,
        urls: e.urls.filter((u): u is string => typeof u === 'string'),
      };
      if (typeof e.appVersion === 'string') entry.appVersion = e.appVersion;
      if (typeof e.description === 'string') entry.description = e.description;
      if (typeof e.digest === 'string') entry.digest = e.digest;
      entries.push(entry);
    });
  }
  return { ok: true, entries, issues };
}

/** Packs (type helm, layer addon) for the charts of a repository, so that they can be used as pack layers. */
export function packsFromHelmIndex(repository: string, entries: readonly HelmIndexEntry[]): Pack[] {
  const packs: Pack[] = [];
  for (const e of entries) {
    const version = packVersionOf(e.version);
    if (!version || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(e.name) || e.name.length > 63) continue;
    packs.push({
      name: e.name,
      version,
      layer: 'addon',
      type: 'helm',
      ...(e.description ? { description: e.description.slice(0, 4096) } : {}),
      chart: { repository, name: e.name, version: e.version },
    });
  }
  return packs;
}

function summarize(entries: readonly HelmIndexEntry[]): PackSourceChart[] {
  const byName = new Map<string, PackSourceChart>();
  for (const e of entries) {
    let chart = byName.get(e.name);
    if (!chart) byName.set(e.name, (chart = { name: e.name, versions: [] }));
    chart.versions.push({
      version: e.version,
      ...(e.appVersion ? { appVersion: e.appVersion } : {}),
      ...(e.description ? { description: e.description } : {}),
      ...(e.digest ? { digest: e.digest } : {}),
    });
  }
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** The index text, or why it is not read: an HTTP error or a body over the limit. */
async function readIndex(
  res: EgressResponse,
  maxBytes: number,
): Promise<string | { reason: 'HttpError' | 'TooLarge'; message: string }> {
  if (res.status < 200 || res.status > 299) {
    res.body.destroy();
    return { reason: 'HttpError', message: `GET ${res.url.href} returned HTTP ${res.status}` };
  }
  const declared = Number(res.headers['content-length'] ?? '0');
  if (declared > maxBytes) {
    res.body.destroy();
    return {
      reason: 'TooLarge',
      message: `index.yaml is ${declared} bytes, more than the limit of ${maxBytes}`,
    };
  }
  const body = await readEgressBody(res, maxBytes);
  if (body === undefined)
    return { reason: 'TooLarge', message: `index.yaml is larger than the limit of ${maxBytes} bytes` };
  return body.toString('utf8');
}
