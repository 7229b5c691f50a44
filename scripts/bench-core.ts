/**
 * Profiles benchmark (issue 3): resolve a 10-layer profile with 50 variables (median ms) and validate profiles per
 * second, on one core (one Node thread). Prints markdown for docs/benchmarks.md "## Profiles (issue 3)".
 *
 *   node --import ./bin/conditions-hook.js scripts/bench-core.ts [--resolve-runs 3000] [--validate-seconds 3]
 */
import { cpus, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import type { ProfileVariable } from '@strata/api';
import {
  createPackCatalog,
  loadPack,
  resolveProfiles,
  validateProfile,
  type ProfileDocument,
} from '@strata/core';

const { values: args } = parseArgs({
  options: {
    'resolve-runs': { type: 'string', default: '3000' },
    'validate-seconds': { type: 'string', default: '3' },
  },
});
const RUNS = Number(args['resolve-runs']);
const SECONDS = Number(args['validate-seconds']);

const schema = JSON.stringify({
  type: 'object',
  properties: {
    replicaCount: { type: 'integer', minimum: 0 },
    image: { type: 'object', properties: { tag: { type: 'string' } } },
    resources: { type: 'object' },
  },
});
const manifest = [0, 1, 2]
  .map(
    (i) =>
      `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm-${i}, namespace: '{{ .values.namespace }}'}\ndata:\n  a: '{{ .values.a }}'\n  cluster: '{{ .system.cluster.name }}'\n`,
  )
  .join('---\n');
const catalog = createPackCatalog([
  loadPack({ 'pack.yaml': 'name: os\nversion: 1.0.0\nlayer: os\ntype: manifest\n' }),
  loadPack({
    'pack.yaml': 'name: k8s\nversion: 1.36.3\nlayer: k8s\ntype: manifest\n',
    'values.yaml': 'podCIDR: 10.244.0.0/16\nserviceCIDR: 10.96.0.0/12\n',
  }),
  loadPack({
    'pack.yaml':
      'name: cni\nversion: 1.0.0\nlayer: cni\ntype: manifest\nconstraints: {kubernetes: ">=1.30.0"}\n',
    'values.yaml': 'namespace: cni\na: x\n',
    'manifests/m.yaml': manifest,
  }),
  loadPack({
    'pack.yaml': 'name: csi\nversion: 1.0.0\nlayer: csi\ntype: manifest\n',
    'values.yaml': 'namespace: csi\na: y\n',
    'manifests/m.yaml': manifest,
  }),
  ...[1, 2, 3, 4].map((i) =>
    loadPack({
      'pack.yaml': `name: app${i}\nversion: 1.0.0\nlayer: addon\ntype: helm\nchart: {repository: https://charts.example.org, name: app${i}, version: 1.0.0}\nconstraints: {requires: [{pack: k8s, range: ">=1.30.0"}]}\n`,
      'values.yaml': '# defaults\nreplicaCount: 1\nimage: {tag: "1.0"}\nresources: {requests: {cpu: 10m}}\n',
      'values.schema.json': schema,
      'presets.yaml': '- {name: big, group: size, add: "replicaCount: 5"}\n',
    }),
  ),
]);

const variables: ProfileVariable[] = Array.from({ length: 50 }, (_, i) => ({
  name: `v${i}`,
  type: i % 5 === 0 ? 'number' : i % 7 === 0 ? 'boolean' : 'string',
  default: i % 5 === 0 ? i : i % 7 === 0 ? true : `value-${i}`,
  ...(i % 3 === 0 ? { regex: '[a-z0-9-]+|[0-9]+|true|false' } : {}),
}));
const refs = (from: number, to: number) =>
  variables
    .slice(from, to)
    .map((v) => `  ${v.name}: '{{ .var.${v.name} }}'`)
    .join('\n');
const profile: ProfileDocument = {
  metadata: { name: 'bench' },
  spec: {
    type: 'full',
    version: '1.0.0',
    variables,
    layers: [
      { pack: 'os', version: '1.0.0' },
      { pack: 'k8s', version: '1.36.3', values: "podCIDR: '10.42.0.0/16'" },
      { pack: 'cni', version: '1.0.0', values: `extra:\n${refs(0, 5)}\n` },
      { pack: 'csi', version: '1.0.0', values: `extra:\n${refs(5, 10)}\n` },
      ...[1, 2, 3, 4].map((i) => ({
        pack: `app${i}`,
        version: '1.0.0',
        presets: ['big'],
        values: `replicaCount: {{ .var.v${i * 5} }}\nextra:\n${refs(10 + i * 8, 18 + i * 8)}\n`,
      })),
      {
        name: 'inline',
        manifest: `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: inline, namespace: default}\ndata:\n${refs(0, 10)}\n`,
      },
      {
        name: 'chart',
        chart: { repository: 'https://charts.example.org', name: 'chart', version: '2.0.0' },
        values: `extra:\n${refs(10, 18)}\n`,
      },
    ],
  },
};
const input = {
  catalog,
  macros: { tenant: { a: '1' } },
  system: { cluster: { name: 'bench-1', uid: 'u' }, provider: 'sandbox' },
  profiles: [{ profile, variables: Object.fromEntries(variables.map((v) => [v.name, v.default])) }],
};

const issues = validateProfile({ profile, catalog });
if (issues.length) throw new Error(`bench profile is not valid: ${JSON.stringify(issues)}`);
const first = resolveProfiles(input);
if (first.layers.length !== 10) throw new Error('expected 10 layers');

for (let i = 0; i < 300; i++) resolveProfiles(input);
const times: number[] = [];
for (let i = 0; i < RUNS; i++) {
  const t = performance.now();
  const stack = resolveProfiles(input);
  times.push(performance.now() - t);
  if (stack.hash !== first.hash) throw new Error('resolution is not deterministic');
}
times.sort((a, b) => a - b);
const q = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))] ?? NaN;

for (let i = 0; i < 300; i++) validateProfile({ profile, catalog });
let count = 0;
const until = performance.now() + SECONDS * 1000;
while (performance.now() < until) {
  validateProfile({ profile, catalog });
  count++;
}
const perSecond = count / SECONDS;

// Distinct profiles: every layer's values text differs each time (no parse-cache hits for them; pack texts still hit).
const variants = Array.from({ length: 512 }, (_, n) => ({
  ...profile,
  spec: {
    ...profile.spec,
    layers: profile.spec.layers.map((l) =>
      'manifest' in l
        ? { ...l, manifest: `${l.manifest}# ${n}\n` }
        : { ...l, values: `${l.values ?? ''}\n# variant ${n}\n` },
    ),
  },
}));
let distinct = 0;
const until2 = performance.now() + SECONDS * 1000;
while (performance.now() < until2) {
  if (validateProfile({ profile: variants[distinct % variants.length], catalog }).length)
    throw new Error('variant invalid');
  distinct++;
}
const distinctPerSecond = distinct / SECONDS;
const cold = performance.now();
validateProfile({ profile, catalog: createPackCatalog(catalog.list()) });
const coldMs = performance.now() - cold;

const machine = `${cpus().length} cores (${cpus()[0]?.model.trim() ?? 'unknown'}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
console.log(
  `Machine: ${machine}. One Node thread. Profile: 10 layers (os, k8s, 2 manifest packs with 3 objects each, 4 helm packs with a values schema and a preset, an inline manifest, a chart layer), 50 variables (string/number/boolean, some with a regex), 1 macro.`,
);
console.log('');
console.log('| Measure | Result | Target |');
console.log('|---|---|---|');
console.log(
  `| resolve 10 layers / 50 variables, median (${RUNS} runs) | ${q(0.5).toFixed(3)} ms (p95 ${q(0.95).toFixed(3)} ms, max ${q(1).toFixed(2)} ms) | < 5 ms |`,
);
console.log(
  `| validate the same profile (schemas compiled, warm) | ${Math.round(perSecond).toLocaleString('en-US')} profiles/s | ≥ 1,000/s |`,
);
console.log(
  `| validate distinct profiles (every layer text new: parsed each time) | ${Math.round(distinctPerSecond).toLocaleString('en-US')} profiles/s | ≥ 1,000/s |`,
);
console.log(`| validate with a fresh catalog (JSON Schema compile included) | ${coldMs.toFixed(1)} ms | — |`);
