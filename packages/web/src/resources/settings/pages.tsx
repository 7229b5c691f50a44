import {
  Alert,
  Badge,
  Button,
  Code,
  CopyButton,
  Group,
  Modal,
  SegmentedControl,
  Stack,
  Text,
} from '@mantine/core';
import {
  ApiKeyKind,
  AuditEntryKind,
  CloudAccountKind,
  MacroKind,
  ProjectKind,
  RoleBindingKind,
  RoleKind,
  UserKind,
  type Resource,
} from '@strata/api';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { timeAgo } from '../../lib/format';
import { useLiveList } from '../../lib/queries';
import { useSession } from '../../lib/session';
import { ResourcePage, type FieldValue } from './ResourcePage';

type Obj = Resource<Record<string, unknown>>;
const text = (v: unknown): string =>
  typeof v === 'string' ? v : v === undefined || v === null ? '' : JSON.stringify(v);
const str = (v: FieldValue | undefined) => (typeof v === 'string' && v !== '' ? v : undefined);
const list = (v: FieldValue | undefined) => (Array.isArray(v) ? v : []);
const optional = (o: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
const secretSet = (o: Obj, field: string) =>
  ((o.status?.secretFieldsSet as string[] | undefined) ?? []).includes(field);

/** Project or tenant scope for the settings that exist at both (role bindings, macros, audit log). */
function ScopeSwitch(props: { project: string; scope: string; onChange: (scope: string) => void }) {
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

export function ProjectsPage() {
  return (
    <ResourcePage<Obj>
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

export function UsersPage() {
  return (
    <ResourcePage<Obj>
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

export function RolesPage() {
  return (
    <ResourcePage<Obj>
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

export function RoleBindingsPage() {
  const { project } = useSession();
  const [scope, setScope] = useState('project');
  const roles = useLiveList<Obj>(RoleKind, { live: false });
  return (
    <ResourcePage<Obj>
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

export function ApiKeysPage() {
  const { client, can } = useSession();
  const queryClient = useQueryClient();
  const [shown, setShown] = useState<{ name: string; key: string }>();
  const [revoking, setRevoking] = useState<string>();
  return (
    <>
      <ResourcePage<Obj>
        kind={ApiKeyKind}
        title="API keys"
        description="Bearer tokens for the CLI and automation. A key is shown once, when it is created."
        columns={[
          { header: 'User', render: (k) => text(k.spec.user) },
          { header: 'Description', render: (k) => text(k.spec.description) },
          { header: 'Expires', render: (k) => (k.spec.expiresAt ? text(k.spec.expiresAt) : 'never') },
          {
            header: 'State',
            render: (k) =>
              k.spec.revoked ? (
                <Badge color="red" variant="light">
                  revoked
                </Badge>
              ) : k.metadata.labels['strata.dev/session'] === 'true' ? (
                <Badge color="gray" variant="light">
                  sign-in session
                </Badge>
              ) : (
                <Badge color="green" variant="light">
                  active
                </Badge>
              ),
          },
        ]}
        searchText={(k) => [text(k.spec.user), text(k.spec.description)]}
        actions={(k) =>
          !k.spec.revoked && can('apikey', 'update', 'tenant') ? (
            <Button
              size="compact-sm"
              variant="subtle"
              color="orange"
              aria-label={`Revoke ${k.metadata.name}`}
              onClick={() => setRevoking(k.metadata.name)}
            >
              Revoke
            </Button>
          ) : null
        }
        create={{
          fields: [
            { name: 'name', label: 'Name', required: true, path: '/metadata/name' },
            { name: 'description', label: 'Description', path: '/spec/description' },
            {
              name: 'expiresAt',
              label: 'Expires at',
              description: 'ISO time, e.g. 2030-01-01T00:00:00Z; empty: never',
              path: '/spec/expiresAt',
            },
          ],
          build: (v) => ({
            kind: 'ApiKey',
            metadata: { name: str(v.name) ?? '' },
            spec: optional({ description: str(v.description), expiresAt: str(v.expiresAt) }),
          }),
          onCreated: (k) => k.key && setShown({ name: k.metadata.name, key: k.key }),
        }}
      />
      <Modal
        opened={shown !== undefined}
        onClose={() => setShown(undefined)}
        title={`API key ${shown?.name ?? ''}`}
        centered
        size="lg"
      >
        <Stack>
          <Alert color="yellow" role="status">
            Copy the key now: it is not shown again. Only its hash is stored.
          </Alert>
          <Code block data-testid="new-api-key">
            {shown?.key}
          </Code>
          <Group justify="flex-end">
            <CopyButton value={shown?.key ?? ''}>
              {({ copied, copy }) => (
                <Button variant="light" onClick={copy}>
                  {copied ? 'Copied' : 'Copy'}
                </Button>
              )}
            </CopyButton>
            <Button onClick={() => setShown(undefined)}>Done</Button>
          </Group>
        </Stack>
      </Modal>
      <ConfirmDialog
        opened={revoking !== undefined}
        onClose={() => setRevoking(undefined)}
        title={`Revoke API key ${revoking ?? ''}?`}
        confirmLabel="Revoke"
        danger
        onConfirm={async () => {
          await client.patch(ApiKeyKind, revoking!, { spec: { revoked: true } });
          await queryClient.invalidateQueries({ queryKey: ['list', 'ApiKey'] });
        }}
      >
        <Text size="sm">Requests with this key fail from now on. A revoked key cannot be reinstated.</Text>
      </ConfirmDialog>
    </>
  );
}

export function CloudAccountsPage() {
  return (
    <ResourcePage<Obj>
      kind={CloudAccountKind}
      title="Cloud accounts"
      description="Credentials for providers. They are encrypted at rest and never shown again."
      columns={[
        { header: 'Provider', render: (a) => text(a.spec.provider) },
        { header: 'Region', render: (a) => text(a.spec.region) },
        {
          header: 'Credentials',
          render: (a) => (secretSet(a, '/credentials') ? 'set (write-only)' : 'not set'),
        },
      ]}
      searchText={(a) => [text(a.spec.provider), text(a.spec.region)]}
      create={{
        fields: [
          { name: 'name', label: 'Name', required: true, path: '/metadata/name' },
          {
            name: 'provider',
            label: 'Provider',
            type: 'select',
            required: true,
            options: ['aws', 'eks', 'azure', 'aks', 'gcp', 'gke', 'vsphere', 'openstack', 'maas', 'edge'],
            path: '/spec/provider',
          },
          { name: 'region', label: 'Region', path: '/spec/region' },
          {
            name: 'credentials',
            label: 'Credentials',
            type: 'textarea',
            description: 'One KEY=VALUE per line (e.g. accessKeyId=..., secretAccessKey=...). Write-only.',
            path: '/spec/credentials',
          },
        ],
        build: (v) => ({
          kind: 'CloudAccount',
          metadata: { name: str(v.name) ?? '' },
          spec: optional({
            provider: str(v.provider) ?? '',
            region: str(v.region),
            credentials: Object.fromEntries(
              (str(v.credentials) ?? '')
                .split('\n')
                .map((l) => l.trim())
                .filter(Boolean)
                .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
            ),
          }),
        }),
      }}
    />
  );
}

export function MacrosPage() {
  const { project } = useSession();
  const [scope, setScope] = useState('project');
  return (
    <ResourcePage<Obj>
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

export function AuditLogPage() {
  const { project } = useSession();
  const [scope, setScope] = useState('project');
  return (
    <ResourcePage<Obj>
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
