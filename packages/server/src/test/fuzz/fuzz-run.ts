import { performance } from 'node:perf_hooks';
import { StallGuard } from '@strata/testing';
import type { TestServer } from '../harness.js';
import { fuzzRequest, type FuzzPlan, type FuzzRequest } from './fuzz-cases.js';

export interface FuzzRunOptions {
  seed: number;
  inputs: number;
  /** A request that blocks the event loop longer than this is a violation (default 200 ms). */
  stallLimitMs?: number;
  /** A request not answered within this is a violation (default 10 s). */
  answerTimeoutMs?: number;
}

export interface Violation {
  property: '5xx' | 'stall' | 'stored on refusal' | 'not problem+json' | 'no answer';
  request: FuzzRequest;
  detail: string;
}

export interface FuzzReport {
  violations: Violation[];
  /** Requests per status code. */
  statuses: Map<number, number>;
  /** Requests per route (`METHOD url`). */
  perRoute: Map<string, number>;
  /** Wall time per route, to see where a run spends its time. */
  msPerRoute: Map<string, number>;
  slowest: { blockedMs: number; request: FuzzRequest };
}

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Sends `inputs` generated requests one after another and checks the properties every request must keep: no 5xx,
 * no event-loop stall over the limit, a refused write changes nothing (the global resourceVersion counter, which
 * every stored change moves), and every 4xx is a problem document with a code.
 */
export async function runFuzz(
  server: TestServer,
  plan: FuzzPlan,
  options: FuzzRunOptions,
): Promise<FuzzReport> {
  const stallLimitMs = options.stallLimitMs ?? 200;
  const guard = new StallGuard();
  const report: FuzzReport = {
    violations: [],
    statuses: new Map(),
    perRoute: new Map(),
    msPerRoute: new Map(),
    slowest: { blockedMs: 0, request: fuzzRequest(plan, options.seed, 0) },
  };
  const violate = (property: Violation['property'], request: FuzzRequest, detail: string) =>
    report.violations.push({ property, request, detail: detail.slice(0, 300) });
  try {
    for (let i = 0; i < options.inputs; i++) {
      const request = fuzzRequest(plan, options.seed, i);
      const routeKey = `${request.method} ${request.route}`;
      report.perRoute.set(routeKey, (report.perRoute.get(routeKey) ?? 0) + 1);
      const started = performance.now();
      const write = !READS.has(request.method);
      const before = write ? await server.store.currentResourceVersion() : undefined;
      let answer: { result: Answer; blockedMs: number };
      try {
        answer = await guard.measure(() => send(server, request, options.answerTimeoutMs ?? 10_000));
      } catch (err) {
        violate('no answer', request, err instanceof Error ? err.message : String(err));
        continue;
      }
      const { result: res, blockedMs } = answer;
      const ms = performance.now() - started;
      report.msPerRoute.set(routeKey, (report.msPerRoute.get(routeKey) ?? 0) + ms);
      report.statuses.set(res.statusCode, (report.statuses.get(res.statusCode) ?? 0) + 1);
      if (blockedMs > report.slowest.blockedMs) report.slowest = { blockedMs, request };
      if (blockedMs > stallLimitMs)
        violate('stall', request, `blocked the event loop ${Math.round(blockedMs)} ms`);
      if (res.statusCode >= 500) violate('5xx', request, `${res.statusCode} ${res.body}`);
      if (res.statusCode >= 400 && res.statusCode < 500) {
        const type = String(res.headers['content-type'] ?? '');
        const code = problemCode(res.body);
        if (!type.startsWith('application/problem+json') || code === undefined) {
          violate('not problem+json', request, `${res.statusCode} ${type}: ${res.body}`);
        }
        if (write) {
          const after = await server.store.currentResourceVersion();
          if (after !== before) {
            violate(
              'stored on refusal',
              request,
              `${res.statusCode} ${code}, resourceVersion ${before} → ${after}`,
            );
          }
        }
      }
    }
  } finally {
    guard.stop();
  }
  return report;
}

interface Answer {
  statusCode: number;
  headers: Record<string, string | string[] | number | undefined>;
  body: string;
}

async function send(server: TestServer, request: FuzzRequest, timeoutMs: number): Promise<Answer> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([
      server.app.inject({
        method: request.method as 'GET',
        url: request.url,
        headers: request.headers,
        ...(request.payload !== undefined ? { payload: request.payload } : {}),
      }),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

function problemCode(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { code?: unknown };
    return typeof parsed.code === 'string' && parsed.code.length > 0 ? parsed.code : undefined;
  } catch {
    return undefined;
  }
}

/** One line per violation, with what is needed to replay it. */
export function describeViolation(v: Violation): string {
  const r = v.request;
  return `[${v.property}] case ${r.index} ${r.method} ${r.url.slice(0, 160)} as ${r.caller} (${r.mutation.slice(0, 160)}): ${v.detail}`;
}
