import type { ObjectRef, StackDiff, StackLayerChange } from '@strata/api';
import { canonicalJson, scalarText, type JsonObject, type JsonValue } from '../util/json.js';
import { compareOrder } from './layer-moves.js';
import type { ResolvedLayer, ResolvedStack } from './resolved-stack.js';
import { diffValues, valueChanges, type ValueChange } from './values-diff.js';

/** Compares two resolved stacks layer by layer (matched by profile + layer name), objects by identity. */
export function diffStacks(from: ResolvedStack, to: ResolvedStack): StackDiff {
  const key = (l: ResolvedLayer) => `${l.profile.name}/${l.name}`;
  const ka = from.layers.map(key);
  const kb = to.layers.map(key);
  const order = compareOrder(ka, kb);
  const split = (k: string) => {
    const i = k.indexOf('/');
    return { profile: k.slice(0, i), name: k.slice(i + 1) };
  };
  const changed: StackLayerChange[] = [];
  to.layers.forEach((lb) => {
    const la = from.layers[ka.indexOf(key(lb))];
    if (!la || la.hash === lb.hash) return;
    const fields: StackLayerChange['fields'] = [];
    for (const f of ['layer', 'type', 'source'] as const) {
      if (canonicalJson(la[f]) !== canonicalJson(lb[f])) fields.push({ field: f, from: la[f], to: lb[f] });
    }
    const ha = la.helm ? { ...la.helm, values: undefined } : undefined;
    const hb = lb.helm ? { ...lb.helm, values: undefined } : undefined;
    if (canonicalJson(ha) !== canonicalJson(hb))
      fields.push({
        field: 'helm',
        from: JSON.parse(JSON.stringify(ha ?? null)) as JsonValue,
        to: JSON.parse(JSON.stringify(hb ?? null)) as JsonValue,
      });
    changed.push({
      profile: lb.profile.name,
      name: lb.name,
      hash: { from: la.hash, to: lb.hash },
      fields,
      values: diffValues(la.values, lb.values, `${lb.name}/values.yaml`),
      objects: diffObjects(la.manifests, lb.manifests),
    });
  });
  const diff: StackDiff = {
    from: from.hash,
    to: to.hash,
    added: order.added.map((k) => ({ ...split(k), index: kb.indexOf(k) })),
    removed: order.removed.map((k) => ({ ...split(k), index: ka.indexOf(k) })),
    reordered: order.moved.map((k) => ({ ...split(k), from: ka.indexOf(k), to: kb.indexOf(k) })),
    changed,
    unchanged: from.hash === to.hash,
  };
  return diff;
}

/** Identity of a rendered object: apiVersion group, kind, namespace, name. */
export function objectRef(obj: JsonObject): ObjectRef {
  const meta = (obj.metadata ?? {}) as JsonObject;
  const ref: ObjectRef = {
    apiVersion: scalarText(obj.apiVersion),
    kind: scalarText(obj.kind),
    name: scalarText(meta.name),
  };
  if (typeof meta.namespace === 'string') ref.namespace = meta.namespace;
  return ref;
}

function diffObjects(a: readonly JsonObject[], b: readonly JsonObject[]): StackLayerChange['objects'] {
  const id = (o: JsonObject) => {
    const r = objectRef(o);
    return `${r.apiVersion.split('/').length > 1 ? r.apiVersion.split('/')[0] : ''}/${r.kind}/${r.namespace ?? ''}/${r.name}`;
  };
  const mapA = new Map(a.map((o) => [id(o), o]));
  const mapB = new Map(b.map((o) => [id(o), o]));
  const changed: { object: ObjectRef; changes: ValueChange[] }[] = [];
  for (const [k, ob] of mapB) {
    const oa = mapA.get(k);
    if (!oa) continue;
    const changes = valueChanges(oa, ob);
    if (changes.length) changed.push({ object: objectRef(ob), changes });
  }
  return {
    added: [...mapB.keys()].filter((k) => !mapA.has(k)).map((k) => objectRef(mapB.get(k) as JsonObject)),
    removed: [...mapA.keys()].filter((k) => !mapB.has(k)).map((k) => objectRef(mapA.get(k) as JsonObject)),
    changed,
  };
}
