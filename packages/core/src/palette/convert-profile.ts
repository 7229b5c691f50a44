import type { ClusterProfileSpec, ProfileLayer, ProfileVariable, VariableType } from '@strata/api';
import { isPlainObject, pointer, scalarText, type JsonObject, type JsonValue } from '../util/json.js';
import { getValueAt } from '../values/value-path.js';
import { cloudProviders, packVersion } from './convert-pack.js';
import type { MacroContext } from './macros.js';
import { translateText } from './macros.js';
import {
  detectProfileFormat,
  readPaletteProfiles,
  type PaletteProfileFormat,
  type PaletteProfileSource,
} from './profile-source.js';
import { dnsLabel, NoteList, type ConversionNote } from './report.js';
import { convertPaletteValues, readPaletteValues, type PaletteValues, type ValuesLayout } from './values.js';

export interface PaletteProfileBody {
  apiVersion: 'strata.dev/v1alpha1';
  kind: 'ClusterProfile';
  metadata: { name: string; project?: string };
  spec: ClusterProfileSpec;
}

export interface PaletteProfileResult {
  /** Where the profile sits in the source (`/`, `/1`, `/resource.spectrocloud_cluster_profile.prod`). */
  source: string;
  profile?: PaletteProfileBody;
  notes: ConversionNote[];
}

export interface ConvertPaletteProfilesOptions {
  text: string;
  /** Detected from the text when absent. */
  format?: PaletteProfileFormat;
  /** The project the drafts go to; absent: tenant-scoped. */
  project?: string;
  /** The version of the drafts when the source has none (default 1.0.0). */
  version?: string;
}

export interface ConvertPaletteProfilesResult {
  format: PaletteProfileFormat;
  /** Notes about the file as a whole (unreadable text, blocks that are not profiles). */
  notes: ConversionNote[];
  profiles: PaletteProfileResult[];
}

const LAYER_RANK: Readonly<Record<string, number>> = { os: 0, k8s: 1, cni: 2, csi: 3, addon: 4 };
const VARIABLE_TYPES: Readonly<Record<string, VariableType>> = {
  string: 'string',
  number: 'number',
  boolean: 'boolean',
  ipv4: 'ipv4',
  ipv4cidr: 'cidr',
  cidr: 'cidr',
  version: 'version',
  password: 'secret',
  secret: 'secret',
};
const PROFILE_FIELDS = new Set([
  'name',
  'description',
  'type',
  'cloudType',
  'cloud',
  'version',
  'packs',
  'variables',
]);
const PACK_FIELDS = new Set([
  'name',
  'type',
  'layer',
  'registry',
  'registryUid',
  'uid',
  'version',
  'tag',
  'values',
  'manifests',
]);

/**
 * Converts Palette cluster profiles (export YAML, import JSON or Terraform HCL) to draft Strata ClusterProfiles:
 * pack layers reference packs by name and version (imported or built-in), manifest packs become manifest layers,
 * values are converted like a pack's, cross-pack references are inlined from the profile, and profile variables
 * become Strata variables. Pure; what could not be carried over is a note with its source path.
 */
export function convertPaletteProfiles(o: ConvertPaletteProfilesOptions): ConvertPaletteProfilesResult {
  const fileNotes = new NoteList();
  const format = o.format ?? detectProfileFormat(o.text);
  const sources = readPaletteProfiles(o.text, format, fileNotes);
  return { format, notes: fileNotes.notes, profiles: sources.map((s) => convertOne(s, o)) };
}

function convertOne(src: PaletteProfileSource, o: ConvertPaletteProfilesOptions): PaletteProfileResult {
  const notes = new NoteList();
  const f = src.fields;
  const at = (...keys: (string | number)[]) => pointer(src.path, ...keys);
  const name = dnsLabel(scalarText(f.name));
  const result = (profile?: PaletteProfileBody): PaletteProfileResult => ({
    source: src.path || '/',
    ...(profile ? { profile } : {}),
    notes: notes.notes,
  });
  if (!name) {
    notes.error(at('name'), 'missing or not a usable name');
    return result();
  }
  if (name !== f.name)
    notes.translated(at('name'), `"${scalarText(f.name)}" → ${name} (profile names are DNS labels)`);
  for (const key of Object.keys(f)) if (!PROFILE_FIELDS.has(key)) notes.dropped(at(key), 'not carried over');

  let version = o.version ?? '1.0.0';
  if (f.version !== undefined) version = packVersion(f.version, at('version'), notes) ?? version;
  else notes.translated(at('version'), `none given → ${version}`);

  // Values of every pack layer, read first: cross-pack references look into them.
  const values = new Map<string, PaletteValues>();
  for (const p of src.packs) {
    if (typeof p.fields.values !== 'string' || p.fields.type === 'manifest') continue;
    const read = readPaletteValues(p.fields.values, pointer(p.path, 'values'), notes);
    const packName = scalarText(p.fields.name);
    values.set(packName, read);
    const label = dnsLabel(packName);
    if (label && !values.has(label)) values.set(label, read);
  }
  const macros: MacroContext = {
    variables: true,
    crossPack: (pack, path) => {
      const v = getValueAt(values.get(pack)?.json ?? null, path);
      return v !== undefined &&
        v !== null &&
        typeof v !== 'object' &&
        !String(v).includes('__strata_palette_')
        ? String(v)
        : undefined;
    },
  };

  // Terraform's pack blocks carry no layer: a cluster profile lists OS, Kubernetes, network and storage first.
  if ((f.type === 'cluster' || f.type === 'infra') && src.packs.every((p) => p.fields.layer === undefined)) {
    src.packs.forEach((p, i) => {
      const layer = ['os', 'k8s', 'cni', 'csi'][i] ?? 'addon';
      p.fields = { ...p.fields, layer };
      notes.translated(pointer(p.path, 'layer'), `none given → ${layer} (from its position in the profile)`);
    });
  }
  const layers: { rank: number; layer: ProfileLayer }[] = [];
  for (const p of src.packs) {
    const layer = convertLayer(p, values.get(scalarText(p.fields.name)), macros, notes);
    if (layer) layers.push(layer);
  }
  const sorted = [...layers].sort((a, b) => a.rank - b.rank);
  if (sorted.some((l, i) => l !== layers[i]))
    notes.translated(
      at('packs'),
      'layers reordered to os, k8s, cni, csi, add-ons (the order Strata installs in)',
    );

  const spec: ClusterProfileSpec = {
    type:
      profileType(
        f.type,
        sorted.map((l) => l.rank),
        at('type'),
        notes,
      ) ?? 'addon',
    version,
    layers: sorted.map((l) => l.layer),
  };
  if (typeof f.description === 'string' && f.description) spec.description = f.description.slice(0, 4096);
  const cloudField = f.cloudType !== undefined ? 'cloudType' : f.cloud !== undefined ? 'cloud' : undefined;
  if (cloudField) {
    const providers = cloudProviders(f[cloudField], at(cloudField), notes);
    if (providers) spec.providers = providers;
  }
  const variables = src.variables
    .map((v) => convertVariable(v.fields, v.path, notes))
    .filter((v): v is ProfileVariable => v !== undefined);
  if (variables.length) spec.variables = variables;
  if (notes.hasErrors) return result();
  return result({
    apiVersion: 'strata.dev/v1alpha1',
    kind: 'ClusterProfile',
    metadata: { name, ...(o.project ? { project: o.project } : {}) },
    spec,
  });
}

function profileType(
  raw: JsonValue | undefined,
  ranks: number[],
  path: string,
  notes: NoteList,
): ClusterProfileSpec['type'] | undefined {
  const hasInfra = ranks.some((r) => r < 4);
  const hasAddon = ranks.some((r) => r === 4);
  let type: ClusterProfileSpec['type'] | undefined;
  if (raw === 'add-on' || raw === 'addon') type = 'addon';
  else if (raw === 'infra') type = 'infra';
  else if (raw === 'cluster' || raw === undefined)
    type = hasAddon && hasInfra ? 'full' : hasInfra ? 'infra' : 'addon';
  else
    notes.error(
      path,
      `profile type ${JSON.stringify(raw)} has no Strata equivalent (cluster, infra, add-on)`,
    );
  if (type) notes.translated(path, `${JSON.stringify(raw ?? null)} → ${type}`);
  return type;
}

function convertLayer(
  p: { path: string; fields: JsonObject },
  values: PaletteValues | undefined,
  macros: MacroContext,
  notes: NoteList,
): { rank: number; layer: ProfileLayer } | undefined {
  const f = p.fields;
  const at = (...keys: (string | number)[]) => pointer(p.path, ...keys);
  const name = dnsLabel(scalarText(f.name));
  if (!name) {
    notes.error(at('name'), 'a pack without a usable name');
    return undefined;
  }
  for (const key of Object.keys(f)) if (!PACK_FIELDS.has(key)) notes.dropped(at(key), 'not carried over');
  if (f.registry !== undefined || f.registryUid !== undefined || f.uid !== undefined)
    notes.dropped(
      at(f.registry !== undefined ? 'registry' : f.registryUid !== undefined ? 'registryUid' : 'uid'),
      'Palette registries and uids: Strata finds packs by name and version in its catalog',
    );
  const layerKind = scalarText(f.layer) || 'addon';
  const rank = LAYER_RANK[layerKind];
  if (rank === undefined) {
    notes.error(at('layer'), `layer ${JSON.stringify(f.layer)} has no Strata equivalent`);
    return undefined;
  }

  if (f.type === 'manifest') {
    const manifests = Array.isArray(f.manifests) ? f.manifests.filter(isPlainObject) : [];
    if (rank !== 4) notes.error(at('layer'), 'a manifest layer is an add-on in Strata');
    if (manifests.length === 0) {
      notes.error(at('manifests'), 'a manifest pack without manifests');
      return undefined;
    }
    const parts = manifests.map((m, i) => {
      const t = translateText(scalarText(m.content), macros);
      for (const c of t.changes) notes.translated(at('manifests', i, 'content'), c);
      for (const e of t.failures)
        notes.error(at('manifests', i, 'content'), `line ${e.line}: ${e.source} ${e.reason}`);
      return t.text.replace(/\n*$/, '\n');
    });
    if (manifests.length > 1)
      notes.translated(
        at('manifests'),
        `${manifests.length} manifests → one manifest layer (documents joined with ---)`,
      );
    if (f.values !== undefined) notes.dropped(at('values'), 'a manifest layer has no values');
    return { rank, layer: { name, manifest: parts.join('---\n') } };
  }

  if (f.type !== undefined && f.type !== 'spectro')
    notes.translated(
      at('type'),
      `${JSON.stringify(f.type)} → a pack layer (import the pack first: strata pack import)`,
    );
  const version = packVersion(f.version ?? f.tag, at(f.version !== undefined ? 'version' : 'tag'), notes);
  if (!version) return undefined;
  const layer: ProfileLayer = { pack: name, version };
  if (name !== f.name) notes.translated(at('name'), `"${scalarText(f.name)}" → ${name}`);
  if (values) {
    const converted = convertPaletteValues(values, {
      path: at('values'),
      layout: layoutFor(layerKind, values.json),
      macros,
      notes,
    });
    if (converted.values) layer.values = converted.values;
    if (converted.presets.length) layer.presets = converted.presets;
    if (converted.namespace && rank >= 2) layer.namespace = converted.namespace;
  }
  if (Array.isArray(f.manifests) && f.manifests.length)
    notes.dropped(at('manifests'), 'manifests attached to a pack layer; make them their own manifest layer');
  return { rank, layer };
}

/** Without the pack at hand: OS/K8s layers read kubeadmconfig; others their one chart or their manifests. */
function layoutFor(layer: string, json: JsonValue): ValuesLayout {
  if (layer === 'os' || layer === 'k8s') return { kind: 'kubeadm' };
  const root = isPlainObject(json) ? json : {};
  const charts = isPlainObject(root.charts) ? Object.keys(root.charts) : [];
  const manifests = isPlainObject(root.manifests) ? Object.keys(root.manifests) : [];
  if (charts.length === 0 && manifests.length > 0) return { kind: 'manifests', bases: manifests };
  return { kind: 'chart', ...(charts.length === 1 ? { chart: charts[0] as string } : {}) };
}

function convertVariable(f: JsonObject, path: string, notes: NoteList): ProfileVariable | undefined {
  const name = scalarText(f.name);
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) || name.length > 63) {
    notes.dropped(pointer(path, 'name'), `"${name}" is not a Strata variable name`);
    return undefined;
  }
  const format = scalarText(f.format ?? 'string');
  const type = VARIABLE_TYPES[format];
  if (!type)
    notes.dropped(
      pointer(path, 'format'),
      `format "${format}" has no Strata variable type; imported as string`,
    );
  const v: ProfileVariable = { name, type: type ?? 'string' };
  const text = (key: string) => (typeof f[key] === 'string' ? f[key] : undefined);
  const displayName = text('displayName');
  if (displayName) v.displayName = displayName.slice(0, 256);
  const description = text('description');
  if (description) v.description = description.slice(0, 1024);
  const flag = (key: string) => f[key] === true || f[key] === 'true';
  if (flag('required')) v.required = true;
  if (flag('immutable')) v.immutable = true;
  if (flag('hidden')) v.hidden = true;
  if (flag('isSensitive') || flag('sensitive') || type === 'secret') v.sensitive = true;
  const regex = text('regex');
  if (regex) v.regex = regex;
  const def = f.defaultValue ?? f.default;
  if (def !== undefined && def !== '' && type !== 'secret') {
    const s = scalarText(def);
    v.default =
      v.type === 'number' && /^-?\d+(\.\d+)?$/.test(s) ? Number(s) : v.type === 'boolean' ? s === 'true' : s;
  } else if (def !== undefined && def !== '' && type === 'secret')
    notes.dropped(
      pointer(path, 'defaultValue'),
      'a secret variable has no default in Strata; give the value per cluster',
    );
  for (const key of Object.keys(f))
    if (
      ![
        'name',
        'format',
        'displayName',
        'description',
        'required',
        'immutable',
        'hidden',
        'isSensitive',
        'sensitive',
        'regex',
        'defaultValue',
        'default',
      ].includes(key)
    )
      notes.dropped(pointer(path, key), 'not carried over');
  notes.translated(path, `→ variable ${name} (${v.type})`);
  return v;
}
