import type { PackConstraints, PackDependency, PackPreset } from '@strata/api';
import semver from 'semver';
import { isPlainObject, pointer, scalarText, type JsonValue } from '../util/json.js';
import { splitValuePath } from '../values/value-path.js';
import { parseSingleYaml } from '../yaml/load-yaml.js';
import { dnsLabel, type NoteList } from './report.js';
import {
  convertPaletteValues,
  mapValuePath,
  presetName,
  readPaletteValues,
  type ValuesLayout,
} from './values.js';

/**
 * presets.yaml: names as DNS labels, `remove` paths rebased onto the layer's values, `add` converted like values.yaml;
 * a preset that changes nothing the layer carries is reported and left out.
 */
export function convertPresets(text: string, layout: ValuesLayout, notes: NoteList): PackPreset[] {
  const parsed = parseSingleYaml(text, { path: '/presets.yaml', booleans: 'yaml-1.2' });
  for (const issue of parsed.issues) notes.error(issue.path, issue.message);
  const list = isPlainObject(parsed.value) ? parsed.value.presets : parsed.value;
  if (!Array.isArray(list)) {
    if (parsed.value !== null) notes.error('/presets.yaml', 'expected presets: [...]');
    return [];
  }
  const out: PackPreset[] = [];
  list.forEach((entry, i) => {
    const at = pointer('/presets.yaml/presets', i);
    if (!isPlainObject(entry) || typeof entry.name !== 'string') {
      notes.dropped(at, 'a preset without a name');
      return;
    }
    const preset: PackPreset = { name: presetName(entry.name) };
    if (preset.name !== entry.name) notes.translated(pointer(at, 'name'), `"${entry.name}" → ${preset.name}`);
    if (typeof entry.displayName === 'string') preset.displayName = entry.displayName.slice(0, 256);
    if (typeof entry.group === 'string') preset.group = entry.group.slice(0, 63);
    const remove: string[] = [];
    (Array.isArray(entry.remove) ? entry.remove : []).forEach((p, j) => {
      const mapped = typeof p === 'string' ? mapValuePath(layout, splitValuePath(p)) : undefined;
      if (mapped && mapped.length)
        remove.push(
          mapped
            .map((k) => (k.includes('.') ? `["${k}"]` : k))
            .join('.')
            .replace(/\.\[/g, '['),
        );
      else notes.dropped(pointer(at, 'remove', j), `${JSON.stringify(p)} is not a value of the Strata layer`);
    });
    if (remove.length) preset.remove = remove;
    if (typeof entry.add === 'string') {
      const values = readPaletteValues(entry.add, pointer(at, 'add'), notes);
      const add = convertPaletteValues(values, { path: pointer(at, 'add'), layout, notes });
      if (add.values) preset.add = add.values;
    }
    for (const key of Object.keys(entry))
      if (!['name', 'displayName', 'group', 'remove', 'add'].includes(key))
        notes.dropped(pointer(at, key), 'unknown preset field, not imported');
    if (!preset.add && !preset.remove) {
      notes.dropped(at, `preset ${preset.name} changes nothing the Strata layer carries`);
      return;
    }
    out.push(preset);
  });
  return out;
}

/** constraints.dependencies → requires / optional / conflicts, or the Kubernetes range for a k8s dependency. */
export function convertConstraints(
  value: JsonValue | undefined,
  self: string,
  notes: NoteList,
): PackConstraints | undefined {
  if (value === undefined) return undefined;
  const at = '/pack.json/constraints';
  if (!isPlainObject(value)) {
    notes.dropped(at, 'not a map');
    return undefined;
  }
  const out: PackConstraints = {};
  for (const key of Object.keys(value))
    if (key === 'resources')
      notes.dropped(pointer(at, key), 'resource requirements (CPU, memory, disk) are not checked by Strata');
    else if (key !== 'dependencies') notes.dropped(pointer(at, key), 'unknown constraint, not imported');
  const deps = Array.isArray(value.dependencies) ? value.dependencies : [];
  deps.forEach((d, i) => {
    const p = pointer(at, 'dependencies', i);
    if (!isPlainObject(d) || typeof d.packName !== 'string') {
      notes.dropped(p, 'a dependency without packName');
      return;
    }
    const pack = dnsLabel(d.packName);
    const range = [
      d.minVersion !== undefined ? `>=${semverish(d.minVersion)}` : '',
      d.maxVersion !== undefined ? `<=${semverish(d.maxVersion)}` : '',
    ]
      .filter(Boolean)
      .join(' ');
    const dep: PackDependency = { pack: pack ?? 'unknown', ...(range ? { range } : {}) };
    if (!pack || pack === self) {
      notes.dropped(p, `dependency on "${d.packName}" cannot be expressed`);
      return;
    }
    if (d.layer === 'k8s' && d.type !== 'notSupported' && d.type !== 'upgrade') {
      if (range) {
        out.kubernetes = range;
        notes.translated(
          p,
          `→ kubernetes: "${range}" (checked against whichever Kubernetes pack the stack has)`,
        );
      } else notes.dropped(p, 'a Kubernetes dependency without a version range says nothing Strata checks');
      return;
    }
    const list = { required: 'requires', optional: 'optional', notSupported: 'conflicts' } as const;
    const kind = list[scalarText(d.type ?? 'required') as keyof typeof list];
    if (!kind) {
      notes.dropped(
        p,
        `dependency type "${scalarText(d.type)}" has no Strata constraint (only required, optional, notSupported)`,
      );
      return;
    }
    (out[kind] ??= []).push(dep);
    notes.translated(p, `→ ${kind} ${dep.pack}${range ? ` ${range}` : ''}`);
  });
  return Object.keys(out).length ? out : undefined;
}

function semverish(v: JsonValue): string {
  const s = scalarText(v).replace(/^v/, '');
  return /^\d+\.\d+$/.test(s)
    ? `${s}.0`
    : /^\d+$/.test(s)
      ? `${s}.0.0`
      : (semver.valid(s, { loose: true }) ?? s);
}
