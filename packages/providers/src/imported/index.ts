export { ImportedProvider, type ImportedProviderOptions } from './imported-provider.js';
export { parseImportKubeconfig, type ImportTarget } from './import-kubeconfig.js';
export { probeCluster, type ProbeOptions, type ProbeResult } from './probe.js';
