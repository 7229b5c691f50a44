import { Badge, Button, Code, Table, Text } from '@mantine/core';
import type { DiscoveredHelmRelease, DiscoveredWorkload } from '@strata/api';
import { Fragment, useState } from 'react';
import { stringify } from 'yaml';

/** Workloads shown at most; the filter narrows the rest. */
export const WORKLOAD_ROWS = 300;

export function namespaceLabel(ns: string): string {
  return ns === '' ? '(cluster-scoped)' : ns;
}

const STATUS_COLOR: Record<string, string> = { deployed: 'green', failed: 'red', superseded: 'gray' };

function releaseKey(r: DiscoveredHelmRelease): string {
  return `${r.namespace}/${r.name}`;
}

/** Helm releases: chart, version, namespace, status and revision; the user-supplied values open on demand as YAML. */
export function HelmReleasesTable({ releases }: { releases: readonly DiscoveredHelmRelease[] }) {
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set());
  const toggle = (key: string) =>
    setOpen((s) => {
      const next = new Set(s);
      if (next.has(key)) next.delete(key);
      else next.add(key);
      return next;
    });
  if (releases.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        No Helm release.
      </Text>
    );
  }
  return (
    <Table withTableBorder fz="sm" aria-label="Helm releases">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Release</Table.Th>
          <Table.Th>Namespace</Table.Th>
          <Table.Th>Chart</Table.Th>
          <Table.Th>Version</Table.Th>
          <Table.Th>Status</Table.Th>
          <Table.Th>Revision</Table.Th>
          <Table.Th>User values</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {releases.map((r) => {
          const key = releaseKey(r);
          const shown = open.has(key);
          const count = Object.keys(r.values).length;
          const id = `values-${key.replace(/[^a-zA-Z0-9-]/g, '-')}`;
          return (
            <Fragment key={key}>
              <Table.Tr data-release={key}>
                <Table.Td fw={500}>{r.name}</Table.Td>
                <Table.Td>{r.namespace}</Table.Td>
                <Table.Td>{r.chart}</Table.Td>
                <Table.Td>
                  {r.version}
                  {r.appVersion ? (
                    <Text span size="xs" c="dimmed">
                      {' '}
                      (app {r.appVersion})
                    </Text>
                  ) : null}
                </Table.Td>
                <Table.Td>
                  <Badge size="sm" variant="light" color={STATUS_COLOR[r.status] ?? 'yellow'}>
                    {r.status}
                  </Badge>
                </Table.Td>
                <Table.Td>{r.revision}</Table.Td>
                <Table.Td>
                  {count === 0 ? (
                    <Text size="xs" c="dimmed">
                      chart defaults
                    </Text>
                  ) : (
                    <Button
                      size="compact-xs"
                      variant="subtle"
                      aria-expanded={shown}
                      aria-controls={shown ? id : undefined}
                      aria-label={`${shown ? 'Hide' : 'Show'} ${count} value${count === 1 ? '' : 's'} of release ${key}`}
                      onClick={() => toggle(key)}
                    >
                      {shown ? 'Hide' : 'Show'} {count} value{count === 1 ? '' : 's'}
                    </Button>
                  )}
                </Table.Td>
              </Table.Tr>
              {shown && (
                <Table.Tr>
                  <Table.Td colSpan={7}>
                    <div id={id} role="group" aria-label={`Values of release ${key}`}>
                      <Code block>{stringify(r.values)}</Code>
                    </div>
                  </Table.Td>
                </Table.Tr>
              )}
            </Fragment>
          );
        })}
      </Table.Tbody>
    </Table>
  );
}

interface Group {
  namespace: string;
  owners: { owner: string; items: DiscoveredWorkload[] }[];
  count: number;
}

/** Groups workloads by namespace (cluster-scoped first), then by what manages them. */
export function groupWorkloads(workloads: readonly DiscoveredWorkload[]): Group[] {
  const byNs = new Map<string, Map<string, DiscoveredWorkload[]>>();
  for (const w of workloads) {
    const ns = w.namespace ?? '';
    const owners = byNs.get(ns) ?? new Map<string, DiscoveredWorkload[]>();
    byNs.set(ns, owners);
    const owner = w.managedBy ?? 'unknown';
    owners.set(owner, [...(owners.get(owner) ?? []), w]);
  }
  return [...byNs.keys()].sort().map((namespace) => {
    const owners = [...byNs.get(namespace)!]
      .sort((a, b) => a[0].localeCompare(b[0]))
      .map(([owner, items]) => ({
        owner,
        items: [...items].sort((a, b) => a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name)),
      }));
    return { namespace, owners, count: owners.reduce((n, o) => n + o.items.length, 0) };
  });
}

/** The first `max` rows of the groups (in display order); group counts stay the full counts. */
function firstRows(groups: readonly Group[], max: number): Group[] {
  let left = max;
  const out: Group[] = [];
  for (const g of groups) {
    if (left <= 0) break;
    const owners: Group['owners'] = [];
    for (const o of g.owners) {
      if (left <= 0) break;
      const items = o.items.slice(0, left);
      left -= items.length;
      owners.push({ owner: o.owner, items });
    }
    out.push({ ...g, owners });
  }
  return out;
}

/** Objects no Helm release owns, grouped by namespace and owner; at most WORKLOAD_ROWS rows (filter for more). */
export function WorkloadsTable({ workloads }: { workloads: readonly DiscoveredWorkload[] }) {
  if (workloads.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        No workload outside Helm releases matches.
      </Text>
    );
  }
  const groups = firstRows(groupWorkloads(workloads), WORKLOAD_ROWS);
  return (
    <>
      <Table withTableBorder fz="sm" aria-label="Workloads by namespace and owner">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Managed by</Table.Th>
            <Table.Th>Kind</Table.Th>
            <Table.Th>Name</Table.Th>
            <Table.Th>API version</Table.Th>
          </Table.Tr>
        </Table.Thead>
        {groups.map((g) => (
          <Table.Tbody key={g.namespace} data-namespace={g.namespace}>
            <Table.Tr>
              <Table.Th colSpan={4} scope="rowgroup">
                {namespaceLabel(g.namespace)}{' '}
                <Text span size="xs" c="dimmed" fw={400}>
                  {g.count} object{g.count === 1 ? '' : 's'}
                </Text>
              </Table.Th>
            </Table.Tr>
            {g.owners.flatMap((o) =>
              o.items.map((w) => (
                <Table.Tr key={`${o.owner}/${w.apiVersion}/${w.kind}/${w.name}`}>
                  <Table.Td>{o.owner}</Table.Td>
                  <Table.Td>{w.kind}</Table.Td>
                  <Table.Td>{w.name}</Table.Td>
                  <Table.Td className="mono">{w.apiVersion}</Table.Td>
                </Table.Tr>
              )),
            )}
          </Table.Tbody>
        ))}
      </Table>
      {workloads.length > WORKLOAD_ROWS && (
        <Text size="sm" c="dimmed" mt="xs" role="status">
          Showing {WORKLOAD_ROWS} of {workloads.length}; filter by namespace or name to see the others.
        </Text>
      )}
    </>
  );
}
