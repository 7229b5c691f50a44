import { Alert, Badge, Card, Group, List, Stack, Table, Text, Title } from '@mantine/core';
import type { ClusterPlan, ObjectRef, StackLayerChange } from '@strata/api';
import { shortHash } from '../lib/format';
import { DiffText } from './DiffText';
import { FieldChanges, ValueChanges } from './ValueChanges';

function objectName(o: ObjectRef): string {
  return `${o.kind} ${o.namespace ? `${o.namespace}/` : ''}${o.name}`;
}

function ChangedLayer({ layer }: { layer: StackLayerChange }) {
  const { objects } = layer;
  return (
    <Card withBorder padding="sm" component="section" aria-label={`Layer ${layer.name} changes`}>
      <Group justify="space-between" mb={4}>
        <Text fw={600}>
          {layer.name}{' '}
          <Text span c="dimmed" size="sm">
            ({layer.profile})
          </Text>
        </Text>
        <Text size="xs" className="mono">
          {shortHash(layer.hash.from)} → {shortHash(layer.hash.to)}
        </Text>
      </Group>
      <Stack gap="xs">
        <FieldChanges fields={layer.fields} />
        <ValueChanges changes={layer.values.changes} caption={`Value changes of ${layer.name}`} />
        {layer.values.text && <DiffText text={layer.values.text} label={`Values diff of ${layer.name}`} />}
        {(objects.added.length > 0 || objects.removed.length > 0 || objects.changed.length > 0) && (
          <List size="sm">
            {objects.added.map((o) => (
              <List.Item key={`a-${objectName(o)}`}>added {objectName(o)}</List.Item>
            ))}
            {objects.removed.map((o) => (
              <List.Item key={`r-${objectName(o)}`}>removed {objectName(o)}</List.Item>
            ))}
            {objects.changed.map((c) => (
              <List.Item key={`c-${objectName(c.object)}`}>
                changed {objectName(c.object)} ({c.changes.length} value{c.changes.length === 1 ? '' : 's'})
              </List.Item>
            ))}
          </List>
        )}
        {objects.changed.map((c) => (
          <ValueChanges
            key={`t-${objectName(c.object)}`}
            changes={c.changes}
            caption={`Changes to ${objectName(c.object)}`}
          />
        ))}
      </Stack>
    </Card>
  );
}

/** What a change to a cluster would do: per layer added/removed/changed (with values diff), per pool, repave yes/no. */
export function PlanView({ plan }: { plan: ClusterPlan }) {
  const layers = plan.layers;
  const repave = plan.repave.length > 0;
  return (
    <Stack gap="sm" data-testid="plan">
      {plan.unchanged && <Alert color="gray">Nothing would change.</Alert>}
      <Group gap="xs">
        <Text fw={600}>Repave:</Text>
        <Badge color={repave ? 'orange' : 'green'} variant="light" data-testid="plan-repave">
          {repave ? `yes — ${plan.repave.join(', ')}` : 'no'}
        </Badge>
        {repave && plan.approvalRequired && (
          <Badge color="orange" variant="outline">
            needs approval
          </Badge>
        )}
        {plan.paused && <Badge color="gray">cluster paused: nothing is applied until it is unpaused</Badge>}
      </Group>
      {plan.kubernetesVersion && (
        <Text size="sm">
          Kubernetes: {plan.kubernetesVersion.from ?? '—'} → {plan.kubernetesVersion.to ?? '—'}
        </Text>
      )}
      {plan.pools.length > 0 && (
        <Table withTableBorder fz="sm" aria-label="Node pool changes">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Pool</Table.Th>
              <Table.Th>Change</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {plan.pools.map((p) => (
              <Table.Tr key={p.name}>
                <Table.Td>
                  {p.name}
                  {p.controlPlane ? ' (control plane)' : ''}
                </Table.Td>
                <Table.Td>
                  {[
                    p.lifecycle,
                    p.scale && `scale ${p.scale.from} → ${p.scale.to}`,
                    p.repave && `repave (${p.repave.reasons.join(', ')})`,
                    p.inPlace.length > 0 && `in place: ${p.inPlace.join(', ')}`,
                  ]
                    .filter(Boolean)
                    .join('; ')}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {layers && !layers.unchanged && (
        <Stack gap="xs">
          <Title order={3} size="h5">
            Layers
          </Title>
          {layers.added.length > 0 && (
            <Text size="sm">
              Added: {layers.added.map((l) => `${l.name} (${l.profile}, position ${l.index + 1})`).join(', ')}
            </Text>
          )}
          {layers.removed.length > 0 && (
            <Text size="sm">Removed: {layers.removed.map((l) => `${l.name} (${l.profile})`).join(', ')}</Text>
          )}
          {layers.reordered.length > 0 && (
            <Text size="sm">
              Moved: {layers.reordered.map((l) => `${l.name} ${l.from + 1} → ${l.to + 1}`).join(', ')}
            </Text>
          )}
          {layers.changed.map((l) => (
            <ChangedLayer key={`${l.profile}/${l.name}`} layer={l} />
          ))}
        </Stack>
      )}
      {layers?.unchanged && <Text size="sm">No layer changes.</Text>}
    </Stack>
  );
}
