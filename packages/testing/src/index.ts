export {
  testBackends,
  sqliteTestDatabase,
  postgresTestDatabase,
  type TestBackend,
  type TestDatabase,
} from '@strata/store';
export { FakeClock } from './fake-clock.js';
export {
  useSandboxCluster,
  requireSandboxBinaries,
  type SandboxClusterFixture,
  type SandboxClusterOptions,
} from './sandbox-fixture.js';
export { kubeconfigAttacks, kubeconfigNullEntries, type KubeconfigAttack } from './kubeconfig-attacks.js';
export {
  StallGuard,
  EventLoopStallError,
  type StallGuardOptions,
  type StallMeasurement,
} from './stall-guard.js';
