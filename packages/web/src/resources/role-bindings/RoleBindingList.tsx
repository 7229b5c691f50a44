import { RoleBindingKind, RoleKind } from '@strata/api';
import { useState } from 'react';
import { ResourcePage } from '../../components/ResourcePage';
import { ScopeSwitch } from '../../components/ScopeSwitch';
import { useLiveList } from '../../lib/queries';
import { list, str, text, type SpecObject } from '../../lib/resource-values';
import { useSession } from '../../lib/session';

export function RoleBindingList() {
  const { project } = useSession();
  const [scope, setScope] = useState('project');
  const roles = useLiveList<SpecObject>(RoleKind, { live: false });
  return (
    <ResourcePage<SpecObject>
      key={scope}
      kind={RoleBindingKind}
      project={scope === 'tenant' ? null : undefined}
      title="Role bindings"
      description={
        scope === 'tenant'
          ? 'Grants at tenant scope: every project of the tenant.'
          : `Grants in project ${project}.`
      }
      headerExtra={<ScopeSwitch project={project} scope={scope} onChange={setScope} />}
      columns={[
        { header: 'Role', render: (b) => text(b.spec.role) },
        {
          header: 'Subjects',
          render: (b) =>
            (b.spec.subjects as { kind: string; name: string }[])
              .map((s) => `${s.kind} ${s.name}`)
              .join(', '),
        },
      ]}
      searchText={(b) => [text(b.spec.role), ...(b.spec.subjects as { name: string }[]).map((s) => s.name)]}
      create={{
        fields: [
          { name: 'name', label: 'Name', required: true, path: '/metadata/name' },
          {
            name: 'role',
            label: 'Role',
            type: 'select',
            required: true,
            options: (roles.data?.items ?? []).map((r) => r.metadata.name),
            path: '/spec/role',
          },
          { name: 'users', label: 'Users', type: 'tags', path: '/spec/subjects' },
          { name: 'teams', label: 'Teams', type: 'tags', path: '/spec/subjects' },
        ],
        build: (v) => ({
          kind: 'RoleBinding',
          metadata: { name: str(v.name) ?? '' },
          spec: {
            role: str(v.role) ?? '',
            subjects: [
              ...list(v.users).map((name) => ({ kind: 'User', name })),
              ...list(v.teams).map((name) => ({ kind: 'Team', name })),
            ],
          },
        }),
      }}
    />
  );
}
