import { PasswordInput, Select, SimpleGrid, Switch, Text, TextInput } from '@mantine/core';
import type { ProfileVariable } from '@strata/api';
import { checkVariable, type RawValue } from '../lib/variables';

export interface VariableInputsProps {
  variables: readonly ProfileVariable[];
  values: Readonly<Record<string, RawValue>>;
  onChange: (name: string, value: RawValue) => void;
  /** Show "required" on empty required fields (after a submit attempt). */
  showMissing?: boolean;
  /** Errors the server gave, by variable name (they win over local checks). */
  serverErrors?: Readonly<Record<string, string>>;
}

function describe(def: ProfileVariable): string {
  const parts = [def.description, `type ${def.type}`];
  if (def.default !== undefined && def.type !== 'secret') parts.push(`default ${String(def.default)}`);
  if (def.regex) parts.push(`pattern ${def.regex}`);
  if (def.immutable) parts.push('cannot be changed after the cluster is created');
  return parts.filter(Boolean).join(' · ');
}

/** One typed input per profile variable (hidden ones are not shown), validated as you type. */
export function VariableInputs({
  variables,
  values,
  onChange,
  showMissing,
  serverErrors,
}: VariableInputsProps) {
  const visible = variables.filter((v) => !v.hidden);
  if (visible.length === 0)
    return (
      <Text size="sm" c="dimmed">
        This profile declares no variables.
      </Text>
    );
  return (
    <SimpleGrid cols={{ base: 1, md: 2 }}>
      {visible.map((def) => {
        const raw = values[def.name];
        const local = checkVariable(def, raw);
        const empty = raw === undefined || raw === '';
        const error =
          serverErrors?.[def.name] ?? (local.error && (!empty || showMissing) ? local.error : undefined);
        const label = def.displayName ?? def.name;
        const required = Boolean(def.required && def.default === undefined);
        const common = { label, description: describe(def), error, required, 'data-variable': def.name };
        if (def.type === 'boolean') {
          const checked =
            typeof raw === 'boolean' ? raw : raw === undefined ? def.default === true : raw === 'true';
          return (
            <Switch
              key={def.name}
              {...common}
              checked={checked}
              onChange={(e) => onChange(def.name, e.currentTarget.checked)}
            />
          );
        }
        if (def.options && def.options.length > 0) {
          return (
            <Select
              key={def.name}
              {...common}
              data={def.options.map(String)}
              value={typeof raw === 'string' && raw !== '' ? raw : null}
              placeholder={def.default !== undefined ? String(def.default) : 'Choose'}
              onChange={(v) => onChange(def.name, v ?? undefined)}
              clearable={!required}
            />
          );
        }
        if (def.type === 'secret' || def.sensitive) {
          return (
            <PasswordInput
              key={def.name}
              {...common}
              value={typeof raw === 'string' ? raw : ''}
              onChange={(e) => onChange(def.name, e.currentTarget.value)}
              autoComplete="off"
            />
          );
        }
        return (
          <TextInput
            key={def.name}
            {...common}
            value={typeof raw === 'string' ? raw : ''}
            placeholder={def.default !== undefined ? String(def.default) : undefined}
            inputMode={def.type === 'number' ? 'decimal' : undefined}
            onChange={(e) => onChange(def.name, e.currentTarget.value)}
          />
        );
      })}
    </SimpleGrid>
  );
}
