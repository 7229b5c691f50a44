// Bundles strata-agent into one file, dist/strata-agent.mjs, with what it imports (@strata/api, @strata/core,
// yaml) and nothing else: Node runs it directly, with no node_modules next to it and no TypeScript loader.
// That is what the container image ships and what the server starts for sandbox and imported clusters
// (docs/benchmarks.md: start time and idle memory). Usage: npm run build -w packages/agent
import { build } from 'esbuild';

const started = performance.now();
const result = await build({
  entryPoints: [new URL('../packages/agent/src/main.ts', import.meta.url).pathname],
  outfile: new URL('../packages/agent/dist/strata-agent.mjs', import.meta.url).pathname,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node24',
  // Workspace packages resolve to their TypeScript sources, as in development.
  conditions: ['development'],
  // CommonJS dependencies (yaml) call require(): give the ES module one.
  banner: {
    js: "import { createRequire as __strataRequire } from 'node:module'; const require = __strataRequire(import.meta.url);",
  },
  sourcemap: 'linked',
  legalComments: 'linked',
  metafile: true,
  logLevel: 'warning',
});
const bytes = Object.values(result.metafile.outputs).find((o) => o.entryPoint)?.bytes ?? 0;
console.log(
  `dist/strata-agent.mjs: ${(bytes / 1024).toFixed(0)} KiB in ${Math.round(performance.now() - started)} ms`,
);
