import { ActionIcon, Button, Checkbox, Group, NumberInput, Stack, TextInput } from '@mantine/core';
import type { NodePool } from '@strata/api';
import { issueAt } from '../../lib/errors';

export type PoolDraft = Pick<NodePool, 'name' | 'controlPlane' | 'count' | 'min' | 'max'>;

/** Node pools of a new cluster: name, role, count and optional min/max; server issues shown per field. */
export function NodePoolEditor({
  pools,
  onChange,
  error,
}: {
  pools: PoolDraft[];
  onChange: (pools: PoolDraft[]) => void;
  error?: unknown;
}) {
  const set = (i: number, patch: Partial<PoolDraft>) =>
    onChange(pools.map((p, j) => (j === i ? { ...p, ...patch } : p)));
  const num = (v: string | number) => (v === '' ? undefined : Number(v));
  return (
    <Stack>
      {pools.map((p, i) => (
        <Group key={i} align="flex-end" gap="sm" wrap="wrap" role="group" aria-label={`Node pool ${i + 1}`}>
          <TextInput
            label="Pool name"
            value={p.name}
            onChange={(e) => set(i, { name: e.currentTarget.value })}
            error={issueAt(error, `/spec/nodePools/${i}/name`)}
            w={160}
            required
          />
          <NumberInput
            label="Nodes"
            value={p.count}
            min={0}
            max={1000}
            onChange={(v) => set(i, { count: num(v) ?? 0 })}
            error={issueAt(error, `/spec/nodePools/${i}/count`)}
            w={100}
          />
          <NumberInput
            label="Min"
            value={p.min ?? ''}
            min={0}
            onChange={(v) => set(i, { min: num(v) })}
            w={90}
          />
          <NumberInput
            label="Max"
            value={p.max ?? ''}
            min={0}
            onChange={(v) => set(i, { max: num(v) })}
            w={90}
          />
          <Checkbox
            label="Control plane"
            checked={Boolean(p.controlPlane)}
            onChange={(e) => set(i, { controlPlane: e.currentTarget.checked })}
            mb={8}
          />
          <ActionIcon
            variant="subtle"
            color="red"
            aria-label={`Remove pool ${p.name || i + 1}`}
            onClick={() => onChange(pools.filter((_, j) => j !== i))}
            disabled={pools.length === 1}
            mb={4}
          >
            <span aria-hidden="true">✕</span>
          </ActionIcon>
        </Group>
      ))}
      <Group>
        <Button
          variant="light"
          size="xs"
          onClick={() => onChange([...pools, { name: `pool-${pools.length + 1}`, count: 1 }])}
        >
          Add pool
        </Button>
      </Group>
    </Stack>
  );
}
