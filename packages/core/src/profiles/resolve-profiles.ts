import { StrataError, type Issue } from '@strata/api';
import type { PackCatalog } from '../packs/pack-catalog.js';
import type { Pack } from '../packs/pack.js';
import type { TemplateContext } from '../template/render-template.js';
import { systemContext, type SystemValues } from '../template/system-values.js';
import { isPlainObject, pointer, type JsonObject } from '../util/json.js';
import { checkConstraints, stackKubernetesVersion, type StackEntry } from './constraints.js';
import type { LayerOverride } from './layer-values.js';
import { layerName, layerSource, type ProfileDocument } from './profile.js';
import { resolveLayer } from './resolve-layer.js';
import { hashStack, type ResolvedLayer, type ResolvedStack } from './resolved-stack.js';
import { resolveVariableValues, sampleVariableValue, sensitiveVariables } from './variables.js';

/** One profile version attached to a cluster, with the cluster's variable values and overrides. */
export interface ProfileAttachment {
  profile: ProfileDocument;
  /** Variable values for this cluster (strings are coerced to the variable's type). */
  variables?: Readonly<Record<string, unknown>>;
  /** Values the cluster had before (immutable variables may not change). */
  previousVariables?: Readonly<Record<string, unknown>>;
  /** Per-layer overrides, by layer name. */
  overrides?: Readonly<Record<string, LayerOverride>>;
  /**
   * JSON pointer prefix for this attachment's issues. Default: '' for a single profile, `/profiles/<i>` otherwise.
   * Issues then read `<prefix>/variables/NAME`, `<prefix>/overrides/LAYER/values`, `<prefix>/spec/layers/3/values`.
   */
  path?: string;
}

/** Macro values by scope; a project macro wins over a tenant macro of the same name. */
export interface MacroScopes {
  tenant?: Readonly<Record<string, string>>;
  project?: Readonly<Record<string, string>>;
}

export interface ResolveProfilesOptions {
  /** Profiles in stack order (infra first, then add-on profiles). */
  profiles: readonly ProfileAttachment[];
  catalog: PackCatalog;
  macros?: MacroScopes;
  /** System values; kubernetes.version defaults to the stack's k8s layer. */
  system?: SystemValues;
}

/**
 * Resolves profile version(s) for one cluster into the stack the agent applies. Pure and deterministic: the same input
 * gives the same layers and hashes. Returns every issue instead of a stack when anything is missing or invalid.
 */
export function tryResolveProfiles(options: ResolveProfilesOptions): {
  stack?: ResolvedStack;
  issues: Issue[];
  /** The values of the sensitive variables (strings), to mask wherever the stack or what derives from it is shown. */
  secrets: string[];
  /**
   * The system values the templates read (`cluster.name`, `kubernetes.version` ...). A stack that read neither
   * `cluster.name` nor `cluster.uid` is the same for every cluster given the same profiles, variables and project.
   */
  systemReads: string[];
} {
  const issues: Issue[] = [];
  const { catalog } = options;
  const macro: Record<string, string> = {
    ...(options.macros?.tenant ?? {}),
    ...(options.macros?.project ?? {}),
  };
  const prefixOf = (a: ProfileAttachment, i: number) =>
    a.path ?? (options.profiles.length === 1 ? '' : `/profiles/${i}`);

  // Find packs first: the stack's Kubernetes version is a system value every template can read.
  const entries: StackEntry[] = [];
  const packs = options.profiles.map((a, i) =>
    (Array.isArray(a.profile?.spec?.layers) ? a.profile.spec.layers : []).map(
      (layer, j): Pack | undefined => {
        const src = layerSource(layer);
        if (src?.kind !== 'pack') return undefined;
        const pack = catalog.get(src.layer.pack, src.layer.version);
        const at = `${prefixOf(a, i)}/spec/layers/${j}`;
        if (!pack)
          issues.push({
            path: `${at}/version`,
            message: `pack ${src.layer.pack}@${src.layer.version} is not in the catalog`,
            code: 'STRATA_PACK_NOT_FOUND',
          });
        else entries.push({ path: at, pack });
        return pack;
      },
    ),
  );
  issues.push(...checkConstraints(entries, { complete: true }));
  const seenInfra = new Map<string, string>();
  for (const e of entries) {
    if (e.pack.layer === 'addon') continue;
    const first = seenInfra.get(e.pack.layer);
    if (first)
      issues.push({
        path: e.path,
        message: `the stack already has a ${e.pack.layer} layer (${first}); attach one infra profile`,
        code: 'STRATA_PROFILE_LAYER_ORDER',
      });
    else seenInfra.set(e.pack.layer, e.path);
  }
  const kubernetesVersion = stackKubernetesVersion(entries);
  const system = systemContext(options.system);
  if (kubernetesVersion) {
    const k8s = isPlainObject(system.kubernetes) ? system.kubernetes : {};
    system.kubernetes = { version: kubernetesVersion, ...k8s };
  }

  const reads = new Set<string>();
  const tracked = trackReads(system, '', reads);
  const layers: ResolvedLayer[] = [];
  const sensitive: ResolvedStack['sensitive'] = [];
  const secrets: string[] = [];
  options.profiles.forEach((attachment, i) => {
    const prefix = prefixOf(attachment, i);
    const spec = attachment.profile?.spec;
    if (!spec || !Array.isArray(spec.layers)) {
      issues.push({
        path: `${prefix}/spec`,
        message: 'the profile has no layers',
        code: 'STRATA_PROFILE_INVALID',
      });
      return;
    }
    const profile = { name: attachment.profile.metadata?.name ?? '', version: spec.version };
    const vars = resolveVariableValues({
      definitions: spec.variables,
      given: attachment.variables,
      previous: attachment.previousVariables,
      path: `${prefix}/variables`,
    });
    issues.push(...vars.issues);
    // A missing or wrong variable is reported once: templates render with a placeholder instead of failing again.
    const placeholders = Object.fromEntries(
      (spec.variables ?? [])
        .filter((d) => vars.invalid.includes(d.name))
        .map((d) => [d.name, sampleVariableValue(d)]),
    );
    const context: TemplateContext = { var: { ...placeholders, ...vars.values }, macro, system: tracked };
    const names = new Set(spec.layers.map(layerName));
    for (const name of Object.keys(attachment.overrides ?? {})) {
      if (!names.has(name))
        issues.push({
          path: pointer(`${prefix}/overrides`, name),
          message: `profile ${profile.name} has no layer "${name}"; layers: ${[...names].join(', ')}`,
          code: 'STRATA_PROFILE_INVALID',
        });
    }
    const secretNames = sensitiveVariables(spec.variables);
    for (const s of secretNames) {
      const value = vars.values[s];
      if (typeof value === 'string' && value !== '') secrets.push(value);
    }
    spec.layers.forEach((layer, j) => {
      const source = layerSource(layer);
      if (!source) return;
      const name = layerName(layer);
      const r = resolveLayer({
        source,
        name,
        pack: packs[i]?.[j],
        profile,
        path: `${prefix}/spec/layers/${j}`,
        override: attachment.overrides?.[name],
        overridePath: pointer(`${prefix}/overrides`, name),
        context,
        yamlCache: catalog.yamlCache,
      });
      issues.push(...r.issues);
      if (r.layer) layers.push(r.layer);
      const used = secretNames.filter((s) => JSON.stringify(layer).includes(`.var.${s}`));
      if (used.length) sensitive.push({ profile: profile.name, layer: name, variables: used });
    });
  });
  const systemReads = [...reads].sort();
  if (issues.length) return { issues, secrets, systemReads };
  return {
    secrets,
    systemReads,
    stack: {
      layers,
      hash: hashStack(layers),
      ...(kubernetesVersion ? { kubernetesVersion } : {}),
      sensitive,
    },
    issues,
  };
}

/**
 * A copy of the system values whose every value records its path in `reads` when a template reads it (a template
 * printing a whole object, `.system.cluster`, reads each of its values).
 */
function trackReads(values: JsonObject, prefix: string, reads: Set<string>): JsonObject {
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(values)) {
    const path = prefix ? `${prefix}.${key}` : key;
    const tracked = isPlainObject(value) ? trackReads(value, path, reads) : value;
    Object.defineProperty(out, key, {
      enumerable: true,
      get: () => {
        if (!isPlainObject(tracked)) reads.add(path);
        return tracked;
      },
    });
  }
  return out;
}

/** Like tryResolveProfiles but throws a StrataError with every issue (STRATA_VARIABLE_INVALID when only variables are wrong). */
export function resolveProfiles(options: ResolveProfilesOptions): ResolvedStack {
  const { stack, issues } = tryResolveProfiles(options);
  if (stack) return stack;
  const onlyVariables = issues.every((i) => i.code === 'STRATA_VARIABLE_INVALID');
  const code = onlyVariables
    ? 'STRATA_VARIABLE_INVALID'
    : issues.some((i) => i.code === 'STRATA_PACK_NOT_FOUND')
      ? 'STRATA_PACK_NOT_FOUND'
      : 'STRATA_TEMPLATE_ERROR';
  throw new StrataError(
    code,
    `the profile could not be resolved: ${issues.map((i) => `${i.path || '/'}: ${i.message}`).join('; ')}`,
    issues,
  );
}

/** The merged macro map (project over tenant), as templates see it. */
export function mergeMacros(scopes: MacroScopes | undefined): JsonObject {
  return { ...(scopes?.tenant ?? {}), ...(scopes?.project ?? {}) };
}
