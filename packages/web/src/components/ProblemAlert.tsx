import { Alert, Code, List, Text } from '@mantine/core';
import { toShownError } from '../lib/errors';

/** An API error as the server gave it: message, stable code, and every issue with the field (path) it concerns. */
export function ProblemAlert({ error, title }: { error: unknown; title?: string }) {
  if (!error) return null;
  const e = toShownError(error);
  return (
    <Alert color="red" title={title ?? 'The server refused the request'} role="alert" variant="light">
      <Text size="sm">{e.message}</Text>
      <Text size="xs" c="dimmed" mt={4}>
        code <Code>{e.code}</Code>
      </Text>
      {e.issues.length > 0 && (
        <List size="sm" mt="xs" aria-label="Problems by field">
          {e.issues.map((issue, i) => (
            <List.Item key={`${issue.path}-${i}`}>
              <Code>{issue.path || '/'}</Code> {issue.message}
            </List.Item>
          ))}
        </List>
      )}
    </Alert>
  );
}
