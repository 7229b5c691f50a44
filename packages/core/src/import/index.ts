export * from './generate-profile.js';
export * from './clean-object.js';
