export * from './report.js';
export * from './macros.js';
export * from './values.js';
export * from './schema-hints.js';
export * from './convert-pack.js';
export * from './hcl.js';
export * from './profile-source.js';
export * from './convert-profile.js';
