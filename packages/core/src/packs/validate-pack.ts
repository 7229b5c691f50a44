import { PackKind, validateObject, type Issue } from '@strata/api';
import semver from 'semver';
import { parseTemplate, type TemplateReference } from '../template/parse-template.js';
import { renderParsed, type TemplateContext } from '../template/render-template.js';
import { isSystemValuePath, sampleSystemValues } from '../template/system-values.js';
import { isPlainObject, pointer, scalarText, type JsonObject, type JsonValue } from '../util/json.js';
import { parseSingleYaml, parseYaml } from '../yaml/load-yaml.js';
import { checkManifestObjects } from './manifest-objects.js';
import { packToResource, type Pack } from './pack.js';
import { ValuesSchemaCache } from './values-schema.js';

export interface ValidatePackOptions {
  schemaCache?: ValuesSchemaCache;
}

/**
 * Checks a pack and returns every issue at once, with JSON pointers into the Pack object (`/metadata/name`,
 * `/spec/values`, `/spec/presets/1/add`, ...).
 */
export function validatePack(pack: Pack, options: ValidatePackOptions = {}): Issue[] {
  const issues: Issue[] = validateObject(PackKind, packToResource(pack)).map((i) => ({
    ...i,
    code: i.code ?? 'STRATA_PACK_INVALID',
  }));
  const add = (path: string, message: string, code = 'STRATA_PACK_INVALID') =>
    issues.push({ path, message, code });
  const S = '/spec';

  if (typeof pack.version === 'string' && !semver.valid(pack.version, { loose: true }))
    add(`${S}/version`, `"${pack.version}" is not a semver version (e.g. 1.2.3)`);
  const c = pack.constraints;
  if (c && typeof c === 'object') {
    if (typeof c.kubernetes === 'string' && !semver.validRange(c.kubernetes))
      add(`${S}/constraints/kubernetes`, `"${c.kubernetes}" is not a semver range`);
    for (const kind of ['requires', 'optional', 'conflicts'] as const) {
      (Array.isArray(c[kind]) ? c[kind] : []).forEach((d, i) => {
        if (typeof d?.range === 'string' && !semver.validRange(d.range))
          add(`${S}/constraints/${kind}/${i}/range`, `"${d.range}" is not a semver range`);
        if (d?.pack === pack.name) add(`${S}/constraints/${kind}/${i}/pack`, 'a pack cannot refer to itself');
      });
    }
  }

  // Content: manifests for manifest packs, exactly one chart source for helm packs.
  const hasChart = pack.chart !== undefined;
  const hasBundled = pack.bundledChart !== undefined;
  if (pack.type === 'helm') {
    if (hasChart === hasBundled)
      add(S, 'a helm pack needs exactly one of "chart" (a repository reference) or "bundledChart"');
    if (pack.manifests?.length) add(`${S}/manifests`, 'a helm pack has no manifests; use type manifest');
  } else if (pack.type === 'manifest' && (hasChart || hasBundled)) {
    add(`${S}/${hasChart ? 'chart' : 'bundledChart'}`, 'a manifest pack has no chart; use type helm');
  }
  const b = pack.bundledChart;
  if (b && typeof b === 'object') {
    if (!b.archive && !b.files)
      add(
        `${S}/bundledChart`,
        'a bundled chart needs "archive" (base64 .tgz) or "files" (a chart directory)',
      );
    if (b.files && typeof b.files === 'object') {
      const chartYaml = b.files['Chart.yaml'];
      if (typeof chartYaml !== 'string')
        add(`${S}/bundledChart/files`, 'the chart directory has no Chart.yaml');
      else {
        const meta = parseSingleYaml(chartYaml, {
          path: `${S}/bundledChart/files/Chart.yaml`,
          booleans: 'yaml-1.2',
        });
        issues.push(...meta.issues);
        if (
          isPlainObject(meta.value) &&
          (meta.value.name !== b.name || scalarText(meta.value.version) !== b.version)
        ) {
          add(
            `${S}/bundledChart`,
            `Chart.yaml says ${scalarText(meta.value.name)}@${scalarText(meta.value.version)}, the pack says ${b.name}@${b.version}`,
          );
        }
      }
    }
  }

  // Templates in pack content may read macros and system values (and, in manifests, the layer's values).
  const sample = (
    refs: TemplateReference[],
    values: JsonObject | undefined,
    path: string,
  ): TemplateContext => {
    const macro: Record<string, JsonValue> = {};
    for (const r of refs) {
      if (r.root === 'var')
        add(
          path,
          `line ${r.line}: packs cannot read profile variables (.var.${r.path.join('.')}); set the value in the profile layer`,
          'STRATA_TEMPLATE_ERROR',
        );
      if (r.root === 'values' && !values)
        add(path, `line ${r.line}: .values is only available in pack manifests`, 'STRATA_TEMPLATE_ERROR');
      if (r.root === 'system' && !isSystemValuePath(r.path))
        add(
          path,
          `line ${r.line}: unknown system value .system.${r.path.join('.')}`,
          'STRATA_TEMPLATE_ERROR',
        );
      if (r.root === 'macro') macro[r.path.join('.')] = 'macro';
    }
    return { macro, system: sampleSystemValues(), var: {}, ...(values ? { values } : {}) };
  };
  const render = (text: string, path: string, values?: JsonObject): string | undefined => {
    const parsed = parseTemplate(text);
    const ctx = sample(parsed.references, values, path);
    const out = renderParsed(parsed, ctx, { path });
    const own = out.issues.filter((i) => !/has no value|is not set|unknown system value/.test(i.message));
    issues.push(...own);
    return out.issues.length ? undefined : out.output;
  };

  let defaults: JsonObject = {};
  if (typeof pack.values === 'string') {
    const text = render(pack.values, `${S}/values`);
    if (text !== undefined) {
      const parsed = parseSingleYaml(text, { path: `${S}/values` });
      issues.push(...parsed.issues);
      if (parsed.value !== null && !isPlainObject(parsed.value))
        add(`${S}/values`, 'values must be a map', 'STRATA_VALUES_INVALID');
      else if (parsed.value) defaults = parsed.value;
    }
  }
  if (pack.schema && isPlainObject(pack.schema)) {
    const validator = (options.schemaCache ?? new ValuesSchemaCache()).get(pack.schema);
    if ('error' in validator) add(`${S}/schema`, `not a valid JSON Schema: ${validator.error}`);
    else issues.push(...validator.validate(defaults, `${S}/values`));
  }

  const presetNames = new Set<string>();
  (Array.isArray(pack.presets) ? pack.presets : []).forEach((p, i) => {
    const at = `${S}/presets/${i}`;
    if (presetNames.has(p.name)) add(`${at}/name`, `preset "${p.name}" is defined twice`);
    presetNames.add(p.name);
    if (!p.add && !p.remove?.length) add(at, 'a preset needs "add" or "remove"');
    if (typeof p.add === 'string') {
      const text = render(p.add, `${at}/add`);
      if (text !== undefined) {
        const parsed = parseSingleYaml(text, { path: `${at}/add` });
        issues.push(...parsed.issues);
        if (parsed.value !== null && !isPlainObject(parsed.value))
          add(`${at}/add`, '"add" must be a map of values', 'STRATA_PRESET_INVALID');
      }
    }
  });

  const manifestNames = new Set<string>();
  (Array.isArray(pack.manifests) ? pack.manifests : []).forEach((m, i) => {
    const at = `${S}/manifests/${i}`;
    if (manifestNames.has(m.name)) add(`${at}/name`, `manifest "${m.name}" is listed twice`);
    manifestNames.add(m.name);
    if (typeof m.content !== 'string') return;
    const text = render(m.content, `${at}/content`, defaults);
    if (text === undefined) return;
    const parsed = parseYaml(text, { path: `${at}/content` });
    issues.push(...parsed.issues);
    issues.push(...checkManifestObjects(parsed.documents, pointer(at, 'content')));
  });
  return issues;
}
