/** Helpers for the agent's tests on real sandbox clusters: kubectl, waiting, and a stack builder. */
import { setTimeout as sleep } from 'node:timers/promises';
import { execFile } from 'node:child_process';
import { contentHash, type JsonObject } from '@strata/core';
import type { SandboxClusterFixture } from '@strata/testing';

export function kubectl(fx: SandboxClusterFixture, ...args: string[]): Promise<string> {
  return run(fx.bin('kubectl'), ['--kubeconfig', fx.kubeconfigPath, ...args]);
}

export async function kubectlJson(fx: SandboxClusterFixture, ...args: string[]): Promise<JsonObject> {
  return JSON.parse(await kubectl(fx, ...args, '-o', 'json')) as JsonObject;
}

/** The object, or undefined when it does not exist. */
export async function kubectlGet(
  fx: SandboxClusterFixture,
  ...args: string[]
): Promise<JsonObject | undefined> {
  const out = await kubectl(fx, 'get', ...args, '--ignore-not-found', '-o', 'json');
  return out.trim() === '' ? undefined : (JSON.parse(out) as JsonObject);
}

export function run(bin: string, args: string[], env?: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(bin, args, { maxBuffer: 64 * 1024 * 1024, ...(env ? { env } : {}) }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${bin} ${args.join(' ')}: ${stderr || error.message}`));
      else resolve(stdout);
    });
  });
}

export async function waitFor<T>(
  fn: () => Promise<T | undefined | false> | T | undefined | false,
  what: string,
  timeoutMs = 30_000,
  intervalMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined && v !== false) return v;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline)
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${last instanceof Error ? `: ${last.message}` : ''}`,
      );
    await sleep(intervalMs);
  }
}

export function meta(o: JsonObject | undefined): JsonObject {
  return (o?.metadata ?? {}) as JsonObject;
}

/** A resolved layer as the server sends it (ResolvedLayer shape), with a content hash like core computes. */
export function stackLayer(
  profile: string,
  name: string,
  content: { layer?: string; manifests?: JsonObject[]; helm?: JsonObject },
): JsonObject {
  const body = {
    name,
    layer: content.layer ?? 'addon',
    type: content.helm ? 'helm' : 'manifest',
    manifests: content.manifests ?? [],
    ...(content.helm ? { helm: content.helm } : {}),
    values: {},
  };
  return { profile: { name: profile, version: '1.0.0' }, ...body, hash: contentHash(body) };
}

export function desiredMessage(
  layers: JsonObject[],
  policy: { drift: 'remediate' | 'report'; paused?: boolean } = { drift: 'remediate' },
): Record<string, unknown> {
  return {
    cluster: { tenant: 't', project: 'p', name: 'c', uid: 'uid-1' },
    stack: { hash: contentHash(layers.map((l) => l.hash)), layers },
    policy: { paused: false, ...policy },
    mode: 'full',
  };
}
