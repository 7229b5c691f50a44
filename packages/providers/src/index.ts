export * from './sandbox/index.js';
export * from './imported/index.js';
export * from './capi/index.js';
