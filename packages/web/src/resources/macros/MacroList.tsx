import { Code } from '@mantine/core';
import { MacroKind } from '@strata/api';
import { useState } from 'react';
import { ResourcePage } from '../../components/ResourcePage';
import { ScopeSwitch } from '../../components/ScopeSwitch';
import { optional, str, text, type SpecObject } from '../../lib/resource-values';
import { useSession } from '../../lib/session';

export function MacroList() {
  const { project } = useSession();
  const [scope, setScope] = useState('project');
  return (
    <ResourcePage<SpecObject>
      key={scope}
      kind={MacroKind}
      project={scope === 'tenant' ? null : undefined}
      title="Macros"
      description="Named values for profiles: {{ .macro.NAME }}. A project macro wins over a tenant macro."
      headerExtra={<ScopeSwitch project={project} scope={scope} onChange={setScope} />}
      columns={[
        { header: 'Value', render: (m) => <Code>{text(m.spec.value)}</Code> },
        { header: 'Description', render: (m) => text(m.spec.description) },
      ]}
      searchText={(m) => [text(m.spec.value), text(m.spec.description)]}
      create={{
        fields: [
          { name: 'name', label: 'Name', required: true, path: '/metadata/name' },
          { name: 'value', label: 'Value', required: true, path: '/spec/value' },
          { name: 'description', label: 'Description', path: '/spec/description' },
        ],
        build: (v) => ({
          kind: 'Macro',
          metadata: { name: str(v.name) ?? '' },
          spec: optional({ value: str(v.value) ?? '', description: str(v.description) }),
        }),
      }}
    />
  );
}
