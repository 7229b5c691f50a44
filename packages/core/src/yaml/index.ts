export * from './load-yaml.js';
export * from './emit-yaml.js';
export * from './yaml-cache.js';
