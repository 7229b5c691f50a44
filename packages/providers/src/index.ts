export * from './sandbox/index.js';
export * from './imported/index.js';
