// @strata/core: the pure domain (no I/O: no files, network or clock). Each area exports from its own folder.
export * from './util/json.js';
export * from './yaml/index.js';
export * from './values/index.js';
export * from './template/index.js';
export * from './packs/index.js';
export * from './profiles/index.js';
export * from './clusters/index.js';
export * from './import/index.js';
export * from './net/index.js';
export * from './palette/index.js';
