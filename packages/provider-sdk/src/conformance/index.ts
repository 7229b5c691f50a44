// Imports node:test: kept out of the main entry so that production code never loads the test runner.
export { runProviderConformance, type ProviderConformanceOptions } from './run-provider-conformance.js';
export { converge, eventually, listNodes, pollPool, watchPool, withPool, type NodeView } from './helpers.js';
export { apiServerObserver, type ClusterObserver, type ObservedCluster, type PoolWatch } from './observer.js';
