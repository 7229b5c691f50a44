import { Badge } from '@mantine/core';
import { UserKind } from '@strata/api';
import { ResourcePage } from '../../components/ResourcePage';
import { optional, secretSet, str, text, type SpecObject } from '../../lib/resource-values';

export function UserList() {
  return (
    <ResourcePage<SpecObject>
      kind={UserKind}
      title="Users"
      description="People who sign in with a password or use API keys. Passwords are write-only."
      columns={[
        { header: 'Display name', render: (u) => text(u.spec.displayName) },
        { header: 'Email', render: (u) => text(u.spec.email) },
        { header: 'Password', render: (u) => (secretSet(u, '/password') ? 'set' : 'not set') },
        {
          header: 'State',
          render: (u) =>
            u.spec.disabled ? (
              <Badge color="gray">disabled</Badge>
            ) : (
              <Badge color="green" variant="light">
                active
              </Badge>
            ),
        },
      ]}
      searchText={(u) => [text(u.spec.displayName), text(u.spec.email)]}
      create={{
        fields: [
          { name: 'name', label: 'User name', required: true, path: '/metadata/name' },
          { name: 'displayName', label: 'Display name', path: '/spec/displayName' },
          { name: 'email', label: 'Email', path: '/spec/email' },
          {
            name: 'password',
            label: 'Password',
            type: 'password',
            description: 'At least 8 characters; stored as a hash, never shown again.',
            path: '/spec/password',
          },
        ],
        build: (v) => ({
          kind: 'User',
          metadata: { name: str(v.name) ?? '' },
          spec: optional({ displayName: str(v.displayName), email: str(v.email), password: str(v.password) }),
        }),
      }}
    />
  );
}
