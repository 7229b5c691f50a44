import { Badge, Text, Tooltip } from '@mantine/core';
import { PackSourceKind, type Resource } from '@strata/api';
import { timeAgo } from '../../lib/format';
import { ResourcePage } from '../../components/ResourcePage';
import { str } from '../../lib/resource-values';

type Source = Resource<Record<string, unknown>>;

/** Helm repositories whose charts become add-on packs, with their health (Ready condition). */
export function PackSources() {
  return (
    <ResourcePage<Source>
      kind={PackSourceKind}
      project={null}
      title="Pack sources"
      description="Helm repositories read on an interval; their charts are usable as add-on layers."
      columns={[
        { header: 'URL', render: (s) => String(s.spec.url) },
        {
          header: 'Health',
          render: (s) => {
            const ready = s.status?.conditions?.find((c) => c.type === 'Ready');
            if (!ready)
              return (
                <Badge color="gray" variant="light">
                  not read yet
                </Badge>
              );
            return (
              <Tooltip label={ready.message} multiline w={320}>
                <Badge color={ready.status === 'True' ? 'green' : 'red'} variant="light" tabIndex={0}>
                  {ready.reason}
                </Badge>
              </Tooltip>
            );
          },
        },
        { header: 'Charts', render: (s) => String((s.status?.charts as unknown[] | undefined)?.length ?? 0) },
        {
          header: 'Last change',
          render: (s) => (
            <Text size="sm">
              {timeAgo(s.status?.conditions?.find((c) => c.type === 'Ready')?.lastTransitionTime)}
            </Text>
          ),
        },
      ]}
      searchText={(s) => [String(s.spec.url)]}
      create={{
        fields: [
          { name: 'name', label: 'Name', required: true, path: '/metadata/name' },
          {
            name: 'url',
            label: 'Repository URL',
            required: true,
            description: 'https://… (Helm repository with index.yaml)',
            path: '/spec/url',
          },
          { name: 'interval', label: 'Interval', description: 'e.g. 10m, 1h', path: '/spec/interval' },
          { name: 'username', label: 'User name', path: '/spec/credentials/username' },
          {
            name: 'password',
            label: 'Password',
            type: 'password',
            description: 'Write-only; encrypted at rest',
            path: '/spec/credentials/password',
          },
        ],
        build: (v) => ({
          kind: 'PackSource',
          metadata: { name: str(v.name) ?? '' },
          spec: {
            type: 'helm',
            url: str(v.url) ?? '',
            ...(str(v.interval) ? { interval: str(v.interval) } : {}),
            ...(str(v.username) || str(v.password)
              ? {
                  credentials: {
                    ...(str(v.username) ? { username: str(v.username) } : {}),
                    ...(str(v.password) ? { password: str(v.password) } : {}),
                  },
                }
              : {}),
          },
        }),
      }}
    />
  );
}
