import type { AdoptionLayerPreview, ClusterPlan, ObjectRef } from '@strata/api';
import { valueLine } from './diff-lines.js';
import { renderTable } from './table.js';

/** A layer with more objects adopted as they are than this shows them as one row. */
const ADOPTED_ROWS = 5;

const objectName = (o: ObjectRef) => `${o.kind} ${o.namespace ? `${o.namespace}/` : ''}${o.name}`;
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function layerRows(layer: AdoptionLayerPreview): string[][] {
  const id = `${layer.profile}/${layer.name}`;
  const rows: string[][] = [];
  const r = layer.release;
  if (r) {
    const revision = r.revision !== undefined ? `revision ${r.revision}` : '';
    const details =
      r.action === 'adopt'
        ? `${revision}, not upgraded`
        : [r.reason, revision && `live ${revision}`].filter(Boolean).join('; ');
    rows.push([id, `release ${r.namespace}/${r.name}`, r.action, details]);
  }
  const adopted = layer.objects.filter((o) => o.action === 'adopt');
  if (adopted.length > ADOPTED_ROWS) rows.push([id, plural(adopted.length, 'object'), 'adopt', '']);
  for (const o of layer.objects) {
    if (o.action === 'adopt' && adopted.length > ADOPTED_ROWS) continue;
    const [first, ...more] = (o.changes ?? []).map(valueLine);
    rows.push([id, objectName(o.object), o.action, first ?? '']);
    for (const line of more) rows.push(['', '', '', line]);
  }
  if (layer.note) rows.push([id, '-', '-', layer.note]);
  return rows;
}

/** The verdict: `Adoption changes nothing ...` or `Adoption makes N changes: ...`. */
export function adoptionVerdict(layers: readonly AdoptionLayerPreview[], noChanges: boolean): string {
  const count = (action: string) =>
    layers.reduce((n, l) => n + l.objects.filter((o) => o.action === action).length, 0);
  const releases = (action: string) => layers.filter((l) => l.release?.action === action).length;
  const parts = [
    count('create') && `${plural(count('create'), 'object')} to create`,
    count('update') && `${plural(count('update'), 'object')} to update`,
    releases('install') && `${plural(releases('install'), 'release')} to install`,
    releases('upgrade') && `${plural(releases('upgrade'), 'release')} to upgrade`,
  ].filter(Boolean);
  const total = count('create') + count('update') + releases('install') + releases('upgrade');
  if (noChanges || total === 0)
    return 'Adoption changes nothing: every object and release is adopted as it is.';
  return `Adoption makes ${plural(total, 'change')}: ${parts.join(', ')}.`;
}

/**
 * The adoption section of a plan (imported clusters): a table of layer, object or release, action and details, then
 * a one-line verdict; or why there is no preview. Nothing for clusters without one.
 */
export function adoptionText(plan: ClusterPlan): string {
  if (plan.adoptionUnavailable) return `Adoption: not previewed (${plan.adoptionUnavailable}).\n`;
  const a = plan.adoption;
  if (!a) return '';
  const how = a.dryRun ? 'confirmed by server-side dry runs' : 'compared field by field';
  const rows = a.layers.flatMap(layerRows);
  const table = renderTable({ headers: ['LAYER', 'OBJECT OR RELEASE', 'ACTION', 'DETAILS'], rows });
  const indented = table
    .replace(/\n$/, '')
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
  return `Adoption (what the first apply does to what already runs; ${how}):\n${indented}\n${adoptionVerdict(a.layers, a.noChanges)}\n`;
}
