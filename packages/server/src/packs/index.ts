export * from './catalog-loader.js';
export * from './helm-index.js';
