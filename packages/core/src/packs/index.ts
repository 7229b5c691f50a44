export * from './pack.js';
export * from './load-pack.js';
export * from './validate-pack.js';
export * from './presets.js';
export * from './pack-catalog.js';
export * from './values-schema.js';
export * from './manifest-objects.js';
