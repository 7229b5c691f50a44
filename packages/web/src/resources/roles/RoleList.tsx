import { Badge, Group } from '@mantine/core';
import { RoleKind } from '@strata/api';
import { ResourcePage } from '../../components/ResourcePage';
import { list, optional, str, text, type SpecObject } from '../../lib/resource-values';

export function RoleList() {
  return (
    <ResourcePage<SpecObject>
      kind={RoleKind}
      title="Roles"
      description="Sets of kind.verb permissions (cluster.get, clusterprofile.publish, *.get, macro.*)."
      columns={[
        {
          header: 'Permissions',
          render: (r) => (
            <Group gap={4}>
              {(r.spec.permissions as string[]).map((p) => (
                <Badge key={p} variant="light" size="sm" tt="none">
                  {p}
                </Badge>
              ))}
            </Group>
          ),
        },
        { header: 'Description', render: (r) => text(r.spec.description) },
      ]}
      searchText={(r) => [...(r.spec.permissions as string[]), text(r.spec.description)]}
      create={{
        fields: [
          { name: 'name', label: 'Name', required: true, path: '/metadata/name' },
          {
            name: 'permissions',
            label: 'Permissions',
            type: 'tags',
            description: 'kind.verb, e.g. cluster.get — press Enter after each',
            path: '/spec/permissions',
          },
          { name: 'description', label: 'Description', path: '/spec/description' },
        ],
        build: (v) => ({
          kind: 'Role',
          metadata: { name: str(v.name) ?? '' },
          spec: optional({ permissions: list(v.permissions), description: str(v.description) }),
        }),
      }}
    />
  );
}
