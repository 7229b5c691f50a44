export * from './coalesce-values.js';
export * from './value-path.js';
