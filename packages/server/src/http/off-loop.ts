/**
 * Runs a pure function of a module (a parse of a large untrusted document) in a worker thread with a hard deadline and
 * a memory cap, so that one tenant's large document does not stall every other request. The worker is started per
 * call: large documents are rare, and nothing is shared between calls.
 */
import { Worker } from 'node:worker_threads';
import { parseYaml, type LoadYamlOptions, type YamlLoadResult } from '@strata/core';

/** Texts up to this size are parsed in place (bounded by parseYaml's limits, a few ms); larger ones in a worker. */
export const OFF_LOOP_BYTES = 256 * 1024;

export interface OffLoopOptions {
  /** Hard deadline, worker start included. Default 15 s. */
  timeoutMs?: number;
  /** Heap of the worker. Default 512 MiB. */
  maxMemoryMb?: number;
}

export type OffLoopResult<T> =
  { ok: true; value: T } | { ok: false; reason: 'timeout' | 'memory' | 'failed'; message: string };

/** Running from TypeScript sources (bin/strata.js, tests): the worker needs the same loader hooks. */
const FROM_SOURCES = import.meta.url.endsWith('.ts');

// The worker is a small CommonJS script (so it needs no file of its own, in sources and in a build alike). From
// sources it first registers the hooks bin/strata.js registers (module hooks are per thread).
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
(async () => {
  if (workerData.sourceHooks) await import(workerData.sourceHooks);
  const mod = await import(workerData.moduleUrl);
  parentPort.postMessage(mod[workerData.exportName](...workerData.args));
})().catch((error) => parentPort.postMessage({ __offLoopError: String(error && error.message || error) }));
`;

/** From sources this file is packages/server/src/http/off-loop.ts; the hooks live in bin/ at the repository root. */
const SOURCE_HOOKS = new URL('../../../../bin/conditions-hook.js', import.meta.url).href;

/**
 * Calls `exportName(...args)` of the module at `moduleUrl` (pass `import.meta.url` of the caller's module, or a
 * resolved package URL) in a worker. Arguments and result are structured-cloned; the function must be pure.
 */
export function runOffLoop<T>(
  moduleUrl: string,
  exportName: string,
  args: unknown[],
  options: OffLoopOptions = {},
): Promise<OffLoopResult<T>> {
  const timeoutMs = options.timeoutMs ?? 15_000;
  return new Promise((resolve) => {
    const worker = new Worker(WORKER, {
      eval: true,
      workerData: {
        moduleUrl,
        exportName,
        args,
        ...(FROM_SOURCES ? { sourceHooks: SOURCE_HOOKS } : {}),
      },
      resourceLimits: { maxOldGenerationSizeMb: options.maxMemoryMb ?? 512 },
    });
    let settled = false;
    const finish = (result: OffLoopResult<T>): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      resolve(result);
    };
    const timer = setTimeout(
      () => finish({ ok: false, reason: 'timeout', message: `took more than ${timeoutMs} ms` }),
      timeoutMs,
    );
    worker.on('message', (value: unknown) => {
      const error = (value as { __offLoopError?: string } | null)?.__offLoopError;
      finish(
        error === undefined
          ? { ok: true, value: value as T }
          : { ok: false, reason: 'failed', message: `failed: ${error}` },
      );
    });
    worker.on('error', (error: Error & { code?: string }) =>
      finish(
        error.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? { ok: false, reason: 'memory', message: `needed more than ${options.maxMemoryMb ?? 512} MiB` }
          : { ok: false, reason: 'failed', message: `failed: ${error.message}` },
      ),
    );
    worker.on('exit', (code) =>
      finish({ ok: false, reason: 'failed', message: `failed: the worker exited (${code})` }),
    );
  });
}

/**
 * parseYaml, in a worker when the text is larger than `thresholdBytes` (default OFF_LOOP_BYTES). A parse that runs out
 * of time or memory is an issue with `tooLarge` set, like a document over the size limits.
 */
export async function parseYamlOffLoop(
  text: string,
  options: LoadYamlOptions & OffLoopOptions & { thresholdBytes?: number } = {},
): Promise<YamlLoadResult> {
  const { timeoutMs, maxMemoryMb, thresholdBytes, ...load } = options;
  if (typeof text !== 'string' || text.length <= (thresholdBytes ?? OFF_LOOP_BYTES))
    return parseYaml(text, load);
  const result = await runOffLoop<YamlLoadResult>(
    import.meta.resolve('@strata/core'),
    'parseYaml',
    [text, load],
    {
      ...(timeoutMs !== undefined ? { timeoutMs } : {}),
      ...(maxMemoryMb !== undefined ? { maxMemoryMb } : {}),
    },
  );
  if (result.ok) return result.value;
  return {
    documents: [],
    issues: [
      {
        path: load.path ?? '',
        message: `the YAML could not be read: it ${result.message}`,
        code: 'STRATA_YAML_INVALID',
      },
    ],
    tooLarge: result.reason !== 'failed',
  };
}
