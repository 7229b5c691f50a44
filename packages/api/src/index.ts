export * from './errors.js';
export * from './meta.js';
export * from './paths.js';
export * from './kinds/index.js';
export * from './validate.js';
export * from './kinds/cluster.js';
export * from './diffs.js';
export * from './agent-protocol.js';
