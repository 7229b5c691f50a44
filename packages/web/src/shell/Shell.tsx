import {
  ActionIcon,
  AppShell,
  Burger,
  Group,
  Menu,
  NavLink,
  ScrollArea,
  Select,
  Text,
  Title,
  Tooltip,
  UnstyledButton,
  useComputedColorScheme,
  useMantineColorScheme,
} from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { ProjectKind } from '@strata/api';
import { Link, useRouterState } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import { useLiveList } from '../lib/queries';
import { sessionKeyName, useSession } from '../lib/session';

interface NavItem {
  to: string;
  label: string;
  exact?: boolean;
  /** Shown only to users with this permission (kind, verb) in the current project. */
  need?: [string, string];
}
const MAIN_NAV: NavItem[] = [
  { to: '/', label: 'Fleet dashboard', exact: true },
  { to: '/fleet', label: 'All projects' },
  { to: '/clusters', label: 'Clusters' },
  { to: '/import', label: 'Import cluster', need: ['cluster', 'create'] },
  { to: '/rollouts', label: 'Rollouts' },
  { to: '/profiles', label: 'Profiles' },
  { to: '/packs', label: 'Packs', exact: true },
  { to: '/packs/sources', label: 'Pack sources' },
];
const SETTINGS_NAV: NavItem[] = [
  { to: '/settings/projects', label: 'Projects' },
  { to: '/settings/users', label: 'Users' },
  { to: '/settings/roles', label: 'Roles' },
  { to: '/settings/rolebindings', label: 'Role bindings' },
  { to: '/settings/apikeys', label: 'API keys' },
  { to: '/settings/cloudaccounts', label: 'Cloud accounts' },
  { to: '/settings/gateways', label: 'Gateways' },
  { to: '/settings/macros', label: 'Macros' },
  { to: '/settings/audit', label: 'Audit log' },
];

function ThemeToggle() {
  const { setColorScheme } = useMantineColorScheme();
  const computed = useComputedColorScheme('light', { getInitialValueInEffect: true });
  const next = computed === 'dark' ? 'light' : 'dark';
  return (
    <Tooltip label={`Switch to the ${next} theme`}>
      <ActionIcon
        variant="default"
        size="lg"
        aria-label={`Switch to the ${next} theme`}
        onClick={() => setColorScheme(next)}
      >
        <span aria-hidden="true">{computed === 'dark' ? '☀' : '☾'}</span>
      </ActionIcon>
    </Tooltip>
  );
}

function ProjectSwitcher() {
  const { project, setProject, permissions } = useSession();
  const projects = useLiveList(ProjectKind, { live: false });
  const names = new Set<string>([project, ...Object.keys(permissions?.projects ?? {})]);
  for (const p of projects.data?.items ?? []) names.add(p.metadata.name);
  return (
    <Select
      aria-label="Project"
      data={[...names].sort()}
      value={project}
      onChange={(v) => v && setProject(v)}
      allowDeselect={false}
      searchable
      w={180}
      size="sm"
      comboboxProps={{ withinPortal: true }}
    />
  );
}

function UserMenu() {
  const { session, client, signOut } = useSession();
  if (!session) return null;
  const endSession = () => {
    const name = sessionKeyName(session.token);
    // The session key is deleted on the server (best effort), then forgotten here.
    const done = () => signOut();
    if (name) client.delete('ApiKey', name).then(done, done);
    else done();
  };
  return (
    <Menu position="bottom-end" withinPortal>
      <Menu.Target>
        <UnstyledButton aria-label={`User menu for ${session.user}`} px="xs">
          <Text size="sm" fw={500}>
            {session.user}
          </Text>
        </UnstyledButton>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>Tenant {session.tenant}</Menu.Label>
        <Menu.Item component={Link} to="/settings/apikeys">
          My API keys
        </Menu.Item>
        <Menu.Item onClick={endSession} color="red">
          Sign out
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}

function Nav({ items, onNavigate }: { items: NavItem[]; onNavigate: () => void }) {
  const pathname = useRouterState({ select: (s) => s.location.pathname });
  const { can } = useSession();
  return items
    .filter((item) => !item.need || can(...item.need))
    .map((item) => {
      const active = item.exact
        ? pathname === item.to
        : pathname === item.to || pathname.startsWith(`${item.to}/`);
      return (
        <NavLink
          key={item.to}
          component={Link}
          to={item.to}
          label={item.label}
          active={active && !(item.to === '/packs' && pathname.startsWith('/packs/sources'))}
          aria-current={active ? 'page' : undefined}
          onClick={onNavigate}
        />
      );
    });
}

/** The frame of every signed-in page: header (project, theme, user), navigation, main content. */
export function Shell({ children }: { children: ReactNode }) {
  const [opened, { toggle, close }] = useDisclosure();
  return (
    <AppShell
      header={{ height: 56 }}
      navbar={{ width: 230, breakpoint: 'sm', collapsed: { mobile: !opened } }}
      padding="md"
    >
      <a className="skip-link" href="#main">
        Skip to main content
      </a>
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger
              opened={opened}
              onClick={toggle}
              hiddenFrom="sm"
              size="sm"
              aria-label="Toggle navigation"
            />
            <Title order={2} size="h4">
              <Link to="/" style={{ color: 'inherit', textDecoration: 'none' }}>
                Strata
              </Link>
            </Title>
          </Group>
          <Group gap="sm" wrap="nowrap">
            <ProjectSwitcher />
            <ThemeToggle />
            <UserMenu />
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" aria-label="Main navigation" component="nav">
        <ScrollArea>
          <Nav items={MAIN_NAV} onNavigate={close} />
          <Text size="xs" fw={700} c="dimmed" tt="uppercase" mt="md" mb={4} px="sm">
            Settings
          </Text>
          <Nav items={SETTINGS_NAV} onNavigate={close} />
        </ScrollArea>
      </AppShell.Navbar>
      <AppShell.Main id="main" tabIndex={-1}>
        {children}
      </AppShell.Main>
    </AppShell>
  );
}
