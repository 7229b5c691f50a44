export * from './types.js';
export { Sandbox, type SandboxOptions, type CreatedCluster } from './sandbox.js';
export {
  REQUIRED_BINARIES,
  SETUP_HINT,
  availableKubernetesVersions,
  binaryPath,
  findBinarySet,
  listBinarySets,
  localk8sCacheDir,
  setupScriptPath,
  type BinaryManifest,
  type BinaryName,
  type BinarySet,
} from './binaries.js';
export { isDns1123Label, normalizeKubernetesVersion } from './names.js';
export { specIssues, validateClusterSpec } from './validate.js';
export { POOL_LABEL, CONTROL_PLANE_ROLE, DEFAULT_NODE_CAPACITY, isNodeReady, poolTaints } from './nodes.js';
export { KWOK_NODE_ANNOTATION } from './components.js';
export { defaultStateRoot } from './state.js';
export { ProcessSupervisor, type CompanionSpec, type CompanionStatus } from './companions.js';
export { pssBytes, rssBytes } from './process.js';
export {
  BinaryInstaller,
  type BinaryInstallerOptions,
  type InstallState,
  type InstallStatus,
} from './installer.js';
export { runSandboxCli, type CliIo } from './cli.js';
export { generatePki, generateServingPki, type ClusterPki, type PemPair } from './pki.js';
export { probe, waitUntil, type TlsMaterial } from './health.js';
export { freePorts } from './ports.js';
