import type { Issue, PackPreset } from '@strata/api';
import { coalesceValues } from '../values/coalesce-values.js';
import { removeValueAt } from '../values/value-path.js';
import { singleDocument } from '../yaml/load-yaml.js';
import { parseYamlWith, type YamlCache } from '../yaml/yaml-cache.js';
import { isPlainObject, pointer, type JsonObject } from '../util/json.js';

export interface ApplyPresetsOptions {
  values: JsonObject;
  /** The presets the pack offers. */
  presets: readonly PackPreset[] | undefined;
  /** The names chosen on the layer, in order. */
  chosen: readonly string[] | undefined;
  /** JSON pointer of the chosen list (e.g. /spec/layers/3/presets); issues point at its items. */
  path: string;
  /** Renders template text in a preset's `add` before it is parsed (identity when absent). */ render?: (
    text: string,
    path: string,
  ) => { output: string; issues: Issue[] };
  yamlCache?: YamlCache;
}

/** Checks a choice of presets: each must exist, no duplicates, at most one per group. */
export function checkPresetChoice(
  presets: readonly PackPreset[] | undefined,
  chosen: readonly string[] | undefined,
  path: string,
): Issue[] {
  const issues: Issue[] = [];
  const byName = new Map((presets ?? []).map((p) => [p.name, p]));
  const groups = new Map<string, string>();
  const seen = new Set<string>();
  (chosen ?? []).forEach((name, i) => {
    const at = pointer(path, i);
    const preset = byName.get(name);
    if (!preset) {
      const known = [...byName.keys()];
      issues.push({
        path: at,
        message: `unknown preset "${name}"${known.length ? `; the pack offers: ${known.join(', ')}` : '; the pack has no presets'}`,
        code: 'STRATA_PRESET_INVALID',
      });
      return;
    }
    if (seen.has(name))
      issues.push({ path: at, message: `preset "${name}" is chosen twice`, code: 'STRATA_PRESET_INVALID' });
    seen.add(name);
    if (preset.group) {
      const other = groups.get(preset.group);
      if (other && other !== name) {
        issues.push({
          path: at,
          message: `presets "${other}" and "${name}" are both in group "${preset.group}"; choose one`,
          code: 'STRATA_PRESET_INVALID',
        });
      }
      groups.set(preset.group, name);
    }
  });
  return issues;
}

/** Applies chosen presets to values: for each, its `remove` paths are dropped, then its `add` snippet is merged in. */
export function applyPresets(options: ApplyPresetsOptions): { values: JsonObject; issues: Issue[] } {
  const issues = checkPresetChoice(options.presets, options.chosen, options.path);
  let values = options.values;
  const byName = new Map((options.presets ?? []).map((p) => [p.name, p]));
  (options.chosen ?? []).forEach((name, i) => {
    const preset = byName.get(name);
    if (!preset) return;
    const at = pointer(options.path, i);
    for (const p of preset.remove ?? []) values = removeValueAt(values, p);
    if (preset.add) {
      const rendered = options.render ? options.render(preset.add, at) : { output: preset.add, issues: [] };
      issues.push(...rendered.issues);
      const parsed = singleDocument(parseYamlWith(options.yamlCache, rendered.output, { path: at }), at);
      issues.push(...parsed.issues.map((x) => ({ ...x, message: `preset "${name}": ${x.message}` })));
      if (parsed.value !== null && !isPlainObject(parsed.value)) {
        issues.push({
          path: at,
          message: `preset "${name}": "add" must be a map of values`,
          code: 'STRATA_PRESET_INVALID',
        });
      } else if (parsed.value) values = coalesceValues(values, parsed.value);
    }
  });
  return { values, issues };
}
