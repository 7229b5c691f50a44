import { Document, isMap, isPair, isScalar, isSeq, parseDocument, visit, YAMLMap, type Node } from 'yaml';
import { isPlainObject, pointer, type JsonObject, type JsonValue } from '../util/json.js';
import { getValueAt } from '../values/value-path.js';
import { emitYaml } from '../yaml/emit-yaml.js';
import { parseSingleYaml } from '../yaml/load-yaml.js';
import { scanActions, translateAction, type MacroContext } from './macros.js';
import { dnsLabel, type NoteList } from './report.js';

/**
 * Where a Palette values.yaml keeps the values the Strata layer needs:
 * - `chart`: `charts.<chart>` (the chart's Helm values);
 * - `manifests`: `manifests.<base>` per manifest file (one file: its values are the layer's values; several: each under
 *   its base name);
 * - `kubeadm` (OS and Kubernetes packs): `pack.podCIDR` / `pack.serviceClusterIpRange` and `kubeadmconfig`, mapped to
 *   the Kubernetes layer values (`podCIDR`, `serviceCIDR`, `apiServer`, `controllerManager`, `scheduler`, `etcd`,
 *   `kubelet.extraArgs`, and `kubeadm.<key>` for the commands and files a kubeadm bootstrap runs).
 */
export type ValuesLayout =
  { kind: 'chart'; chart?: string } | { kind: 'manifests'; bases: readonly string[] } | { kind: 'kubeadm' };

const KUBEADM_SECTIONS = ['apiServer', 'controllerManager', 'scheduler', 'etcd'];
const PLACEHOLDER = /__strata_palette_(\d+)__/g;

/** Maps a Palette values path (`charts.nginx.controller.replicaCount`) to the Strata layer's path; undefined: none. */
export function mapValuePath(layout: ValuesLayout, segs: readonly string[]): string[] | undefined {
  const [a, b, ...rest] = segs;
  if (a === undefined || b === undefined) return undefined;
  switch (layout.kind) {
    case 'chart':
      return a === 'charts' && b === layout.chart ? rest : undefined;
    case 'manifests':
      if (a !== 'manifests' || !layout.bases.includes(b)) return undefined;
      return layout.bases.length === 1 ? rest : [b, ...rest];
    case 'kubeadm':
      if (a === 'pack' && b === 'podCIDR') return ['podCIDR', ...rest];
      if (a === 'pack' && b === 'serviceClusterIpRange') return ['serviceCIDR', ...rest];
      if (a !== 'kubeadmconfig') return undefined;
      if (KUBEADM_SECTIONS.includes(b)) return [b, ...rest];
      if (b === 'kubeletExtraArgs') return ['kubelet', 'extraArgs', ...rest];
      return ['kubeadm', b, ...rest];
  }
}

/** Palette values with their template actions swapped for placeholders, so that the YAML can be read. */
export interface PaletteValues {
  /** The parsed values (placeholders in place of actions); null when empty or unreadable. */
  json: JsonValue;
  text: string;
  actions: { source: string; line: number }[];
  /** `Group:preset` entries of the `# spectrocloud.com/enabled-presets:` comment. */
  enabledPresets: string[];
}

/** Reads a Palette values text, bounded like every YAML text (parseYaml limits); problems become error notes. */
export function readPaletteValues(text: string, path: string, notes: NoteList): PaletteValues {
  const presetsLine = /^\s*#\s*spectrocloud\.com\/enabled-presets:[ \t]*(.*)$/m.exec(text.slice(0, 4096));
  const enabledPresets = (presetsLine?.[1] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const { spans, error } = scanActions(text);
  if (error) notes.error(path, `line ${error.line}: ${error.message}`);
  let out = '';
  let pos = 0;
  const actions = spans.map((s, i) => {
    out += `${text.slice(pos, s.start)}__strata_palette_${i}__`;
    pos = s.end;
    return { source: text.slice(s.start, s.end), line: s.line };
  });
  out += text.slice(pos);
  const parsed = parseSingleYaml(out, { path, booleans: 'helm' });
  for (const issue of parsed.issues) notes.error(issue.path, issue.message);
  return { json: parsed.issues.length ? null : parsed.value, text: out, actions, enabledPresets };
}

export interface ConvertValuesOptions {
  path: string;
  layout: ValuesLayout;
  macros?: MacroContext;
  notes: NoteList;
}

export interface ConvertedValues {
  /** Strata values text (comments kept where the section is carried over whole); undefined when empty. */
  values?: string;
  namespace?: string;
  /** Preset names from the enabled-presets comment. */
  presets: string[];
}

/**
 * Converts a Palette values text to the values of one Strata layer (see ValuesLayout). Every key that is not carried
 * over is a note; macros are translated, and a value whose macro has no equivalent is left out with a note.
 */
export function convertPaletteValues(source: PaletteValues, o: ConvertValuesOptions): ConvertedValues {
  const { notes, path } = o;
  const result: ConvertedValues = { presets: source.enabledPresets.map(presetName) };
  if (source.enabledPresets.length)
    notes.translated(
      path,
      `enabled presets ${source.enabledPresets.join(', ')} → presets [${result.presets.join(', ')}]`,
    );
  const root = source.json;
  if (root === null) return result;
  if (!isPlainObject(root)) {
    notes.error(path, 'values must be a map');
    return result;
  }
  const routes = routesFor(o.layout, root, path, notes);
  result.namespace = packSection(root, path, o.layout, notes);
  if (routes.length === 0) return result;

  // Translate each action once; the failures decide which values are left out.
  const translated = source.actions.map((a) => ({
    ...a,
    result: translateAction(a.source, o.macros ?? {}),
  }));
  const doc = parseDocument(source.text, { version: '1.1', uniqueKeys: false });
  let out = new Document(undefined, { version: '1.1' });
  for (const [src, dst] of routes) {
    const node = doc.getIn(src, true) as Node | undefined;
    setNode(out, dst, node ?? null);
  }
  // Notes name the source path: the route whose target holds the value, plus the rest.
  const byDepth = [...routes].sort((a, b) => b[1].length - a[1].length);
  const at = (keys: string[]): string => {
    const route = byDepth.find(([, dst]) => dst.every((k, i) => keys[i] === k));
    return pointer(path, ...(route ? [...route[0], ...keys.slice(route[1].length)] : keys));
  };
  let text: string;
  try {
    removeFailed(out, translated, at, notes);
    text = out.toString({ lineWidth: 0 });
  } catch {
    // An alias to an anchor outside the section: carry the values over without comments.
    const values: JsonObject = {};
    for (const [src, dst] of routes) setAt(values, dst, getValueAt(root, src) ?? null);
    out = new Document(values);
    removeFailed(out, translated, at, notes);
    text = emitYaml(out.toJSON() as JsonValue);
    notes.translated(path, 'comments not kept: the section uses an anchor defined outside it');
  }
  text = text.replace(/^\s*#\s*spectrocloud\.com\/enabled-presets:.*\n/m, '');
  text = text.replace(PLACEHOLDER, (_m, i: string) => {
    const a = translated[Number(i)];
    if (!a) return '';
    if (a.result.ok) {
      for (const c of a.result.changes) notes.translated(path, `line ${a.line}: ${c}`);
      return a.result.text;
    }
    // Only comments still hold failed actions: defuse them so the template language leaves them alone.
    notes.dropped(
      path,
      `line ${a.line}: ${a.source} in a comment was defused ({ { ... } }): ${a.result.reason}`,
    );
    return a.source.replace(/\{\{/g, '{ {').replace(/\}\}/g, '} }');
  });
  if (text.trim() !== '' && text.trim() !== 'null' && text.trim() !== '{}') result.values = text;
  return result;
}

type Route = [src: string[], dst: string[]];

/** The sections carried over, and a note for every top-level section that is not. */
function routesFor(layout: ValuesLayout, root: JsonObject, path: string, notes: NoteList): Route[] {
  const routes: Route[] = [];
  for (const [key, value] of Object.entries(root)) {
    const at = pointer(path, key);
    if (key === 'pack') continue; // packSection reports it
    if (key === 'charts' && layout.kind === 'chart' && isPlainObject(value)) {
      for (const chart of Object.keys(value)) {
        if (chart === layout.chart) routes.push([['charts', chart], []]);
        else notes.dropped(pointer(at, chart), `values of chart "${chart}", which is not the pack's chart`);
      }
    } else if (key === 'manifests' && layout.kind === 'manifests' && isPlainObject(value)) {
      for (const base of Object.keys(value)) {
        const dst = mapValuePath(layout, ['manifests', base, 'x']);
        if (dst) routes.push([['manifests', base], dst.slice(0, -1)]);
        else notes.dropped(pointer(at, base), `values of manifest "${base}", which the pack does not list`);
      }
    } else if (key === 'kubeadmconfig' && layout.kind === 'kubeadm' && isPlainObject(value)) {
      for (const k of Object.keys(value)) {
        const dst = mapValuePath(layout, ['kubeadmconfig', k, 'x'])!.slice(0, -1);
        routes.push([['kubeadmconfig', k], dst]);
        notes.translated(pointer(at, k), `→ ${dst.join('.')}`);
      }
    } else {
      notes.dropped(
        at,
        `no place in a Strata ${layout.kind === 'kubeadm' ? 'OS or Kubernetes' : layout.kind} layer's values`,
      );
    }
  }
  if (layout.kind === 'kubeadm' && isPlainObject(root.pack)) {
    for (const [k, dst] of [
      ['serviceClusterIpRange', 'serviceCIDR'],
      ['podCIDR', 'podCIDR'],
    ] as const) {
      if (root.pack[k] === undefined) continue;
      routes.unshift([['pack', k], [dst]]);
      notes.translated(pointer(path, 'pack', k), `→ ${dst}`);
    }
  }
  return routes;
}

/** The `pack:` section: namespace is the pack's namespace; the rest is reported. */
function packSection(
  root: JsonObject,
  path: string,
  layout: ValuesLayout,
  notes: NoteList,
): string | undefined {
  const pack = root.pack;
  if (pack === undefined) return undefined;
  const at = pointer(path, 'pack');
  if (!isPlainObject(pack)) {
    notes.dropped(at, 'not a map');
    return undefined;
  }
  let namespace: string | undefined;
  for (const [key, value] of Object.entries(pack)) {
    const p = pointer(at, key);
    if (layout.kind === 'kubeadm' && (key === 'podCIDR' || key === 'serviceClusterIpRange')) continue;
    if (key === 'namespace' && typeof value === 'string') {
      namespace = dnsLabel(value);
      if (namespace === value && !value.includes('__strata_palette_')) notes.translated(p, '→ namespace');
      else {
        notes.dropped(p, `"${value}" is not a namespace name Strata can use`);
        namespace = undefined;
      }
    } else if (key === 'content')
      notes.dropped(
        p,
        'image and chart lists for air-gapped mirrors; Strata installs what the chart or manifests name',
      );
    else if (key === 'installPriority' || key === 'install')
      notes.dropped(p, 'install priority: Strata installs layers in profile order');
    else notes.dropped(p, 'no Strata equivalent');
  }
  return namespace;
}

/** Drops every value whose text holds an action without a Strata equivalent, with a note for each. */
function removeFailed(
  doc: Document,
  actions: { source: string; line: number; result: { ok: boolean; reason?: string } }[],
  at: (keys: string[]) => string,
  notes: NoteList,
): void {
  const failedIn = (s: unknown): { source: string; line: number; reason: string } | undefined => {
    if (typeof s !== 'string') return undefined;
    for (const m of s.matchAll(PLACEHOLDER)) {
      const a = actions[Number(m[1])];
      if (a && !a.result.ok) return { source: a.source, line: a.line, reason: a.result.reason ?? '' };
    }
    return undefined;
  };
  visit(doc, {
    Pair(_key, pair, nodePath) {
      const key: unknown = isScalar(pair.key) ? pair.key.value : pair.key;
      const value = isScalar(pair.value) ? pair.value.value : undefined;
      const failed = failedIn(key) ?? failedIn(value);
      if (!failed) return undefined;
      notes.dropped(
        at([...keysOf(nodePath), String(key)]),
        `line ${failed.line}: ${failed.source}: ${failed.reason}; set this value in the profile's layer values`,
      );
      return visit.REMOVE;
    },
    Scalar(index, node, nodePath) {
      const parent = nodePath[nodePath.length - 1];
      if (!isSeq(parent)) return undefined;
      const failed = failedIn(node.value);
      if (!failed) return undefined;
      notes.dropped(
        at([...keysOf(nodePath), String(index)]),
        `line ${failed.line}: a list item ${failed.source}: ${failed.reason}`,
      );
      return visit.REMOVE;
    },
  });
}

function keysOf(nodePath: readonly unknown[]): string[] {
  const keys: string[] = [];
  for (const n of nodePath) if (isPair(n)) keys.push(String(isScalar(n.key) ? n.key.value : n.key));
  return keys;
}

/** Places a node at a path of the output document, making maps on the way (YAML 1.1 setIn would make !!omap). */
function setNode(doc: Document, keys: readonly string[], node: Node | null): void {
  if (keys.length === 0) {
    doc.contents = node;
    return;
  }
  if (!isMap(doc.contents)) doc.contents = new YAMLMap();
  let cur = doc.contents as YAMLMap;
  for (const k of keys.slice(0, -1)) {
    const next: unknown = cur.get(k, true);
    if (isMap(next)) cur = next;
    else {
      const made = new YAMLMap();
      cur.set(k, made);
      cur = made;
    }
  }
  cur.set(keys[keys.length - 1], node);
}

function setAt(target: JsonObject, keys: readonly string[], value: JsonValue): void {
  if (keys.length === 0) {
    if (isPlainObject(value)) Object.assign(target, value);
    return;
  }
  let cur = target;
  for (const k of keys.slice(0, -1)) {
    const next = cur[k];
    if (!isPlainObject(next)) cur[k] = {};
    cur = cur[k] as JsonObject;
  }
  cur[keys[keys.length - 1] as string] = value;
}

/** `Group:preset` → the preset's Strata name. */
export function presetName(entry: string): string {
  const name = entry.includes(':') ? entry.slice(entry.indexOf(':') + 1) : entry;
  return dnsLabel(name) ?? 'preset';
}
