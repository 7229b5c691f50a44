import { Card, Code, Stack, Text, Title } from '@mantine/core';
import type { ProfileDiff } from '@strata/api';
import { DiffText } from './DiffText';
import { FieldChanges, ValueChanges } from './ValueChanges';

/** Two versions of a profile compared: layers added, removed, moved and changed (with values diffs), variables. */
export function ProfileDiffView({ diff }: { diff: ProfileDiff }) {
  if (diff.unchanged) return <Text>The two versions have the same content.</Text>;
  const v = diff.variables;
  return (
    <Stack gap="sm" data-testid="profile-diff">
      <FieldChanges fields={diff.fields} />
      {diff.added.length > 0 && (
        <Text size="sm">Layers added: {diff.added.map((l) => l.name).join(', ')}</Text>
      )}
      {diff.removed.length > 0 && (
        <Text size="sm">Layers removed: {diff.removed.map((l) => l.name).join(', ')}</Text>
      )}
      {diff.reordered.length > 0 && (
        <Text size="sm">
          Layers moved: {diff.reordered.map((l) => `${l.name} ${l.from + 1} → ${l.to + 1}`).join(', ')}
        </Text>
      )}
      {(v.added.length > 0 || v.removed.length > 0 || v.changed.length > 0) && (
        <Text size="sm">
          Variables: {v.added.map((n) => `+${n}`).join(' ')} {v.removed.map((n) => `−${n}`).join(' ')}{' '}
          {v.changed.map((c) => `${c.name} (${c.fields.join(', ')})`).join(' ')}
        </Text>
      )}
      {diff.changed.map((l) => (
        <Card key={l.name} withBorder padding="sm" component="section" aria-label={`Layer ${l.name} changes`}>
          <Title order={3} size="h6" mb={4}>
            {l.name}{' '}
            <Text span size="xs" c="dimmed">
              position {l.index.from + 1} → {l.index.to + 1}
            </Text>
          </Title>
          <Stack gap="xs">
            <FieldChanges fields={l.fields} />
            {l.values && <ValueChanges changes={l.values.changes} caption={`Value changes of ${l.name}`} />}
            {l.values?.text && <DiffText text={l.values.text} label={`Values diff of ${l.name}`} />}
            {l.manifest && (
              <>
                <Code>manifest</Code>
                <DiffText text={l.manifest} label={`Manifest diff of ${l.name}`} />
              </>
            )}
          </Stack>
        </Card>
      ))}
    </Stack>
  );
}
