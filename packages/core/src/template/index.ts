export * from './parse-template.js';
export * from './render-template.js';
export * from './system-values.js';
