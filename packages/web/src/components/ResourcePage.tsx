import {
  Button,
  Group,
  Modal,
  PasswordInput,
  Select,
  Stack,
  Table,
  TagsInput,
  Text,
  TextInput,
  Textarea,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import type { KindDefinition, Resource, ResourceInput } from '@strata/api';
import { useQueryClient } from '@tanstack/react-query';
import { useMemo, useState, type ReactNode } from 'react';
import { ConfirmDialog } from './ConfirmDialog';
import { PageHeader } from './PageHeader';
import { ProblemAlert } from './ProblemAlert';
import { issueAt } from '../lib/errors';
import { matchesSearch } from '../lib/format';
import { useLiveList } from '../lib/queries';
import { useSession } from '../lib/session';

export type FieldValue = string | string[];

export interface FieldDef {
  name: string;
  label: string;
  type?: 'text' | 'password' | 'tags' | 'select' | 'textarea';
  required?: boolean;
  options?: string[];
  description?: string;
  /** JSON pointer of the field in the request body, for the server's issues. */
  path: string;
}

export interface ColumnDef<T> {
  header: string;
  render: (item: T) => ReactNode;
}

export interface ResourcePageProps<T extends Resource> {
  kind: KindDefinition;
  title: string;
  description: string;
  /** Tenant scope (null) or the current project (undefined: the kind's default). */
  project?: string | null;
  columns: ColumnDef<T>[];
  searchText: (item: T) => (string | undefined)[];
  create?: {
    fields: FieldDef[];
    build: (values: Record<string, FieldValue>) => ResourceInput;
    onCreated?: (result: T & { key?: string }) => void;
  };
  /** Extra per-row actions. */
  actions?: (item: T) => ReactNode;
  deletable?: (item: T) => boolean;
  deleteNote?: string;
  headerExtra?: ReactNode;
}

function CreateModal({
  fields,
  onSubmit,
  onClose,
  title,
}: {
  fields: FieldDef[];
  onSubmit: (v: Record<string, FieldValue>) => Promise<unknown>;
  onClose: () => void;
  title: string;
}) {
  const [values, setValues] = useState<Record<string, FieldValue>>({});
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const set = (name: string, v: FieldValue) => setValues((x) => ({ ...x, [name]: v }));
  return (
    <Modal opened onClose={onClose} title={title} centered size="lg">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          setBusy(true);
          setError(undefined);
          onSubmit(values)
            .then(onClose, setError)
            .finally(() => setBusy(false));
        }}
      >
        <Stack>
          {fields.map((f, i) => {
            const common = {
              label: f.label,
              required: f.required,
              description: f.description,
              error: issueAt(error, f.path),
              'data-autofocus': i === 0 ? true : undefined,
            };
            const text = typeof values[f.name] === 'string' ? (values[f.name] as string) : '';
            switch (f.type) {
              case 'password':
                return (
                  <PasswordInput
                    key={f.name}
                    {...common}
                    value={text}
                    onChange={(e) => set(f.name, e.currentTarget.value)}
                    autoComplete="new-password"
                  />
                );
              case 'tags':
                return (
                  <TagsInput
                    key={f.name}
                    {...common}
                    value={(values[f.name] as string[] | undefined) ?? []}
                    onChange={(v) => set(f.name, v)}
                    data={f.options}
                  />
                );
              case 'select':
                return (
                  <Select
                    key={f.name}
                    {...common}
                    data={f.options ?? []}
                    value={text || null}
                    onChange={(v) => set(f.name, v ?? '')}
                    searchable
                  />
                );
              case 'textarea':
                return (
                  <Textarea
                    key={f.name}
                    {...common}
                    value={text}
                    onChange={(e) => set(f.name, e.currentTarget.value)}
                    autosize
                    minRows={3}
                  />
                );
              default:
                return (
                  <TextInput
                    key={f.name}
                    {...common}
                    value={text}
                    onChange={(e) => set(f.name, e.currentTarget.value)}
                  />
                );
            }
          })}
          <ProblemAlert error={error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={busy}>
              Create
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** A searchable list of one kind with create (a small form) and confirmed delete — the settings screens. */
export function ResourcePage<T extends Resource>(props: ResourcePageProps<T>) {
  const { client, project: current, can } = useSession();
  const queryClient = useQueryClient();
  const list = useLiveList<T>(props.kind, { project: props.project });
  const scope = props.project === null ? 'tenant' : 'project';
  const project =
    props.project === null
      ? undefined
      : (props.project ??
        (props.kind.scope === 'project' || props.kind.scope === 'tenant-or-project' ? current : undefined));
  const [search, setSearch] = useState('');
  const [creating, setCreating] = useState(false);
  const [deleting, setDeleting] = useState<T>();
  const kindName = props.kind.kind.toLowerCase();
  const items = useMemo(
    () =>
      (list.data?.items ?? []).filter((i) =>
        matchesSearch(search, [i.metadata.name, ...props.searchText(i)]),
      ),
    // searchText is a pure mapping given inline
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [list.data, search],
  );
  const mayDelete =
    !props.kind.readOnly &&
    can(kindName, 'delete', scope === 'tenant' || props.kind.scope === 'tenant' ? 'tenant' : 'project');
  const mayCreate =
    props.create &&
    can(kindName, 'create', scope === 'tenant' || props.kind.scope === 'tenant' ? 'tenant' : 'project');
  return (
    <Stack>
      <PageHeader
        title={props.title}
        description={props.description}
        actions={mayCreate && <Button onClick={() => setCreating(true)}>Create</Button>}
      />
      {props.headerExtra}
      <ProblemAlert error={list.error} />
      <TextInput label="Search" value={search} onChange={(e) => setSearch(e.currentTarget.value)} w={280} />
      <Table withTableBorder highlightOnHover aria-label={props.title}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Name</Table.Th>
            {props.columns.map((c) => (
              <Table.Th key={c.header}>{c.header}</Table.Th>
            ))}
            {(mayDelete || props.actions) && <Table.Th>Actions</Table.Th>}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {items.map((item) => (
            <Table.Tr key={item.metadata.name}>
              <Table.Td>{item.metadata.name}</Table.Td>
              {props.columns.map((c) => (
                <Table.Td key={c.header}>{c.render(item)}</Table.Td>
              ))}
              {(mayDelete || props.actions) && (
                <Table.Td>
                  <Group gap={4}>
                    {props.actions?.(item)}
                    {mayDelete && (props.deletable?.(item) ?? true) && (
                      <Button
                        size="compact-sm"
                        variant="subtle"
                        color="red"
                        aria-label={`Delete ${item.metadata.name}`}
                        onClick={() => setDeleting(item)}
                      >
                        Delete
                      </Button>
                    )}
                  </Group>
                </Table.Td>
              )}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {!list.isPending && items.length === 0 && (
        <Text c="dimmed">Nothing{search ? ' matches' : ' here yet'}.</Text>
      )}
      {creating && props.create && (
        <CreateModal
          title={`Create ${props.kind.kind}`}
          fields={props.create.fields}
          onClose={() => setCreating(false)}
          onSubmit={async (values) => {
            const created = await client.create<T & { key?: string }>(props.create!.build(values), {
              project,
            });
            await queryClient.invalidateQueries({ queryKey: ['list', props.kind.kind] });
            notifications.show({ message: `${props.kind.kind} ${created.metadata.name} created.` });
            props.create!.onCreated?.(created);
          }}
        />
      )}
      <ConfirmDialog
        opened={deleting !== undefined}
        onClose={() => setDeleting(undefined)}
        title={`Delete ${props.kind.kind} ${deleting?.metadata.name ?? ''}?`}
        typeToConfirm={deleting?.metadata.name}
        confirmLabel="Delete"
        danger
        onConfirm={async () => {
          await client.delete(props.kind, deleting!.metadata.name, { project });
          await queryClient.invalidateQueries({ queryKey: ['list', props.kind.kind] });
        }}
      >
        <Text size="sm">{props.deleteNote ?? 'This cannot be undone.'}</Text>
      </ConfirmDialog>
    </Stack>
  );
}
