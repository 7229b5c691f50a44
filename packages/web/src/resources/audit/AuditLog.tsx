import { Badge } from '@mantine/core';
import { AuditEntryKind } from '@strata/api';
import { useState } from 'react';
import { ResourcePage } from '../../components/ResourcePage';
import { ScopeSwitch } from '../../components/ScopeSwitch';
import { timeAgo } from '../../lib/format';
import { text, type SpecObject } from '../../lib/resource-values';
import { useSession } from '../../lib/session';

export function AuditLog() {
  const { project } = useSession();
  const [scope, setScope] = useState('project');
  return (
    <ResourcePage<SpecObject>
      key={scope}
      kind={AuditEntryKind}
      project={scope === 'tenant' ? null : undefined}
      title="Audit log"
      description="Every change and every kubeconfig read: who, what, when, with which outcome."
      headerExtra={<ScopeSwitch project={project} scope={scope} onChange={setScope} />}
      columns={[
        { header: 'When', render: (e) => timeAgo(text(e.spec.at)) },
        { header: 'Actor', render: (e) => text(e.spec.actor) },
        { header: 'Verb', render: (e) => text(e.spec.verb) },
        {
          header: 'Object',
          render: (e) => {
            const o = e.spec.object as { kind: string; name: string };
            return `${o.kind} ${o.name}`;
          },
        },
        {
          header: 'Outcome',
          render: (e) => (
            <Badge color={e.spec.outcome === 'Success' ? 'green' : 'red'} variant="light">
              {text(e.spec.outcome)}
            </Badge>
          ),
        },
      ]}
      searchText={(e) => [
        text(e.spec.actor),
        text(e.spec.verb),
        JSON.stringify(e.spec.object),
        text(e.spec.detail),
      ]}
    />
  );
}
