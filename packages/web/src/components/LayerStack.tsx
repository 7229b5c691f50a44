import {
  Badge,
  Box,
  Button,
  Card,
  Code,
  Group,
  Stack,
  Table,
  Text,
  Title,
  VisuallyHidden,
} from '@mantine/core';
import { Background, Handle, Position, ReactFlow, type Edge, type Node, type NodeProps } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useMemo } from 'react';
import { shortHash, showValue } from '../lib/format';
import { LayerStateBadge, layerColor } from './Badges';
import { NODE_HEIGHT, layoutStack } from './stack-layout';

export interface DriftItem {
  object: { apiVersion: string; kind: string; namespace?: string; name: string };
  path: string;
  desired?: unknown;
  live?: unknown;
}

/** One layer as the stack view shows it: a profile layer (kind, source) or a cluster layer (state, hash, drift). */
export interface StackLayer {
  key: string;
  name: string;
  profile?: string;
  /** os, k8s, cni, csi, addon, manifest, chart. */
  kind?: string;
  /** "ubuntu 24.04.1", "chart podinfo 6.9.0", "inline manifest". */
  source?: string;
  state?: string;
  hash?: string;
  message?: string;
  drift?: readonly DriftItem[];
}

type LayerNodeData = { layer: StackLayer; selected: boolean };
type LayerNode = Node<LayerNodeData, 'layer'>;

function LayerNodeView({ data }: NodeProps<LayerNode>) {
  const { layer } = data;
  const color = layer.state ? layerColor(layer.state) : 'indigo';
  return (
    <div
      className="layer-node"
      data-selected={data.selected}
      style={{ borderLeft: `6px solid var(--mantine-color-${color}-filled)`, height: NODE_HEIGHT }}
    >
      <Handle type="target" position={Position.Top} isConnectable={false} />
      <Group justify="space-between" gap={4} wrap="nowrap">
        <Text fw={600} size="sm" truncate>
          {layer.name}
        </Text>
        {layer.state ? (
          <LayerStateBadge state={layer.state} />
        ) : (
          layer.kind && (
            <Badge size="xs" variant="light">
              {layer.kind}
            </Badge>
          )
        )}
      </Group>
      <Text size="xs" c="dimmed" truncate>
        {layer.source ?? ''}
      </Text>
      <Text size="xs" className="mono" truncate>
        {layer.hash ? `hash ${shortHash(layer.hash)}` : layer.profile ? `profile ${layer.profile}` : ''}
        {layer.drift?.length ? ` · ${layer.drift.length} drift` : ''}
      </Text>
      <Handle type="source" position={Position.Bottom} isConnectable={false} />
    </div>
  );
}

const nodeTypes = { layer: LayerNodeView };

function objectLabel(o: DriftItem['object']): string {
  return `${o.kind} ${o.namespace ? `${o.namespace}/` : ''}${o.name}`;
}

/** The drift of one layer: which object, which field, what Strata wants and what is live. */
export function DriftTable({ drift, layer }: { drift: readonly DriftItem[]; layer: string }) {
  return (
    <Table withTableBorder fz="xs" aria-label={`Drift of layer ${layer}`} data-testid="drift-table">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Object</Table.Th>
          <Table.Th>Path</Table.Th>
          <Table.Th>Desired</Table.Th>
          <Table.Th>Live</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {drift.map((d, i) => (
          <Table.Tr key={i}>
            <Table.Td>{objectLabel(d.object)}</Table.Td>
            <Table.Td>
              <Code>{d.path || '(whole object)'}</Code>
            </Table.Td>
            <Table.Td className="mono">{showValue(d.desired)}</Table.Td>
            <Table.Td className="mono">
              {d.path === '' && d.live === undefined ? '(missing)' : showValue(d.live)}
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

export interface LayerStackProps {
  layers: readonly StackLayer[];
  /** Accessible name of the stack, e.g. "Layers of cluster shop". */
  label: string;
  selected?: string;
  onSelect?: (key: string) => void;
}

/**
 * A layer stack at a glance: a top-to-bottom diagram (React Flow, laid out with dagre) coloured by state, a
 * table with every layer's state, hash and message, and the drift of drifted layers — object, path, desired, live.
 */
export function LayerStack({ layers, label, selected, onSelect }: LayerStackProps) {
  const keys = layers.map((l) => l.key);
  const { nodes, edges, height } = useMemo(() => {
    const laid = layoutStack(keys);
    const nodes: LayerNode[] = layers.map((layer) => ({
      id: layer.key,
      type: 'layer',
      position: laid.positions.get(layer.key) ?? { x: 0, y: 0 },
      data: { layer, selected: layer.key === selected },
      draggable: false,
      connectable: false,
      ariaLabel: `Layer ${layer.name}${layer.state ? `, ${layer.state}` : ''}`,
    }));
    const edges: Edge[] = laid.edges.map(([a, b]) => ({
      id: `${a}->${b}`,
      source: a,
      target: b,
      focusable: false,
    }));
    return { nodes, edges, height: laid.height };
    // keys are derived from layers
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [layers, selected]);
  const drifted = layers.filter((l) => (l.drift?.length ?? 0) > 0);
  const current = layers.find((l) => l.key === selected);
  return (
    <Stack gap="md">
      <Box
        h={Math.min(Math.max(height, 160), 720)}
        style={{ border: '1px solid var(--mantine-color-default-border)', borderRadius: 8 }}
        role="group"
        aria-label={`${label} (diagram)`}
      >
        <ReactFlow
          nodes={nodes}
          edges={edges}
          nodeTypes={nodeTypes}
          fitView
          fitViewOptions={{ padding: 0.1, maxZoom: 1 }}
          nodesDraggable={false}
          nodesConnectable={false}
          elementsSelectable
          zoomOnScroll={false}
          panOnScroll
          preventScrolling={false}
          proOptions={{ hideAttribution: true }}
          onNodeClick={(_, node) => onSelect?.(node.id)}
        >
          <Background gap={24} size={1} />
        </ReactFlow>
      </Box>
      <Table withTableBorder highlightOnHover aria-label={label} data-testid="layer-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>#</Table.Th>
            <Table.Th>Layer</Table.Th>
            <Table.Th>Source</Table.Th>
            {layers.some((l) => l.state) && <Table.Th>State</Table.Th>}
            {layers.some((l) => l.hash) && <Table.Th>Hash</Table.Th>}
            <Table.Th>Message</Table.Th>
            {onSelect && (
              <Table.Th>
                <VisuallyHidden>Details</VisuallyHidden>
              </Table.Th>
            )}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {layers.map((l, i) => (
            <Table.Tr key={l.key} data-layer={l.name} aria-selected={l.key === selected}>
              <Table.Td>{i + 1}</Table.Td>
              <Table.Td>
                <Text size="sm" fw={500}>
                  {l.name}
                </Text>
                {l.profile && (
                  <Text size="xs" c="dimmed">
                    {l.profile}
                  </Text>
                )}
              </Table.Td>
              <Table.Td>
                <Text size="sm">{l.source ?? ''}</Text>
                {l.kind && (
                  <Badge size="xs" variant="outline">
                    {l.kind}
                  </Badge>
                )}
              </Table.Td>
              {layers.some((x) => x.state) && (
                <Table.Td>
                  <LayerStateBadge state={l.state} />
                </Table.Td>
              )}
              {layers.some((x) => x.hash) && (
                <Table.Td className="mono" title={l.hash}>
                  {shortHash(l.hash)}
                </Table.Td>
              )}
              <Table.Td>
                <Text size="xs">{l.message ?? ''}</Text>
              </Table.Td>
              {onSelect && (
                <Table.Td>
                  <Button
                    size="compact-xs"
                    variant="subtle"
                    onClick={() => onSelect(l.key)}
                    aria-label={`Details of layer ${l.name}`}
                  >
                    Details
                  </Button>
                </Table.Td>
              )}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {current && !current.drift?.length && (
        <Card withBorder padding="sm" aria-label={`Layer ${current.name} details`} component="section">
          <Title order={3} size="h6">
            {current.name}
          </Title>
          <Text size="sm">
            {current.source} {current.state && <>· {current.state}</>}
          </Text>
          {current.hash && (
            <Text size="xs" className="mono">
              {current.hash}
            </Text>
          )}
          {current.message && <Text size="sm">{current.message}</Text>}
        </Card>
      )}
      {drifted.map((l) => (
        <Card key={l.key} withBorder padding="sm" component="section" aria-label={`Drift of ${l.name}`}>
          <Group gap="xs" mb={6}>
            <Title order={3} size="h6">
              Drift in layer {l.name}
            </Title>
            <Badge color="orange" variant="light">
              {l.drift!.length} difference{l.drift!.length === 1 ? '' : 's'}
            </Badge>
          </Group>
          {l.message && (
            <Text size="sm" mb={6}>
              {l.message}
            </Text>
          )}
          <DriftTable drift={l.drift!} layer={l.name} />
        </Card>
      ))}
    </Stack>
  );
}
