import { SegmentedControl } from '@mantine/core';

/** Project or tenant scope for the settings that exist at both (role bindings, macros, audit log). */
export function ScopeSwitch(props: { project: string; scope: string; onChange: (scope: string) => void }) {
  return (
    <SegmentedControl
      aria-label="Scope"
      value={props.scope}
      onChange={props.onChange}
      data={[
        { value: 'project', label: `Project ${props.project}` },
        { value: 'tenant', label: 'Tenant' },
      ]}
      w={320}
    />
  );
}
