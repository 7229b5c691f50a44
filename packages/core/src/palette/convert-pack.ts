import type { PackLayerKind } from '@strata/api';
import { packDigest, type Pack } from '../packs/pack.js';
import type { PackFiles } from '../packs/load-pack.js';
import { validatePack } from '../packs/validate-pack.js';
import { isPlainObject, pointer, scalarText, type JsonObject, type JsonValue } from '../util/json.js';
import { parseSingleYaml } from '../yaml/load-yaml.js';
import { translateText } from './macros.js';
import { dnsLabel, NoteList, type ConversionNote } from './report.js';
import { convertConstraints, convertPresets } from './pack-parts.js';
import { convertSchemaHints } from './schema-hints.js';
import { convertPaletteValues, mapValuePath, readPaletteValues, type ValuesLayout } from './values.js';

export interface PalettePackResult {
  /** The directory (or label) the pack came from. */
  source: string;
  /** The converted pack, validated and with its digest; absent when a note is an error. */
  pack?: Pack;
  notes: ConversionNote[];
}

const LAYERS: Readonly<Record<string, PackLayerKind>> = {
  os: 'os',
  k8s: 'k8s',
  cni: 'cni',
  csi: 'csi',
  addon: 'addon',
};
/** Palette cloud types → Strata providers. `all` means every provider (no list). */
const CLOUDS: Readonly<Record<string, string>> = {
  aws: 'aws',
  eks: 'eks',
  azure: 'azure',
  aks: 'aks',
  gcp: 'gcp',
  gke: 'gke',
  vsphere: 'vsphere',
  openstack: 'openstack',
  maas: 'maas',
  edge: 'edge',
  'edge-native': 'edge',
};
const KNOWN_KEYS = new Set([
  'name',
  'displayName',
  'version',
  'layer',
  'cloudTypes',
  'cloudType',
  'charts',
  'kubeManifests',
  'addonType',
  'group',
  'annotations',
  'constraints',
  'description',
]);
const IGNORED_FILES =
  /^(README(\.md)?|LICENSE|NOTICE|logo\.(png|svg)|pack\.json|values\.yaml|presets\.yaml|schema\.yaml)$/i;
const MAX_PACK_JSON = 1024 * 1024;

/**
 * Converts one Palette pack directory (an in-memory map like parsePack's) to a Strata pack. Pure: every mapping,
 * and everything that could not be mapped, is a note with the source path; the pack is returned only when no note
 * is an error and it passes validatePack.
 */
export function convertPalettePack(files: PackFiles, source = ''): PalettePackResult {
  const notes = new NoteList();
  const result = (pack?: Pack): PalettePackResult => ({
    source,
    ...(pack ? { pack } : {}),
    notes: notes.notes,
  });
  const text = (path: string): string | undefined => {
    const f = files[path];
    if (f === undefined || typeof f === 'string') return f;
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(f);
    } catch {
      notes.error(pointer('', path), 'not UTF-8 text');
      return undefined;
    }
  };
  const meta = readPackJson(text('pack.json'), notes);
  if (!meta) return result();

  const name = dnsLabel(scalarText(meta.name));
  if (!name) {
    notes.error('/pack.json/name', 'missing or not a usable name');
    return result();
  }
  if (name !== meta.name)
    notes.translated('/pack.json/name', `"${scalarText(meta.name)}" → ${name} (pack names are DNS labels)`);
  if (source && source !== name && source !== meta.name)
    notes.translated(
      '/pack.json/name',
      `the directory "${source}" is not the pack's name; the name is ${name}`,
    );
  const version = packVersion(meta.version, '/pack.json/version', notes);
  const layer = LAYERS[scalarText(meta.layer)];
  if (meta.layer === 'kernel')
    notes.error('/pack.json/layer', 'Strata has no kernel layer; the OS pack or image carries the kernel');
  else if (!layer) notes.error('/pack.json/layer', `unknown layer ${JSON.stringify(meta.layer)}`);
  if (!version || !layer) return result();

  const pack: Pack = { name, version, layer, type: 'manifest' };
  if (typeof meta.displayName === 'string') pack.displayName = meta.displayName.slice(0, 256);
  if (typeof meta.description === 'string') pack.description = meta.description.slice(0, 4096);
  pack.description ??= `Imported from the Palette pack ${scalarText(meta.name)} ${scalarText(meta.version)}.`;
  const providers = mapClouds(meta, notes);
  if (providers) pack.providers = providers;
  if (typeof meta.addonType === 'string') {
    const category = dnsLabel(meta.addonType);
    if (category) {
      pack.category = category;
      notes.translated('/pack.json/addonType', `→ category ${category}`);
    }
  }
  for (const key of Object.keys(meta)) {
    if (KNOWN_KEYS.has(key)) continue;
    notes.dropped(pointer('/pack.json', key), 'unknown key, not imported');
  }
  if (meta.group !== undefined)
    notes.dropped('/pack.json/group', 'Palette pack group; Strata has no pack groups');
  if (meta.annotations !== undefined)
    notes.dropped('/pack.json/annotations', 'Palette annotations have no Strata meaning');

  // Content decides how values.yaml is read.
  let layout = content(pack, meta, files, text, notes);
  const valuesText = text('values.yaml');
  if (valuesText !== undefined && layout) {
    const values = readPaletteValues(valuesText, '/values.yaml', notes);
    if (layout.kind === 'chart')
      layout = { kind: 'chart', ...withChartKey(layout.chart, values.json, notes) };
    const converted = convertPaletteValues(values, { path: '/values.yaml', layout, notes });
    if (converted.values !== undefined) pack.values = converted.values;
    if (converted.namespace) pack.namespace = converted.namespace;
    if (values.enabledPresets.length)
      notes.dropped(
        '/values.yaml',
        "enabled presets in a pack's own values are not defaults in Strata; choose them in the profile layer",
      );
  }
  const mapPath = (segs: string[]) => (layout ? mapValuePath(layout, segs) : undefined);
  const presetsText = text('presets.yaml');
  if (presetsText !== undefined && layout) {
    const presets = convertPresets(presetsText, layout, notes);
    if (presets.length) pack.presets = presets;
  }
  const schemaText = text('schema.yaml');
  if (schemaText !== undefined) {
    const schema = convertSchemaHints(schemaText, mapPath, notes);
    if (schema) pack.schema = schema;
  }
  const constraints = convertConstraints(meta.constraints, name, notes);
  if (constraints) pack.constraints = constraints;

  const used = new Set<string>([
    ...(pack.manifests ?? []).map((m) => `manifests/${m.name}`),
    ...chartPaths(meta),
  ]);
  for (const path of Object.keys(files).sort()) {
    if (IGNORED_FILES.test(path) || used.has(path)) continue;
    notes.dropped(pointer('', path), 'a file the pack does not list; not imported');
  }
  if (notes.hasErrors) return result();
  for (const issue of validatePack(pack)) notes.error(issue.path, issue.message);
  if (notes.hasErrors) return result();
  pack.digest = packDigest(pack);
  return result(pack);
}

function readPackJson(text: string | undefined, notes: NoteList): JsonObject | undefined {
  if (text === undefined) {
    notes.error('/pack.json', 'pack.json is missing (is this a Palette pack directory?)');
    return undefined;
  }
  if (text.length > MAX_PACK_JSON) {
    notes.error('/pack.json', `larger than ${MAX_PACK_JSON} bytes`);
    return undefined;
  }
  // JSON is YAML: the bounded YAML reader checks size, depth and duplicates once.
  const parsed = parseSingleYaml(text, { path: '/pack.json', booleans: 'yaml-1.2' });
  for (const issue of parsed.issues) notes.error(issue.path, issue.message);
  if (parsed.issues.length) return undefined;
  if (!isPlainObject(parsed.value)) {
    notes.error('/pack.json', 'must be a JSON object');
    return undefined;
  }
  return parsed.value;
}

/** A Palette version as Strata semver: `1.27.5` stays, `22.04` → `22.04.0` (noted), nonsense is an error. */
export function packVersion(value: JsonValue | undefined, path: string, notes: NoteList): string | undefined {
  const raw = typeof value === 'number' ? String(value) : typeof value === 'string' ? value : '';
  const exact = /^v?(\d+\.\d+\.\d+([-+][0-9A-Za-z.+-]*)?)$/.exec(raw)?.[1];
  if (exact) {
    if (exact !== raw) notes.translated(path, `"${raw}" → ${exact}`);
    return exact;
  }
  const parts = /^v?(\d+)\.(\d+)$/.exec(raw) ?? /^v?(\d+)$/.exec(raw);
  if (parts) {
    const v = `${parts[1]}.${parts[2] ?? '0'}.0`;
    notes.translated(path, `"${raw}" → ${v} (Strata versions have three parts)`);
    return v;
  }
  notes.error(path, `"${raw}" is not a version Strata can use (e.g. 1.2.3)`);
  return undefined;
}

function mapClouds(meta: JsonObject, notes: NoteList): string[] | undefined {
  const field =
    meta.cloudTypes !== undefined ? 'cloudTypes' : meta.cloudType !== undefined ? 'cloudType' : undefined;
  return field ? cloudProviders(meta[field], `/pack.json/${field}`, notes) : undefined;
}

/** Palette cloud types (a list or one) → Strata providers; `all` → undefined (every provider). */
export function cloudProviders(
  raw: JsonValue | undefined,
  path: string,
  notes: NoteList,
): string[] | undefined {
  const list = (Array.isArray(raw) ? raw : [raw]).map(String);
  if (list.includes('all')) {
    notes.translated(path, 'all → every provider');
    return undefined;
  }
  const providers: string[] = [];
  for (const cloud of list) {
    const p = CLOUDS[cloud];
    if (!p) notes.dropped(path, `cloud type "${cloud}" has no Strata provider`);
    else if (!providers.includes(p)) providers.push(p);
  }
  if (providers.length) notes.translated(path, `→ providers [${providers.join(', ')}]`);
  return providers.length ? providers : undefined;
}

function chartPaths(meta: JsonObject): string[] {
  return Array.isArray(meta.charts) ? meta.charts.filter((c): c is string => typeof c === 'string') : [];
}

/** Sets the pack's content (chart or manifests) and returns how values.yaml maps onto it. */
function content(
  pack: Pack,
  meta: JsonObject,
  files: PackFiles,
  text: (path: string) => string | undefined,
  notes: NoteList,
): ValuesLayout | undefined {
  const charts = chartPaths(meta);
  const manifests = Array.isArray(meta.kubeManifests)
    ? meta.kubeManifests.filter((c): c is string => typeof c === 'string')
    : [];
  if (charts.length && manifests.length)
    notes.error('/pack.json', 'both charts and kubeManifests: a Strata pack is either a chart or manifests');
  if (charts.length) {
    charts
      .slice(1)
      .forEach((c, i) =>
        notes.dropped(
          pointer('/pack.json/charts', i + 1),
          `${c}: a Strata pack holds one chart; import it as its own pack`,
        ),
      );
    const path = charts[0] as string;
    const m = /^charts\/([^/]+?)-(v?\d+\.\d+\.\d+[^/]*)\.tgz$/.exec(path);
    const bytes = files[path];
    if (!m) notes.error('/pack.json/charts/0', `"${path}" is not charts/NAME-VERSION.tgz`);
    else if (!(bytes instanceof Uint8Array))
      notes.error(pointer('', path), 'the chart archive is missing (or not binary)');
    else {
      pack.type = 'helm';
      pack.bundledChart = {
        name: m[1] as string,
        version: m[2] as string,
        archive: Buffer.from(bytes).toString('base64'),
      };
      notes.translated('/pack.json/charts/0', `→ bundled chart ${m[1]} ${m[2]}`);
    }
    return { kind: 'chart', ...(m ? { chart: m[1] as string } : {}) };
  }
  if (manifests.length) {
    const bases = manifests.map((p) => p.replace(/^.*\//, '').replace(/\.ya?ml$/, ''));
    const layout: ValuesLayout = { kind: 'manifests', bases };
    pack.manifests = [];
    manifests.forEach((path, i) => {
      const body = text(path);
      if (body === undefined) {
        notes.error(pointer('/pack.json/kubeManifests', i), `${path} is missing`);
        return;
      }
      const prefix = bases.length === 1 ? [] : [bases[i] as string];
      const t = translateText(body, { manifestValuesPrefix: prefix });
      for (const c of t.changes) notes.translated(pointer('', path), c);
      for (const f of t.failures)
        notes.error(
          pointer('', path),
          `line ${f.line}: ${f.source} ${f.reason}; make this pack a Helm chart`,
        );
      pack.manifests!.push({ name: path.replace(/^.*\//, ''), content: t.text });
    });
    return layout;
  }
  if (pack.layer === 'os' || pack.layer === 'k8s') return { kind: 'kubeadm' };
  notes.error('/pack.json', 'neither charts nor kubeManifests: nothing to install');
  return undefined;
}

/** The key under `charts:` holding the chart's values: the chart's name, or else the only key there is. */
function withChartKey(chart: string | undefined, values: JsonValue, notes: NoteList): { chart?: string } {
  const charts = isPlainObject(values) && isPlainObject(values.charts) ? Object.keys(values.charts) : [];
  if (!chart || charts.includes(chart) || charts.length !== 1) return chart ? { chart } : {};
  notes.translated(pointer('/values.yaml/charts', charts[0] as string), `the values of chart ${chart}`);
  return { chart: charts[0] };
}
