import { Box, Text } from '@mantine/core';

/** A unified text diff (`--- a`, `+++ b`, `@@`, `+`, `-`) with added and removed lines marked in colour and in text. */
export function DiffText({ text, label }: { text: string; label: string }) {
  if (!text.trim())
    return (
      <Text size="xs" c="dimmed">
        No text changes.
      </Text>
    );
  const lines = text.replace(/\n$/, '').split('\n');
  return (
    <Box
      component="pre"
      className="mono"
      aria-label={label}
      style={{
        margin: 0,
        padding: 8,
        overflowX: 'auto',
        border: '1px solid var(--mantine-color-default-border)',
        borderRadius: 6,
      }}
    >
      {lines.map((line, i) => {
        const cls =
          line.startsWith('+++') || line.startsWith('---')
            ? undefined
            : line.startsWith('+')
              ? 'diff-line-add'
              : line.startsWith('-')
                ? 'diff-line-del'
                : line.startsWith('@@')
                  ? 'diff-line-hunk'
                  : undefined;
        return (
          <div key={i} className={cls}>
            {line || ' '}
          </div>
        );
      })}
    </Box>
  );
}
