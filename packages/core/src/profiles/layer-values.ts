import type { Issue } from '@strata/api';
import type { Pack } from '../packs/pack.js';
import { applyPresets } from '../packs/presets.js';
import type { ParsedTemplate } from '../template/parse-template.js';
import { renderTemplate, type TemplateContext } from '../template/render-template.js';
import { isPlainObject, type JsonObject } from '../util/json.js';
import { coalesceValues } from '../values/coalesce-values.js';
import { singleDocument } from '../yaml/load-yaml.js';
import { parseYamlWith, type YamlCache } from '../yaml/yaml-cache.js';

/** Per-cluster changes to one layer (Cluster.spec.profiles[].overrides[layerName]). */
export interface LayerOverride {
  /** YAML values merged over the layer's values. */
  values?: string;
  /** Replaces the layer's preset choice. */
  presets?: string[];
}

export interface LayerValuesInput {
  pack?: Pack;
  /** The layer's own values (YAML text) and preset choice. */
  values?: string;
  presets?: readonly string[];
  /** JSON pointer of the layer, e.g. /spec/layers/3. */
  path: string;
  override?: LayerOverride;
  /** JSON pointer of the override, e.g. /overrides/ingress-nginx. */
  overridePath?: string;
  context: TemplateContext;
  yamlCache?: YamlCache;
  /** Parsed templates by text (see RenderTemplateOptions.templates). */
  templates?: Map<string, ParsedTemplate>;
}

export interface RenderValuesOptions {
  /** JSON pointer of the text; issues carry it. */
  path: string;
  yamlCache?: YamlCache;
  templates?: Map<string, ParsedTemplate>;
}

/** Renders and parses YAML values text into a map; issues carry `path`. */
export function renderValues(
  text: string | undefined,
  context: TemplateContext,
  options: RenderValuesOptions,
): { values: JsonObject; issues: Issue[] } {
  const { path, yamlCache, templates } = options;
  if (text === undefined || text === '') return { values: {}, issues: [] };
  const rendered = renderTemplate(text, context, { path, templates });
  if (rendered.issues.length) return { values: {}, issues: rendered.issues };
  const parsed = singleDocument(parseYamlWith(yamlCache, rendered.output, { path }), path);
  if (parsed.issues.length) return { values: {}, issues: parsed.issues };
  if (parsed.value !== null && !isPlainObject(parsed.value)) {
    return {
      values: {},
      issues: [{ path, message: 'values must be a map (key: value)', code: 'STRATA_VALUES_INVALID' }],
    };
  }
  return { values: parsed.value ?? {}, issues: [] };
}

/** Final values of a layer: pack defaults → chosen presets → layer values → per-cluster override (Helm merge). */
export function computeLayerValues(input: LayerValuesInput): { values: JsonObject; issues: Issue[] } {
  const issues: Issue[] = [];
  const caches = { yamlCache: input.yamlCache, templates: input.templates };
  const defaults = renderValues(input.pack?.values, input.context, { path: `${input.path}/pack`, ...caches });
  issues.push(
    ...defaults.issues.map((i) => ({ ...i, message: `pack ${input.pack?.name ?? ''} values: ${i.message}` })),
  );
  let values = defaults.values;
  const chosen = input.override?.presets ?? input.presets;
  if (input.pack && chosen?.length) {
    const presetPath = input.override?.presets
      ? `${input.overridePath ?? input.path}/presets`
      : `${input.path}/presets`;
    const applied = applyPresets({
      values,
      presets: input.pack.presets,
      chosen,
      path: presetPath,
      yamlCache: input.yamlCache,
      render: (t, p) => renderTemplate(t, input.context, { path: p, templates: input.templates }),
    });
    issues.push(...applied.issues);
    values = applied.values;
  }
  const own = renderValues(input.values, input.context, { path: `${input.path}/values`, ...caches });
  issues.push(...own.issues);
  const over = renderValues(input.override?.values, input.context, {
    path: `${input.overridePath ?? input.path}/values`,
    ...caches,
  });
  issues.push(...over.issues);
  return { values: coalesceValues(values, own.values, over.values), issues };
}
