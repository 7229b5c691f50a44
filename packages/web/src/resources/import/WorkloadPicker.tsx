import { Alert, Button, Card, Checkbox, Group, Stack, Text, TextInput, Title } from '@mantine/core';
import type { DiscoveredWorkload } from '@strata/api';
import {
  memo,
  useCallback,
  useDeferredValue,
  useId,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
} from 'react';
import {
  MAX_SELECTED_OBJECTS,
  filterWorkloads,
  groupByNamespace,
  selectedWorkloads,
  toggleGroup,
  toggleWorkload,
  workloadKey,
  workloadLabels,
  type SelectionChange,
  type WorkloadGroup,
  type WorkloadSelection,
} from './workload-selection';

/** Namespaces open by themselves while at most this many workloads match (else the user opens them). */
export const OPEN_UP_TO = 100;
/** Workloads shown per open namespace, and per "Show more". */
export const GROUP_ROWS = 100;

const plural = (n: number, word: string) => `${n.toLocaleString('en')} ${word}${n === 1 ? '' : 's'}`;

interface GroupProps {
  group: WorkloadGroup;
  /** Workloads of the namespace before filtering. */
  total: number;
  filtered: boolean;
  open: boolean;
  rows: number;
  listId: string;
  toggleId: string;
  /** How many of the group's workloads are selected. */
  chosen: number;
  /** The selection; only read when open (closed groups get NOTHING and do not render again on a change). */
  selected: WorkloadSelection;
  labels: ReadonlyMap<string, string>;
  onOpen: (namespace: string, open: boolean) => void;
  onMore: (namespace: string) => void;
  onToggleAll: (group: WorkloadGroup) => void;
  onToggle: (w: DiscoveredWorkload) => void;
}

const NOTHING: WorkloadSelection = new Set();

/** One namespace: "select all" (of what matches the filter), the open/close toggle, and its workloads when open. */
const NamespaceGroup = memo(function NamespaceGroup(p: GroupProps) {
  const { group: g, chosen } = p;
  const all = chosen === g.items.length;
  const shown = g.items.slice(0, p.rows);
  const rest = g.items.length - shown.length;
  return (
    <div role="group" aria-labelledby={p.toggleId} data-namespace={g.namespace}>
      <Group gap="xs" wrap="nowrap">
        <Checkbox
          aria-label={g.namespace ? `Select all in namespace ${g.namespace}` : 'Select all cluster-scoped'}
          checked={all}
          indeterminate={chosen > 0 && !all}
          onChange={() => p.onToggleAll(g)}
        />
        <Button
          id={p.toggleId}
          variant="subtle"
          size="compact-sm"
          aria-expanded={p.open}
          aria-controls={p.open ? p.listId : undefined}
          leftSection={<span aria-hidden="true">{p.open ? '▾' : '▸'}</span>}
          onClick={() => p.onOpen(g.namespace, !p.open)}
        >
          {g.label}
        </Button>
        <Text size="xs" c="dimmed">
          {p.filtered ? `${g.items.length.toLocaleString('en')} of ` : ''}
          {plural(p.total, 'object')}
          {p.filtered ? ' match' : ''}
          {chosen > 0 ? ` · ${chosen.toLocaleString('en')} selected` : ''}
        </Text>
      </Group>
      {p.open && (
        <Stack id={p.listId} gap={4} pl={36} py={4}>
          {shown.map((w) => {
            const key = workloadKey(w);
            return (
              <Group key={key} gap="xs" wrap="nowrap">
                <Checkbox
                  size="xs"
                  label={p.labels.get(key)}
                  checked={p.selected.has(key)}
                  onChange={() => p.onToggle(w)}
                />
                <Text size="xs" c="dimmed" className="mono">
                  {w.apiVersion}
                  {w.managedBy ? ` · ${w.managedBy}` : ''}
                </Text>
              </Group>
            );
          })}
          {rest > 0 && (
            <Group gap="xs">
              <Button variant="subtle" size="compact-xs" onClick={() => p.onMore(g.namespace)}>
                Show {Math.min(GROUP_ROWS, rest).toLocaleString('en')} more in {g.label}
              </Button>
              <Text size="xs" c="dimmed">
                {rest.toLocaleString('en')} not shown; the filter narrows them
              </Text>
            </Group>
          )}
        </Stack>
      )}
    </div>
  );
});

export interface WorkloadPickerProps {
  /** The discovered workloads (`status.discovery.workloads`). */
  workloads: readonly DiscoveredWorkload[];
  selected: WorkloadSelection;
  onChange: (selected: WorkloadSelection) => void;
}

/**
 * Discovered workloads (objects no Helm release owns) to copy into the generated profile's manifest layers, by
 * namespace. A filter (kind, namespace, name), a checkbox per workload and one per namespace (for what matches the
 * filter), the count and a clear button; at most MAX_SELECTED_OBJECTS. Namespaces stay closed when many workloads
 * match, and an open one shows GROUP_ROWS at a time, so thousands of workloads stay quick to use.
 */
export function WorkloadPicker({ workloads, selected, onChange }: WorkloadPickerProps) {
  const id = useId();
  const [search, setSearch] = useState('');
  const query = useDeferredValue(search);
  const [opened, setOpened] = useState<ReadonlyMap<string, boolean>>(new Map());
  const [rows, setRows] = useState<ReadonlyMap<string, number>>(new Map());
  const [refused, setRefused] = useState<string>();
  const labels = useMemo(() => workloadLabels(workloads), [workloads]);
  const totals = useMemo(() => {
    const m = new Map<string, number>();
    for (const w of workloads) m.set(w.namespace ?? '', (m.get(w.namespace ?? '') ?? 0) + 1);
    return m;
  }, [workloads]);
  const matching = useMemo(() => filterWorkloads(workloads, query), [workloads, query]);
  const groups = useMemo(() => groupByNamespace(matching), [matching]);
  // Only workloads still discovered count (and are sent): a newer discovery report may have dropped some.
  const chosen = useMemo(
    () => new Set(selectedWorkloads(workloads, selected).map(workloadKey)),
    [workloads, selected],
  );
  const count = chosen.size;
  const atLimit = count >= MAX_SELECTED_OBJECTS;
  const filtered = query.trim() !== '';
  const openByDefault = matching.length <= OPEN_UP_TO;

  // The handlers stay the same function between renders (so unchanged namespaces do not render again), and read
  // the selection of the last render through this ref.
  const latest = useRef({ chosen, labels, onChange });
  useLayoutEffect(() => {
    latest.current = { chosen, labels, onChange };
  });
  const apply = useCallback((change: SelectionChange) => {
    if ('refused' in change) return setRefused(change.refused);
    setRefused(undefined);
    latest.current.onChange(change.next);
  }, []);
  const toggle = useCallback(
    (w: DiscoveredWorkload) => {
      const key = workloadKey(w);
      apply(toggleWorkload(latest.current.chosen, key, latest.current.labels.get(key) ?? key));
    },
    [apply],
  );
  const toggleAll = useCallback(
    (g: WorkloadGroup) => apply(toggleGroup(latest.current.chosen, g.items.map(workloadKey), g.label)),
    [apply],
  );
  const open = useCallback(
    (namespace: string, isOpen: boolean) => setOpened((m) => new Map(m).set(namespace, isOpen)),
    [],
  );
  const more = useCallback(
    (namespace: string) =>
      setRows((m) => new Map(m).set(namespace, (m.get(namespace) ?? GROUP_ROWS) + GROUP_ROWS)),
    [],
  );

  return (
    <Card withBorder padding="sm" component="section" aria-label="Workloads to include">
      <Title order={2} size="h5" mb={4}>
        Workloads to include
      </Title>
      <Text size="sm" mb="xs">
        Selected objects become manifest layers of the profile (one per namespace), copied as the agent reads
        them now; Secrets are never copied: discovery does not list them.
      </Text>
      {workloads.length === 0 ? (
        <Text size="sm" c="dimmed">
          The agent discovered no workloads outside Helm releases.
        </Text>
      ) : (
        <Stack gap="xs">
          <Group align="flex-end" gap="sm">
            <TextInput
              label="Filter workloads"
              placeholder="kind, namespace or name"
              value={search}
              onChange={(e) => setSearch(e.currentTarget.value)}
              w={280}
            />
            <Text size="sm" role="status" data-testid="workload-selection-count" mb={6}>
              {count.toLocaleString('en')} selected
            </Text>
            <Button
              variant="default"
              size="xs"
              mb={4}
              onClick={() => apply({ next: new Set() })}
              disabled={count === 0}
            >
              Clear selection
            </Button>
          </Group>
          <Text size="xs" c={atLimit ? undefined : 'dimmed'} fw={atLimit ? 600 : undefined}>
            {atLimit
              ? `That is the limit: a profile takes at most ${MAX_SELECTED_OBJECTS} objects. Clear some to select others.`
              : `At most ${MAX_SELECTED_OBJECTS} objects.${filtered ? ' With a filter, a namespace’s checkbox selects what matches in it.' : ''}`}
          </Text>
          {refused && (
            <Alert color="orange" variant="light" role="alert" data-testid="workload-limit">
              {refused}
            </Alert>
          )}
          {!openByDefault && (
            <Text size="xs" c="dimmed">
              {plural(matching.length, 'workload')} in {plural(groups.length, 'namespace group')}: open a
              namespace, or filter.
            </Text>
          )}
          {groups.length === 0 ? (
            <Text size="sm" c="dimmed">
              No workload matches the filter.
            </Text>
          ) : (
            <Stack gap={2} data-testid="workload-picker">
              {groups.map((g, i) => {
                const isOpen = opened.get(g.namespace) ?? openByDefault;
                return (
                  <NamespaceGroup
                    key={g.namespace}
                    group={g}
                    total={totals.get(g.namespace) ?? g.items.length}
                    filtered={filtered}
                    open={isOpen}
                    rows={rows.get(g.namespace) ?? GROUP_ROWS}
                    listId={`${id}-list-${i}`}
                    toggleId={`${id}-ns-${i}`}
                    chosen={g.items.reduce((n, w) => n + (chosen.has(workloadKey(w)) ? 1 : 0), 0)}
                    selected={isOpen ? chosen : NOTHING}
                    labels={labels}
                    onOpen={open}
                    onMore={more}
                    onToggleAll={toggleAll}
                    onToggle={toggle}
                  />
                );
              })}
            </Stack>
          )}
        </Stack>
      )}
    </Card>
  );
}
