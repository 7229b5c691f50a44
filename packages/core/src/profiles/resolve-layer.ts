import type { Issue } from '@strata/api';
import { checkManifestObjects } from '../packs/manifest-objects.js';
import type { Pack } from '../packs/pack.js';
import { renderTemplate, type TemplateContext } from '../template/render-template.js';
import type { JsonObject } from '../util/json.js';
import { parseYamlWith, type YamlCache } from '../yaml/yaml-cache.js';
import { computeLayerValues, type LayerOverride } from './layer-values.js';
import type { LayerSource } from './profile.js';
import { hashLayer, type ResolvedLayer } from './resolved-stack.js';

export interface ResolveLayerInput {
  source: LayerSource;
  name: string;
  pack?: Pack;
  profile: { name: string; version: string };
  /** JSON pointer of the layer (issues), e.g. /spec/layers/3. */
  path: string;
  override?: LayerOverride;
  overridePath?: string;
  context: TemplateContext;
  yamlCache?: YamlCache;
}

/** Resolves one layer: final values, rendered manifests or Helm release parameters, content hash. */
export function resolveLayer(input: ResolveLayerInput): { layer?: ResolvedLayer; issues: Issue[] } {
  const { source, pack, path } = input;
  const issues: Issue[] = [];
  if (source.kind === 'manifest') {
    const manifests = renderManifest(
      source.layer.manifest,
      input.context,
      `${path}/manifest`,
      issues,
      '',
      input.yamlCache,
    );
    return finish({ layer: 'addon', type: 'manifest', source: { manifest: true }, values: {}, manifests });
  }
  const computed = computeLayerValues({
    pack,
    values: source.layer.values,
    presets: source.kind === 'pack' ? source.layer.presets : undefined,
    path,
    override: input.override,
    overridePath: input.overridePath,
    context: input.context,
    yamlCache: input.yamlCache,
  });
  issues.push(...computed.issues);
  const values = computed.values;
  const namespace = source.layer.namespace ?? pack?.namespace ?? input.name;
  if (source.kind === 'chart') {
    const chart = source.layer.chart;
    return finish({
      layer: 'addon',
      type: 'helm',
      source: { chart },
      values,
      manifests: [],
      helm: {
        releaseName: input.name,
        namespace,
        chart: { name: chart.name, version: chart.version, repository: chart.repository },
        values,
      },
    });
  }
  if (!pack)
    return {
      issues: [...issues, { path: `${path}/pack`, message: 'pack not found', code: 'STRATA_PACK_NOT_FOUND' }],
    };
  const base = {
    layer: pack.layer,
    source: { pack: pack.name, version: pack.version, ...(pack.digest ? { digest: pack.digest } : {}) },
    values,
  };
  if (pack.type === 'manifest') {
    const manifests: JsonObject[] = [];
    for (const m of pack.manifests ?? []) {
      manifests.push(
        ...renderManifest(
          m.content,
          { ...input.context, values },
          `${path}/pack`,
          issues,
          `pack manifest ${m.name}: `,
          input.yamlCache,
        ),
      );
    }
    return finish({ ...base, type: 'manifest', manifests });
  }
  const chart = pack.chart
    ? { name: pack.chart.name, version: pack.chart.version, repository: pack.chart.repository }
    : { name: pack.bundledChart?.name ?? pack.name, version: pack.bundledChart?.version ?? pack.version };
  const bundled = pack.bundledChart
    ? { bundled: { pack: pack.name, version: pack.version, digest: pack.digest ?? '' } }
    : {};
  return finish({
    ...base,
    type: 'helm',
    manifests: [],
    helm: { releaseName: input.name, namespace, chart, ...bundled, values },
  });

  function finish(rest: Omit<ResolvedLayer, 'hash' | 'profile' | 'name'>): {
    layer?: ResolvedLayer;
    issues: Issue[];
  } {
    if (issues.length) return { issues };
    const body = { profile: input.profile, name: input.name, ...rest };
    return { layer: { ...body, hash: hashLayer(body) }, issues };
  }
}

function renderManifest(
  text: string,
  context: TemplateContext,
  path: string,
  issues: Issue[],
  prefix: string,
  yamlCache: YamlCache | undefined,
): JsonObject[] {
  const rendered = renderTemplate(text, context, { path });
  if (rendered.issues.length) {
    issues.push(...rendered.issues.map((i) => ({ ...i, message: prefix + i.message })));
    return [];
  }
  const parsed = parseYamlWith(yamlCache, rendered.output, { path });
  const problems = [...parsed.issues, ...checkManifestObjects(parsed.documents, path)];
  issues.push(...problems.map((i) => ({ ...i, message: prefix + i.message })));
  // Parsed documents may be shared through the cache: hand out copies.
  return problems.length ? [] : (structuredClone(parsed.documents) as JsonObject[]);
}
