import {
  ActionIcon,
  Button,
  Card,
  Checkbox,
  Group,
  Select,
  SimpleGrid,
  Stack,
  TagsInput,
  Text,
  TextInput,
} from '@mantine/core';
import { VARIABLE_TYPES, type ProfileVariable, type VariableValue } from '@strata/api';
import { issueAt } from '../../lib/errors';

function typed(type: ProfileVariable['type'], text: string): VariableValue | undefined {
  if (text === '') return undefined;
  if (type === 'number' && text.trim() !== '' && Number.isFinite(Number(text))) return Number(text);
  if (type === 'boolean' && (text === 'true' || text === 'false')) return text === 'true';
  return text;
}

function without<T extends object>(o: T, key: keyof T): T {
  const { [key]: _gone, ...rest } = o;
  return rest as T;
}

/** The profile's variables: name, type, default, required, pattern, options, sensitive; server issues per field. */
export function VariablesPanel({
  variables,
  onChange,
  readOnly,
  error,
}: {
  variables: ProfileVariable[];
  onChange: (v: ProfileVariable[]) => void;
  readOnly?: boolean;
  error?: unknown;
}) {
  const set = (i: number, v: ProfileVariable) => onChange(variables.map((x, j) => (j === i ? v : x)));
  const field = (i: number, f: string) => issueAt(error, `/spec/variables/${i}/${f}`);
  return (
    <Stack>
      {variables.length === 0 && (
        <Text size="sm" c="dimmed">
          No variables. Layer values reference variables as {'{{ .var.NAME }}'}.
        </Text>
      )}
      {variables.map((v, i) => (
        <Card
          key={i}
          withBorder
          padding="sm"
          component="fieldset"
          aria-label={`Variable ${v.name || i + 1}`}
          style={{ margin: 0 }}
        >
          <SimpleGrid cols={{ base: 1, sm: 2, lg: 4 }}>
            <TextInput
              label="Name"
              value={v.name}
              readOnly={readOnly}
              onChange={(e) => set(i, { ...v, name: e.currentTarget.value })}
              error={field(i, 'name')}
              required
            />
            <Select
              label="Type"
              data={[...VARIABLE_TYPES]}
              value={v.type}
              readOnly={readOnly}
              allowDeselect={false}
              onChange={(t) => set(i, { ...without(v, 'default'), type: t ?? 'string' })}
              error={field(i, 'type')}
            />
            <TextInput
              label="Default"
              value={v.default === undefined ? '' : String(v.default)}
              readOnly={readOnly}
              disabled={v.type === 'secret'}
              onChange={(e) => {
                const d = typed(v.type, e.currentTarget.value);
                set(i, d === undefined ? without(v, 'default') : { ...v, default: d });
              }}
              error={field(i, 'default')}
            />
            <TextInput
              label="Pattern (regex)"
              value={v.regex ?? ''}
              readOnly={readOnly}
              onChange={(e) =>
                set(i, e.currentTarget.value ? { ...v, regex: e.currentTarget.value } : without(v, 'regex'))
              }
              error={field(i, 'regex')}
            />
            <TextInput
              label="Description"
              value={v.description ?? ''}
              readOnly={readOnly}
              onChange={(e) =>
                set(
                  i,
                  e.currentTarget.value
                    ? { ...v, description: e.currentTarget.value }
                    : without(v, 'description'),
                )
              }
            />
            <TagsInput
              label="Allowed values"
              value={(v.options ?? []).map(String)}
              readOnly={readOnly}
              onChange={(opts) =>
                set(
                  i,
                  opts.length
                    ? { ...v, options: opts.map((o) => typed(v.type, o) ?? o) }
                    : without(v, 'options'),
                )
              }
              error={field(i, 'options')}
            />
            <Group gap="md" mt="lg">
              <Checkbox
                label="Required"
                checked={Boolean(v.required)}
                disabled={readOnly}
                onChange={(e) =>
                  set(i, e.currentTarget.checked ? { ...v, required: true } : without(v, 'required'))
                }
              />
              <Checkbox
                label="Sensitive"
                checked={Boolean(v.sensitive) || v.type === 'secret'}
                disabled={readOnly || v.type === 'secret'}
                onChange={(e) =>
                  set(i, e.currentTarget.checked ? { ...v, sensitive: true } : without(v, 'sensitive'))
                }
              />
              <Checkbox
                label="Immutable"
                checked={Boolean(v.immutable)}
                disabled={readOnly}
                onChange={(e) =>
                  set(i, e.currentTarget.checked ? { ...v, immutable: true } : without(v, 'immutable'))
                }
              />
            </Group>
            {!readOnly && (
              <Group justify="flex-end" mt="lg">
                <ActionIcon
                  variant="subtle"
                  color="red"
                  aria-label={`Remove variable ${v.name || i + 1}`}
                  onClick={() => onChange(variables.filter((_, j) => j !== i))}
                >
                  <span aria-hidden="true">✕</span>
                </ActionIcon>
              </Group>
            )}
          </SimpleGrid>
        </Card>
      ))}
      {!readOnly && (
        <Group>
          <Button
            variant="light"
            size="xs"
            onClick={() => onChange([...variables, { name: `var${variables.length + 1}`, type: 'string' }])}
          >
            Add variable
          </Button>
        </Group>
      )}
    </Stack>
  );
}
