import { ProjectKind } from '@strata/api';
import { ResourcePage } from '../../components/ResourcePage';
import { timeAgo } from '../../lib/format';
import { optional, str, text, type SpecObject } from '../../lib/resource-values';

export function ProjectList() {
  return (
    <ResourcePage<SpecObject>
      kind={ProjectKind}
      title="Projects"
      description="Units of isolation: clusters, profiles and accounts live in projects."
      columns={[
        { header: 'Display name', render: (p) => text(p.spec.displayName) },
        { header: 'Description', render: (p) => text(p.spec.description) },
        { header: 'Created', render: (p) => timeAgo(p.metadata.createdAt) },
      ]}
      searchText={(p) => [text(p.spec.displayName), text(p.spec.description)]}
      create={{
        fields: [
          { name: 'name', label: 'Name', required: true, path: '/metadata/name' },
          { name: 'displayName', label: 'Display name', path: '/spec/displayName' },
          { name: 'description', label: 'Description', path: '/spec/description' },
        ],
        build: (v) => ({
          kind: 'Project',
          metadata: { name: str(v.name) ?? '' },
          spec: optional({ displayName: str(v.displayName), description: str(v.description) }),
        }),
      }}
      deleteNote="Everything in the project (clusters, profiles, accounts) must be deleted first."
    />
  );
}
