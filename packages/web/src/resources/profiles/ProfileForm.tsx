import {
  ActionIcon,
  Badge,
  Button,
  Card,
  Grid,
  Group,
  Select,
  Stack,
  Tabs,
  Text,
  TextInput,
  VisuallyHidden,
} from '@mantine/core';
import { PROFILE_TYPES, type ClusterProfileSpec, type ProfileLayer } from '@strata/api';
import { useState } from 'react';
import { LayerStack } from '../../components/LayerStack';
import { issueAt, issuesUnder } from '../../lib/errors';
import { usePackCatalog } from '../packs/use-packs';
import { AddLayerModal } from './AddLayerModal';
import { LayerPanel } from './LayerPanel';
import { canMove, insertionIndex, layerKind, move } from './layer-rules';
import { VariablesPanel } from './VariablesPanel';

export interface ProfileFormProps {
  name: string;
  onNameChange?: (name: string) => void;
  spec: ClusterProfileSpec;
  onChange: (spec: ClusterProfileSpec) => void;
  readOnly?: boolean;
  error?: unknown;
}

function nameOf(layer: ProfileLayer): string {
  return 'pack' in layer ? (layer.name ?? layer.pack) : layer.name;
}

/** The profile editor: the layer stack (add from the catalog, reorder within the rules, remove), each layer's values, variables. */
export function ProfileForm({ name, onNameChange, spec, onChange, readOnly, error }: ProfileFormProps) {
  const catalog = usePackCatalog();
  const [selected, setSelected] = useState(0);
  const [adding, setAdding] = useState(false);
  const packLayer = (pack: string, version: string) => catalog.find(pack, version)?.spec.layer;
  const kinds = spec.layers.map((l) => layerKind(l, packLayer));
  const setLayers = (layers: ProfileLayer[]) => onChange({ ...spec, layers });
  const current = spec.layers[selected];
  const stack = spec.layers.map((l, i) => ({
    key: String(i),
    name: nameOf(l),
    kind: kinds[i],
    source:
      'pack' in l
        ? `${l.pack} ${l.version}`
        : 'manifest' in l
          ? 'inline manifest'
          : `chart ${l.chart.name} ${l.chart.version}`,
    message:
      issuesUnder(error, `/spec/layers/${i}`)
        .map((x) => x.message)
        .join('; ') || undefined,
  }));
  return (
    <Stack>
      <Card withBorder>
        <Group align="flex-end" wrap="wrap">
          <TextInput
            label="Name"
            value={name}
            readOnly={readOnly || !onNameChange}
            onChange={(e) => onNameChange?.(e.currentTarget.value)}
            error={issueAt(error, '/metadata/name')}
            required
            w={200}
          />
          <TextInput
            label="Version"
            value={spec.version}
            readOnly={readOnly || !onNameChange}
            onChange={(e) => onChange({ ...spec, version: e.currentTarget.value })}
            error={issueAt(error, '/spec/version')}
            required
            w={120}
          />
          <Select
            label="Type"
            data={[...PROFILE_TYPES]}
            value={spec.type}
            readOnly={readOnly}
            allowDeselect={false}
            onChange={(t) => t && onChange({ ...spec, type: t })}
            w={110}
          />
          <TextInput
            label="Description"
            value={spec.description ?? ''}
            readOnly={readOnly}
            style={{ flex: 1 }}
            miw={240}
            onChange={(e) => onChange({ ...spec, description: e.currentTarget.value || undefined })}
          />
        </Group>
      </Card>
      <Tabs defaultValue="layers">
        <Tabs.List>
          <Tabs.Tab value="layers">Layers ({spec.layers.length})</Tabs.Tab>
          <Tabs.Tab value="variables">Variables ({spec.variables?.length ?? 0})</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="layers" pt="md">
          <Grid>
            <Grid.Col span={{ base: 12, lg: 5 }}>
              <Stack>
                {!readOnly && (
                  <Group>
                    <Button onClick={() => setAdding(true)}>Add layer</Button>
                    {issueAt(error, '/spec/layers') && (
                      <Text size="sm" c="red.8">
                        {issueAt(error, '/spec/layers')}
                      </Text>
                    )}
                  </Group>
                )}
                <Stack gap={4} role="list" aria-label="Layer order">
                  {spec.layers.map((l, i) => (
                    <Group
                      key={i}
                      role="listitem"
                      gap={4}
                      justify="space-between"
                      wrap="nowrap"
                      style={{
                        border: '1px solid var(--mantine-color-default-border)',
                        borderRadius: 6,
                        padding: '4px 8px',
                        background: i === selected ? 'var(--mantine-color-default-hover)' : undefined,
                      }}
                    >
                      <Button
                        variant="subtle"
                        size="compact-sm"
                        onClick={() => setSelected(i)}
                        aria-current={i === selected}
                      >
                        <VisuallyHidden>Edit layer </VisuallyHidden>
                        {i + 1}. {nameOf(l)}
                      </Button>
                      <Group gap={2} wrap="nowrap">
                        <Badge size="xs" variant="outline">
                          {kinds[i]}
                        </Badge>
                        {issuesUnder(error, `/spec/layers/${i}`).length > 0 && (
                          <Badge size="xs" color="red">
                            issue
                          </Badge>
                        )}
                        {!readOnly && (
                          <>
                            <ActionIcon
                              variant="subtle"
                              aria-label={`Move ${nameOf(l)} up`}
                              disabled={!canMove(kinds, i, -1)}
                              onClick={() => {
                                setLayers(move(spec.layers, i, -1));
                                setSelected(i - 1);
                              }}
                            >
                              <span aria-hidden="true">↑</span>
                            </ActionIcon>
                            <ActionIcon
                              variant="subtle"
                              aria-label={`Move ${nameOf(l)} down`}
                              disabled={!canMove(kinds, i, 1)}
                              onClick={() => {
                                setLayers(move(spec.layers, i, 1));
                                setSelected(i + 1);
                              }}
                            >
                              <span aria-hidden="true">↓</span>
                            </ActionIcon>
                            <ActionIcon
                              variant="subtle"
                              color="red"
                              aria-label={`Remove ${nameOf(l)}`}
                              onClick={() => {
                                setLayers(spec.layers.filter((_, j) => j !== i));
                                setSelected(Math.max(0, Math.min(selected, spec.layers.length - 2)));
                              }}
                            >
                              <span aria-hidden="true">✕</span>
                            </ActionIcon>
                          </>
                        )}
                      </Group>
                    </Group>
                  ))}
                </Stack>
                {spec.layers.length > 0 && (
                  <LayerStack
                    layers={stack}
                    label={`Layers of ${name || 'the new profile'}`}
                    selected={String(selected)}
                    onSelect={(k) => setSelected(Number(k))}
                  />
                )}
              </Stack>
            </Grid.Col>
            <Grid.Col span={{ base: 12, lg: 7 }}>
              {current ? (
                <LayerPanel
                  key={selected}
                  layer={current}
                  index={selected}
                  pack={'pack' in current ? catalog.entries.find((e) => e.name === current.pack) : undefined}
                  variables={spec.variables ?? []}
                  readOnly={readOnly}
                  error={error}
                  onChange={(l) => setLayers(spec.layers.map((x, j) => (j === selected ? l : x)))}
                />
              ) : (
                <Text c="dimmed">
                  Add layers from the pack catalog: an OS, Kubernetes, a network (CNI) and storage (CSI), then
                  add-ons.
                </Text>
              )}
            </Grid.Col>
          </Grid>
        </Tabs.Panel>
        <Tabs.Panel value="variables" pt="md">
          <VariablesPanel
            variables={spec.variables ?? []}
            readOnly={readOnly}
            error={error}
            onChange={(variables) => onChange({ ...spec, variables })}
          />
        </Tabs.Panel>
      </Tabs>
      <AddLayerModal
        opened={adding}
        onClose={() => setAdding(false)}
        taken={spec.layers.map(nameOf)}
        onAdd={(layer) => {
          const kind = layerKind(layer, packLayer);
          const at = insertionIndex(kinds, kind);
          const layers = [...spec.layers];
          layers.splice(at, 0, layer);
          setLayers(layers);
          setSelected(at);
        }}
      />
    </Stack>
  );
}
