import { Center, Loader } from '@mantine/core';
import {
  Outlet,
  createRootRoute,
  createRoute,
  createRouter,
  lazyRouteComponent,
} from '@tanstack/react-router';
import { SignIn } from './resources/auth/SignIn';
import { SsoCallback } from './resources/auth/SsoCallback';
import { SSO_CALLBACK_PATH } from './resources/auth/sso';
import { Dashboard } from './resources/dashboard/Dashboard';
import { Shell } from './shell/Shell';
import { useSession } from './lib/session';
import { NotFound } from './shell/NotFound';

function Root() {
  const { session } = useSession();
  if (!session) return window.location.pathname === SSO_CALLBACK_PATH ? <SsoCallback /> : <SignIn />;
  return (
    <Shell>
      <Outlet />
    </Shell>
  );
}

const rootRoute = createRootRoute({ component: Root, notFoundComponent: NotFound });

const page = <P extends string, T extends Record<string, unknown>>(
  path: P,
  load: () => Promise<T>,
  name: keyof T & string,
) => createRoute({ getParentRoute: () => rootRoute, path, component: lazyRouteComponent(load, name) });

const tabSearch = (s: Record<string, unknown>): { tab?: string } =>
  typeof s.tab === 'string' ? { tab: s.tab } : {};

// The landing page is in the entry bundle: no second round trip before the first list request.
const dashboard = createRoute({ getParentRoute: () => rootRoute, path: '/', component: Dashboard });
const fleet = page('/fleet', () => import('./resources/fleet/FleetView'), 'FleetView');
const clusters = page('/clusters', () => import('./resources/clusters/ClusterList'), 'ClusterList');
const newCluster = page(
  '/clusters/new',
  () => import('./resources/clusters/CreateClusterWizard'),
  'CreateClusterWizard',
);
const cluster = createRoute({
  getParentRoute: () => rootRoute,
  path: '/clusters/$name',
  validateSearch: tabSearch,
  component: lazyRouteComponent(() => import('./resources/clusters/ClusterDetail'), 'ClusterDetail'),
});
const IMPORT_STEPS = ['connect', 'discovery', 'profile', 'adopt'] as const;
const importWizard = createRoute({
  getParentRoute: () => rootRoute,
  path: '/import',
  validateSearch: (
    s: Record<string, unknown>,
  ): { cluster?: string; step?: (typeof IMPORT_STEPS)[number] } => ({
    ...(typeof s.cluster === 'string' && s.cluster ? { cluster: s.cluster } : {}),
    ...(IMPORT_STEPS.includes(s.step as never) ? { step: s.step as (typeof IMPORT_STEPS)[number] } : {}),
  }),
  component: lazyRouteComponent(() => import('./resources/import/ImportWizard'), 'ImportWizard'),
});
const rollouts = createRoute({
  getParentRoute: () => rootRoute,
  path: '/rollouts',
  // `prepare`: a Rollout (YAML) to open in the plan dialog (the dashboard's "Prepare rollout").
  validateSearch: (s: Record<string, unknown>): { prepare?: string } =>
    typeof s.prepare === 'string' && s.prepare.length <= 20_000 ? { prepare: s.prepare } : {},
  component: lazyRouteComponent(() => import('./resources/rollouts/RolloutList'), 'RolloutList'),
});
const profiles = page('/profiles', () => import('./resources/profiles/ProfileList'), 'ProfileList');
const newProfile = page('/profiles/new', () => import('./resources/profiles/NewProfile'), 'NewProfile');
const profile = createRoute({
  getParentRoute: () => rootRoute,
  path: '/profiles/$name',
  validateSearch: (s: Record<string, unknown>): { from?: string; to?: string } => ({
    ...(typeof s.from === 'string' ? { from: s.from } : {}),
    ...(typeof s.to === 'string' ? { to: s.to } : {}),
  }),
  component: lazyRouteComponent(() => import('./resources/profiles/ProfileDetail'), 'ProfileDetail'),
});
const profileVersion = page(
  '/profiles/$name/versions/$version',
  () => import('./resources/profiles/ProfileEditor'),
  'ProfileEditor',
);
const packs = page('/packs', () => import('./resources/packs/PackCatalog'), 'PackCatalog');
const packSources = page('/packs/sources', () => import('./resources/packs/PackSources'), 'PackSources');
const pack = page('/packs/$name', () => import('./resources/packs/PackDetail'), 'PackDetail');
// Settings: one folder per resource (as Headlamp does), each page loaded on its own.
const settingsRoutes = [
  page('/settings/projects', () => import('./resources/projects/ProjectList'), 'ProjectList'),
  page('/settings/users', () => import('./resources/users/UserList'), 'UserList'),
  page('/settings/roles', () => import('./resources/roles/RoleList'), 'RoleList'),
  page(
    '/settings/rolebindings',
    () => import('./resources/role-bindings/RoleBindingList'),
    'RoleBindingList',
  ),
  page('/settings/apikeys', () => import('./resources/api-keys/ApiKeyList'), 'ApiKeyList'),
  page(
    '/settings/cloudaccounts',
    () => import('./resources/cloud-accounts/CloudAccountList'),
    'CloudAccountList',
  ),
  page('/settings/gateways', () => import('./resources/gateways/GatewayList'), 'GatewayList'),
  page('/settings/macros', () => import('./resources/macros/MacroList'), 'MacroList'),
  page('/settings/audit', () => import('./resources/audit/AuditLog'), 'AuditLog'),
];

const routeTree = rootRoute.addChildren([
  dashboard,
  fleet,
  clusters,
  newCluster,
  cluster,
  importWizard,
  rollouts,
  profiles,
  newProfile,
  profile,
  profileVersion,
  packs,
  packSources,
  pack,
  ...settingsRoutes,
]);

export const router = createRouter({
  routeTree,
  defaultPendingComponent: () => (
    <Center p="xl">
      <Loader role="status" aria-label="Loading" />
    </Center>
  ),
  defaultPreload: 'intent',
  scrollRestoration: true,
});

declare module '@tanstack/react-router' {
  interface Register {
    router: typeof router;
  }
}
