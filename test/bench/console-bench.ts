// Benchmark of the web console (issue 8 targets): initial JS gzipped (< 400 KB), dashboard interactive with 500
// clusters in the store (< 1.5 s), and scrolling the virtualized cluster list with 5,000 clusters (smooth).
// Runs a real `strata server`; the clusters are real Cluster objects with `policy.paused: true`, which the cluster
// controller validates and resolves but does not provision (status.paused), so the store holds thousands of them
// without starting thousands of sandbox control planes. Prints markdown for docs/benchmarks.md.
// Usage: node --import ./bin/conditions-hook.js test/bench/console-bench.ts [--clusters 500] [--large 5000]
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import { api, type Api } from '../e2e/support/api.js';
import { DIST_DIR, consoleFor, launchBrowser } from '../e2e/support/browser.js';
import { PROJECT, clusterBody, publishProfile, sandboxProfile } from '../e2e/support/clusters.js';
import { startServerProcess } from '../e2e/support/server-process.js';

const { values } = parseArgs({
  options: {
    clusters: { type: 'string', default: '500' },
    large: { type: 'string', default: '5000' },
    runs: { type: 'string', default: '5' },
  },
});
const SMALL = Number(values.clusters);
const LARGE = Number(values.large);
const RUNS = Number(values.runs);

type PageGlobals = {
  document: {
    querySelector(s: string): {
      textContent: string | null;
      scrollTop: number;
      querySelectorAll(s: string): { length: number };
    } | null;
  };
  performance: { now(): number };
  requestAnimationFrame(cb: (t: number) => void): void;
};

const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function gzipOf(file: string): Promise<{ raw: number; gz: number }> {
  const body = await readFile(join(DIST_DIR, file));
  return { raw: body.length, gz: gzipSync(body).length };
}

/** JS that index.html loads before anything else: the entry module and its modulepreloads. */
async function entryBundle() {
  const html = await readFile(join(DIST_DIR, 'index.html'), 'utf8');
  const files = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.js)"/g)].map((m) => m[1]!);
  let raw = 0;
  let gz = 0;
  for (const f of files) {
    const s = await gzipOf(f);
    raw += s.raw;
    gz += s.gz;
  }
  return { files: files.length, raw, gz };
}

async function createClusters(a: Api, from: number, to: number): Promise<number> {
  const started = Date.now();
  let next = from;
  const worker = async () => {
    while (next < to) {
      const i = next++;
      const body = clusterBody(`c-${String(i).padStart(4, '0')}`, 1);
      (body.spec as Record<string, unknown>).policy = { paused: true };
      (body.metadata as Record<string, unknown>).labels = {
        env: i % 3 === 0 ? 'prod' : 'dev',
        team: `t${i % 17}`,
      };
      for (let attempt = 0; ; attempt++) {
        const res = await a.call('POST', `${PROJECT}/clusters`, body).catch((err: unknown) => {
          if (attempt >= 5) throw err;
          return undefined;
        });
        if (res && res.status < 300) break;
        if (res && res.status !== 503 && res.status !== 429)
          throw new Error(`create ${i}: ${res.status} ${res.text}`);
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
  return Date.now() - started;
}

async function signedInPage(url: string, token: string, expiresAt: string) {
  const browser = await launchBrowser();
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  await context.addInitScript(
    ({ token, expiresAt }) => {
      const g = globalThis as unknown as { sessionStorage: { setItem(k: string, v: string): void } };
      g.sessionStorage.setItem(
        'strata.session',
        JSON.stringify({ token, user: 'admin', tenant: 'default', expiresAt }),
      );
    },
    { token, expiresAt },
  );
  const page = await context.newPage();
  return { page, close: () => browser.close() };
}

/** ms from navigation start until the dashboard shows the count of every cluster. */
async function dashboardInteractive(
  page: Page,
  url: string,
  count: number,
  js: Set<string>,
): Promise<number> {
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (u.pathname.endsWith('.js')) js.add(u.pathname.slice(1));
  });
  await page.goto(`${url}/`);
  const handle = await page.waitForFunction(
    (n) => {
      const g = globalThis as unknown as PageGlobals;
      return g.document.querySelector('[data-testid="stat-Clusters"]')?.textContent === String(n)
        ? g.performance.now()
        : false;
    },
    count,
    { timeout: 60_000, polling: 'raf' },
  );
  const ready = (await handle.jsonValue()) as number;
  const phases = await page.evaluate(() => {
    const perf = (
      globalThis as unknown as {
        performance: {
          getEntriesByType(
            t: string,
          ): { name: string; responseEnd: number; domContentLoadedEventEnd?: number }[];
        };
      }
    ).performance;
    const nav = perf.getEntriesByType('navigation')[0];
    const list = perf
      .getEntriesByType('resource')
      .find((e) => /\/clusters(\?|$)/.test(e.name) && !e.name.includes('watch'));
    return { domContentLoaded: nav?.domContentLoadedEventEnd ?? 0, listResponseEnd: list?.responseEnd ?? 0 };
  });
  console.log(
    `#   ${ready.toFixed(0)} ms: scripts done (DOMContentLoaded) ${phases.domContentLoaded.toFixed(0)} ms, cluster list received ${phases.listResponseEnd.toFixed(0)} ms`,
  );
  return ready;
}

interface ScrollResult {
  frames: number;
  avg: number;
  p95: number;
  max: number;
  domRows: number;
  scrolled: number;
}

/** Scrolls the virtualized rows 400 px per animation frame for 400 frames; frame times and rows in the DOM. */
const SCROLL_SCRIPT = `new Promise((resolve) => {
  const rows = document.querySelector('[data-testid="virtual-rows"]');
  const frames = [];
  let domRows = 0;
  let last = performance.now();
  let n = 0;
  const tick = (t) => {
    frames.push(t - last);
    last = t;
    rows.scrollTop += 400;
    domRows = Math.max(domRows, rows.querySelectorAll('[role="row"]').length);
    if (++n < 400) requestAnimationFrame(tick);
    else {
      frames.shift();
      const sorted = [...frames].sort((a, b) => a - b);
      resolve({
        frames: frames.length,
        avg: frames.reduce((a, b) => a + b, 0) / frames.length,
        p95: sorted[Math.floor(sorted.length * 0.95)],
        max: sorted[sorted.length - 1],
        domRows,
        scrolled: rows.scrollTop,
      });
    }
  };
  requestAnimationFrame(tick);
})`;

async function listScroll(page: Page, url: string, count: number) {
  const t0 = Date.now();
  await page.goto(`${url}/clusters`);
  await page.getByText(`${count} of ${count} shown`).waitFor({ timeout: 120_000 });
  const firstRows = Date.now() - t0;
  // Plain JavaScript (a string): the page runs exactly this text, with nothing our loader added.
  const result = await page.evaluate<ScrollResult>(SCROLL_SCRIPT);
  return { ...result, firstRows };
}

async function filterLatency(page: Page): Promise<number> {
  const search = page.getByLabel('Search');
  const t0 = Date.now();
  await search.fill('c-4321');
  await page.getByText(/^1 of \d+ shown$/).waitFor();
  return Date.now() - t0;
}

const logFile = `/tmp/strata-console-bench-${process.pid}.log`;
const server = await startServerProcess({ logFile });
console.log(`# server log: ${logFile}`);
const endpoint = await consoleFor(server.url);
try {
  const a = api(server.url, server.adminKey);
  const entry = await entryBundle();
  await publishProfile(a, sandboxProfile('1.0.0'));
  console.log(
    `| Initial JS (entry + modulepreloads, ${entry.files} files) | ${kb(entry.gz)} gzipped (${kb(entry.raw)} raw) | < 400 KB gzipped |`,
  );
  const createSmall = await createClusters(a, 0, SMALL);
  console.log(`# created ${SMALL} clusters in ${(createSmall / 1000).toFixed(1)} s`);
  const password = (await readFile(join(server.dataDir, 'admin-password'), 'utf8')).trim();
  const login = (await (
    await fetch(`${server.url}/v1/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password }),
    })
  ).json()) as { token: string; expiresAt: string };
  // Let the controller finish its first pass over the new clusters (it marks each one paused).
  await new Promise((r) => setTimeout(r, 5000));
  const dash: number[] = [];
  const js = new Set<string>();
  for (let i = 0; i < RUNS; i++) {
    const { page, close } = await signedInPage(endpoint.url, login.token, login.expiresAt);
    dash.push(await dashboardInteractive(page, endpoint.url, SMALL, js));
    await close();
  }
  let dashGz = 0;
  for (const f of js) dashGz += (await gzipOf(f)).gz;
  console.log(
    `# dashboard with ${SMALL}: ${dash.map((d) => d.toFixed(0)).join(', ')} ms; JS for the dashboard ${kb(dashGz)} gzipped`,
  );
  const createLarge = await createClusters(a, SMALL, LARGE);
  console.log(`# created ${LARGE - SMALL} more clusters in ${(createLarge / 1000).toFixed(1)} s`);
  await new Promise((r) => setTimeout(r, 10_000));
  const { page, close } = await signedInPage(endpoint.url, login.token, login.expiresAt);
  const dashLarge = await dashboardInteractive(page, endpoint.url, LARGE, new Set());
  const scroll = await listScroll(page, endpoint.url, LARGE);
  const filter = await filterLatency(page);
  await close();
  const lines = [
    `| What | Result | Target |`,
    `|---|---|---|`,
    `| Initial JS (entry + modulepreloads, ${entry.files} files) | ${kb(entry.gz)} gzipped (${kb(entry.raw)} raw) | < 400 KB gzipped |`,
    `| JS loaded to show the dashboard (${js.size} files, everything requested until the dashboard shows its counts) | ${kb(dashGz)} gzipped | — |`,
    `| Dashboard interactive, ${SMALL} clusters (navigation start → every count shown; median of ${RUNS}, max) | ${median(dash).toFixed(0)} ms (max ${Math.max(...dash).toFixed(0)} ms) | < 1.5 s |`,
    `| Dashboard interactive, ${LARGE} clusters | ${dashLarge.toFixed(0)} ms | — |`,
    `| Cluster list, ${LARGE} clusters: navigation → all rows counted | ${scroll.firstRows} ms | — |`,
    `| Cluster list scroll, ${scroll.frames} frames at 400 px/frame | avg ${scroll.avg.toFixed(1)} ms, p95 ${scroll.p95.toFixed(1)} ms, max ${scroll.max.toFixed(1)} ms per frame; ≤ ${scroll.domRows} rows in the DOM | smooth (60 fps = 16.7 ms) |`,
    `| Cluster list search over ${LARGE} (type → 1 row shown) | ${filter} ms | — |`,
    `| Creating the clusters through the API (4 clients) | ${SMALL}: ${(createSmall / 1000).toFixed(1)} s, +${LARGE - SMALL}: ${(createLarge / 1000).toFixed(1)} s | — |`,
  ];
  console.log(`\n${lines.join('\n')}\n`);
} finally {
  await server.stop();
}
