import { Badge, Group, MultiSelect, Select, Stack, Text, TextInput, Title } from '@mantine/core';
import type { ProfileLayer, ProfileVariable } from '@strata/api';
import { useMemo } from 'react';
import { LazyYamlEditor } from '../../components/LazyYamlEditor';
import { issuesUnder } from '../../lib/errors';
import type { PackEntry } from '../packs/use-packs';

function without<T extends object>(o: T, key: string): T {
  const { [key]: _gone, ...rest } = o as Record<string, unknown>;
  return rest as T;
}

export interface LayerPanelProps {
  layer: ProfileLayer;
  index: number;
  pack?: PackEntry;
  variables: readonly ProfileVariable[];
  readOnly?: boolean;
  onChange: (layer: ProfileLayer) => void;
  error?: unknown;
}

/** One layer of a draft: version and presets of its pack, namespace, and its values in a schema-checked YAML editor. */
export function LayerPanel({ layer, index, pack, variables, readOnly, onChange, error }: LayerPanelProps) {
  const defaults = useMemo(
    () =>
      Object.fromEntries(variables.filter((v) => v.default !== undefined).map((v) => [v.name, v.default])),
    [variables],
  );
  const issues = issuesUnder(error, `/spec/layers/${index}`);
  const name = 'pack' in layer ? (layer.name ?? layer.pack) : layer.name;
  const packVersion =
    'pack' in layer ? pack?.versions.find((v) => v.spec.version === layer.version) : undefined;
  return (
    <Stack gap="sm" component="section" aria-label={`Layer ${name}`}>
      <Group justify="space-between">
        <Title order={2} size="h5">
          Layer {index + 1}: {name}
        </Title>
        {'pack' in layer && <Badge variant="outline">{pack?.layer ?? 'pack'}</Badge>}
      </Group>
      {issues.length > 0 && (
        <Stack gap={2} role="alert">
          {issues.map((i, k) => (
            <Text key={k} size="sm" c="red.8">
              {i.path}: {i.message}
            </Text>
          ))}
        </Stack>
      )}
      {'pack' in layer ? (
        <>
          <Text size="sm" c="dimmed">
            {pack?.description ?? ''}
          </Text>
          <Group align="flex-end" wrap="wrap">
            <Select
              label="Pack version"
              data={pack?.versions.map((v) => v.spec.version) ?? [layer.version]}
              value={layer.version}
              readOnly={readOnly}
              allowDeselect={false}
              onChange={(v) => v && onChange({ ...layer, version: v })}
              w={160}
            />
            <TextInput
              label="Layer name"
              placeholder={layer.pack}
              value={layer.name ?? ''}
              readOnly={readOnly}
              onChange={(e) =>
                onChange(
                  e.currentTarget.value ? { ...layer, name: e.currentTarget.value } : without(layer, 'name'),
                )
              }
              w={180}
            />
            <NamespaceInput
              layer={layer}
              readOnly={readOnly}
              placeholder={packVersion?.spec.namespace}
              onChange={onChange}
            />
          </Group>
          {(packVersion?.spec.presets?.length ?? 0) > 0 && (
            <MultiSelect
              label="Presets"
              readOnly={readOnly}
              data={(packVersion?.spec.presets ?? []).map((p) => ({
                value: p.name,
                label: p.displayName ?? p.name,
              }))}
              value={layer.presets ?? []}
              onChange={(ps) => onChange(ps.length ? { ...layer, presets: ps } : without(layer, 'presets'))}
            />
          )}
          <Text size="sm" fw={500}>
            Values (merged over the pack defaults
            {packVersion?.spec.schema ? ', checked against the pack schema' : ''})
          </Text>
          <LazyYamlEditor
            label={`Values of layer ${name}`}
            value={layer.values ?? ''}
            readOnly={readOnly}
            onChange={(v) => onChange(v ? { ...layer, values: v } : without(layer, 'values'))}
            schema={packVersion?.spec.schema}
            base={packVersion?.spec.values}
            variables={defaults}
          />
          {packVersion?.spec.values && (
            <details>
              <summary>
                <Text span size="sm">
                  Pack default values
                </Text>
              </summary>
              <LazyYamlEditor
                label={`Default values of ${layer.pack} ${layer.version}`}
                value={packVersion.spec.values}
                readOnly
              />
            </details>
          )}
        </>
      ) : 'manifest' in layer ? (
        <>
          <Group align="flex-end">
            <TextInput
              label="Layer name"
              value={layer.name}
              readOnly={readOnly}
              onChange={(e) => onChange({ ...layer, name: e.currentTarget.value })}
              w={200}
            />
            <NamespaceInput layer={layer} readOnly={readOnly} onChange={onChange} />
          </Group>
          <LazyYamlEditor
            label={`Manifest of layer ${name}`}
            value={layer.manifest}
            readOnly={readOnly}
            variables={defaults}
            onChange={(v) => onChange({ ...layer, manifest: v })}
            minHeight="220px"
          />
        </>
      ) : (
        <>
          <Text size="sm">
            Chart {layer.chart.name} {layer.chart.version} from {layer.chart.repository}
          </Text>
          <LazyYamlEditor
            label={`Values of layer ${name}`}
            value={layer.values ?? ''}
            readOnly={readOnly}
            variables={defaults}
            onChange={(v) => onChange(v ? { ...layer, values: v } : without(layer, 'values'))}
          />
        </>
      )}
    </Stack>
  );
}

/** The layer's namespace; emptying it removes the field (the pack's default, shown as placeholder, applies). */
function NamespaceInput(props: {
  layer: ProfileLayer;
  readOnly: boolean | undefined;
  placeholder?: string | undefined;
  onChange: (layer: ProfileLayer) => void;
}) {
  const { layer, onChange } = props;
  return (
    <TextInput
      label="Namespace"
      value={layer.namespace ?? ''}
      readOnly={props.readOnly}
      placeholder={props.placeholder}
      onChange={(e) =>
        onChange(
          e.currentTarget.value
            ? { ...layer, namespace: e.currentTarget.value }
            : without(layer, 'namespace'),
        )
      }
      w={180}
    />
  );
}
