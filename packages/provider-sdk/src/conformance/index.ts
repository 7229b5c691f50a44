// Imports node:test: kept out of the main entry so that production code never loads the test runner.
export { runProviderConformance, type ProviderConformanceOptions } from './run-provider-conformance.js';
export { converge, listNodes, watchPool, withPool, type NodeView } from './helpers.js';
