import type { ProfileLayer, ProfileVariable } from '@strata/api';
import { canonicalJson } from '../util/json.js';
import { parseSingleYaml } from '../yaml/load-yaml.js';
import { compareOrder } from './layer-moves.js';
import { layerName, type ProfileDocument } from './profile.js';
import type { LayerFieldChange, ProfileDiff, ProfileLayerChange } from '@strata/api';
import { textDiff, valueChanges } from './values-diff.js';

export type { LayerFieldChange, ProfileDiff, ProfileLayerChange } from '@strata/api';

/** Compares two versions of a profile layer by layer (layers are matched by name). */
export function diffProfiles(from: ProfileDocument, to: ProfileDocument): ProfileDiff {
  const la = from.spec.layers ?? [];
  const lb = to.spec.layers ?? [];
  const namesA = la.map(layerName);
  const namesB = lb.map(layerName);
  const order = compareOrder(namesA, namesB);
  const changed: ProfileLayerChange[] = [];
  namesB.forEach((name, j) => {
    const i = namesA.indexOf(name);
    if (i === -1) return;
    const c = diffLayer(la[i] as ProfileLayer, lb[j] as ProfileLayer);
    if (c.fields.length || c.values || c.manifest) changed.push({ name, index: { from: i, to: j }, ...c });
  });
  const fields: LayerFieldChange[] = [];
  for (const f of ['type', 'description', 'providers'] as const) {
    if (canonicalJson(from.spec[f]) !== canonicalJson(to.spec[f]))
      fields.push({ field: f, from: from.spec[f] ?? null, to: to.spec[f] ?? null });
  }
  const variables = diffVariables(from.spec.variables ?? [], to.spec.variables ?? []);
  const diff: ProfileDiff = {
    from: { name: from.metadata.name, version: from.spec.version },
    to: { name: to.metadata.name, version: to.spec.version },
    added: order.added.map((name) => ({ name, index: namesB.indexOf(name) })),
    removed: order.removed.map((name) => ({ name, index: namesA.indexOf(name) })),
    reordered: order.moved.map((name) => ({ name, from: namesA.indexOf(name), to: namesB.indexOf(name) })),
    changed,
    variables,
    fields,
    unchanged: false,
  };
  diff.unchanged =
    !diff.added.length &&
    !diff.removed.length &&
    !diff.reordered.length &&
    !changed.length &&
    !fields.length &&
    !variables.added.length &&
    !variables.removed.length &&
    !variables.changed.length;
  return diff;
}

function diffLayer(a: ProfileLayer, b: ProfileLayer): Omit<ProfileLayerChange, 'name' | 'index'> {
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const fields: LayerFieldChange[] = [];
  for (const key of [...new Set([...Object.keys(ra), ...Object.keys(rb)])].sort()) {
    if (key === 'values' || key === 'manifest') continue;
    if (canonicalJson(ra[key]) !== canonicalJson(rb[key]))
      fields.push({ field: key, from: ra[key] ?? null, to: rb[key] ?? null });
  }
  const out: Omit<ProfileLayerChange, 'name' | 'index'> = { fields };
  const va = typeof ra.values === 'string' ? ra.values : '';
  const vb = typeof rb.values === 'string' ? rb.values : '';
  if (va !== vb) {
    const pa = parseSingleYaml(va);
    const pb = parseSingleYaml(vb);
    const structured = !pa.issues.length && !pb.issues.length;
    const changes = structured ? valueChanges(pa.value, pb.value) : [];
    // Only whitespace or comments changed: the text diff still shows it.
    out.values = { changes, text: textDiff(va, vb, `${layerName(b)}/values.yaml`) };
  }
  const ma = typeof ra.manifest === 'string' ? ra.manifest : '';
  const mb = typeof rb.manifest === 'string' ? rb.manifest : '';
  if (ma !== mb) out.manifest = textDiff(ma, mb, `${layerName(b)}/manifest.yaml`);
  return out;
}

function diffVariables(
  a: readonly ProfileVariable[],
  b: readonly ProfileVariable[],
): ProfileDiff['variables'] {
  const mapA = new Map(a.map((v) => [v.name, v]));
  const mapB = new Map(b.map((v) => [v.name, v]));
  const changed: { name: string; fields: string[] }[] = [];
  for (const [name, vb] of mapB) {
    const va = mapA.get(name);
    if (!va) continue;
    const keys = [...new Set([...Object.keys(va), ...Object.keys(vb)])].sort();
    const diffs = keys.filter(
      (k) =>
        canonicalJson((va as Record<string, unknown>)[k]) !==
        canonicalJson((vb as Record<string, unknown>)[k]),
    );
    if (diffs.length) changed.push({ name, fields: diffs });
  }
  return {
    added: [...mapB.keys()].filter((n) => !mapA.has(n)),
    removed: [...mapA.keys()].filter((n) => !mapB.has(n)),
    changed,
  };
}
