import { Alert, Badge, Group, Stack, Switch, Table, Text } from '@mantine/core';
import type {
  AdoptionLayerPreview,
  AdoptionObjectAction,
  AdoptionPreview,
  AdoptionReleaseAction,
  ObjectRef,
} from '@strata/api';
import { useState } from 'react';
import { shortHash, showValue, timeAgo } from '../lib/format';

type Action = AdoptionObjectAction | AdoptionReleaseAction;

const ACTION_COLOR: Record<Action, string> = {
  adopt: 'green',
  create: 'blue',
  install: 'blue',
  update: 'orange',
  upgrade: 'orange',
};

/** One row of the preview: an object, a release, or a layer with nothing to compare (its note). */
export interface AdoptionRow {
  layer: string;
  profile: string;
  what: string;
  kind: 'object' | 'release' | 'note';
  action?: Action;
  detail: string;
}

function objectName(o: ObjectRef): string {
  return `${o.kind} ${o.namespace ? `${o.namespace}/` : ''}${o.name}`;
}

function rowsOf(layer: AdoptionLayerPreview): AdoptionRow[] {
  const base = { layer: layer.name, profile: layer.profile };
  const rows: AdoptionRow[] = [];
  if (layer.release) {
    const r = layer.release;
    rows.push({
      ...base,
      kind: 'release',
      what: `Helm release ${r.namespace}/${r.name}${r.revision !== undefined ? ` (revision ${r.revision})` : ''}`,
      action: r.action,
      detail: r.reason ?? (r.action === 'adopt' ? 'same chart and values: not upgraded' : ''),
    });
  }
  for (const o of layer.objects) {
    rows.push({
      ...base,
      kind: 'object',
      what: objectName(o.object),
      action: o.action,
      detail:
        o.changes && o.changes.length > 0
          ? o.changes
              .map((c) =>
                c.type === 'added'
                  ? `${c.path}: + ${showValue(c.to)}`
                  : c.type === 'removed'
                    ? `${c.path}: − ${showValue(c.from)}`
                    : `${c.path}: ${showValue(c.from)} → ${showValue(c.to)}`,
              )
              .join('; ')
          : o.action === 'adopt'
            ? 'matches: ownership taken over, content unchanged'
            : o.action === 'create'
              ? 'not in the cluster: created'
              : '',
    });
  }
  if (rows.length === 0 || layer.note) {
    rows.push({ ...base, kind: 'note', what: '—', detail: layer.note ?? 'nothing to compare' });
  }
  return rows;
}

/** Every row of the preview, in layer order. */
export function adoptionRows(preview: AdoptionPreview): AdoptionRow[] {
  return preview.layers.flatMap(rowsOf);
}

/** What the first apply would change: objects created or updated, releases installed or upgraded. */
export function adoptionChanges(preview: AdoptionPreview): number {
  return adoptionRows(preview).filter((r) => r.action !== undefined && r.action !== 'adopt').length;
}

export interface AdoptionPreviewViewProps {
  adoption?: AdoptionPreview;
  /** Why the server could not preview the adoption (e.g. the agent is not connected). */
  unavailable?: string;
}

/**
 * What adopting a profile does to a cluster Strata did not build: a verdict ("changes nothing" or "N changes"),
 * then per layer every object and Helm release with its action (adopt, create, update, install, upgrade) and the
 * reason or the changed values.
 */
export function AdoptionPreviewView({ adoption, unavailable }: AdoptionPreviewViewProps) {
  const [onlyChanges, setOnlyChanges] = useState(false);
  if (!adoption) {
    return (
      <Alert color="blue" title="No adoption preview" role="status" data-testid="adoption-unavailable">
        <Text size="sm">
          {unavailable ??
            'The server did not compute what adoption would do to the existing objects; the plan below compares profiles only.'}
        </Text>
      </Alert>
    );
  }
  const rows = adoptionRows(adoption);
  const changes = adoptionChanges(adoption);
  const adoptedObjects = rows.filter((r) => r.action === 'adopt' && r.kind === 'object').length;
  const adoptedReleases = rows.filter((r) => r.action === 'adopt' && r.kind === 'release').length;
  const quiet = adoption.noChanges && changes === 0;
  const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
  const shown = onlyChanges ? rows.filter((r) => r.action !== undefined && r.action !== 'adopt') : rows;
  const method = adoption.dryRun
    ? 'Confirmed by the agent with a server-side apply dry run.'
    : 'Compared field by field by the agent (a read-only agent sends no write, not even a dry run).';
  return (
    <Stack gap="sm" data-testid="adoption">
      <Alert
        color={quiet ? 'green' : 'orange'}
        role="status"
        title={
          <span data-testid="adoption-verdict">
            {quiet
              ? 'Adoption changes nothing in the cluster'
              : changes > 0
                ? `${plural(changes, 'change', 'changes')} in the cluster`
                : 'Adoption changes the cluster'}
          </span>
        }
      >
        <Text size="sm">
          {quiet
            ? `${plural(adoptedObjects, 'object', 'objects')} and ${plural(adoptedReleases, 'Helm release', 'Helm releases')} are adopted as they are: no release is upgraded, no object changes, nothing restarts.`
            : `The first apply would create, update, install or upgrade ${changes} of ${rows.filter((r) => r.action).length} objects and releases; the others are adopted as they are.`}{' '}
          {method}
        </Text>
        <Text size="xs" c="dimmed" mt={4}>
          Stack {shortHash(adoption.stackHash)} · previewed {timeAgo(adoption.at)}
        </Text>
      </Alert>
      <Group>
        <Switch
          label="Show only changes"
          checked={onlyChanges}
          onChange={(e) => setOnlyChanges(e.currentTarget.checked)}
        />
      </Group>
      <Table withTableBorder fz="sm" aria-label="Adoption preview">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Layer</Table.Th>
            <Table.Th>Object or release</Table.Th>
            <Table.Th>Action</Table.Th>
            <Table.Th>Reason or changes</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {shown.map((r, i) => (
            <Table.Tr
              key={`${r.profile}/${r.layer}/${r.kind}/${r.what}/${i}`}
              data-action={r.action ?? 'none'}
            >
              <Table.Td>
                {r.layer}
                <Text size="xs" c="dimmed">
                  {r.profile}
                </Text>
              </Table.Td>
              <Table.Td>{r.what}</Table.Td>
              <Table.Td>
                {r.action ? (
                  <Badge size="sm" variant="light" color={ACTION_COLOR[r.action]}>
                    {r.action}
                  </Badge>
                ) : (
                  ''
                )}
              </Table.Td>
              <Table.Td className={r.kind === 'object' && r.action === 'update' ? 'mono' : undefined}>
                {r.detail}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {shown.length === 0 && (
        <Text size="sm" c="dimmed">
          Nothing changes.
        </Text>
      )}
    </Stack>
  );
}
