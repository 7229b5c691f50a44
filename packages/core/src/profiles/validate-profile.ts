import type { Issue, PackLayerKind, ProfileVariable } from '@strata/api';
import semver from 'semver';
import { checkManifestObjects } from '../packs/manifest-objects.js';
import type { PackCatalog } from '../packs/pack-catalog.js';
import type { Pack } from '../packs/pack.js';
import { checkPresetChoice } from '../packs/presets.js';
import { ValuesSchemaCache } from '../packs/values-schema.js';
import { parseTemplate, type ParsedTemplate, type TemplateReference } from '../template/parse-template.js';
import { renderTemplate, type TemplateContext } from '../template/render-template.js';
import { isSystemValuePath, sampleSystemValues } from '../template/system-values.js';
import { isPlainObject, type JsonValue } from '../util/json.js';
import { parseYamlWith } from '../yaml/yaml-cache.js';
import { checkConstraints, stackKubernetesVersion, type StackEntry } from './constraints.js';
import { checkLayerOrder } from './layer-order.js';
import { computeLayerValues } from './layer-values.js';
import { checkProfileShape } from './profile-shape.js';
import { layerName, layerSource, type ProfileDocument } from './profile.js';
import { checkVariableDefinitions, sampleVariableValue } from './variables.js';

export interface ValidateProfileOptions {
  /** The ClusterProfile object (metadata + spec); anything else is reported, not thrown. */
  profile: unknown;
  catalog: PackCatalog;
  /** Macros known now (project over tenant). When given, a reference to a macro not in it is an issue. */
  macros?: Readonly<Record<string, string>>;
  schemaCache?: ValuesSchemaCache;
}

/**
 * Checks a profile and returns every issue at once, each with a JSON pointer (`/spec/layers/3/version`). An empty list
 * means valid. Rules: docs/reference/profiles.md "Validation rules".
 */
export function validateProfile(options: ValidateProfileOptions): Issue[] {
  const doc = options.profile as ProfileDocument;
  const spec = isPlainObject(doc) && isPlainObject(doc.spec) ? doc.spec : undefined;
  const badVersion = typeof spec?.version === 'string' && !semver.valid(spec.version);
  // A version that is text but not semver gets the message below instead of the schema's pattern.
  const issues = checkProfileShape(options.profile).filter(
    (i) => !(badVersion && i.path === '/spec/version'),
  );
  if (!spec || !Array.isArray(spec.layers)) return dedupe(issues);
  const { catalog } = options;
  const schemaCache = options.schemaCache ?? catalog.schemaCache ?? new ValuesSchemaCache();

  if (badVersion) {
    issues.push({
      path: '/spec/version',
      message: `${JSON.stringify(String(spec.version).slice(0, 64))} is not a semver version like 1.2.0`,
      code: 'STRATA_PROFILE_INVALID',
    });
  }
  const variables = Array.isArray(spec.variables)
    ? spec.variables.filter((v): v is ProfileVariable => isPlainObject(v) && typeof v.name === 'string')
    : [];
  issues.push(...checkVariableDefinitions(variables, '/spec/variables'));
  const declared = new Map(variables.map((v) => [v.name, v]));

  // Layers: names, packs, presets.
  const names = new Map<string, number>();
  const kinds: (PackLayerKind | undefined)[] = [];
  const entries: StackEntry[] = [];
  const packs: (Pack | undefined)[] = [];
  spec.layers.forEach((layer, i) => {
    const at = `/spec/layers/${i}`;
    const src = layerSource(layer);
    packs.push(undefined);
    kinds.push(undefined);
    if (!src) return;
    const name = layerName(layer);
    if (name && names.has(name)) {
      issues.push({
        path: `${at}/${'name' in layer && layer.name ? 'name' : 'pack'}`,
        message: `layer name "${name}" is already used by layer ${names.get(name)}; give one of them a different "name"`,
        code: 'STRATA_LAYER_DUPLICATE',
      });
    } else if (name) names.set(name, i);
    if (src.kind !== 'pack') {
      kinds[i] = 'addon';
      return;
    }
    const { pack: packName, version } = src.layer;
    if (typeof packName !== 'string' || typeof version !== 'string') return;
    const pack = catalog.get(packName, version);
    if (!pack) {
      const known = catalog.versions(packName);
      issues.push(
        known.length
          ? {
              path: `${at}/version`,
              message: `pack "${packName}" has no version ${version}; available: ${known.join(', ')}`,
              code: 'STRATA_PACK_NOT_FOUND',
            }
          : { path: `${at}/pack`, message: `unknown pack "${packName}"`, code: 'STRATA_PACK_NOT_FOUND' },
      );
      return;
    }
    packs[i] = pack;
    kinds[i] = pack.layer;
    entries.push({ path: at, pack });
    issues.push(...checkPresetChoice(pack.presets, src.layer.presets, `${at}/presets`));
  });
  if (typeof spec.type === 'string' && ['infra', 'addon', 'full'].includes(spec.type))
    issues.push(...checkLayerOrder(spec.type, kinds));
  issues.push(...checkConstraints(entries, { complete: spec.type !== 'addon' }));

  // Templates: every reference declared; then a dry render with sample values to check YAML and the values schema.
  const macroValues: Record<string, JsonValue> = { ...(options.macros ?? {}) };
  const sampleVars: Record<string, JsonValue> = {};
  for (const v of variables) sampleVars[v.name] = sampleVariableValue(v);
  const context: TemplateContext = {
    var: sampleVars,
    macro: macroValues,
    system: sampleSystemValues(stackKubernetesVersion(entries)),
  };
  const templates = new Map<string, ParsedTemplate>();
  const checkRefs = (text: unknown, path: string): boolean => {
    if (typeof text !== 'string' || !text.includes('{{')) return true;
    const parsed = templates.get(text) ?? parseTemplate(text);
    templates.set(text, parsed);
    let unknownMacro = false;
    for (const e of parsed.errors)
      issues.push({ path, message: `line ${e.line}: ${e.message}`, code: 'STRATA_TEMPLATE_ERROR' });
    for (const ref of parsed.references)
      issues.push(...checkReference(ref, path, declared, options.macros, () => (unknownMacro = true)));
    for (const ref of parsed.references)
      if (ref.root === 'macro' && !options.macros) macroValues[ref.path.join('.')] ??= 'macro';
    return parsed.errors.length === 0 && !unknownMacro;
  };
  spec.layers.forEach((layer, i) => {
    const at = `/spec/layers/${i}`;
    const src = layerSource(layer);
    if (!src) return;
    if (src.kind === 'manifest') {
      if (!checkRefs(src.layer.manifest, `${at}/manifest`) || typeof src.layer.manifest !== 'string') return;
      const rendered = renderTemplate(src.layer.manifest, context, { path: `${at}/manifest`, templates });
      if (rendered.issues.length) return;
      const parsed = parseYamlWith(catalog.yamlCache, rendered.output, { path: `${at}/manifest` });
      issues.push(...parsed.issues, ...checkManifestObjects(parsed.documents, `${at}/manifest`));
      return;
    }
    const refsOk = checkRefs(src.layer.values, `${at}/values`);
    const pack = packs[i];
    if (!refsOk || (src.kind === 'pack' && !pack)) return;
    const computed = computeLayerValues({
      pack,
      values: src.layer.values,
      presets: src.kind === 'pack' ? src.layer.presets : undefined,
      path: at,
      context,
      yamlCache: catalog.yamlCache,
      templates,
    });
    // Template problems were reported above by reference; keep YAML and preset problems.
    issues.push(
      ...computed.issues.filter(
        (x) =>
          x.code !== 'STRATA_TEMPLATE_ERROR' &&
          x.code !== 'STRATA_VARIABLE_INVALID' &&
          x.code !== 'STRATA_PRESET_INVALID',
      ),
    );
    if (computed.issues.length || !pack?.schema || (!options.macros && usesMacros(src.layer.values))) return;
    const validator = schemaCache.get(pack.schema);
    if (!('error' in validator)) issues.push(...validator.validate(computed.values, `${at}/values`));
  });
  return dedupe(issues);
}

function checkReference(
  ref: TemplateReference,
  path: string,
  declared: Map<string, ProfileVariable>,
  macros: Readonly<Record<string, string>> | undefined,
  onUnknownMacro: () => void,
): Issue[] {
  const line = `line ${ref.line}: `;
  const name = ref.path.join('.');
  switch (ref.root) {
    case 'var':
      if (!declared.has(ref.path[0] ?? ''))
        return [
          {
            path,
            message: `${line}variable "${name}" is not declared in /spec/variables`,
            code: 'STRATA_VARIABLE_UNDECLARED',
          },
        ];
      if (ref.path.length > 1)
        return [
          { path, message: `${line}.var.${name}: variables have no fields`, code: 'STRATA_TEMPLATE_ERROR' },
        ];
      return [];
    case 'macro':
      if (macros && !Object.hasOwn(macros, name) && !ref.hasDefault) {
        onUnknownMacro();
        return [
          {
            path,
            message: `${line}macro "${name}" is not defined in the project or tenant`,
            code: 'STRATA_TEMPLATE_ERROR',
          },
        ];
      }
      return [];
    case 'system':
      return isSystemValuePath(ref.path)
        ? []
        : [{ path, message: `${line}unknown system value .system.${name}`, code: 'STRATA_TEMPLATE_ERROR' }];
    case 'values':
      return [
        {
          path,
          message: `${line}.values is only available in pack manifests`,
          code: 'STRATA_TEMPLATE_ERROR',
        },
      ];
  }
}

function usesMacros(text: string | undefined): boolean {
  return typeof text === 'string' && text.includes('.macro.');
}

function dedupe(issues: Issue[]): Issue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = `${i.path}\u0000${i.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
