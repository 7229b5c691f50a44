export * from './cluster-spec-issues.js';
export * from './plan-cluster-change.js';
export * from './update-strategy.js';
export * from './pending-repave.js';
